/**
 * Algorithms × seeds on one RL environment from a YAML file, then a summary: final evaluation return per
 * run, mean ± std per algorithm, Welch's t-test against the baseline (ed-ppo), env steps/s, and SVG plots
 * of the training return per iteration (mean ± std over seeds).
 *
 *   deno run -A lib/rl/compare.ts --config configs/rl_compare_cartpole.yaml [--set overrides.iterations=5]
 *     [--only ed-ppo,bp-ppo] [--fresh]
 *
 * The file:
 *
 *   name: CartPole, ED-PPO vs BP-PPO
 *   base: rl_cartpole.yaml              # an RL run config (configs/rl_*.yaml), relative to this file
 *   algos: [ed-ppo, bp-ppo, dfa-ppo]
 *   seeds: [0, 1, 2, 3, 4]
 *   baseline: ed-ppo
 *   overrides: { iterations: 30 }       # applied to every run
 *   algoOverrides:                      # applied to one algorithm's runs
 *     es: { iterations: 60 }
 *   outDir: runs/rl_compare_cartpole
 *
 * Each run writes <outDir>/<algo>_s<seed>.csv (per-iteration metrics) and, when finished,
 * <outDir>/<algo>_s<seed>.json; a finished run is read back instead of trained again (unless --fresh), so
 * re-running after a kill only trains what is missing. The summary is <outDir>/summary.md, summary.csv,
 * runs.csv, return.svg (training return per iteration) and eval_return.svg (with `evalEvery` > 0).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { applyOverrides, readYamlFile } from "../experiment/config.ts";
import {
  array,
  ConfigError,
  integer,
  invalid,
  object,
  oneOf,
  optional,
  type Schema,
  string,
  validate,
} from "../experiment/schema.ts";
import { formatP, summarize, type VariantSummary } from "../experiment/summary.ts";
import { bandSeries, lineChart } from "../experiment/svg.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { type CsvRow, toCsv } from "../io/csv.ts";
import { createBackend } from "../backend/mod.ts";
import type { Backend } from "../backend/backend.ts";
import { deepMerge, resolveRlConfig } from "./config.ts";
import { RL_ALGOS, type RlAlgo, type RlOptions } from "./options.ts";
import { runRl } from "./train.ts";

/** A parsed comparison file. */
export interface CompareConfig {
  name: string;
  base?: string;
  algos: RlAlgo[];
  seeds: number[];
  baseline: RlAlgo;
  overrides?: Record<string, unknown>;
  algoOverrides?: Record<string, unknown>;
  outDir: string;
}

function plainObject(
  doc: string,
  keys?: readonly string[],
): Schema<Record<string, unknown>> {
  return {
    type: "a map",
    doc,
    check(v, path) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        invalid(path, "must be a map of config keys");
      }
      if (keys) {
        for (const k of Object.keys(v)) {
          if (!keys.includes(k)) {
            invalid(`${path}.${k}`, `is not one of ${keys.join(", ")}`);
          }
        }
      }
      return v as Record<string, unknown>;
    },
  };
}

export const compareSchema: Schema<CompareConfig> = object({
  name: string({ default: "RL comparison", doc: "title of the summary" }),
  base: optional(
    string({ doc: "path of the base RL config, relative to this file" }),
  ),
  algos: array<RlAlgo>(oneOf(RL_ALGOS), {
    minItems: 1,
    default: ["ed-ppo", "bp-ppo"],
    doc: "algorithms to run",
  }),
  seeds: array(integer({ min: 0 }), {
    minItems: 1,
    default: [0, 1, 2, 3, 4],
    doc: "seeds per algorithm",
  }),
  baseline: oneOf(RL_ALGOS, {
    default: "ed-ppo",
    doc: "algorithm the others are tested against",
  }),
  overrides: optional(
    plainObject("overrides of the base config for every run"),
  ),
  algoOverrides: optional(
    plainObject("per-algorithm overrides: { <algo>: { ... } }", RL_ALGOS),
  ),
  outDir: string({
    default: "runs/rl_compare",
    doc: "folder for the runs and the summary",
  }),
});

/** Reads a comparison file and its base config; errors name the file and the key. */
export async function loadCompare(
  file: string,
  overrides: readonly string[] = [],
): Promise<{ compare: CompareConfig; base: unknown }> {
  const raw = applyOverrides(
    await readYamlFile(file),
    overrides,
    compareSchema as Schema<unknown>,
  );
  const label = overrides.length > 0 ? `${file} (with --set ${overrides.join(" ")})` : file;
  const compare = validate(compareSchema, raw, label);
  const base = compare.base ? await readYamlFile(join(dirname(file), compare.base)) : {};
  return { compare, base };
}

/** The options of one (algo, seed) run, validated; errors name the comparison file, the run and the key. */
export function compareRunOptions(
  file: string,
  compare: CompareConfig,
  base: unknown,
  algo: RlAlgo,
  seed: number,
): RlOptions {
  let raw = deepMerge(base ?? {}, compare.overrides ?? {});
  const perAlgo = compare.algoOverrides?.[algo];
  if (perAlgo !== undefined) raw = deepMerge(raw, perAlgo);
  raw = deepMerge(raw, {
    algo,
    seed,
    csv: join(compare.outDir, `${algo}_s${seed}.csv`),
  });
  return resolveRlConfig(raw, `${file} (${algo}, seed ${seed})`);
}

/** One finished run of a comparison. */
export interface CompareRun {
  algo: RlAlgo;
  seed: number;
  /** Final evaluation return (undiscounted, unscaled; mean over `evalEpisodes` episodes). */
  finalEvalReturn: number;
  /** Mean training return over the last 10% of iterations. */
  finalTrainReturn: number;
  envSteps: number;
  seconds: number;
  /** Training env steps per second of the whole run, evaluations included. */
  stepsPerSecond: number;
  /** Training env steps per second of the PPO/ES iterations alone (rollout + update, no evaluation). */
  trainStepsPerSecond: number;
  /** Per-iteration training return (mean of the last 20 episodes; NaN before the first). */
  returns: number[];
  /** Per-iteration evaluation return (NaN where there was no evaluation). */
  evalReturns: number[];
  /** Env steps at the end of each iteration. */
  steps: number[];
}

const finite = (
  x: unknown,
): number => (typeof x === "number" ? x : x === null ? NaN : Number(x));

async function readFinished(
  path: string,
  o: RlOptions,
): Promise<CompareRun | null> {
  try {
    const run = JSON.parse(await Deno.readTextFile(path)) as CompareRun & {
      iterations?: number;
    };
    if (run.iterations !== o.iterations) return null;
    run.returns = run.returns.map(finite);
    run.evalReturns = (run.evalReturns ?? run.returns.map(() => NaN)).map(
      finite,
    );
    run.trainStepsPerSecond = finite(run.trainStepsPerSecond ?? NaN);
    run.finalEvalReturn = finite(run.finalEvalReturn);
    run.finalTrainReturn = finite(run.finalTrainReturn);
    return run;
  } catch {
    return null;
  }
}

/** Trains (or reads back) every run of the comparison; `log` gets progress lines. */
export async function runCompare(
  file: string,
  compare: CompareConfig,
  base: unknown,
  backend: Backend,
  opts: {
    only?: readonly RlAlgo[];
    fresh?: boolean;
    log?: (line: string) => void;
    verbose?: boolean;
  } = {},
): Promise<CompareRun[]> {
  const log = opts.log ?? console.log;
  const algos = compare.algos.filter((a) => !opts.only || opts.only.includes(a));
  // Validate every run's options before training anything.
  const plan = algos.flatMap((algo) =>
    compare.seeds.map((seed) => ({
      algo,
      seed,
      o: compareRunOptions(file, compare, base, algo, seed),
    }))
  );
  await Deno.mkdir(compare.outDir, { recursive: true });
  const runs: CompareRun[] = [];
  for (const { algo, seed, o } of plan) {
    const resultPath = join(compare.outDir, `${algo}_s${seed}.json`);
    const done = opts.fresh ? null : await readFinished(resultPath, o);
    if (done) {
      log(
        `${algo} seed ${seed}: finished earlier, eval return ${done.finalEvalReturn.toFixed(1)}`,
      );
      runs.push(done);
      continue;
    }
    const s = await runRl(o, backend, opts.verbose ? log : () => {});
    const steps = s.rows.map((r) => Number(r.env_steps));
    const envSteps = steps.at(-1) ?? 0;
    const run: CompareRun = {
      algo,
      seed,
      finalEvalReturn: s.finalEvalReturn,
      finalTrainReturn: s.finalTrainReturn,
      envSteps,
      seconds: s.seconds,
      stepsPerSecond: envSteps / s.seconds,
      trainStepsPerSecond: envSteps /
        s.rows.reduce((a, r) => a + Number(r.seconds), 0),
      returns: s.rows.map((r) => finite(r.episode_return)),
      evalReturns: s.rows.map((r) => finite(r.eval_return)),
      steps,
    };
    await writeFileAtomic(
      resultPath,
      JSON.stringify({ ...run, iterations: o.iterations }) + "\n",
    );
    log(
      `${o.env} ${algo} seed ${seed}: eval return ${run.finalEvalReturn.toFixed(1)}, train return ${
        run.finalTrainReturn.toFixed(1)
      }, ${envSteps} env steps in ${run.seconds.toFixed(1)} s (${run.stepsPerSecond.toFixed(0)} steps/s)`,
    );
    runs.push(run);
  }
  return runs;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fx = (
  x: number,
  d = 1,
): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

/** Summary rows: mean ± std final eval return per algorithm and Welch's t-test against the baseline. */
export function summarizeRuns(
  runs: readonly CompareRun[],
  baseline: string,
): VariantSummary[] {
  return summarize(
    runs.map((r) => ({
      variant: r.algo,
      seed: r.seed,
      finalTestAcc: r.finalEvalReturn,
    })),
    baseline,
  );
}

/** The Markdown table of {@link summarizeRuns}, with the mean env steps/s of each algorithm's runs. */
export function compareMarkdownTable(
  rows: readonly VariantSummary[],
  runs: readonly CompareRun[],
  baseline: string,
): string {
  const lines = [
    `| algorithm | seeds | final eval return | Δ vs ${baseline} | Welch p vs ${baseline} | env steps | ` +
    "steps/s (all) | steps/s (iterations) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const mine = runs.filter((x) => x.algo === r.variant);
    const ret = r.n > 1 ? `${fx(r.mean)} ± ${fx(r.std)}` : fx(r.mean);
    const isBase = r.variant === baseline;
    const bm = rows.find((x) => x.variant === baseline)?.mean ?? NaN;
    const delta = isBase
      ? "—"
      : Number.isFinite(r.mean - bm)
      ? `${r.mean >= bm ? "+" : ""}${fx(r.mean - bm)}`
      : "n/a";
    lines.push(
      `| ${r.variant} | ${r.n} | ${ret} | ${delta} | ${isBase ? "—" : formatP(r.p)} | ${
        Math.round(mean(mine.map((x) => x.envSteps)))
      } | ${fx(mean(mine.map((x) => x.stepsPerSecond)), 0)} | ${
        fx(mean(mine.map((x) => x.trainStepsPerSecond)), 0)
      } |`,
    );
  }
  return lines.join("\n");
}

/** Writes summary.md, summary.csv, runs.csv and return.svg into `outDir`; returns the file paths. */
export async function writeCompareSummary(
  outDir: string,
  runs: readonly CompareRun[],
  opts: { title?: string; baseline?: string; notes?: string } = {},
): Promise<string[]> {
  const baseline = opts.baseline ?? "ed-ppo";
  const rows = summarizeRuns(runs, baseline);
  const files: string[] = [];
  const write = async (name: string, text: string) => {
    await writeFileAtomic(join(outDir, name), text);
    files.push(join(outDir, name));
  };
  const series = rows.map((r) => {
    const mine = runs.filter((x) => x.algo === r.variant);
    const longest = mine.reduce((
      a,
      b,
    ) => (b.returns.length > a.returns.length ? b : a));
    return bandSeries(
      r.variant,
      mine.map((x) => x.returns),
      longest.returns.map((_, i) => i + 1),
    );
  });
  const images: string[] = [];
  if (series.some((s) => s.y.some(Number.isFinite))) {
    await write(
      "return.svg",
      lineChart({
        series,
        title: "Training return per iteration (mean ± std over seeds)",
        xLabel: "iteration",
        yLabel: "episode return (last 20 episodes)",
      }),
    );
    images.push("![Training return per iteration](return.svg)");
  }
  // Evaluation returns at the iterations where every run of an algorithm was evaluated.
  const evalSeries = rows.flatMap((r) => {
    const mine = runs.filter((x) => x.algo === r.variant);
    const its = mine[0].evalReturns.map((_, i) => i).filter((i) =>
      mine.every((x) => Number.isFinite(x.evalReturns[i]))
    );
    return its.length
      ? [
        bandSeries(
          r.variant,
          mine.map((x) => its.map((i) => x.evalReturns[i])),
          its.map((i) => i + 1),
        ),
      ]
      : [];
  });
  if (evalSeries.some((s) => s.x.length > 1)) {
    await write(
      "eval_return.svg",
      lineChart({
        series: evalSeries,
        title: "Evaluation return (mean ± std over seeds)",
        xLabel: "iteration",
        yLabel: "evaluation return",
      }),
    );
    images.push("![Evaluation return per iteration](eval_return.svg)");
  }
  await write(
    "summary.csv",
    toCsv(
      rows.map((r): CsvRow => ({
        algo: r.variant,
        n: r.n,
        seeds: r.seeds.join(" "),
        mean_eval_return: r.mean,
        std_eval_return: r.std,
        welch_t: r.t,
        welch_df: r.df,
        welch_p: r.p,
        mean_steps_per_second: mean(
          runs.filter((x) => x.algo === r.variant).map((x) => x.stepsPerSecond),
        ),
        mean_iteration_steps_per_second: mean(
          runs.filter((x) => x.algo === r.variant).map((x) => x.trainStepsPerSecond),
        ),
      })),
    ),
  );
  await write(
    "runs.csv",
    toCsv(runs.map((r): CsvRow => ({
      algo: r.algo,
      seed: r.seed,
      final_eval_return: r.finalEvalReturn,
      final_train_return: r.finalTrainReturn,
      env_steps: r.envSteps,
      seconds: Number(r.seconds.toFixed(2)),
      steps_per_second: Math.round(r.stepsPerSecond),
      iteration_steps_per_second: Math.round(r.trainStepsPerSecond),
    }))),
  );
  await write(
    "summary.md",
    [
      `# ${opts.title ?? "RL comparison"}`,
      "",
      `Final evaluation return over seeds (mean ± sample std; undiscounted, unscaled rewards). Δ: difference ` +
      `of means against \`${baseline}\`. p: two-sided Welch's t-test against \`${baseline}\`. steps/s: training ` +
      `env steps per second of the whole run (all: evaluation included; iterations: rollout + update only).`,
      "",
      compareMarkdownTable(rows, runs, baseline),
      "",
      ...(opts.notes ? [opts.notes, ""] : []),
      ...images.flatMap((i) => [i, ""]),
    ].join("\n"),
  );
  return files;
}

export const COMPARE_USAGE = `Usage: deno run -A lib/rl/compare.ts --config <file> [options]
  -c, --config <file>     comparison YAML (e.g. configs/rl_compare_cartpole.yaml)
  --set <key.path=value>  override a key of the file, e.g. --set overrides.iterations=5 --set seeds=[0,1]
  --only <a,b>            run only these algorithms (the summary covers them)
  --fresh                 retrain runs that finished earlier
  --verbose               one line per training iteration`;

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      config: { type: "string", short: "c" },
      set: { type: "string", multiple: true },
      only: { type: "string" },
      fresh: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.config) {
    console.log(COMPARE_USAGE);
    Deno.exit(values.help ? 0 : 2);
  }
  const file = values.config;
  let only: RlAlgo[] | undefined;
  try {
    if (values.only !== undefined) {
      only = values.only.split(",").map((a) => a.trim()).filter(
        Boolean,
      ) as RlAlgo[];
      const bad = only.filter((a) => !(RL_ALGOS as readonly string[]).includes(a));
      if (only.length === 0 || bad.length > 0) {
        throw new ConfigError(
          "--only",
          "",
          `must list algorithms among ${RL_ALGOS.join(", ")}`,
        );
      }
    }
    const { compare, base } = await loadCompare(file, values.set ?? []);
    const backend = await createBackend("cpu");
    const runs = await runCompare(file, compare, base, backend, {
      only,
      fresh: values.fresh,
      verbose: values.verbose,
    });
    const env = runs.length ? compareRunOptions(file, compare, base, runs[0].algo, runs[0].seed).env : "?";
    const files = await writeCompareSummary(compare.outDir, runs, {
      title: `${compare.name} (${env})`,
      baseline: compare.baseline,
      notes: `Config: \`${file}\`${values.set?.length ? ` with \`--set ${values.set.join(" ")}\`` : ""}.`,
    });
    console.log(
      (await Deno.readTextFile(join(compare.outDir, "summary.md"))).split("\n")
        .slice(0, 12).join("\n"),
    );
    console.log(`wrote ${files.join(", ")}`);
    backend.dispose();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
}
