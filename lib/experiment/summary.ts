/**
 * The summary of a variants × seeds experiment, for any metric (test accuracy, evaluation return): mean ±
 * std of the final metric per variant, its difference from the baseline, Welch's t-test p-value against
 * the baseline, and further per-run figures (errors amplified, env steps/s) in columns of their own;
 * written as summary.md, summary.csv and runs.csv, plus SVG plots (mean ± std over seeds) of every
 * per-epoch (or per-iteration) measure.
 *
 * Percent metrics are fractions in [0, 1]; tables show them in percent and their deltas in points.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { toCsv } from "../io/csv.ts";
import { mean, std, welchTTest } from "./stats.ts";
import { bandSeries, lineChart } from "./svg.ts";

/** One finished run. */
export interface RunRecord {
  /** Classification variant or RL algorithm. */
  variant: string;
  /** The run's seed. */
  seed: number;
  /** The experiment's metric at the end of the run (a fraction for percent metrics). */
  final: number;
  /** Per-epoch (or per-iteration) measures, e.g. { epoch: 1, testAccuracy: 0.91, trainLoss: 0.3 }. */
  perEpoch?: Record<string, number>[];
  /** Further per-run figures, summarised by the {@link SummaryColumn}s that name them. */
  extras?: Record<string, number>;
}

/** The metric an experiment compares its variants on. */
export interface Metric {
  /** Name in CSV columns (`mean_<key>`, `std_<key>`). */
  key: string;
  /** Column heading, e.g. "test accuracy" or "final eval return". */
  label: string;
  /** Fractions shown in percent, deltas in percentage points. */
  percent: boolean;
  /** Decimals in tables. */
  digits: number;
}

export const TEST_ACCURACY: Metric = { key: "test_acc", label: "test accuracy", percent: true, digits: 2 };

/** A per-run figure from {@link RunRecord.extras}, shown as mean (± std with two or more runs). */
export interface SummaryColumn {
  /** Key in `extras`. */
  key: string;
  /** Column heading. */
  label: string;
  /** CSV column of the mean. */
  csv: string;
  /** Show fractions in percent. */
  percent?: boolean;
  /** Decimals in the table. */
  digits: number;
  /** Show "± std" (else the mean only). */
  withStd?: boolean;
}

/** One row of the summary: a variant's runs against the baseline. */
export interface VariantSummary {
  /** The variant (or algorithm). */
  variant: string;
  /** Number of runs. */
  n: number;
  /** Their seeds. */
  seeds: number[];
  /** Mean and sample std of the final metric. */
  mean: number;
  /** Sample standard deviation of the final metric. */
  std: number;
  /** Mean minus the baseline's mean (in metric units); 0 for the baseline, NaN without a baseline. */
  delta: number;
  /** Welch's t-test against the baseline (NaN for the baseline itself or with fewer than two seeds). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Per extra column: mean and sample std over the runs that have it (NaN when none has). */
  extras: Record<string, { mean: number; std: number }>;
}

/** Groups runs by variant (baseline first, then in order of appearance) and compares each with the baseline. */
export function summarize(records: readonly RunRecord[], baseline: string): VariantSummary[] {
  const groups = new Map<string, RunRecord[]>();
  if (records.some((r) => r.variant === baseline)) groups.set(baseline, []);
  for (const r of records) {
    if (!groups.has(r.variant)) groups.set(r.variant, []);
    groups.get(r.variant)!.push(r);
  }
  const base = groups.get(baseline)?.map((r) => r.final);
  const extraKeys = new Set(records.flatMap((r) => Object.keys(r.extras ?? {})));
  return [...groups].map(([variant, runs]) => {
    const finals = runs.map((r) => r.final);
    const isBase = variant === baseline;
    const w = base && !isBase ? welchTTest(finals, base) : null;
    const extras: VariantSummary["extras"] = {};
    for (const k of extraKeys) {
      const xs = runs.map((r) => r.extras?.[k]).filter((v): v is number =>
        v !== undefined && !Number.isNaN(v)
      );
      extras[k] = { mean: xs.length ? mean(xs) : NaN, std: xs.length > 1 ? std(xs) : NaN };
    }
    return {
      variant,
      n: runs.length,
      seeds: runs.map((r) => r.seed),
      mean: mean(finals),
      std: std(finals),
      delta: base ? (isBase ? 0 : mean(finals) - mean(base)) : NaN,
      t: w?.t ?? NaN,
      df: w?.df ?? NaN,
      p: w?.p ?? NaN,
      extras,
    };
  });
}

/** Formats a p-value for a table: 3 significant digits, "< 1e-4" for tiny values, "n/a" for NaN. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return "n/a";
  if (p < 1e-4) return "< 1e-4";
  return p.toPrecision(3);
}

/** A number in a table: scaled to percent when asked, "n/a" when not finite. */
function cell(x: number, digits: number, percent = false): string {
  return Number.isFinite(x) ? (percent ? x * 100 : x).toFixed(digits) : "n/a";
}

export interface TableOptions {
  baseline: string;
  metric: Metric;
  /** Extra columns; one without any value in the rows is left out. */
  columns?: readonly SummaryColumn[];
  /** Heading of the first column (default "variant"). */
  variantLabel?: string;
}

/** The extra columns that have a value in at least one row (the others are left out of tables and CSVs). */
function presentColumns(
  rows: readonly VariantSummary[],
  columns: readonly SummaryColumn[] = [],
): SummaryColumn[] {
  return columns.filter((c) => rows.some((r) => !Number.isNaN(r.extras[c.key]?.mean ?? NaN)));
}

/** The Markdown table of {@link summarize}'s rows. */
export function summaryMarkdownTable(rows: readonly VariantSummary[], o: TableOptions): string {
  const { baseline, metric } = o;
  const columns = presentColumns(rows, o.columns);
  const unit = metric.percent ? " (%)" : "";
  const deltaUnit = metric.percent ? " (pp)" : "";
  const lines = [
    `| ${o.variantLabel ?? "variant"} | seeds | ${metric.label}${unit} | Δ vs ${baseline}${deltaUnit} | ` +
    `Welch p vs ${baseline} |` + columns.map((c) => ` ${c.label} |`).join(""),
    "|---|---:|---:|---:|---:|" + columns.map(() => "---:|").join(""),
  ];
  for (const r of rows) {
    const isBase = r.variant === baseline;
    const value = r.n > 1
      ? `${cell(r.mean, metric.digits, metric.percent)} ± ${cell(r.std, metric.digits, metric.percent)}`
      : cell(r.mean, metric.digits, metric.percent);
    const delta = isBase
      ? "—"
      : Number.isFinite(r.delta)
      ? `${r.delta >= 0 ? "+" : ""}${cell(r.delta, metric.digits, metric.percent)}`
      : "n/a";
    const extras = columns.map((c) => {
      const e = r.extras[c.key] ?? { mean: NaN, std: NaN };
      const m = cell(e.mean, c.digits, c.percent);
      return c.withStd && !Number.isNaN(e.std) ? ` ${m} ± ${cell(e.std, c.digits, c.percent)} |` : ` ${m} |`;
    });
    lines.push(
      `| ${r.variant} | ${r.n} | ${value} | ${delta} | ${isBase ? "—" : formatP(r.p)} |` + extras.join(""),
    );
  }
  return lines.join("\n");
}

/** One SVG plot of a per-epoch measure, mean ± std over each variant's seeds. */
export interface PlotSpec {
  /** Per-epoch metric key. */
  key: string;
  /** File name (default `<key>.svg`). */
  file?: string;
  /** Plot title (default: the key). */
  title?: string;
  /** Y-axis label (default: the key). */
  yLabel?: string;
  /** Multiply values (e.g. 100 for percent). */
  scale?: number;
  /**
   * Measured only at some epochs (e.g. evaluations every n iterations): plot the epochs where every run of
   * a variant has a value, instead of breaking the line at every gap.
   */
  sparse?: boolean;
}

export interface WriteSummaryOptions extends TableOptions {
  /** Heading of summary.md. */
  title?: string;
  /** What the table shows, in a sentence or two before it (default: a description of the columns). */
  description?: string;
  /** Extra Markdown after the table (setup, machine, config). */
  notes?: string;
  /**
   * Plots to draw from perEpoch. Default: one plot per numeric per-epoch key (except the x key), the
   * ones given here first with their own titles.
   */
  plots?: PlotSpec[];
  /** Per-epoch key holding the x value (default "epoch"; else 1, 2, ...). */
  epochKey?: string;
}

/** Plots: the given specs first, then every other per-epoch key. */
function allPlots(records: readonly RunRecord[], epochKey: string, given: readonly PlotSpec[]): PlotSpec[] {
  const keys = new Set<string>();
  for (const r of records) for (const e of r.perEpoch ?? []) for (const k of Object.keys(e)) keys.add(k);
  keys.delete(epochKey);
  for (const p of given) keys.delete(p.key);
  const rest = [...keys].map((k) => ({
    key: k,
    title: `${k} per ${epochKey} (mean ± std over seeds)`,
    yLabel: k,
  }));
  return [...given, ...rest];
}

/** Draws one plot: a band series per variant, mean ± std over that variant's seeds. */
export function plotPerEpoch(
  records: readonly RunRecord[],
  spec: PlotSpec,
  variants: readonly string[],
  epochKey = "epoch",
): string | null {
  const scale = spec.scale ?? 1;
  const series = variants.flatMap((v) => {
    const runs = records.filter((r) => r.variant === v && r.perEpoch?.some((e) => spec.key in e));
    if (runs.length === 0) return [];
    const longest = runs.reduce((a, b) => (b.perEpoch!.length > a.perEpoch!.length ? b : a));
    let positions = longest.perEpoch!.map((_, i) => i);
    if (spec.sparse) {
      positions = positions.filter((i) => runs.every((r) => Number.isFinite(r.perEpoch![i]?.[spec.key])));
      if (positions.length === 0) return [];
    }
    const x = positions.map((i) => longest.perEpoch![i][epochKey] ?? i + 1);
    const values = runs.map((r) =>
      positions.map((i) => {
        const e = r.perEpoch![i];
        return e && spec.key in e ? e[spec.key] * scale : NaN;
      })
    );
    return [bandSeries(v, values, x)];
  });
  if (series.length === 0 || (spec.sparse && series.every((s) => s.x.length < 2))) return null;
  return lineChart({
    series,
    title: spec.title ?? spec.key,
    xLabel: epochKey,
    yLabel: spec.yLabel ?? spec.key,
  });
}

/** The default sentence before the table. */
function describe(o: TableOptions): string {
  const m = o.metric, b = o.baseline;
  const unit = m.percent ? " in percentage points" : "";
  const what = /^final /i.test(m.label) ? m.label.replace(/^f/, "F") : `Final ${m.label}`;
  return `${what} over seeds (mean ± sample std). Δ: difference of means against \`${b}\`${unit}. ` +
    `p: two-sided Welch's t-test against \`${b}\`.`;
}

/**
 * Writes summary.md, summary.csv, runs.csv and the SVG plots into `outDir` (each file atomically). Returns
 * the rows and the written file paths.
 */
export async function writeSummary(
  outDir: string,
  records: readonly RunRecord[],
  opts: WriteSummaryOptions,
): Promise<{ rows: VariantSummary[]; files: string[] }> {
  const { baseline, metric } = opts;
  const epochKey = opts.epochKey ?? "epoch";
  const rows = summarize(records, baseline);
  const columns = presentColumns(rows, opts.columns);
  const files: string[] = [];
  const write = async (name: string, text: string) => {
    await writeFileAtomic(join(outDir, name), text);
    files.push(join(outDir, name));
  };
  const images: string[] = [];
  for (const spec of allPlots(records, epochKey, opts.plots ?? [])) {
    const svg = plotPerEpoch(records, spec, rows.map((r) => r.variant), epochKey);
    if (!svg) continue;
    const file = spec.file ?? `${spec.key.replace(/[^\w.-]+/g, "_")}.svg`;
    await write(file, svg);
    images.push(`![${spec.title ?? spec.key}](${file})`);
  }
  const delta = metric.percent ? "delta_pp" : "delta";
  await write(
    "summary.csv",
    toCsv(rows.map((r) => ({
      variant: r.variant,
      n: r.n,
      seeds: r.seeds.join(" "),
      [`mean_${metric.key}`]: r.mean,
      [`std_${metric.key}`]: r.std,
      [delta]: metric.percent ? r.delta * 100 : r.delta,
      welch_t: r.t,
      welch_df: r.df,
      welch_p: r.p,
      ...Object.fromEntries(columns.map((c) => [c.csv, r.extras[c.key]?.mean ?? NaN])),
    }))),
  );
  await write(
    "runs.csv",
    toCsv(
      records.map((r) => ({
        variant: r.variant,
        seed: r.seed,
        [`final_${metric.key}`]: r.final,
        ...r.extras,
      })),
    ),
  );
  await write(
    "summary.md",
    [
      `# ${opts.title ?? "Experiment summary"}`,
      "",
      opts.description ?? describe(opts),
      "",
      summaryMarkdownTable(rows, opts),
      "",
      ...(opts.notes ? [opts.notes, ""] : []),
      ...images.flatMap((i) => [i, ""]),
    ].join("\n"),
  );
  return { rows, files };
}
