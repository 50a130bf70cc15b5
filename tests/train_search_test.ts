// The recipe search: grid and named recipes per stage, each stage on top of the best recipe so far, ranked
// on the validation split; every tried recipe is kept as a runnable config headed by its result.
import assert from "assert";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { gridPoints, loadSearch, runSearch, stageRecipes } from "../lib/train/search.ts";
import { loadClassificationConfig } from "../lib/train/config.ts";
import { readCsv } from "../lib/io/csv.ts";

Deno.test("gridPoints: the product of the values, last key fastest", () => {
  assert.deepEqual(gridPoints({ a: [1, 2], b: ["x", "y"] }), [
    [["a", 1], ["b", "x"]],
    [["a", 1], ["b", "y"]],
    [["a", 2], ["b", "x"]],
    [["a", 2], ["b", "y"]],
  ]);
});

async function searchFile(dir: string, extra: Record<string, unknown> = {}): Promise<string> {
  await Deno.writeTextFile(
    join(dir, "base.yaml"),
    stringify({
      name: "b",
      backend: "cpu",
      dataset: { name: "mnist", trainSubset: 800, testSubset: 200 },
      model: { hidden: [16] },
      rule: { lrMultipliers: [10, 1] },
      epochs: 1,
      batchSize: 32,
    }),
  );
  const file = join(dir, "search.yaml");
  await Deno.writeTextFile(
    file,
    stringify({
      name: "tiny search",
      task: "classification",
      base: "base.yaml",
      seeds: [0],
      overrides: { dataset: { validation: 200 } },
      stages: [
        { grid: { "optimizer.lr": [0.01, 3] } },
        { recipes: { small: { batchSize: 16 } } },
      ],
      outDir: join(dir, "out"),
      ...extra,
    }),
  );
  return file;
}

Deno.test("runSearch: stages, validation ranking, recipes kept with their results, best.yaml", async () => {
  const dir = await Deno.makeTempDir();
  const loaded = loadSearch(await searchFile(dir));
  const results = await runSearch(loaded, { log: () => {} });
  assert.deepEqual(results.map((r) => r.recipe.name), ["s1-g1", "s1-g2", "s2-small"]);
  // lr 0.01 barely moves in one epoch; lr 3 learns: stage 2 starts from it.
  const [slow, fast, small] = results;
  assert.ok(fast.validation[0] > slow.validation[0] + 0.1, `${fast.validation} vs ${slow.validation}`);
  assert.equal(small.config.optimizer.lr, 3);
  assert.equal(small.config.batchSize, 16);
  assert.equal(small.config.dataset.validation, 200);
  // The ranking file is sorted on validation accuracy and points at each recipe's config.
  const csv = await readCsv(join(dir, "out", "search.csv"));
  const vals = csv.map((r) => Number(r.mean_validation));
  assert.deepEqual(vals, [...vals].sort((a, b) => b - a));
  assert.equal(csv.length, 3);
  assert.match(await Deno.readTextFile(join(dir, "out", "search.md")), /\| 1 \| \[s/);
  // A recipe file is a runnable config, headed by its result; best.yaml is the winner's.
  const recipe = join(dir, "out", "recipes", "s1-g2.yaml");
  const text = await Deno.readTextFile(recipe);
  assert.match(
    text,
    /^# Recipe s1-g2 of .* \(stage 1\): optimizer\.lr=3\n# result: validation \d+\.\d\d%, test/,
  );
  assert.equal(loadClassificationConfig(recipe).optimizer.lr, 3);
  const best = parse(await Deno.readTextFile(join(dir, "out", "best.yaml"))) as { name: string };
  assert.equal(best.name, csv[0].recipe);
  // Re-running reads the finished runs back instead of training them again.
  const again = await runSearch(loaded, { log: () => {} });
  assert.deepEqual(again.map((r) => r.validation), results.map((r) => r.validation));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("search files: a validation split is required, bad grid keys name the stage", async () => {
  const dir = await Deno.makeTempDir();
  const noValidation = loadSearch(await searchFile(dir, { overrides: {} }));
  assert.throws(
    () => stageRecipes(noValidation, 0, noValidation.base),
    /overrides\.dataset\.validation must be set: the search selects recipes on a validation split/,
  );
  const badKey = loadSearch(await searchFile(dir, { stages: [{ grid: { "optimizer.lrr": [1] } }] }));
  assert.throws(
    () => stageRecipes(badKey, 0, badKey.base),
    /stages\[0\]\.grid.*optimizer\.lrr is not a known key/,
  );
  const empty = loadSearch(await searchFile(dir, { stages: [{}] }));
  assert.throws(() => stageRecipes(empty, 0, empty.base), /stages\[0\] has neither a grid nor recipes/);
  await Deno.remove(dir, { recursive: true });
});
