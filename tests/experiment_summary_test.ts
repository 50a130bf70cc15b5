import assert from "assert";
import { join } from "node:path";
import { readCsv } from "../lib/io/csv.ts";
import { bandSeries, escapeXml, lineChart, meanStdOverRuns, niceTicks } from "../lib/experiment/svg.ts";
import {
  formatP,
  type RunRecord,
  summarize,
  summaryMarkdownTable,
  TEST_ACCURACY,
  writeSummary,
} from "../lib/experiment/summary.ts";
import { classificationTask } from "../lib/train/experiment.ts";

/** The classification table options (metric, baseline and the errors-amplified column). */
const TABLE = { baseline: "proposed", metric: TEST_ACCURACY, columns: classificationTask().columns };

Deno.test("svg: nice ticks, mean/std over runs, escaping", () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.9, 0.98, 4), [0.9, 0.92, 0.94, 0.96, 0.98]);
  assert.deepEqual(niceTicks(1, 10, 8), [2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(1, 10, 9), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(niceTicks(-0.3, 0.3, 3), [-0.2, 0, 0.2]);
  assert.deepEqual(niceTicks(0, 250, 5), [0, 50, 100, 150, 200, 250]);
  const { mean, std } = meanStdOverRuns([[1, 2, 3], [3, 4], [2, 6, 5]]);
  assert.deepEqual(mean, [2, 4, 4]);
  assert.deepEqual(std, [1, 2, Math.SQRT2]);
  assert.equal(escapeXml(`a<b & "c"`), "a&lt;b &amp; &quot;c&quot;");
});

Deno.test("svg: chart has title, axes, legend, a band and a line per series", () => {
  const svg = lineChart({
    title: "Test <accuracy>",
    xLabel: "epoch",
    yLabel: "accuracy (%)",
    series: [
      bandSeries("proposed", [[90, 95, 97], [91, 96, 97.5]]),
      bandSeries("uniform-width", [[20, 10, 10], [15, 11, 9]]),
    ],
  });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.match(svg, /Test &lt;accuracy&gt;/);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 2, "one ±std band per series");
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2, "one mean line per series");
  assert.match(svg, />proposed<\/text>/);
  assert.match(svg, />uniform-width<\/text>/);
  assert.match(svg, />epoch<\/text>/);
  assert.match(svg, />100<\/text>/, "y ticks reach the top of the data");
  assert.doesNotMatch(svg, /NaN|undefined/);
  // NaN breaks a line into two pieces; a single series without bands has no polygon.
  const gap = lineChart({ series: [{ name: "s", x: [1, 2, 3, 4, 5], y: [1, 2, NaN, 3, 4] }] });
  assert.equal((gap.match(/<polyline /g) ?? []).length, 2);
  assert.equal((gap.match(/<polygon /g) ?? []).length, 0);
  assert.doesNotMatch(gap, /NaN/);
});

const RECORDS: RunRecord[] = [
  ...[0.971, 0.968, 0.973, 0.970, 0.969].map((acc, seed) => ({
    variant: "proposed",
    seed,
    final: acc,
    perEpoch: [
      { epoch: 1, testAccuracy: acc - 0.05, eiRatio_0: 2.9 },
      { epoch: 2, testAccuracy: acc, eiRatio_0: 3.1 },
    ],
  })),
  ...[0.265, 0.301, 0.180, 0.412, 0.233].map((acc, seed) => ({
    variant: "uniform-width",
    seed,
    final: acc,
    perEpoch: [{ epoch: 1, testAccuracy: 0.5 }, { epoch: 2, testAccuracy: acc }],
  })),
  { variant: "bp", seed: 0, final: 0.981 },
];

Deno.test("summary: mean ± std, deltas in pp and Welch p against proposed", () => {
  const rows = summarize(RECORDS, "proposed");
  assert.deepEqual(rows.map((r) => r.variant), ["proposed", "uniform-width", "bp"]);
  const [p, u, bp] = rows;
  assert.ok(Math.abs(p.mean - 0.9702) < 1e-12);
  assert.equal(p.delta, 0);
  assert.ok(Number.isNaN(p.p));
  assert.ok(Math.abs(u.delta - (0.2782 - 0.9702)) < 1e-11);
  // scipy.stats.ttest_ind(uniform, proposed, equal_var=False).pvalue
  assert.ok(Math.abs(u.p - 5.838661693163131e-05) < 1e-11);
  assert.ok(u.t < 0);
  assert.equal(bp.n, 1);
  assert.ok(Number.isNaN(bp.p), "one seed: no test");
  assert.equal(formatP(0.0424), "0.0424");
  assert.equal(formatP(1e-6), "< 1e-4");
  const md = summaryMarkdownTable(rows, TABLE);
  assert.match(md, /\| proposed \| 5 \| 97\.02 ± 0\.19 \| — \| — \|/);
  assert.match(md, /\| uniform-width \| 5 \| 27\.82 ± 8\.70 \| -69\.20 \| < 1e-4 \|/);
  assert.match(md, /\| bp \| 1 \| 98\.10 \| \+1\.08 \| n\/a \|/);
});

Deno.test("summary: writes summary.md, summary.csv and SVG plots", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { files } = await writeSummary(join(dir, "exp"), RECORDS, {
      ...TABLE,
      plots: classificationTask().plots,
      title: "MNIST ablations",
      notes: "machine: test",
    });
    const names = files.map((f) => f.slice(f.lastIndexOf("/") + 1)).sort();
    assert.deepEqual(names, ["eiRatio_0.svg", "runs.csv", "summary.csv", "summary.md", "testAccuracy.svg"]);
    const md = await Deno.readTextFile(join(dir, "exp", "summary.md"));
    assert.match(md, /^# MNIST ablations/);
    assert.match(md, /machine: test/);
    assert.match(md, /!\[Test accuracy per epoch.*\]\(testAccuracy\.svg\)/);
    const csv = await readCsv(join(dir, "exp", "summary.csv"));
    assert.equal(csv.length, 3);
    assert.equal(csv[1].variant, "uniform-width");
    assert.equal(csv[1].seeds, "0 1 2 3 4");
    assert.ok(Math.abs(Number(csv[1].welch_p) - 5.838661693163131e-05) < 1e-11);
    assert.ok(Math.abs(Number(csv[1].delta_pp) + 69.2) < 1e-9);
    const acc = await Deno.readTextFile(join(dir, "exp", "testAccuracy.svg"));
    assert.equal((acc.match(/<polyline /g) ?? []).length, 2, "bp has no per-epoch data");
    const ei = await Deno.readTextFile(join(dir, "exp", "eiRatio_0.svg"));
    assert.equal((ei.match(/<polyline /g) ?? []).length, 1, "only proposed has eiRatio_0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("summary: the errors-amplified column appears when runs carry an attribution", () => {
  const plain = summaryMarkdownTable(
    summarize([{ variant: "proposed", seed: 0, final: 0.9 }], "proposed"),
    TABLE,
  );
  assert.ok(!plain.includes("errors amplified"), "no attribution, no column");
  const rows = summarize([
    { variant: "proposed", seed: 0, final: 0.97, extras: { amplifiedShare: 0.6 } },
    { variant: "proposed", seed: 1, final: 0.96, extras: { amplifiedShare: 0.7 } },
    { variant: "dfa", seed: 0, final: 0.98 },
  ], "proposed");
  assert.ok(Math.abs(rows[0].extras.amplifiedShare.mean - 0.65) < 1e-12);
  assert.ok(Number.isNaN(rows[1].extras.amplifiedShare.mean));
  const md = summaryMarkdownTable(rows, TABLE);
  assert.match(md, /\| variant \| seeds \| test accuracy \(%\) \| .* \| errors amplified \(%\) \|/);
  assert.match(md, /\| proposed \| 2 \| 96\.50 ± 0\.71 \| — \| — \| 65\.0 ± 7\.1 \|/);
  assert.match(md, /\| dfa \| 1 \| 98\.00 \| \+1\.50 \| n\/a \| n\/a \|/);
});
