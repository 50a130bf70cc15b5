/**
 * The summary of a variants × seeds experiment: mean ± std final test accuracy per variant, the ablation delta
 * of each variant against the baseline (`proposed`) in percentage points, and Welch's t-test p-value against
 * the baseline; written as summary.md and summary.csv, plus SVG plots (mean ± std over seeds per epoch) of
 * test accuracy and of the other per-epoch measures.
 *
 * Accuracies are fractions in [0, 1]; tables show them in percent.
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
  variant: string;
  seed: number;
  /** Final test accuracy as a fraction in [0, 1]. */
  finalTestAcc: number;
  /** Per-epoch metrics, e.g. { epoch: 1, testAccuracy: 0.91, trainLoss: 0.3, eiRatio_0: 2.1 }. */
  perEpoch?: Record<string, number>[];
  /**
   * Share of the final test errors the excitatory stream caused (a wrong class amplified rather than the
   * true class suppressed; lib/train/attribution.ts), when known.
   */
  amplifiedShare?: number;
}

export interface VariantSummary {
  variant: string;
  n: number;
  seeds: number[];
  /** Mean and sample std of the final test accuracy (fractions). */
  mean: number;
  std: number;
  /** (mean − baseline mean) × 100, in percentage points; 0 for the baseline, NaN without a baseline. */
  deltaPp: number;
  /** Welch's t-test against the baseline (NaN for the baseline itself or with fewer than two seeds). */
  t: number;
  df: number;
  p: number;
  /** Mean and sample std of the runs' amplified error share (NaN when no run has one). */
  amplified: number;
  amplifiedStd: number;
}

/** Groups runs by variant (baseline first, then in order of appearance) and compares each with the baseline. */
export function summarize(records: readonly RunRecord[], baseline = "proposed"): VariantSummary[] {
  const groups = new Map<string, RunRecord[]>();
  if (records.some((r) => r.variant === baseline)) groups.set(baseline, []);
  for (const r of records) {
    if (!groups.has(r.variant)) groups.set(r.variant, []);
    groups.get(r.variant)!.push(r);
  }
  const base = groups.get(baseline)?.map((r) => r.finalTestAcc);
  return [...groups].map(([variant, runs]) => {
    const acc = runs.map((r) => r.finalTestAcc);
    const shares = runs.map((r) => r.amplifiedShare).filter((v): v is number =>
      v !== undefined && !Number.isNaN(v)
    );
    const isBase = variant === baseline;
    const w = base && !isBase ? welchTTest(acc, base) : null;
    return {
      variant,
      n: runs.length,
      seeds: runs.map((r) => r.seed),
      mean: mean(acc),
      std: std(acc),
      deltaPp: base ? (isBase ? 0 : (mean(acc) - mean(base)) * 100) : NaN,
      t: w?.t ?? NaN,
      df: w?.df ?? NaN,
      p: w?.p ?? NaN,
      amplified: shares.length ? mean(shares) : NaN,
      amplifiedStd: shares.length > 1 ? std(shares) : NaN,
    };
  });
}

/** Formats a p-value for a table: 3 significant digits, "< 1e-4" for tiny values, "n/a" for NaN. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return "n/a";
  if (p < 1e-4) return "< 1e-4";
  return p.toPrecision(3);
}

const pct = (x: number, digits = 2): string => (Number.isNaN(x) ? "n/a" : (x * 100).toFixed(digits));

/** The Markdown table of {@link summarize}'s rows. */
export function summaryMarkdownTable(rows: readonly VariantSummary[], baseline = "proposed"): string {
  // The error-attribution column appears when some run has one.
  const attributed = rows.some((r) => !Number.isNaN(r.amplified));
  const lines = [
    `| variant | seeds | test accuracy (%) | Δ vs ${baseline} (pp) | Welch p vs ${baseline} |` +
    (attributed ? " errors amplified (%) |" : ""),
    "|---|---:|---:|---:|---:|" + (attributed ? "---:|" : ""),
  ];
  for (const r of rows) {
    const acc = r.n > 1 ? `${pct(r.mean)} ± ${pct(r.std)}` : pct(r.mean);
    const delta = r.variant === baseline
      ? "—"
      : Number.isNaN(r.deltaPp)
      ? "n/a"
      : `${r.deltaPp >= 0 ? "+" : ""}${r.deltaPp.toFixed(2)}`;
    const p = r.variant === baseline ? "—" : formatP(r.p);
    const amp = Number.isNaN(r.amplifiedStd)
      ? pct(r.amplified, 1)
      : `${pct(r.amplified, 1)} ± ${pct(r.amplifiedStd, 1)}`;
    lines.push(`| ${r.variant} | ${r.n} | ${acc} | ${delta} | ${p} |` + (attributed ? ` ${amp} |` : ""));
  }
  return lines.join("\n");
}

export interface PlotSpec {
  /** Per-epoch metric key. */
  key: string;
  /** File name (default `<key>.svg`). */
  file?: string;
  title?: string;
  yLabel?: string;
  /** Multiply values (e.g. 100 for percent). */
  scale?: number;
}

export interface WriteSummaryOptions {
  baseline?: string;
  /** Heading of summary.md. */
  title?: string;
  /** Extra Markdown after the table (setup, machine, config). */
  notes?: string;
  /**
   * Plots to draw from perEpoch. Default: test accuracy (key `testAccuracy`, in %), then one plot per other
   * numeric per-epoch key (except `epoch`) that the records have.
   */
  plots?: PlotSpec[];
  /** Per-epoch key holding the epoch number (default "epoch"; else 1, 2, ...). */
  epochKey?: string;
}

/** Default plots: accuracy first, then every other per-epoch key. */
function defaultPlots(records: readonly RunRecord[], epochKey: string): PlotSpec[] {
  const keys = new Set<string>();
  for (const r of records) for (const e of r.perEpoch ?? []) for (const k of Object.keys(e)) keys.add(k);
  keys.delete(epochKey);
  const plots: PlotSpec[] = [];
  if (keys.delete("testAccuracy")) {
    plots.push({
      key: "testAccuracy",
      title: "Test accuracy per epoch (mean ± std over seeds)",
      yLabel: "test accuracy (%)",
      scale: 100,
    });
  }
  for (const k of keys) plots.push({ key: k, title: `${k} per epoch (mean ± std over seeds)`, yLabel: k });
  return plots;
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
    const x = longest.perEpoch!.map((e, i) => e[epochKey] ?? i + 1);
    const values = runs.map((r) => r.perEpoch!.map((e) => (spec.key in e ? e[spec.key] * scale : NaN)));
    return [bandSeries(v, values, x)];
  });
  if (series.length === 0) return null;
  return lineChart({
    series,
    title: spec.title ?? spec.key,
    xLabel: "epoch",
    yLabel: spec.yLabel ?? spec.key,
  });
}

/**
 * Writes summary.md, summary.csv and the SVG plots into `outDir` (each file atomically). Returns the rows and
 * the written file paths.
 */
export async function writeSummary(
  outDir: string,
  records: readonly RunRecord[],
  opts: WriteSummaryOptions = {},
): Promise<{ rows: VariantSummary[]; files: string[] }> {
  const baseline = opts.baseline ?? "proposed";
  const epochKey = opts.epochKey ?? "epoch";
  const rows = summarize(records, baseline);
  const files: string[] = [];
  const images: string[] = [];
  for (const spec of opts.plots ?? defaultPlots(records, epochKey)) {
    const svg = plotPerEpoch(records, spec, rows.map((r) => r.variant), epochKey);
    if (!svg) continue;
    const file = spec.file ?? `${spec.key.replace(/[^\w.-]+/g, "_")}.svg`;
    await writeFileAtomic(join(outDir, file), svg);
    files.push(join(outDir, file));
    images.push(`![${spec.title ?? spec.key}](${file})`);
  }
  const csv = toCsv(
    rows.map((r) => ({
      variant: r.variant,
      n: r.n,
      seeds: r.seeds.join(" "),
      mean_test_acc: r.mean,
      std_test_acc: r.std,
      delta_pp: r.deltaPp,
      welch_t: r.t,
      welch_df: r.df,
      welch_p: r.p,
      mean_amplified_share: r.amplified,
    })),
    [
      "variant",
      "n",
      "seeds",
      "mean_test_acc",
      "std_test_acc",
      "delta_pp",
      "welch_t",
      "welch_df",
      "welch_p",
      "mean_amplified_share",
    ],
  );
  await writeFileAtomic(join(outDir, "summary.csv"), csv);
  files.push(join(outDir, "summary.csv"));
  const md = [
    `# ${opts.title ?? "Experiment summary"}`,
    "",
    `Final test accuracy over seeds (mean ± sample std). Δ: difference of means against \`${baseline}\` in ` +
    `percentage points. p: two-sided Welch's t-test against \`${baseline}\`. Errors amplified: share of the ` +
    `final test errors where the excitatory stream pushed the wrong class up more than the inhibitory ` +
    `stream held the true class down (attribution.json of each run).`,
    "",
    summaryMarkdownTable(rows, baseline),
    "",
    ...(opts.notes ? [opts.notes, ""] : []),
    ...images.flatMap((i) => [i, ""]),
  ].join("\n");
  await writeFileAtomic(join(outDir, "summary.md"), md);
  files.push(join(outDir, "summary.md"));
  return { rows, files };
}
