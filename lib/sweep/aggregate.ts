/**
 * The sweep's summaries from whatever has finished: each experiment's own summary (summary.md, summary.csv,
 * runs.csv, SVG plots, Welch's t-tests; lib/experiment/runner.ts without training) in <outDir>/<id>/, and
 * the sweep's in <outDir>/:
 *
 * - summary.md: every experiment's table, with its missing runs and why (failed with its log, queued, ...);
 * - summary.csv: one row per experiment and variant (experiment, variant, metric, n, seeds, mean, std,
 *   delta, welch_t, welch_df, welch_p; values in the metric's units, fractions for accuracies);
 * - runs.csv: one row per run (id, state, final metric when finished, detail, log).
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { toCsv } from "../io/csv.ts";
import { runExperiment } from "../experiment/runner.ts";
import { summaryMarkdownTable, type VariantSummary } from "../experiment/summary.ts";
import type { SweepPlan } from "./plan.ts";
import type { RunStatus, SweepStatus } from "./status.ts";
import { countStates } from "./status.ts";

/** What {@link aggregateSweep} wrote. */
export interface SweepSummary {
  /** Per experiment id: the table's rows. */
  /** Per experiment id: the table's rows. */
  rows: Map<string, VariantSummary[]>;
  /** Paths of every summary file written. */
  files: string[];
}

/** Writes every experiment's summary and the sweep's (see the module doc). */
export async function aggregateSweep(
  plan: SweepPlan,
  status: SweepStatus,
  log: (line: string) => void = console.log,
): Promise<SweepSummary> {
  const { config, file } = plan.sweep;
  const byId = new Map(status.runs.map((s) => [s.run.id, s]));
  const rows = new Map<string, VariantSummary[]>();
  const files: string[] = [];
  const md = [
    `# ${config.name}`,
    "",
    `Sweep \`${file}\`${
      plan.sweep.overrides.length
        ? ` with \`${plan.sweep.overrides.map((o) => `--set ${o}`).join(" ")}\``
        : ""
    }: ` +
    `${status.runs.length} runs, ${countStates(status)}. Each experiment's folder holds its own summary ` +
    "(plots, per-run figures); the tables below leave out the runs that have not finished.",
    "",
  ];
  const csv: Record<string, string | number>[] = [];
  for (const e of plan.experiments) {
    log(`--- ${e.id}: ${e.loaded.experiment.name}`);
    const result = await runExperiment(e.loaded, e.task, {
      trainMissing: false,
      notes: `Part of sweep \`${file}\` (${config.name}), experiment \`${e.id}\`.`,
      log,
    });
    files.push(...result.files);
    rows.set(e.id, result.rows);
    const baseline = e.loaded.experiment.baseline ?? e.task.defaultBaseline;
    const done = e.runs.length - result.missing.length;
    md.push(
      `## ${e.id}: ${e.loaded.experiment.name}`,
      "",
      `${done} of ${e.runs.length} runs finished; [summary](${e.id}/summary.md).`,
      "",
    );
    if (result.rows.length > 0) {
      md.push(
        summaryMarkdownTable(result.rows, {
          baseline,
          metric: e.task.metric,
          columns: e.task.columns,
          variantLabel: e.task.variantLabel,
        }),
        "",
      );
    }
    const missing = result.missing.map((m) => `${e.id}/${m.variant}_s${m.seed}`);
    if (missing.length > 0) {
      md.push(`Missing: ${missing.map((id) => describeMissing(id, byId.get(id))).join("; ")}.`, "");
    }
    for (const r of result.rows) {
      csv.push({
        experiment: e.id,
        variant: r.variant,
        metric: e.task.metric.key,
        n: r.n,
        seeds: r.seeds.join(" "),
        mean: r.mean,
        std: r.std,
        delta: r.delta,
        welch_t: r.t,
        welch_df: r.df,
        welch_p: r.p,
      });
    }
  }
  const write = async (name: string, text: string) => {
    await writeFileAtomic(join(config.outDir, name), text);
    files.push(join(config.outDir, name));
  };
  const columns = [
    "experiment",
    "variant",
    "metric",
    "n",
    "seeds",
    "mean",
    "std",
    "delta",
    "welch_t",
    "welch_df",
  ];
  await write("summary.csv", toCsv(csv, [...columns, "welch_p"]));
  await write(
    "runs.csv",
    toCsv(
      status.runs.map((s) => ({
        run: s.run.id,
        experiment: s.run.experiment,
        variant: s.run.variant,
        seed: s.run.seed,
        state: s.state,
        final: s.record?.final,
        detail: s.detail,
        log: s.log,
      })),
      ["run", "experiment", "variant", "seed", "state", "final", "detail", "log"],
    ),
  );
  await write("summary.md", md.join("\n"));
  log(`sweep summary: ${join(config.outDir, "summary.md")}`);
  return { rows, files };
}

function describeMissing(id: string, s: RunStatus | undefined): string {
  if (!s || s.state === "finished") return `\`${id}\``;
  const log = s.log ? `, log \`${s.log}\`` : "";
  return `\`${id}\` (${s.state}: ${s.detail}${log})`;
}
