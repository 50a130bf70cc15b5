/**
 * The sweep file: several experiments (lib/experiment/config.ts), each named by an id, with their
 * variants, seeds and overrides, and how to run them: locally or as SLURM job arrays.
 *
 *   name: Paper sweep
 *   outDir: runs/paper_sweep            # each experiment's runs go to <outDir>/<id>/<variant>_s<seed>
 *   seeds: [0, 1, 2, 3, 4]              # for every experiment that does not list its own
 *   overrides: { backend: auto }        # run-config overrides for every run of every experiment
 *   executor: local                     # or slurm (--executor on the command line wins)
 *   parallel: 1                         # local: runs at a time (each gets cores / parallel threads)
 *   slurm: { partition: gpu, time: "24:00:00", cpus: 8, gpus: 1 }   # every array's resources
 *   experiments:
 *     mnist:                            # the id: runs are mnist/<variant>_s<seed>
 *       experiment: mnist_ablation.yaml # an experiment file (relative to this file) to start from
 *       overrides: { epochs: 250 }      # merged into that file's overrides
 *       slurm: { time: "12:00:00" }     # this array's resources (over the sweep's)
 *     ant:
 *       task: rl                        # or inline: every experiment-file key but outDir
 *       base: rl_ant.yaml
 *       variants: [ed-ppo, bp-ppo, dfa-ppo, ed-ppo-nondale, es]
 *
 * An entry is its experiment file (if any) with the entry's own keys merged over it (maps merge, lists
 * replace); `overrides` merge as file ⊕ sweep ⊕ entry; `seeds` come from the entry, else the sweep, else
 * the file; `outDir` is always `<sweep outDir>/<id>`. A `base` is relative to the file that names it.
 * `--set` reaches every key of the sweep file (`--set seeds=[0]`, `--set experiments.mnist.seeds=[0,1]`).
 *
 * @module
 */
import { basename, dirname, extname, isAbsolute, join, relative } from "node:path";
import {
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
import { experimentFromRaw, type LoadedExperiment, type TaskName, TASKS } from "../experiment/config.ts";
import { RUN_NAME } from "../io/run_folder.ts";

/** Where a sweep's runs train: this machine (lib/sweep/local.ts) or SLURM job arrays (lib/sweep/slurm.ts). */
export const EXECUTORS = ["local", "slurm"] as const;
/** One of {@link EXECUTORS}. */
export type ExecutorName = typeof EXECUTORS[number];

/** What one SLURM array asks for; unset keys are left to the cluster's defaults. */
export interface SlurmResources {
  /** Partition (--partition). */
  partition: string | undefined;
  /** Time limit in a format sbatch accepts ("MM", "HH:MM:SS", "D-HH:MM", ...). */
  time: string | undefined;
  /** CPUs per element (--cpus-per-task); a run's thread count. */
  cpus: number | undefined;
  /** GPUs per element (--gres=gpu:N). */
  gpus: number | undefined;
  /** Memory per element (--mem), e.g. "16G". */
  mem: string | undefined;
  /** Account to charge (--account). */
  account: string | undefined;
  /** Quality of service (--qos). */
  qos: string | undefined;
  /** At most this many elements of the array at a time (--array=...%N). */
  maxParallel: number | undefined;
  /** Further sbatch options, one per item, e.g. "--constraint=a100". */
  options: string[] | undefined;
  /** Shell lines run in each element before the run (e.g. "module load ..."). */
  setup: string[] | undefined;
}

const slurmSchema: Schema<SlurmResources> = object({
  partition: optional(string({ nonEmpty: true, doc: "partition (--partition)" })),
  time: optional(string({
    pattern: /^(\d+-)?\d+(:\d+){0,2}$/,
    doc: 'time limit (--time): "MM", "HH:MM:SS", "D-HH:MM:SS", ...',
  })),
  cpus: optional(integer({ min: 1, doc: "CPUs per run (--cpus-per-task); the run's thread count" })),
  gpus: optional(integer({ min: 0, doc: "GPUs per run (--gres=gpu:N)" })),
  mem: optional(string({ pattern: /^\d+[KMGT]?$/, doc: 'memory per run (--mem), e.g. "16G"' })),
  account: optional(string({ nonEmpty: true, doc: "account to charge (--account)" })),
  qos: optional(string({ nonEmpty: true, doc: "quality of service (--qos)" })),
  maxParallel: optional(integer({ min: 1, doc: "at most N runs of the array at a time (--array=...%N)" })),
  options: optional(
    array(string({ pattern: /^--?\w/ }), { doc: 'more sbatch options: ["--constraint=a100"]' }),
  ),
  setup: optional(array(string(), { doc: 'shell lines before each run: ["module load cuda"]' })),
});

const SEEDS = array(integer({ min: 0, max: 2 ** 32 - 1 }), { minItems: 1 });

/** An experiment of the sweep, before it is merged with its experiment file. */
export interface SweepEntry {
  /** An experiment file to start from, relative to the sweep file. */
  experiment: string | undefined;
  /** Title of the experiment's summary (default: the file's, else the id). */
  name: string | undefined;
  /** classification or rl. */
  task: TaskName | undefined;
  /** The run config every run starts from, relative to the file that names it. */
  base: string | undefined;
  /** Variants (classification) or algorithms (RL). */
  variants: string[] | undefined;
  /** Seeds per variant (default: the sweep's, else the file's). */
  seeds: number[] | undefined;
  /** The variant the others are tested against. */
  baseline: string | undefined;
  /** Run-config overrides for this experiment's runs. */
  overrides: Record<string, unknown> | undefined;
  /** Per-variant run-config overrides. */
  variantOverrides: Record<string, unknown> | undefined;
  /** This experiment's SLURM resources, over the sweep's. */
  slurm: SlurmResources | undefined;
}

const entrySchema: Schema<SweepEntry> = object({
  experiment: optional(
    string({ nonEmpty: true, doc: "experiment file to start from, relative to the sweep file" }),
  ),
  name: optional(string({ doc: "title of the experiment's summary" })),
  task: optional(oneOf(TASKS, { doc: "classification or rl" })),
  base: optional(string({ doc: "run config every run starts from, relative to this file" })),
  variants: optional(array(string({ nonEmpty: true }), { minItems: 1, doc: "variants or RL algorithms" })),
  seeds: optional(SEEDS),
  baseline: optional(string({ doc: "variant the others are tested against" })),
  overrides: optional(map({ doc: "run-config overrides for this experiment's runs" })),
  variantOverrides: optional(map({ doc: "per-variant overrides: { <variant>: { ... } }" })),
  slurm: optional(slurmSchema),
});

/** A validated sweep file (see the module doc). */
export interface SweepConfig {
  /** The sweep's name; its folder's sweep.json carries it. */
  name: string;
  /** Folder of the sweep: runs, logs, summaries. */
  outDir: string;
  /** Where runs train unless the command line says otherwise. */
  executor: ExecutorName;
  /** Local executor: runs at a time. */
  parallel: number;
  /** Seeds of every experiment that does not list its own. */
  seeds: number[] | undefined;
  /** Run-config overrides for every run. */
  overrides: Record<string, unknown> | undefined;
  /** SLURM resources of every array. */
  slurm: SlurmResources | undefined;
  /** The experiments, by id. */
  experiments: Record<string, SweepEntry>;
}

/** The sweep file's keys; each experiment is merged and validated as an experiment file afterwards. */
export const sweepSchema: Schema<SweepConfig> = object({
  name: string({ default: "", doc: "the sweep's name (default: the file's name); its folder carries it" }),
  outDir: string({ default: "runs/sweep", doc: "folder of the sweep: runs, logs, summaries" }),
  executor: oneOf(EXECUTORS, { default: "local", doc: "where runs train: local or slurm" }),
  parallel: integer({ min: 1, default: 1, doc: "local executor: runs at a time" }),
  seeds: optional(SEEDS),
  overrides: optional(map({ doc: "run-config overrides for every run" })),
  slurm: optional(slurmSchema),
  experiments: record(entrySchema, { doc: "the experiments, by id" }),
});

/** One experiment of a loaded sweep. */
export interface SweepExperiment {
  /** The id: a folder name, the first part of its run ids. */
  id: string;
  /** The experiment as `deno task experiment` would load it. */
  loaded: LoadedExperiment;
  /** Its array's resources. */
  slurm: SlurmResources;
}

/** A sweep file with every experiment merged with its experiment file and validated. */
export interface LoadedSweep {
  /** The sweep file. */
  file: string;
  /** The file with its overrides, as errors name it. */
  label: string;
  /** The `--set` overrides of the sweep file (every array element repeats them). */
  overrides: readonly string[];
  /** The validated file. */
  config: SweepConfig;
  /** Its experiments, in the file's order. */
  experiments: SweepExperiment[];
}

/** Reads a sweep file with `--set` overrides, merges every entry with its experiment file and validates it. */
export function loadSweep(file: string, overrides: readonly string[] = []): LoadedSweep {
  const raw = applyOverrides(readYamlFile(file), overrides, sweepSchema as Schema<unknown>);
  const label = overrides.length ? `${file} (with --set ${overrides.join(" ")})` : file;
  const config = validate(sweepSchema, raw, label);
  if (config.name === "") config.name = basename(file, extname(file));
  const ids = Object.keys(config.experiments);
  if (ids.length === 0) throw new ConfigError(label, "experiments", "must name at least one experiment");
  const experiments = ids.map((id) => {
    if (!RUN_NAME.test(id)) {
      throw new ConfigError(label, `experiments.${id}`, "must be a folder name (letters, digits, _ . -)");
    }
    const entry = config.experiments[id];
    return {
      id,
      loaded: composeExperiment(file, label, config, id, entry),
      slurm: { ...config.slurm, ...definedOnly(entry.slurm ?? {}) } as SlurmResources,
    };
  });
  return { file, label, overrides, config, experiments };
}

/** The entry's experiment: its file ⊕ its own keys, with the sweep's seeds, overrides and outDir. */
function composeExperiment(
  file: string,
  label: string,
  sweep: SweepConfig,
  id: string,
  entry: SweepEntry,
): LoadedExperiment {
  const sweepDir = dirname(file);
  const where = `${label}, experiment "${id}"`;
  let fromFile: Record<string, unknown> = {};
  if (entry.experiment !== undefined) {
    const path = isAbsolute(entry.experiment) ? entry.experiment : join(sweepDir, entry.experiment);
    const text = readYamlFile(path);
    if (typeof text !== "object" || text === null || Array.isArray(text)) {
      throw new ConfigError(path, "", "must be a map of experiment keys");
    }
    fromFile = { ...text as Record<string, unknown> };
    // The file's base is relative to the file; the composed experiment reads it from the sweep's folder.
    if (typeof fromFile.base === "string" && !isAbsolute(fromFile.base)) {
      fromFile.base = relative(sweepDir, join(dirname(path), fromFile.base)) || ".";
    }
    delete fromFile.outDir;
  }
  const { experiment: _file, slurm: _slurm, overrides, ...own } = entry;
  const merged = deepMerge(fromFile, definedOnly(own)) as Record<string, unknown>;
  merged.overrides = [fromFile.overrides, sweep.overrides, overrides].reduce<unknown>(
    (acc, o) => (o === undefined ? acc : deepMerge(acc, o)),
    {},
  );
  if (entry.seeds === undefined && sweep.seeds !== undefined) merged.seeds = sweep.seeds;
  merged.name ??= id;
  merged.outDir = join(sweep.outDir, id);
  return experimentFromRaw(merged, { file, label: where, baseDir: sweepDir });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
