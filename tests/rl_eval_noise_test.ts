// Evaluation draws from noise of its own: evaluating between iterations (PPO and ES) leaves training
// bit-identical, and ES evaluates the mode whenever it trains on the mode.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { Pendulum } from "../envs/classic/pendulum.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { EsLearner } from "../lib/rl/es.ts";
import { esDefaults, ppoDefaults } from "../lib/rl/options.ts";
import type { Learner } from "../lib/rl/learner.ts";
import type { VecEnv } from "../lib/rl/vec_env.ts";

const cpu = new CpuBackend();

/** Metrics of `iterations` iterations, with a stochastic evaluation after each when `evaluate`. */
async function trace(learner: Learner, env: () => VecEnv, iterations: number, evaluate: boolean) {
  const rows: string[] = [];
  for (let it = 0; it < iterations; it++) {
    const { seconds: _, ...m } = await learner.iteration() as unknown as Record<string, number>;
    rows.push(JSON.stringify(m));
    if (evaluate) await learner.evaluate(env(), 3, 100 + it, false);
  }
  learner.dispose();
  return rows;
}

Deno.test("rl/eval: PPO evaluation (stochastic, continuous and discrete) leaves training identical", async () => {
  const cases = [
    ["cartpole", () => new CartPole()],
    ["pendulum", () => new Pendulum()],
  ] as const;
  for (const [name, make] of cases) {
    const options = {
      ...ppoDefaults(name, "bp-ppo"),
      numEnvs: 4,
      unrollLength: 16,
      batchSize: 2,
      numMinibatches: 2,
    };
    const plain = await trace(new PpoLearner(cpu, make(), options, 3), make, 3, false);
    const evaluated = await trace(new PpoLearner(cpu, make(), options, 3), make, 3, true);
    assert.deepEqual(evaluated, plain, `${name}: evaluating changed training`);
  }
});

Deno.test("rl/eval: ES evaluation leaves training identical; stochastic evaluation is seeded", async () => {
  const options = { ...esDefaults("pendulum"), populationSize: 4 };
  const plain = await trace(new EsLearner(cpu, new Pendulum(), options, 1), () => new Pendulum(), 2, false);
  const evaluated = await trace(
    new EsLearner(cpu, new Pendulum(), options, 1),
    () => new Pendulum(),
    2,
    true,
  );
  assert.deepEqual(evaluated, plain);
  const es = new EsLearner(cpu, new Pendulum(), options, 1);
  const a = await es.evaluate(new Pendulum(), 2, 5, false),
    b = await es.evaluate(new Pendulum(), 2, 5, false);
  assert.equal(a, b, "same seed, same stochastic evaluation");
  assert.notEqual(a, await es.evaluate(new Pendulum(), 2, 5, true), "sampling differs from the mode");
  es.dispose();
});

Deno.test("rl/eval: ES trained on the mode (stochasticActions: false) evaluates the mode", async () => {
  const es = new EsLearner(cpu, new Pendulum(), { ...esDefaults("pendulum"), stochasticActions: false }, 4);
  const sampled = await es.evaluate(new Pendulum(), 2, 9, false);
  const mode = await es.evaluate(new Pendulum(), 2, 9, true);
  assert.equal(sampled, mode);
  es.dispose();
});
