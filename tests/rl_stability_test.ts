// PPO stability at Brax's network sizes (policy 4×32, value 5×256) on HalfCheetah: with a reduced batch
// (64 envs, one update of 64 trajectories × 4 steps per iteration), 20 updates of each rule keep the
// approximate KL of every update below 1 and every loss finite. On the earlier tanh nets without norm,
// ED-PPO's first update at these sizes reached KL ~1e5 (issue 13; 2×64 nets were the workaround); with
// ReLU + RMS norm but the single-stream output scale it reached 34 (see netDefaults).
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { makeVecEnv } from "../envs/mod.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { BRAX_POLICY_HIDDEN, BRAX_VALUE_HIDDEN, ppoDefaults } from "../lib/rl/options.ts";
import { PPO_ALGOS } from "../lib/rl/nets.ts";

const cpu = new CpuBackend();
const UPDATES = 20;

for (const algo of PPO_ALGOS) {
  Deno.test(`rl/stability: ${algo} at Brax's sizes on HalfCheetah keeps KL < 1 for ${UPDATES} updates`, async () => {
    const defaults = ppoDefaults("halfcheetah", algo);
    assert.deepEqual(defaults.policy.hidden, BRAX_POLICY_HIDDEN);
    assert.deepEqual(defaults.value.hidden, BRAX_VALUE_HIDDEN);
    const options = {
      ...defaults,
      numEnvs: 64,
      unrollLength: 4,
      batchSize: 64,
      numMinibatches: 1,
      updateEpochs: 1,
    };
    const ppo = new PpoLearner(cpu, makeVecEnv("halfcheetah"), options, 0);
    try {
      const kls: number[] = [];
      for (let update = 1; update <= UPDATES; update++) {
        const m = await ppo.iteration();
        for (const k of ["policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction"] as const) {
          assert.ok(Number.isFinite(m[k]), `${algo}: ${k} = ${m[k]} at update ${update}`);
        }
        kls.push(m.approxKl);
        assert.ok(
          m.approxKl < 1,
          `${algo}: KL ${m.approxKl} at update ${update} (so far ${kls.map((x) => x.toExponential(1))})`,
        );
      }
      console.log(
        `  ${algo}: max KL ${Math.max(...kls).toExponential(2)}, last ${kls.at(-1)!.toExponential(2)}`,
      );
    } finally {
      ppo.dispose();
    }
  });
}
