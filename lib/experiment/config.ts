/**
 * The experiment file: one base run config, the variants (classification presets or RL algorithms) and
 * seeds to cross, and overrides for every run or one variant's runs.
 *
 *   name: MNIST ablation
 *   task: classification                  # or rl (each run is then a `deno task rl` run)
 *   base: mnist_proposed.yaml             # a run config, relative to this file
 *   variants: [proposed, dfa, seed, no-centering, symmetric-init, uniform-width]
 *   seeds: [0, 1, 2, 3, 4]
 *   baseline: proposed                    # default: the task's (proposed, ed-ppo)
 *   overrides: { epochs: 20 }             # applied to every run
 *   variantOverrides:                     # applied to one variant's runs
 *     dfa: { optimizer: { lr: 0.05 } }
 *   outDir: runs/mnist_ablation
 *
 * `--set` on the experiment command reaches every key of this file (`--set seeds=[0]`,
 * `--set overrides.epochs=2`); the run configs are validated after merging, so an override of a run key is
 * checked against that run's schema.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import {
  array,
  ConfigError,
  integer,
  map,
  object,
  oneOf,
  optional,
  type Schema,
  string,
  validate,
} from "../config/schema.ts";
import { readYamlFile } from "../config/yaml.ts";
import { applyOverrides, deepMerge } from "../config/overrides.ts";

/** The kinds of run an experiment can cross: `deno task train` runs or `deno task rl` runs. */
export const TASKS = ["classification", "rl"] as const;
/** One of {@link TASKS}. */
export type TaskName = typeof TASKS[number];

/** A validated experiment file (see the module doc for the keys). */
export interface ExperimentConfig {
  /** Title of the summary. */
  name: string;
  /** What each run is. */
  task: TaskName;
  /** The run config every run starts from, relative to the experiment file. */
  base: string | undefined;
  /** Classification variants or RL algorithms to run. */
  variants: string[];
  /** Seeds per variant (each distinct). */
  seeds: number[];
  /** Variant the others are tested against (default: the task's). */
  baseline: string | undefined;
  /** Overrides of the base config for every run. */
  overrides: Record<string, unknown> | undefined;
  /** Overrides for one variant's runs, keyed by variant. */
  variantOverrides: Record<string, unknown> | undefined;
  /** Folder of the runs (<outDir>/<variant>_s<seed>) and of the summary. */
  outDir: string;
}

export const experimentSchema: Schema<ExperimentConfig> = object({
  name: string({ default: "experiment", doc: "title of the summary" }),
  task: oneOf(TASKS, { default: "classification", doc: "what a run is: deno task train or deno task rl" }),
  base: optional(string({ doc: "the run config every run starts from, relative to this file" })),
  variants: array(string({ nonEmpty: true }), {
    minItems: 1,
    default: ["proposed"],
    doc: "classification variants or RL algorithms to run",
  }),
  seeds: array(integer({ min: 0, max: 2 ** 32 - 1 }), {
    minItems: 1,
    default: [0, 1, 2, 3, 4],
    doc: "seeds per variant",
  }),
  baseline: optional(string({ doc: "variant the others are tested against (default: the task's)" })),
  overrides: optional(map({ doc: "overrides of the base config for every run" })),
  variantOverrides: optional(map({ doc: "per-variant overrides: { <variant>: { ... } }" })),
  outDir: string({ default: "runs/experiment", doc: "folder for the runs and the summary" }),
});

/** A loaded experiment: the validated file and the raw base run config. */
export interface LoadedExperiment {
  /** Path of the experiment file. */
  file: string;
  /** The file with its overrides, as errors name it. */
  label: string;
  /** The validated file. */
  experiment: ExperimentConfig;
  /** The base run config as parsed (validated per run after merging). */
  base: unknown;
  /** The `--set` overrides applied to the file (recorded in the summary). */
  overrides: readonly string[];
}

/** Reads an experiment file with `--set` overrides of its keys; errors name the file (or --set) and key. */
export function loadExperiment(file: string, overrides: readonly string[] = []): LoadedExperiment {
  const raw = applyOverrides(readYamlFile(file), overrides, experimentSchema as Schema<unknown>);
  const label = overrides.length ? `${file} (with --set ${overrides.join(" ")})` : file;
  return experimentFromRaw(raw, { file, label, baseDir: dirname(file), overrides });
}

/**
 * Validates a raw experiment (a parsed file, or one a sweep composed) and reads its base run config from
 * `baseDir`; errors are labelled with `label`. Each seed and variant may appear once.
 */
export function experimentFromRaw(
  raw: unknown,
  where: { file: string; label: string; baseDir: string; overrides?: readonly string[] },
): LoadedExperiment {
  const { file, label } = where;
  const experiment = validate(experimentSchema, raw, label);
  const seen = new Set<number>();
  experiment.seeds.forEach((s, i) => {
    if (seen.has(s)) throw new ConfigError(label, `seeds[${i}]`, `repeats seed ${s}: each seed runs once`);
    seen.add(s);
  });
  const dup = experiment.variants.find((v, i) => experiment.variants.indexOf(v) !== i);
  if (dup) throw new ConfigError(label, "variants", `lists "${dup}" twice`);
  const base = experiment.base
    ? readYamlFile(isAbsolute(experiment.base) ? experiment.base : join(where.baseDir, experiment.base))
    : {};
  return { file, label, experiment, base, overrides: where.overrides ?? [] };
}

/** The raw (unvalidated) run config of one variant: base ⊕ overrides ⊕ the variant's overrides. */
export function mergedRunConfig(loaded: LoadedExperiment, variant: string): unknown {
  const e = loaded.experiment;
  let raw = deepMerge(loaded.base ?? {}, e.overrides ?? {});
  const perVariant = e.variantOverrides?.[variant];
  if (perVariant !== undefined) raw = deepMerge(raw, perVariant);
  return raw;
}
