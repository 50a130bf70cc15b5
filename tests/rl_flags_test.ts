// Episode flags (Craftax's achievements): learners log each flag's success rate over the training episodes
// that ended in an iteration, and runs write one metrics.csv column per flag.
import assert from "assert";
import { join } from "node:path";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import type { ActionSpace, VecEnv, VecEnvStep } from "../lib/rl/vec_env.ts";
import { EpisodeFlagCounter } from "../lib/rl/vec_env.ts";
import { defaultRlOptions } from "../lib/rl/options.ts";
import { runRl } from "../lib/rl/run.ts";
import { readCsv } from "../lib/io/csv.ts";
import { achievementsPerEpisode } from "../lib/rl/experiment.ts";
import { CraftaxClassicVecEnv } from "../envs/craftax/vec_env.ts";

const cpu = new CpuBackend();

/** Episodes of 4 steps; flag "lucky" is set on episodes that end at an env index ≡ step count mod 2. */
class FlaggedEnv implements VecEnv {
  readonly name = "flagged";
  readonly obsSize = 4;
  readonly actionSpace: ActionSpace = { kind: "discrete", n: 2 };
  readonly maxEpisodeSteps = 4;
  readonly episodeFlagNames = ["lucky", "never"];
  numEnvs = 0;
  finishedEpisodeFlags = new Uint8Array(0);
  #t = 0;
  reset(_seed: number, numEnvs: number): Float32Array {
    this.numEnvs = numEnvs;
    this.#t = 0;
    return new Float32Array(numEnvs * 4);
  }
  step(): VecEnvStep {
    this.#t++;
    const n = this.numEnvs, dones = new Uint8Array(n).fill(this.#t % 4 === 0 ? 1 : 0);
    this.finishedEpisodeFlags = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) {
      if (dones[i] && (i + this.#t / 4) % 2 === 0) this.finishedEpisodeFlags[i * 2] = 1;
    }
    return { obs: new Float32Array(n * 4), rewards: new Float32Array(n).fill(1), dones, truncations: dones };
  }
}

Deno.test("rl/flags: the counter's rates over the episodes that ended; none without flags", () => {
  const env = new FlaggedEnv();
  env.reset(0, 4);
  const counter = new EpisodeFlagCounter(env);
  for (let t = 0; t < 8; t++) counter.record(env.step().dones);
  assert.deepEqual(counter.take(), { success_lucky: 0.5, success_never: 0 });
  assert.ok(Number.isNaN(counter.take().success_lucky), "no episode ended since the last take");
  const plain = { ...env, episodeFlagNames: undefined } as unknown as VecEnv;
  assert.deepEqual(new EpisodeFlagCounter(plain).take(), {});
});

Deno.test("rl/flags: PPO and ES runs write a success column per flag", async () => {
  const dir = await Deno.makeTempDir();
  for (const algo of ["bp-ppo", "es"] as const) {
    const o = { ...defaultRlOptions("cartpole", algo), iterations: 2, outDir: dir, evalEpisodes: 2 };
    o.ppo = { ...o.ppo, numEnvs: 4, unrollLength: 8, batchSize: 2, numMinibatches: 2, updateEpochs: 1 };
    o.es = { ...o.es, populationSize: 2 };
    const result = await runRl(o, { backend: cpu, makeEnv: () => new FlaggedEnv(), log: null });
    const rows = await readCsv(join(result.dir, "metrics.csv"));
    for (const row of rows) {
      assert.equal(row.success_never, "0", algo);
      assert.ok(
        Number(row.success_lucky) > 0 && Number(row.success_lucky) < 1,
        `${algo}: ${row.success_lucky}`,
      );
    }
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/flags: Craftax-Classic's flags are its 22 achievements", () => {
  const env = new CraftaxClassicVecEnv();
  assert.equal(env.episodeFlagNames.length, 22);
  assert.ok(
    env.episodeFlagNames.includes("collect_wood") && env.episodeFlagNames.includes("collect_diamond"),
  );
  env.reset(0, 2);
  env.step(new Int32Array(2));
  assert.equal(env.finishedEpisodeFlags.length, 2 * 22);
});

Deno.test("rl/flags: achievements per episode weigh the last tenth of the iterations by their episodes", () => {
  const row = (episodes: number, a: number, b: number) => ({
    episodes: String(episodes),
    success_a: String(a),
    success_b: String(b),
  });
  // 20 iterations: the last 2 count; 3 episodes at 1 + 0.5 and 1 episode at 0 + 0 give 4.5 / 4.
  const rows = [...Array.from({ length: 18 }, () => row(5, 0, 0)), row(3, 1, 0.5), row(1, 0, 0)];
  assert.equal(achievementsPerEpisode(rows), 4.5 / 4);
  assert.ok(Number.isNaN(achievementsPerEpisode([{ episodes: "3", eval_return: "1" }])), "no flags");
  assert.ok(Number.isNaN(achievementsPerEpisode([row(0, 0, 0)])), "no finished episodes");
  assert.ok(Number.isNaN(achievementsPerEpisode([])), "no rows");
});
