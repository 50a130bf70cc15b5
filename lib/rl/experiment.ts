/**
 * RL runs as an experiment task: each (algorithm, seed) is a `deno task rl` run in
 * <outDir>/<algo>_s<seed>, compared on the final evaluation return (undiscounted, unscaled rewards), with
 * env steps and throughput as extra columns and the training and evaluation returns per iteration as plots.
 *
 * @module
 */
import { join } from "node:path";
import { deepMerge } from "../config/overrides.ts";
import type { ExperimentTask, RunSlot, TaskContext } from "../experiment/task.ts";
import { runName } from "../experiment/task.ts";
import type { Metric, RunRecord } from "../experiment/summary.ts";
import { readCsv } from "../io/csv.ts";
import { resolveRlConfig } from "./config.ts";
import { ppoStepsPerIteration } from "./ppo_options.ts";
import { RL_ALGOS, type RlAlgo, type RlOptions } from "./options.ts";
import { type EnvFactory, RESULT_FILE, RESUMABLE_CHANGES, type RlRunResult, runRl } from "./run.ts";

/** The RL experiment's comparison metric: each run's final evaluation return (undiscounted, unscaled). */
export const EVAL_RETURN: Metric = {
  key: "eval_return",
  label: "final eval return",
  percent: false,
  digits: 1,
};

/**
 * Control rows an RL experiment may list beside the algorithms: each runs `algo` with `overrides` merged
 * under the experiment's own overrides. `bp-ppo-relu-rms` is BP-PPO on the nets the other rules use (ReLU +
 * RMS norm instead of Brax's swish), separating the rule from the architecture.
 */
export const RL_CONTROL_VARIANTS: Record<string, { algo: RlAlgo; overrides: Record<string, unknown> }> = {
  "bp-ppo-relu-rms": {
    algo: "bp-ppo",
    overrides: {
      ppo: {
        policy: { activation: { kind: "relu" }, rmsNorm: true },
        value: { activation: { kind: "relu" }, rmsNorm: true },
      },
    },
  },
};

/** A finished run's result.json, or null when the run has not finished its `iterations`. */
async function readFinished(dir: string, o: RlOptions): Promise<RlRunResult | null> {
  const text = await Deno.readTextFile(join(dir, RESULT_FILE)).catch(() => null);
  if (text === null) return null;
  const result = JSON.parse(text) as RlRunResult;
  return result.iterationLimit === o.iterations && result.envStepBudget === o.envSteps ? result : null;
}

/** Per-iteration rows of metrics.csv as numbers (NaN where a value is missing). */
function iterationsOf(rows: Record<string, string>[]): Record<string, number>[] {
  return rows.map((r) => ({
    iteration: Number(r.iteration),
    return: r.episode_return === "" ? NaN : Number(r.episode_return),
    evalReturn: r.eval_return === "" ? NaN : Number(r.eval_return),
  }));
}

/**
 * Mean achievements unlocked per training episode over the last tenth of the iterations (at least one),
 * episode-weighted: Σ over the `success_*` columns (each the fraction of that iteration's finished episodes
 * that unlocked it). NaN for an environment without episode flags or without finished episodes.
 */
export function achievementsPerEpisode(rows: Record<string, string>[]): number {
  const flags = Object.keys(rows[0] ?? {}).filter((k) => k.startsWith("success_"));
  if (!flags.length) return NaN;
  let episodes = 0, unlocked = 0;
  for (const row of rows.slice(rows.length - Math.max(1, Math.ceil(rows.length / 10)))) {
    const n = Number(row.episodes);
    if (!(n > 0)) continue;
    episodes += n;
    unlocked += n * flags.reduce((sum, k) => sum + Number(row[k]), 0);
  }
  return episodes ? unlocked / episodes : NaN;
}

/** A run's record from its result and its folder's metrics.csv. */
async function recordOf(variant: string, o: RlOptions, dir: string, result: RlRunResult): Promise<RunRecord> {
  const rows = await readCsv(join(dir, "metrics.csv")).catch(() => []);
  const achievements = achievementsPerEpisode(rows);
  return {
    variant,
    seed: o.seed,
    final: result.finalEvalReturn,
    perEpoch: iterationsOf(rows),
    extras: {
      ...(Number.isNaN(achievements) ? {} : { achievements }),
      envStepBudget: o.envSteps,
      envSteps: result.envSteps,
      stepsPerSecond: result.envSteps / result.seconds,
      iterationStepsPerSecond: result.envSteps / result.iterationSeconds,
    },
  };
}

/** The RL task; `makeEnv` builds each run's environment (envs/mod.ts's registry in the CLI). */
export function rlTask(makeEnv: EnvFactory): ExperimentTask<RlOptions> {
  const variantOf = new WeakMap<RlOptions, string>();
  return {
    name: "rl",
    variants: [...RL_ALGOS, ...Object.keys(RL_CONTROL_VARIANTS)],
    defaultBaseline: "ed-ppo",
    metric: EVAL_RETURN,
    variantLabel: "algorithm",
    epochKey: "iteration",
    plots: [
      {
        key: "return",
        title: "Training return per iteration (mean ± std over seeds)",
        yLabel: "episode return (last 20 episodes)",
      },
      {
        key: "evalReturn",
        title: "Evaluation return (mean ± std over seeds)",
        yLabel: "evaluation return",
        sparse: true,
      },
    ],
    columns: [
      {
        key: "achievements",
        label: "achievements per episode (last 10%)",
        csv: "mean_achievements_per_episode",
        digits: 2,
      },
      { key: "envStepBudget", label: "env-step budget", csv: "env_step_budget", digits: 0 },
      { key: "envSteps", label: "env steps", csv: "mean_env_steps", digits: 0 },
      { key: "stepsPerSecond", label: "steps/s (all)", csv: "mean_steps_per_second", digits: 0 },
      {
        key: "iterationStepsPerSecond",
        label: "steps/s (iterations)",
        csv: "mean_iteration_steps_per_second",
        digits: 0,
      },
    ],
    runConfig(raw: unknown, slot: RunSlot, label: string): RlOptions {
      const control = RL_CONTROL_VARIANTS[slot.variant];
      const algo = control?.algo ?? slot.variant;
      const run = { algo, seed: slot.seed, name: runName(slot), outDir: slot.outDir };
      const o = resolveRlConfig(deepMerge(control ? deepMerge(control.overrides, raw) : raw, run), label);
      variantOf.set(o, slot.variant);
      return o;
    },
    describe(o: RlOptions): string {
      const budget = o.envSteps > 0 ? `until ${o.envSteps} env steps` : "";
      if (o.algo === "es") {
        const length = budget || `${o.iterations} iterations`;
        return `${o.env}, ES ${length} (${2 * o.es.populationSize} episodes per iteration), policy ` +
          `${o.es.policy.hidden.join("-")}`;
      }
      const p = o.ppo, perIteration = ppoStepsPerIteration(p);
      const length = budget
        ? `${budget} (${perIteration} per iteration)`
        : `${o.iterations} iterations × ${perIteration} = ${o.iterations * perIteration} env steps`;
      return `${o.env}, PPO ${length}, policy ${p.policy.hidden.join("-")}, value ${
        p.value.hidden.join("-")
      }`;
    },
    backendOf: (o) => o.backend,
    resumableKeys: RESUMABLE_CHANGES,
    async readFinished(o: RlOptions): Promise<RunRecord | null> {
      const dir = join(o.outDir, o.name);
      const result = await readFinished(dir, o);
      return result ? await recordOf(variantOf.get(o) ?? o.algo, o, dir, result) : null;
    },
    async run(o: RlOptions, context: TaskContext): Promise<RunRecord> {
      const dir = join(o.outDir, o.name);
      let result = context.fresh ? null : await readFinished(dir, o);
      if (result) {
        context.log(`${o.name}: finished earlier, eval return ${result.finalEvalReturn.toFixed(1)}`);
      } else {
        const resume = !context.fresh &&
          await Deno.stat(join(dir, "checkpoint.safetensors")).then(() => true, () => false);
        result = await runRl(o, {
          backend: context.backend,
          makeEnv,
          log: context.verbose ? context.log : null,
          resume,
          overwrite: !resume,
        });
        context.log(
          `${o.env} ${o.name}: eval return ${result.finalEvalReturn.toFixed(1)}, train return ` +
            `${result.finalTrainReturn.toFixed(1)}, ${result.envSteps} env steps in ${
              result.seconds.toFixed(1)
            } s`,
        );
      }
      return await recordOf(variantOf.get(o) ?? o.algo, o, dir, result);
    },
  };
}
