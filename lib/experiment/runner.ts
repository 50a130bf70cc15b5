/**
 * Variants × seeds from one experiment file (lib/experiment/config.ts), then a summary (Markdown, CSV, SVG
 * plots, Welch's t-tests), for classification and RL alike:
 *
 *   deno task experiment --config configs/mnist_ablation.yaml [--set overrides.epochs=2] [--only proposed,dfa]
 *
 * Every run's config is validated before anything trains. Each run lives in <outDir>/<variant>_s<seed>; a
 * finished run is read back instead of trained again and an interrupted one resumes from its checkpoint,
 * so re-running the command after a kill loses nothing. With `trainMissing: false` nothing trains: the
 * summary covers the runs that have finished and lists the others as missing (the sweep's aggregation,
 * lib/sweep/).
 *
 * @module
 */
import { createBackend } from "../backend/mod.ts";
import { ConfigError, UsageError } from "../config/schema.ts";
import { type LoadedExperiment, mergedRunConfig } from "./config.ts";
import type { ExperimentTask } from "./task.ts";
import { formatP, type RunRecord, type VariantSummary, writeSummary } from "./summary.ts";

/** How {@link runExperiment} runs an experiment. */
export interface ExperimentOptions {
  /** Run only these variants (a subset of the file's); the summary covers them. */
  only?: readonly string[];
  /** Train again runs that finished earlier. */
  fresh?: boolean;
  /** One line per epoch or iteration. */
  verbose?: boolean;
  /**
   * Train the runs that have not finished (default). With false, only finished runs are read back and the
   * summary lists the others as missing; no backend is created.
   */
  trainMissing?: boolean;
  /** Markdown added to the summary's notes (e.g. where the runs were trained). */
  notes?: string;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

/** The runs of an experiment, its summary rows and the files written. */
export interface ExperimentResult {
  /** One record per run, variant by variant. */
  records: RunRecord[];
  /** Runs that have not finished (only with `trainMissing: false`), in plan order. */
  missing: { variant: string; seed: number }[];
  /** The summary table's rows. */
  rows: VariantSummary[];
  /** Paths of summary.md, summary.csv, runs.csv and the plots. */
  files: string[];
}

/** The validated config of every run of the experiment, variant by variant, seeds within. */
export function planExperiment<C>(
  loaded: LoadedExperiment,
  task: ExperimentTask<C>,
  only?: readonly string[],
): { variant: string; seed: number; config: C }[] {
  const { label: file, experiment } = loaded;
  if (experiment.task !== task.name) {
    throw new ConfigError(file, "task", `is ${experiment.task}, but this is the ${task.name} runner`);
  }
  const known = (v: string) => task.variants.includes(v);
  experiment.variants.forEach((v, i) => {
    if (!known(v)) {
      throw new ConfigError(
        file,
        `variants[${i}]`,
        `must be one of ${task.variants.join(" | ")}, got "${v}"`,
      );
    }
  });
  for (const v of Object.keys(experiment.variantOverrides ?? {})) {
    if (!known(v)) {
      throw new ConfigError(file, `variantOverrides.${v}`, `is not one of ${task.variants.join(" | ")}`);
    }
  }
  const baseline = experiment.baseline ?? task.defaultBaseline;
  if (experiment.baseline !== undefined && !experiment.variants.includes(baseline)) {
    throw new ConfigError(
      file,
      "baseline",
      `must be one of the variants (${experiment.variants.join(", ")}), got "${baseline}"`,
    );
  }
  const unknown = (only ?? []).filter((v) => !experiment.variants.includes(v));
  if (unknown.length > 0 || (only && only.length === 0)) {
    throw new UsageError(`--only must list variants of ${file}: ${experiment.variants.join(", ")}`);
  }
  const variants = experiment.variants.filter((v) => !only || only.includes(v));
  return variants.flatMap((variant) => {
    const raw = mergedRunConfig(loaded, variant);
    return experiment.seeds.map((seed) => ({
      variant,
      seed,
      config: task.runConfig(
        raw,
        { variant, seed, outDir: experiment.outDir },
        `${file} (${variant}, seed ${seed})`,
      ),
    }));
  });
}

/** Runs (or reads back) every run of the experiment and writes the summary into its outDir. */
export async function runExperiment<C>(
  loaded: LoadedExperiment,
  task: ExperimentTask<C>,
  options: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const log = options.log ?? console.log;
  const { experiment } = loaded;
  const plan = planExperiment(loaded, task, options.only);
  const records: RunRecord[] = [];
  const missing: ExperimentResult["missing"] = [];
  let device: string | undefined;
  if (options.trainMissing === false) {
    for (const { variant, seed, config } of plan) {
      const record = await task.readFinished(config);
      if (record) records.push(record);
      else missing.push({ variant, seed });
    }
  } else {
    const backend = await createBackend(task.backendOf(plan[0].config));
    device = backend.deviceName;
    try {
      const context = { backend, log, fresh: options.fresh ?? false, verbose: options.verbose ?? false };
      for (const { config } of plan) records.push(await task.run(config, context));
    } finally {
      backend.dispose();
    }
  }
  const baseline = experiment.baseline ?? task.defaultBaseline;
  const set = loaded.overrides.length
    ? ` with \`${loaded.overrides.map((o) => `--set ${o}`).join(" ")}\``
    : "";
  const missingNote = missing.length === 0 ? [] : [
    `Missing (not finished, left out of the table): ${
      missing.map((r) => `\`${r.variant}_s${r.seed}\``).join(", ")
    }.`,
  ];
  // What the runs used, after every override: the title is the file's, the settings are these.
  const settings = new Map<string, string[]>();
  for (const { variant, config } of plan) {
    const d = task.describe(config);
    if (!settings.get(d)?.includes(variant)) settings.set(d, [...settings.get(d) ?? [], variant]);
  }
  const ran = [...settings].map(([d, vs]) => settings.size > 1 ? `${vs.join(", ")}: ${d}` : d).join("; ");
  const { rows, files } = await writeSummary(experiment.outDir, records, {
    title: experiment.name,
    baseline,
    metric: task.metric,
    columns: task.columns,
    variantLabel: task.variantLabel,
    plots: task.plots,
    epochKey: task.epochKey,
    notes: [
      `Runs: ${ran}. Config: \`${loaded.file}\`${set}; ${device ? `backend: ${device}; ` : ""}` +
      `seeds ${experiment.seeds.join(", ")}.`,
      ...missingNote,
      ...(options.notes ? [options.notes] : []),
    ].join("\n\n"),
  });
  if (task.report) files.push(...await task.report(records, experiment.outDir));
  const m = task.metric;
  for (const r of rows) {
    const value = (x: number) => (m.percent ? `${(100 * x).toFixed(m.digits)}%` : x.toFixed(m.digits));
    const delta = r.variant === baseline
      ? "(baseline)"
      : `Δ ${m.percent ? (100 * r.delta).toFixed(1) + " pp" : r.delta.toFixed(m.digits)}  p ${formatP(r.p)}`;
    log(`${r.variant.padEnd(16)} ${value(r.mean)} ± ${value(r.std)}  ${delta}`);
  }
  log(`summary: ${files.find((f) => f.endsWith("summary.md"))}`);
  return { records, missing, rows, files };
}
