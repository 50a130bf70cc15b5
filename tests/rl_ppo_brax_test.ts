// PPO's Brax semantics: trajectories of unrollLength steps, observation statistics updated before the
// update, values and GAE recomputed per minibatch with the current value net, and advantages normalised
// over the unmasked (not truncated) rows only.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { PpoLearner, ppoStepsPerIteration } from "../lib/rl/ppo.ts";
import { normalizeMasked } from "../lib/rl/gae.ts";
import { ppoDefaults } from "../lib/rl/options.ts";

const cpu = new CpuBackend();

Deno.test("ppo: advantages are normalised over unmasked rows; masked rows are 0", () => {
  const adv = Float32Array.of(1, 2, 3, 100, 5), mask = Float32Array.of(1, 1, 1, 0, 1);
  const out = normalizeMasked(adv, mask);
  const kept = [out[0], out[1], out[2], out[4]];
  const mean = kept.reduce((a, b) => a + b, 0) / 4;
  const variance = kept.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-5, `mean ${mean}, variance ${variance}`);
  assert.equal(out[3], 0);
  assert.ok(out[4] > out[2], "order kept");
  assert.deepEqual([...normalizeMasked(adv, new Float32Array(5))], [0, 0, 0, 0, 0]);
});

Deno.test("ppo: an iteration is batchSize·numMinibatches trajectories; statistics see them before the update", async () => {
  const o = {
    ...ppoDefaults("cartpole", "bp-ppo"),
    numEnvs: 4,
    unrollLength: 8,
    batchSize: 4,
    numMinibatches: 3,
  };
  assert.equal(ppoStepsPerIteration(o), 96);
  const ppo = new PpoLearner(cpu, new CartPole(), o, 0);
  const m = await ppo.iteration();
  assert.equal(m.envSteps, 96);
  assert.equal(ppo.normalizer.count, 96, "the normaliser took in every observation of the batch");
  // One minibatch of one epoch is evaluated before any step: its KL comes only from the statistics having
  // changed between the rollout and the update (Brax's order), so it is > 0 with normalisation, 0 without.
  for (const normalizeObservations of [true, false]) {
    const single = { ...o, numMinibatches: 1, batchSize: 12, updateEpochs: 1, normalizeObservations };
    const learner = new PpoLearner(cpu, new CartPole(), single, 0);
    await learner.iteration(); // the first rollout runs on raw observations (no statistics yet)
    const kl = (await learner.iteration()).approxKl;
    if (normalizeObservations) assert.ok(kl > 1e-7, `KL ${kl}`);
    else assert.ok(Math.abs(kl) < 1e-7, `KL ${kl}`);
    learner.dispose();
  }
  assert.throws(
    () => new PpoLearner(cpu, new CartPole(), { ...o, numEnvs: 5 }, 0),
    /batchSize·numMinibatches = 4·3 = 12 trajectories per iteration is not a multiple of numEnvs = 5/,
  );
  ppo.dispose();
});

/** Loss terms of `iterations` iterations on CartPole (categorical: no sampled entropy noise). */
async function losses(recompute: boolean, epochs: number, iterations: number): Promise<number[][]> {
  const o = {
    ...ppoDefaults("cartpole", "bp-ppo"),
    numEnvs: 4,
    unrollLength: 16,
    batchSize: 4,
    numMinibatches: 1,
    updateEpochs: epochs,
    recomputeAdvantages: recompute,
  };
  const ppo = new PpoLearner(cpu, new CartPole(), o, 3);
  const out: number[][] = [];
  for (let it = 0; it < iterations; it++) {
    const m = await ppo.iteration();
    out.push([m.policyLoss, m.valueLoss, m.entropy, m.approxKl]);
  }
  ppo.dispose();
  return out;
}

Deno.test("ppo: per-minibatch GAE uses the value net's current parameters", async () => {
  // One epoch of one minibatch: the value net has not moved yet, so recomputing changes nothing.
  const once = await losses(false, 1, 2), per = await losses(true, 1, 2);
  once.flat().forEach((x, k) =>
    assert.ok(Math.abs(x - per.flat()[k]) < 1e-4 * (1 + Math.abs(x)), `${x} vs ${per.flat()[k]}`)
  );
  // A second epoch: recomputed targets follow the updated value net, so the value loss differs.
  const [onceTwo] = await losses(false, 2, 1), [perTwo] = await losses(true, 2, 1);
  assert.ok(Math.abs(onceTwo[1] - perTwo[1]) > 1e-4 * onceTwo[1], `value loss ${onceTwo[1]} vs ${perTwo[1]}`);
});
