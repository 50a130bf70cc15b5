// The environment registry (envs/mod.ts) and the VecEnv adapters (locomotion, Craftax-Classic): shapes and
// types, auto-reset, truncation at the time limit, action validation; and short ED-PPO runs on Ant and Craftax.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import {
  type CraftaxClassicVecEnv,
  ENV_NAMES,
  LocomotionVecEnv,
  makeRunEnv,
  makeVecEnv,
} from "../envs/mod.ts";
import { CraftaxClassic } from "../envs/craftax/mod.ts";
import type { VecEnv, VecEnvStep } from "../lib/rl/vec_env.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { defaultRlOptions, ppoDefaults, RL_ENVS, type RlOptions } from "../lib/rl/options.ts";
import { runRl } from "../lib/rl/run.ts";
import { readCsv } from "../lib/io/csv.ts";

const cpu = new CpuBackend();

/** Checks one step's arrays against the contract. */
function checkStep(env: VecEnv, n: number, r: VecEnvStep): void {
  assert.ok(r.obs instanceof Float32Array && r.obs.length === n * env.obsSize);
  assert.ok(r.obs.every(Number.isFinite), `${env.name}: finite observations`);
  assert.ok(r.rewards instanceof Float32Array && r.rewards.length === n);
  assert.ok(r.rewards.every(Number.isFinite));
  assert.ok(r.dones instanceof Uint8Array && r.dones.length === n);
  assert.ok(r.truncations instanceof Uint8Array && r.truncations.length === n);
  for (let i = 0; i < n; i++) {
    assert.ok(r.dones[i] === 0 || r.dones[i] === 1);
    assert.ok(r.truncations![i] <= r.dones[i], "truncations are a subset of dones");
  }
}

const LOCOMOTION = [["ant", 27, 8], ["halfcheetah", 17, 6], ["humanoid", 244, 17]] as const;

Deno.test("rl/envs: locomotion adapters have Brax's sizes and honour the contract's types", () => {
  for (const [name, obs, act] of LOCOMOTION) {
    const env = makeVecEnv(name);
    assert.equal(env.name, name);
    assert.equal(env.obsSize, obs);
    assert.deepEqual(env.actionSpace, { kind: "continuous", size: act });
    assert.equal(env.maxEpisodeSteps, 1000);
    assert.equal(env.numEnvs, 0);
    const o = env.reset(3, 4);
    assert.equal(env.numEnvs, 4);
    assert.ok(o instanceof Float32Array && o.length === 4 * obs);
    const a = new Float32Array(4 * act);
    for (let t = 0; t < 3; t++) {
      a.forEach((_, i) => (a[i] = Math.sin(i + t)));
      checkStep(env, 4, env.step(a));
    }
  }
});

Deno.test("rl/envs: locomotion truncates at a shortened time limit and auto-resets to the first state", () => {
  for (const [name] of LOCOMOTION) {
    const env = makeVecEnv(name, { episodeLength: 5 });
    assert.equal(env.maxEpisodeSteps, 5);
    const first = env.reset(7, 3).slice();
    const size = env.actionSpace.kind === "continuous" ? env.actionSpace.size : 0;
    const a = new Float32Array(3 * size); // zero torque: nobody falls within 5 steps
    for (let episode = 0; episode < 2; episode++) {
      for (let t = 1; t <= 5; t++) {
        const r = env.step(a);
        checkStep(env, 3, r);
        const expected = t === 5 ? 1 : 0;
        assert.deepEqual([...r.dones], [expected, expected, expected], `${name} dones at step ${t}`);
        assert.deepEqual([...r.truncations!], [expected, expected, expected], `${name} truncations at ${t}`);
        if (t === 5) assert.deepEqual(r.obs, first, `${name}: the next episode starts from the first state`);
      }
    }
  }
});

Deno.test("rl/envs: halfcheetah (no termination) truncates at exactly 1000 steps", () => {
  const env = makeVecEnv("halfcheetah");
  const first = env.reset(0, 2).slice();
  const a = new Float32Array(2 * 6).fill(0.3);
  for (let t = 1; t <= 1000; t++) {
    const r = env.step(a);
    if (t < 1000) assert.ok(r.dones.every((d) => d === 0), `no done at step ${t}`);
    else {
      assert.deepEqual([...r.dones], [1, 1]);
      assert.deepEqual([...r.truncations!], [1, 1]);
      assert.deepEqual(r.obs, first);
    }
  }
});

Deno.test("rl/envs: ant termination is a done without truncation, followed by auto-reset", () => {
  const env = new LocomotionVecEnv("ant");
  const first = env.reset(1, 2).slice();
  // Lift env 1's torso above the healthy range: it terminates on the next step.
  env.env.q[15 + 2] = 1.5;
  const r = env.step(new Float32Array(16));
  assert.deepEqual([...r.dones], [0, 1]);
  assert.deepEqual([...r.truncations!], [0, 0]);
  assert.deepEqual(r.obs.subarray(27), first.subarray(27));
});

Deno.test("rl/envs: locomotion rejects bad actions and bad limits", () => {
  const env = makeVecEnv("ant");
  assert.throws(() => env.step(new Float32Array(8)), /reset/);
  env.reset(0, 2);
  assert.throws(() => env.step(new Int32Array(16)), TypeError);
  assert.throws(() => env.step(new Float32Array(15)), /15 actions for 2 environments × 8/);
  const a = new Float32Array(16);
  a[9] = 1.5;
  assert.throws(() => env.step(a), /action 1.5 at env 1, index 1 is not in \[-1, 1\]/);
  a[9] = NaN;
  assert.throws(() => env.step(a), /NaN/);
  a[9] = -1;
  env.step(a); // the bounds themselves are fine
  assert.throws(() => makeVecEnv("ant", { episodeLength: 0 }), /episodeLength/);
  assert.throws(() => makeVecEnv("humanoid", { episodeLength: 1001 }), /episodeLength/);
  assert.throws(() => makeVecEnv("cartpole", { episodeLength: 10 }), /only/);
});

Deno.test("rl/envs: craftax-classic adapter: sizes, types, auto-reset, no truncation before the limit", () => {
  const env = makeVecEnv("craftax-classic") as CraftaxClassicVecEnv;
  assert.equal(env.obsSize, 1345);
  assert.deepEqual(env.actionSpace, { kind: "discrete", n: 17 });
  assert.equal(env.maxEpisodeSteps, 10_000);
  assert.throws(() => env.step(new Int32Array(4)), /reset/);
  const n = 8;
  const o = env.reset(0, n);
  assert.ok(o instanceof Float32Array && o.length === n * 1345);
  assert.throws(() => env.step(new Float32Array(n)), TypeError);
  // Seeds map to disjoint worlds: env i of seed s is the JAX world PRNGKey(s·n + i).
  const raw = new CraftaxClassic();
  assert.deepEqual(o, raw.reset(0, n));
  const other = makeVecEnv("craftax-classic").reset(1, n).slice();
  assert.deepEqual(other, raw.reset(n, n));
  assert.notDeepEqual(other.subarray(0, 1345), o.subarray(1345, 2 * 1345));
  assert.throws(() => env.step(new Int32Array(n - 1)), RangeError);
  assert.throws(() => env.step(new Int32Array(n).fill(17)), /not an integer in \[0, 17\)/);
  // Random actions until some world ends (random agents die within a few hundred steps).
  let state = 12345, dones = 0;
  const a = new Int32Array(n);
  for (let t = 0; t < 3000 && dones === 0; t++) {
    for (let i = 0; i < n; i++) a[i] = (state = (state * 1103515245 + 12345) >>> 0) % 17;
    const r = env.step(a);
    checkStep(env, n, r);
    for (let i = 0; i < n; i++) {
      if (!r.dones[i]) continue;
      dones++;
      assert.equal(r.truncations![i], 0, "death is a termination");
      assert.equal(env.env.state.timestep[i], 0, "the world was reset inside step");
      assert.equal(env.finishedAchievements.length, n * 22);
    }
  }
  assert.ok(dones > 0, "some episode ended");
});

async function assertDaleanNonNegative(ppo: PpoLearner, label: string): Promise<void> {
  for (const net of [ppo.policy, ppo.value]) {
    for (const p of net.params) {
      if (!p.dalean) continue;
      const w = await p.value.readF32();
      const min = w.reduce((x, y) => Math.min(x, y), Infinity);
      assert.ok(min >= 0, `${label}: ${p.name} has a weight ${min} < 0`);
    }
  }
}

for (const env of ["ant", "craftax-classic"] as const) {
  Deno.test(`rl/envs: a short ED-PPO run on ${env} has finite losses and Dalean weights >= 0`, async () => {
    const options = {
      ...ppoDefaults(env, "ed-ppo"),
      numEnvs: 4,
      unrollLength: 16,
      batchSize: 1,
      numMinibatches: 4,
      updateEpochs: 2,
    };
    if (env === "craftax-classic") {
      options.policy = { ...options.policy, hidden: [32, 32] };
      options.value = { ...options.value, hidden: [32, 32] };
    }
    const ppo = new PpoLearner(cpu, makeVecEnv(env), options, 2);
    try {
      for (let it = 1; it <= 3; it++) {
        const m = await ppo.iteration();
        assert.equal(m.envSteps, it * 64);
        for (const k of ["policyLoss", "valueLoss", "entropy", "approxKl"] as const) {
          assert.ok(Number.isFinite(m[k]), `${env} ${k} = ${m[k]} at iteration ${it}`);
        }
        assert.equal(m.policyNegativeFraction + m.valueNegativeFraction, 0);
        await assertDaleanNonNegative(ppo, `${env} iteration ${it}`);
      }
    } finally {
      ppo.dispose();
    }
  });
}

Deno.test("rl/envs: runRl trains and evaluates on ant with a shortened time limit", async () => {
  const o: RlOptions = {
    ...defaultRlOptions("ant", "ed-ppo"),
    iterations: 2,
    evalEpisodes: 2,
    episodeLength: 20,
  };
  o.ppo = { ...o.ppo, numEnvs: 4, unrollLength: 16, batchSize: 2, numMinibatches: 2, updateEpochs: 1 };
  const env = makeRunEnv(o);
  assert.ok(env instanceof LocomotionVecEnv && env.maxEpisodeSteps === 20);
  const outDir = await Deno.makeTempDir();
  const s = await runRl({ ...o, outDir }, { backend: cpu, makeEnv: makeRunEnv, log: null });
  const rows = await readCsv(`${s.dir}/metrics.csv`);
  assert.equal(rows.length, 2);
  assert.ok(Number.isFinite(s.finalEvalReturn), `eval return ${s.finalEvalReturn}`);
  assert.ok(Number(rows[1].episodes) > 0, "episodes end at the 20-step limit");
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("rl/envs: the registry builds every environment the RL configs name, and only those", () => {
  assert.deepEqual([...ENV_NAMES].sort(), [...RL_ENVS].sort());
  for (const name of ENV_NAMES) assert.equal(makeVecEnv(name).name, name);
  assert.throws(() => makeVecEnv("walker"), /unknown environment "walker"; choose one of cartpole/);
});
