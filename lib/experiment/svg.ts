/**
 * Dependency-free SVG line charts: several series, each a mean line with an optional ±std band (e.g. test
 * accuracy per epoch over seeds), axes with "nice" ticks, a legend and a title.
 *
 *     const svg = lineChart({ title: "MNIST test accuracy", xLabel: "epoch", yLabel: "accuracy (%)",
 *       series: [bandSeries("proposed", runsOfProposed), bandSeries("dfa", runsOfDfa)] });
 *
 * @module
 */

export interface Series {
  name: string;
  x: number[];
  /** The line (the mean over runs for banded series). NaN values break the line. */
  y: number[];
  /** Half-width of the shaded band around y (e.g. the std over seeds); omitted = no band. */
  band?: number[];
  color?: string;
}

export interface LineChartOptions {
  series: Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Fixed y range; default: the data range (bands included), padded and rounded to ticks. */
  yMin?: number;
  yMax?: number;
}

/** A colour-blind-safe palette (Okabe-Ito). */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

/** Escapes text for SVG/XML. */
export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A round step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over [lo, hi]. */
export function niceStep(lo: number, hi: number, count = 5): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
}

/** The multiples of `step` inside [lo, hi]. */
function ticksOf(lo: number, hi: number, step: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

/** About `count` round tick values (multiples of {@link niceStep}) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - d, hi + d];
  }
  return ticksOf(lo, hi, niceStep(lo, hi, count));
}

function formatTick(v: number): string {
  if (v === 0) return "0";
  if (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

/** Mean and sample std per index over runs of possibly different lengths (index i uses the runs that have it). */
export function meanStdOverRuns(runs: number[][]): { mean: number[]; std: number[] } {
  const len = Math.max(0, ...runs.map((r) => r.length));
  const mean: number[] = [], std: number[] = [];
  for (let i = 0; i < len; i++) {
    const v = runs.map((r) => r[i]).filter((x) => x !== undefined && Number.isFinite(x));
    const m = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    mean.push(m);
    std.push(v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0);
  }
  return { mean, std };
}

/** A series with mean ± std over runs; x defaults to 1, 2, ... (epochs). */
export function bandSeries(name: string, runs: number[][], x?: number[], color?: string): Series {
  const { mean, std } = meanStdOverRuns(runs);
  return { name, x: x ?? mean.map((_, i) => i + 1), y: mean, band: std, color };
}

const f = (v: number): string => String(Math.round(v * 100) / 100);

/** Renders the chart as a standalone SVG document. */
export function lineChart(opts: LineChartOptions): string {
  const W = opts.width ?? 720, H = opts.height ?? 420;
  const legendW = 150;
  const m = { left: 64, right: 16 + legendW, top: opts.title ? 40 : 16, bottom: 52 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const fin = (v: number) => Number.isFinite(v);
  const xs = opts.series.flatMap((s) => s.x).filter(fin);
  const ys = opts.series.flatMap((s) =>
    s.y.flatMap((y, i) => (s.band && fin(s.band[i]) ? [y - s.band[i], y + s.band[i]] : [y]))
  ).filter(fin);
  let x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  let y0 = opts.yMin ?? (ys.length ? Math.min(...ys) : 0),
    y1 = opts.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  // Without a fixed range, widen it to whole tick steps so the axis starts and ends on a labelled tick.
  const yStep = niceStep(y0, y1, 6);
  if (opts.yMin === undefined) y0 = Math.floor(y0 / yStep + 1e-9) * yStep;
  if (opts.yMax === undefined) y1 = Math.ceil(y1 / yStep - 1e-9) * yStep;
  const yTicks = ticksOf(y0, y1, yStep);
  // Integer x (epochs) gets integer ticks.
  let xStep = niceStep(x0, x1, 8);
  if (xs.every(Number.isInteger) && !Number.isInteger(xStep)) xStep = Math.max(1, Math.floor(xStep));
  const xTicks = ticksOf(x0, x1, xStep);
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (opts.title) {
    out.push(
      `<text x="${f(m.left + pw / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${
        escapeXml(opts.title)
      }</text>`,
    );
  }
  // grid and ticks
  for (const t of yTicks.filter((t) => t >= y0 && t <= y1)) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`,
    );
  }
  for (const t of xTicks.filter((t) => t >= x0 && t <= x1)) {
    out.push(
      `<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`,
      `<text x="${f(sx(t))}" y="${m.top + ph + 18}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`,
  );
  if (opts.xLabel) {
    out.push(
      `<text x="${f(m.left + pw / 2)}" y="${H - 12}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`,
    );
  }
  if (opts.yLabel) {
    out.push(
      `<text transform="translate(16 ${f(m.top + ph / 2)}) rotate(-90)" text-anchor="middle">${
        escapeXml(opts.yLabel)
      }</text>`,
    );
  }
  // series: bands first, then lines on top
  const colors = opts.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const runsOf = (s: Series) => {
    // Contiguous index runs where the value is finite (NaN breaks the line).
    const runs: number[][] = [];
    let cur: number[] = [];
    s.x.forEach((x, i) => {
      if (fin(x) && fin(s.y[i])) cur.push(i);
      else if (cur.length) {
        runs.push(cur);
        cur = [];
      }
    });
    if (cur.length) runs.push(cur);
    return runs;
  };
  opts.series.forEach((s, k) => {
    if (!s.band) return;
    for (const run of runsOf(s)) {
      const upper = run.map((i) => `${f(sx(s.x[i]))},${f(sy(s.y[i] + (s.band![i] || 0)))}`);
      const lower = run.map((i) => `${f(sx(s.x[i]))},${f(sy(s.y[i] - (s.band![i] || 0)))}`).reverse();
      out.push(
        `<polygon points="${[...upper, ...lower].join(" ")}" fill="${colors[k]}" fill-opacity="0.18"/>`,
      );
    }
  });
  opts.series.forEach((s, k) => {
    for (const run of runsOf(s)) {
      const pts = run.map((i) => `${f(sx(s.x[i]))},${f(sy(s.y[i]))}`).join(" ");
      out.push(
        run.length === 1
          ? `<circle cx="${pts.split(",")[0]}" cy="${pts.split(",")[1]}" r="2.5" fill="${colors[k]}"/>`
          : `<polyline points="${pts}" fill="none" stroke="${colors[k]}" stroke-width="2"/>`,
      );
    }
  });
  // legend
  const lx = m.left + pw + 16;
  opts.series.forEach((s, k) => {
    const ly = m.top + 8 + k * 20;
    out.push(
      `<rect x="${lx}" y="${ly - 6}" width="18" height="10" fill="${colors[k]}" fill-opacity="${
        s.band ? 0.3 : 0
      }"/>`,
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 1}" y2="${ly - 1}" stroke="${
        colors[k]
      }" stroke-width="2"/>`,
      `<text x="${lx + 24}" y="${ly + 3}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
