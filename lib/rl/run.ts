/**
 * One RL training run from its options: the learner of `algo` (PPO with one of the four rules, or ES) on
 * the environment `makeEnv` builds, iterations with an evaluation every `evalEvery` (and at the end), one
 * CSV row and progress line per iteration, and a run folder <outDir>/<name> holding
 *
 *   config.yaml              the resolved options
 *   metrics.csv              per iteration: env steps, training and evaluation return, the learner's measures
 *   checkpoint.safetensors   networks, optimizer, normaliser and counters (every `checkpointEvery` and at the end)
 *   result.json              final returns, env steps and time, once the run has finished
 *   provenance.json          commit, Deno version and device of every start and resume
 *   return.svg               the learning curve: training and evaluation return against env steps
 *
 * A run ends after `iterations` iterations or, with an env-step budget (`envSteps` > 0), after the first
 * iteration that reaches the budget, whichever comes first; the last iteration is always evaluated.
 *
 * A killed run continues from its checkpoint with `resume` (its environments restart from fresh resets:
 * see {@link Learner.load}).
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backend/backend.ts";
import { appendCsvRow, type CsvRow, filterCsvRows, readCsv } from "../io/csv.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { CHECKPOINT_FILE, METRICS_FILE, openRunFolder } from "../io/run_folder.ts";
import { recordProvenance } from "../io/provenance.ts";
import type { RlOptions } from "./options.ts";
import type { VecEnv } from "./vec_env.ts";
import type { IterationMetrics, Learner } from "./learner.ts";
import { PpoLearner } from "./ppo.ts";
import { lineChart, PALETTE } from "../experiment/svg.ts";
import { EsLearner } from "./es.ts";

/** Builds a run's environment from its options (envs/mod.ts provides one: lib/ does not know the envs). */
export type EnvFactory = (options: RlOptions) => VecEnv;

/** How {@link runRl} runs: where it computes, which environments it builds, what it logs and reuses. */
export interface RlRunOptions {
  /** The backend the learner's nets compute on (e.g. `await createBackend(o.backend)`). */
  backend: Backend;
  /** Builds the training and the evaluation environment from the options: envs/mod.ts's `makeRunEnv`. */
  makeEnv: EnvFactory;
  /** One line per iteration; null for none. */
  log?: ((line: string) => void) | null;
  /**
   * Continue the run in <outDir>/<name> from its checkpoint (from scratch when it has none); only the keys in
   * {@link RESUMABLE_CHANGES} may differ from its config.yaml.
   */
  resume?: boolean;
  /** Replace the run files of an existing run of the same name (without it, such a run is refused). */
  overwrite?: boolean;
}

/** What result.json holds. */
export interface RlRunResult {
  /** The run folder, <outDir>/<name>. */
  dir: string;
  /** Mean training return over the last 10% of iterations (at least one). */
  finalTrainReturn: number;
  /** The evaluation return after the last iteration. */
  finalEvalReturn: number;
  /** Training env steps of the whole run (resumed runs included), evaluation episodes not counted. */
  envSteps: number;
  /** Iterations run. */
  iterations: number;
  /** The limits the run ran under: `iterations` and `envSteps` of its options (0: no budget). */
  iterationLimit: number;
  /** The options' `envSteps` budget (0: none). */
  envStepBudget: number;
  /** Wall time of the whole run (this call), evaluations included. */
  seconds: number;
  /** Seconds of the learner's iterations alone (rollout + update), over the whole run. */
  iterationSeconds: number;
}

/** The file of a run folder holding its {@link RlRunResult}, written once the run has finished. */
export const RESULT_FILE = "result.json";
/** What a resumed run may change: its length, evaluation cadence, where it computes, how often it saves. */
export const RESUMABLE_CHANGES = [
  "iterations",
  "envSteps",
  "evalEvery",
  "evalEpisodes",
  "backend",
  "checkpointEvery",
];

/** Whether a run with these options is over after an iteration that ended at `envSteps`. */
export function runIsOver(
  o: Pick<RlOptions, "iterations" | "envSteps">,
  iteration: number,
  envSteps: number,
): boolean {
  return iteration >= o.iterations || (o.envSteps > 0 && envSteps >= o.envSteps);
}

/** The learner an `algo` names. */
export function makeLearner(o: RlOptions, backend: Backend, env: VecEnv): Learner {
  if (o.algo === "es") return new EsLearner(backend, env, o.es, o.seed);
  return new PpoLearner(backend, env, { ...o.ppo, algo: o.algo }, o.seed);
}

const round = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The CSV row of an iteration: the shared columns first, then the learner's own measures. */
function csvRow(m: IterationMetrics, evalReturn: number): CsvRow {
  const { iteration, envSteps, episodeReturn, seconds, episodeFlags, ...rest } = m as
    & IterationMetrics
    & Record<string, number>;
  const row: CsvRow = {
    iteration,
    env_steps: envSteps,
    episode_return: round(episodeReturn),
    eval_return: round(evalReturn),
  };
  for (const [k, v] of Object.entries(rest)) row[snake(k)] = Number.isInteger(v) ? v : round(v);
  for (const [k, v] of Object.entries(episodeFlags ?? {})) row[k] = round(v);
  row.seconds = round(seconds);
  return row;
}

/**
 * Trains one run (or continues it with `resume`) into <outDir>/<name>; see the module doc for what it
 * writes. Throws before training when the folder holds another run or something the project did not make.
 *
 * @example A tiny ED-PPO run on CartPole into a temporary folder
 * ```ts
 * import { createBackend, loadRlConfig, makeRunEnv, runRl } from "@diffusing-blame/ed";
 * const outDir = await Deno.makeTempDir();
 * const options = loadRlConfig(undefined, [ // cartpole and ed-ppo by default, then `--set` overrides
 *   "iterations=3", `outDir=${outDir}`, "name=tiny", "evalEpisodes=4",
 *   "ppo.numEnvs=4", "ppo.unrollLength=16", "ppo.batchSize=2", "ppo.numMinibatches=2",
 *   "ppo.policy.hidden=[16]", "ppo.value.hidden=[16]",
 * ]);
 * const backend = await createBackend("cpu");
 * const result = await runRl(options, { backend, makeEnv: makeRunEnv, log: null });
 * console.log(result.envSteps); // 192: 3 iterations × 64 steps
 * console.log(result.finalEvalReturn); // the mean return of 4 evaluation episodes after the last iteration
 * console.log([...Deno.readDirSync(result.dir)].map((e) => e.name).sort()); // checkpoint.safetensors, ...
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function runRl(o: RlOptions, options: RlRunOptions): Promise<RlRunResult> {
  const log = options.log === undefined ? console.log : options.log;
  const { dir, resumed } = await openRunFolder(o.outDir, o.name, o, {
    resume: options.resume,
    overwrite: options.overwrite,
    mutableKeys: RESUMABLE_CHANGES,
  });
  const started = performance.now();
  const env = options.makeEnv(o), evalEnv = options.makeEnv(o);
  const learner = makeLearner(o, options.backend, env);
  const metricsPath = join(dir, METRICS_FILE), checkpoint = join(dir, CHECKPOINT_FILE);
  try {
    let start = 0;
    const rows: CsvRow[] = [];
    if (resumed) {
      await learner.load(checkpoint);
      start = learner.iterations;
      await filterCsvRows(metricsPath, (row) => Number(row.iteration) <= start);
      rows.push(...await readCsv(metricsPath));
      log?.(`resumed ${dir} after iteration ${start}`);
    }
    await recordProvenance(dir, options.backend, start);
    let finalEval = NaN, envSteps = Number(rows.at(-1)?.env_steps ?? 0);
    for (let it = start + 1; !runIsOver(o, it - 1, envSteps); it++) {
      const m = await learner.iteration();
      envSteps = m.envSteps;
      const last = runIsOver(o, it, envSteps);
      const evalNow = (o.evalEvery > 0 && it % o.evalEvery === 0) || last;
      const evalReturn = evalNow
        ? await learner.evaluate(evalEnv, o.evalEpisodes, 1_000_003 + it, o.deterministicEval)
        : NaN;
      if (evalNow) finalEval = evalReturn;
      const row = csvRow(m, evalReturn);
      rows.push(row);
      await appendCsvRow(metricsPath, row);
      const budget = o.envSteps > 0 ? `/${o.envSteps}` : "";
      log?.(
        `${o.env} ${o.algo} it ${it}/${o.iterations} steps ${m.envSteps}${budget} return ${
          m.episodeReturn.toFixed(1)
        }` +
          `${evalNow ? ` eval ${evalReturn.toFixed(1)}` : ""} ${learner.describe(m)} ${
            m.seconds.toFixed(2)
          }s`,
      );
      if ((o.checkpointEvery > 0 && it % o.checkpointEvery === 0) || last) {
        await learner.save(checkpoint);
        await writeCurve(dir, o, rows);
      }
    }
    if (!Number.isFinite(finalEval) && rows.length > 0) finalEval = Number(rows.at(-1)!.eval_return);
    const tail = rows.slice(-Math.max(1, Math.floor(rows.length / 10)))
      .map((r) => Number(r.episode_return)).filter((x) => Number.isFinite(x));
    const result: RlRunResult = {
      dir,
      finalTrainReturn: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN,
      finalEvalReturn: finalEval,
      envSteps,
      iterations: rows.length > 0 ? Number(rows.at(-1)!.iteration) : 0,
      iterationLimit: o.iterations,
      envStepBudget: o.envSteps,
      seconds: (performance.now() - started) / 1000,
      iterationSeconds: rows.reduce((a, r) => a + Number(r.seconds), 0),
    };
    await writeCurve(dir, o, rows);
    await writeFileAtomic(join(dir, RESULT_FILE), JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    learner.dispose();
  }
}

/** The learning curve file of a run folder. */
export const CURVE_FILE = "return.svg";

/** Writes return.svg: training return (last 20 episodes) and evaluation return against env steps. */
async function writeCurve(dir: string, o: RlOptions, rows: CsvRow[]): Promise<void> {
  const x = rows.map((r) => Number(r.env_steps));
  const column = (k: string) => rows.map((r) => (r[k] === "" || r[k] === undefined ? NaN : Number(r[k])));
  const evalReturn = column("eval_return");
  const evalX = x.filter((_, i) => Number.isFinite(evalReturn[i]));
  const svg = lineChart({
    title: `${o.env} ${o.algo} seed ${o.seed}`,
    xLabel: "env steps",
    yLabel: "undiscounted return",
    series: [
      { name: "training (last 20 episodes)", x, y: column("episode_return"), color: PALETTE[0] },
      { name: "evaluation", x: evalX, y: evalReturn.filter((v) => Number.isFinite(v)), color: PALETTE[1] },
    ],
  });
  await writeFileAtomic(join(dir, CURVE_FILE), svg);
}
