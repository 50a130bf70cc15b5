// Shared fixtures of the sweep tests (tests/sweep_test.ts, tests/sweep_executors_test.ts): temp folders,
// a tiny classification sweep and fake finished runs.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify as toYaml } from "yaml";
import type { ExperimentTask } from "../lib/experiment/task.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { rlTask } from "../lib/rl/experiment.ts";
import { makeRunEnv } from "../envs/mod.ts";
import type { SweepPlan } from "../lib/sweep/plan.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const MNIST_BASE = join(ROOT, "configs/mnist_proposed.yaml");
export const CARTPOLE_BASE = join(ROOT, "configs/rl_cartpole.yaml");
export const tasks = (name: string) =>
  (name === "rl" ? rlTask(makeRunEnv) : classificationTask()) as ExperimentTask<unknown>;
export const quiet = () => {};

/** A temp folder with `files` (name → YAML value or text) written into it. */
export async function withFiles(
  files: Record<string, unknown>,
  fn: (dir: string) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sweep_test_" });
  try {
    for (const [name, value] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(dir, name)), { recursive: true });
      await Deno.writeTextFile(join(dir, name), typeof value === "string" ? value : toYaml(value));
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A classification sweep of `variants` × `seeds` (1 epoch) into <dir>/out. */
export function tinySweep(
  dir: string,
  variants: string[],
  seeds: number[],
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, "sweep.yaml");
  Deno.writeTextFileSync(
    file,
    toYaml({
      name: "tiny",
      outDir: join(dir, "out"),
      seeds,
      overrides: { backend: "cpu" },
      ...extra,
      experiments: {
        cls: {
          base: MNIST_BASE,
          variants,
          overrides: {
            epochs: 1,
            dataset: { name: "mnist", trainSubset: 300, testSubset: 200 },
            model: { hidden: [8] },
            rule: { lrMultipliers: [10, 1] },
          },
        },
      },
    }),
  );
  return file;
}

/** Writes a finished 1-epoch classification run (metrics.csv) with this final test accuracy. */
export async function fakeFinished(plan: SweepPlan, id: string, accuracy: number): Promise<void> {
  const run = plan.runs.find((r) => r.id === id)!;
  await Deno.mkdir(run.dir, { recursive: true });
  await Deno.writeTextFile(
    join(run.dir, "metrics.csv"),
    `epoch,test_accuracy,train_loss\n1,${accuracy},0.5\n`,
  );
}
