// ED-PPO: Dalean weights stay non-negative (some reach exactly 0), the non-Dalean variant goes negative,
// and ED-PPO clearly improves CartPole within a small budget (a random policy averages about 22).
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { ppoDefaults } from "../lib/rl/options.ts";

const cpu = new CpuBackend();

Deno.test("ed-ppo: Dalean weights stay >= 0 after every update; non-Dalean weights do not", async () => {
  for (const algo of ["ed-ppo", "ed-ppo-nondale"] as const) {
    const options = { ...ppoDefaults("cartpole", algo), numEnvs: 4, unrollLength: 32, batchSize: 1 };
    const ppo = new PpoLearner(cpu, new CartPole(), options, 1);
    let zeros = 0, negatives = 0;
    for (let it = 0; it < 4; it++) {
      const m = await ppo.iteration();
      for (const net of [ppo.policy, ppo.value]) {
        for (const p of net.params) {
          if (!p.dalean) continue;
          const w = await p.value.readF32();
          const min = w.reduce((a, b) => Math.min(a, b), Infinity);
          if (algo === "ed-ppo") {
            assert.ok(min >= 0, `${p.name} has a weight ${min} < 0 after iteration ${it}`);
          }
          negatives += w.filter((x) => x < 0).length;
        }
      }
      zeros = m.policyZeroFraction + m.valueZeroFraction;
      if (algo === "ed-ppo") assert.equal(m.policyNegativeFraction + m.valueNegativeFraction, 0);
    }
    if (algo === "ed-ppo") assert.ok(zeros > 0, "some Dalean weights are clamped at exactly 0");
    else assert.ok(negatives > 0, "without the clamp some weights become negative");
    ppo.dispose();
  }
});

Deno.test("ed-ppo: improves CartPole well beyond a random policy", async () => {
  const ppo = new PpoLearner(cpu, new CartPole(), ppoDefaults("cartpole", "ed-ppo"), 0);
  let best = 0, first = NaN;
  for (let it = 0; it < 90 && best <= 150; it++) {
    const m = await ppo.iteration();
    if (Number.isNaN(first) && m.episodes >= 10) first = m.episodeReturn;
    if (ppo.tracker.recent.length === ppo.tracker.window) best = Math.max(best, m.episodeReturn);
  }
  assert.ok(first < 60, `starts near random (${first})`);
  assert.ok(best > 150, `mean return over 20 episodes reached ${best}`);
  ppo.dispose();
});
