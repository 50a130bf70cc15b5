/**
 * A reproducible recipe search for classification, selected on a validation split held out of the training
 * set (never on the test set). A search file names a base run config and one or more stages; each stage
 * tries every point of its grid (the product of the listed values of dotted config keys) and its named
 * recipes on top of the best recipe so far (the base for the first stage):
 *
 *   name: CIFAR-10 recipe search
 *   task: classification
 *   base: cifar10_reduced.yaml               # relative to this file
 *   seeds: [0]
 *   overrides: { epochs: 4, dataset: { validation: 5000 } }
 *   stages:
 *     - grid: { rule.lrMultipliers: [[1, 1, 1, 1, 1], [4, 2, 1, 1, 1]], optimizer.lr: [1, 3] }
 *     - grid: { batchSize: [64, 128] }
 *       recipes: { constant-lr: { optimizer: { schedule: { kind: constant } } } }
 *   outDir: runs/cifar10_search
 *
 * Each recipe is kept as a full run config, `<outDir>/recipes/<recipe>.yaml` (usable with
 * `deno task train --config`), headed by its result once its runs finish; each run lives in
 * `<outDir>/<recipe>_s<seed>` and, like an experiment's, is read back when finished and resumed when
 * interrupted. `search.csv` / `search.md` rank every recipe by mean final validation accuracy (test accuracy
 * beside it, for the record only) and `best.yaml` is the winner's config.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { stringifyYaml as toYaml } from "../deps.ts";
import {
  anything,
  array,
  ConfigError,
  integer,
  map,
  object,
  oneOf,
  optional,
  record,
  type Schema,
  string,
  validate,
} from "../config/schema.ts";
import { readYamlFile } from "../config/yaml.ts";
import { applyOverrides, deepMerge } from "../config/overrides.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { writeCsv } from "../io/csv.ts";
import { createBackend } from "../backend/mod.ts";
import { mean, std } from "../experiment/stats.ts";
import type { RunRecord } from "../experiment/summary.ts";
import { type ClassificationConfig, classificationSchema } from "./config.ts";
import { classificationTask } from "./experiment.ts";

/** One stage of a search. */
export interface SearchStage {
  /** Dotted config key → values to try; the stage tries their product. */
  grid: Record<string, unknown[]> | undefined;
  /** Named recipes (config overrides) tried beside the grid. */
  recipes: Record<string, unknown> | undefined;
}

/** A recipe search file (see the module doc). */
export interface SearchConfig {
  name: string;
  task: "classification";
  base: string | undefined;
  seeds: number[];
  overrides: Record<string, unknown> | undefined;
  stages: SearchStage[];
  outDir: string;
}

/** Schema of a search file (see the module doc); `deno task search --set` reaches every key. */
export const searchSchema: Schema<SearchConfig> = object({
  name: string({ default: "recipe search", doc: "title of search.md" }),
  task: oneOf(["classification"] as const, { default: "classification", doc: "what a run is" }),
  base: optional(string({ doc: "the run config every recipe starts from, relative to this file" })),
  seeds: array(integer({ min: 0, max: 2 ** 32 - 1 }), { minItems: 1, default: [0], doc: "seeds per recipe" }),
  overrides: optional(map({ doc: "overrides of the base config for every run (e.g. epochs, validation)" })),
  stages: array(
    object({
      grid: optional(record(array(anything(), { minItems: 1 }), {
        doc: "dotted config key → list of values; the stage tries every combination",
      })),
      recipes: optional(map({ doc: "named recipes: { <name>: { config overrides } }" })),
    }),
    { minItems: 1, doc: "stages; each starts from the previous stage's best recipe" },
  ),
  outDir: string({ default: "runs/search", doc: "folder for recipes, runs and the ranking" }),
});

/** One recipe of a stage: its name, what it changes, and its raw (merged, unvalidated) run config. */
export interface Recipe {
  name: string;
  stage: number;
  /** The grid values or named overrides it applies, as `key=value` text. */
  changes: string[];
  raw: unknown;
}

/** A recipe's result over its seeds. */
export interface RecipeResult {
  recipe: Recipe;
  config: ClassificationConfig;
  validation: number[];
  test: number[];
  seconds: number;
}

/** A loaded search file. */
export interface LoadedSearch {
  file: string;
  label: string;
  search: SearchConfig;
  base: unknown;
}

/** Reads a search file with `--set` overrides of its keys; errors name the file and key. */
export function loadSearch(file: string, overrides: readonly string[] = []): LoadedSearch {
  const raw = applyOverrides(readYamlFile(file), overrides, searchSchema as Schema<unknown>);
  const label = overrides.length ? `${file} (with --set ${overrides.join(" ")})` : file;
  const search = validate(searchSchema, raw, label);
  const base = search.base ? readYamlFile(join(dirname(file), search.base)) : {};
  return { file, label, search, base: deepMerge(base, search.overrides ?? {}) };
}

/** Every point of a grid, in order (the last key varies fastest). */
export function gridPoints(grid: Record<string, unknown[]>): [string, unknown][][] {
  let points: [string, unknown][][] = [[]];
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => [...p, [key, v] as [string, unknown]]));
  }
  return points;
}

const asOverride = ([key, value]: [string, unknown]) =>
  `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;

/**
 * The recipes of stage `index` (0-based) on top of `start` (the raw config of the best recipe so far),
 * each validated as a run config; a bad grid key or value is an error naming the file, stage and key.
 */
export function stageRecipes(loaded: LoadedSearch, index: number, start: unknown): Recipe[] {
  const stage = loaded.search.stages[index];
  const recipes: Recipe[] = [];
  const points = stage.grid ? gridPoints(stage.grid) : [];
  const width = String(points.length).length;
  points.forEach((point, i) => {
    const changes = point.map(asOverride);
    const where = `${loaded.label} (stages[${index}].grid)`;
    let raw: unknown;
    try {
      raw = applyOverrides(start, changes, classificationSchema as Schema<unknown>);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(where, e.path, e.problem);
      throw e;
    }
    recipes.push({
      name: `s${index + 1}-g${String(i + 1).padStart(width, "0")}`,
      stage: index,
      changes,
      raw,
    });
  });
  for (const [name, over] of Object.entries(stage.recipes ?? {})) {
    if (!/^[\w.-]+$/.test(name)) {
      throw new ConfigError(
        loaded.label,
        `stages[${index}].recipes.${name}`,
        "must be a name of letters, digits, _ . -",
      );
    }
    recipes.push({
      name: `s${index + 1}-${name}`,
      stage: index,
      changes: [JSON.stringify(over)],
      raw: deepMerge(start, over),
    });
  }
  if (recipes.length === 0) {
    throw new ConfigError(loaded.label, `stages[${index}]`, "has neither a grid nor recipes");
  }
  for (const r of recipes) runConfig(loaded, r, loaded.search.seeds[0]); // validate before anything trains
  return recipes;
}

/** The validated config of one run of a recipe; the search needs a validation split to select on. */
export function runConfig(loaded: LoadedSearch, recipe: Recipe, seed: number): ClassificationConfig {
  const run = { name: `${recipe.name}_s${seed}`, seed, outDir: loaded.search.outDir };
  const config = validate(
    classificationSchema,
    deepMerge(recipe.raw, run),
    `${loaded.label} (${recipe.name})`,
  );
  if (!config.dataset.validation) {
    throw new ConfigError(
      loaded.label,
      "overrides.dataset.validation",
      "must be set: the search selects recipes on a validation split held out of the training images",
    );
  }
  return config;
}

/** Options of {@link runSearch}. */
export interface SearchOptions {
  /** Train again runs that finished earlier. */
  fresh?: boolean;
  log?: (line: string) => void;
}

/** Runs every stage (reading back finished runs) and writes the recipes, search.csv/md and best.yaml. */
export async function runSearch(loaded: LoadedSearch, options: SearchOptions = {}): Promise<RecipeResult[]> {
  const log = options.log ?? console.log;
  const { search } = loaded;
  const task = classificationTask();
  const first = runConfig(loaded, stageRecipes(loaded, 0, loaded.base)[0], search.seeds[0]);
  const backend = await createBackend(first.backend);
  const results: RecipeResult[] = [];
  try {
    const context = { backend, log, fresh: options.fresh ?? false, verbose: false };
    let best: unknown = loaded.base;
    for (let s = 0; s < search.stages.length; s++) {
      for (const recipe of stageRecipes(loaded, s, best)) {
        const records: RunRecord[] = [];
        let config = first;
        const started = performance.now();
        for (const seed of search.seeds) {
          config = runConfig(loaded, recipe, seed);
          await writeRecipe(loaded, recipe, config, null);
          records.push(await task.run(config, context));
        }
        const lastOf = (r: RunRecord, key: string) => r.perEpoch![r.perEpoch!.length - 1][key];
        const result: RecipeResult = {
          recipe,
          config,
          validation: records.map((r) => lastOf(r, "validationAccuracy")),
          test: records.map((r) => r.final),
          seconds: (performance.now() - started) / 1000,
        };
        await writeRecipe(loaded, recipe, config, result);
        log(`${recipe.name}: validation ${percent(result.validation)} (${recipe.changes.join(", ")})`);
        results.push(result);
      }
      best = ranked(results)[0].recipe.raw; // the best so far, this stage's or an earlier one's
    }
  } finally {
    backend.dispose();
  }
  await writeRanking(loaded, results);
  return results;
}

/** Results best first: by mean final validation accuracy. */
export function ranked(results: readonly RecipeResult[]): RecipeResult[] {
  return [...results].sort((a, b) => mean(b.validation) - mean(a.validation));
}

function percent(xs: number[]): string {
  const m = `${(100 * mean(xs)).toFixed(2)}%`;
  return xs.length > 1 ? `${m} ± ${(100 * std(xs)).toFixed(2)}` : m;
}

/** The recipe's run config (without the per-run name, seed and outDir), headed by its result when known. */
async function writeRecipe(
  loaded: LoadedSearch,
  recipe: Recipe,
  config: ClassificationConfig,
  result: RecipeResult | null,
): Promise<void> {
  const { name: _n, seed: _s, outDir: _o, ...rest } = config;
  const head = [
    `# Recipe ${recipe.name} of ${loaded.file} (stage ${recipe.stage + 1}): ${
      recipe.changes.join(", ") || "base"
    }`,
    result
      ? `# result: validation ${percent(result.validation)}, test ${percent(result.test)} (final epoch, ` +
        `seeds ${loaded.search.seeds.join(", ")}; selected on validation only)`
      : "# result: not finished",
  ];
  const path = join(loaded.search.outDir, "recipes", `${recipe.name}.yaml`);
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${head.join("\n")}\nname: ${recipe.name}\n${toYaml(stripUndefined(rest))}`);
}

function stripUndefined(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

async function writeRanking(loaded: LoadedSearch, results: RecipeResult[]): Promise<void> {
  const out = loaded.search.outDir, order = ranked(results);
  await writeCsv(
    join(out, "search.csv"),
    order.map((r) => ({
      recipe: r.recipe.name,
      stage: r.recipe.stage + 1,
      changes: r.recipe.changes.join("; "),
      mean_validation: mean(r.validation),
      std_validation: r.validation.length > 1 ? std(r.validation) : "",
      mean_test: mean(r.test),
      seeds: loaded.search.seeds.join(" "),
      seconds: Number(r.seconds.toFixed(1)),
      config: join("recipes", `${r.recipe.name}.yaml`),
    })),
  );
  const lines = [
    `# ${loaded.search.name}`,
    "",
    `Config: \`${loaded.file}\`; seeds ${
      loaded.search.seeds.join(", ")
    }; ranked by final validation accuracy ` +
    `(the last ${order[0].config.dataset.validation} training images); test accuracy for the record only.`,
    "",
    "| rank | recipe | changes | validation | test | seconds |",
    "|---|---|---|---|---|---|",
    ...order.map((r, i) =>
      `| ${i + 1} | [${r.recipe.name}](recipes/${r.recipe.name}.yaml) | ${
        r.recipe.changes.join(", ") || "base"
      } | ` +
      `${percent(r.validation)} | ${percent(r.test)} | ${r.seconds.toFixed(0)} |`
    ),
  ];
  await writeFileAtomic(join(out, "search.md"), lines.join("\n") + "\n");
  const best = await Deno.readTextFile(join(out, "recipes", `${order[0].recipe.name}.yaml`));
  await writeFileAtomic(join(out, "best.yaml"), best);
}
