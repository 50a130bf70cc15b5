/**
 * The classification run config: its keys, their types and defaults, and how a command line becomes one.
 *
 *     const config = loadClassificationConfig("configs/mnist_proposed.yaml", ["optimizer.lr=0.5"]);
 *     const { config, resume } = parseClassificationArgs(Deno.args);   // --config, --set, flags
 *
 * Every key, its type and default is listed by `classificationConfigDocs()` (generated from the schema;
 * `deno task train --keys` prints it). Rule overrides left unset take the variant preset's value.
 *
 * @module
 */
import {
  array,
  boolean,
  integer,
  LIMITS,
  number,
  object,
  oneOf,
  optional,
  type Schema,
  schemaTable,
  string,
  validate,
} from "../config/schema.ts";
import { readYamlFile } from "../config/yaml.ts";
import { applyOverrides } from "../config/overrides.ts";
import { type CommandSpec, parseCommandLine, SHARED_FLAGS_USAGE } from "../config/command_line.ts";
import { type VariantName, VARIANTS } from "./variants.ts";
import type { ScheduleConfig } from "./schedule.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../backend/mod.ts";
import { RUN_NAME } from "../io/run_folder.ts";
import { CONV_BIAS_REDUCTIONS, type ConvBiasReduction } from "../nn/linear_map.ts";

/** The data sets a run can train on (`dataset.name`): MNIST, Fashion-MNIST (1×28×28), CIFAR-10 (3×32×32). */
export const DATASETS = ["mnist", "fashion-mnist", "cifar10"] as const;
/** One of {@link DATASETS}. */
export type DatasetName = typeof DATASETS[number];

/** One conv layer of a CIFAR-style model. */
export interface ConvLayerConfig {
  /** Output channels. */
  channels: number;
  /** Square kernel size in pixels (default 3). */
  kernel: number;
  /** Step between kernel positions in pixels (default 1). */
  stride: number;
  /** Zero pixels added on every side of the input (default 1). */
  padding: number;
  /** Average-pool window after the layer (default 2; 1 = no pooling). */
  pool: number;
}

/**
 * A classification run; `classificationSchema` validates it and documents every key (`deno task train
 * --keys` prints the table). Make one with {@link loadClassificationConfig} or
 * {@link makeClassificationConfig}.
 */
export interface ClassificationConfig {
  /** Run name (letters, digits, _ . -; default "run"): the run folder is `<outDir>/<name>`. */
  name: string;
  /**
   * Which data and how much of it: `name`, a folder `path` (default data/<name>), `trainSubset` /
   * `testSubset` (the first N images), `validation` (the last N training images held out), `standardize`
   * (per-channel; unset: on only for cifar10) and `augment` (random crop and flip; unset: none).
   */
  dataset: {
    name: DatasetName;
    path: string | undefined;
    trainSubset: number | undefined;
    testSubset: number | undefined;
    validation: number | undefined;
    standardize: boolean | undefined;
    augment: { crop: number; flip: boolean } | undefined;
  };
  /**
   * The network: `hidden` FC widths (default [256, 256]), optional `conv` layers before them, and
   * `convBias`, the conv bias reduction over positions (unset: "sum", the exact gradient).
   */
  model: { hidden: number[]; conv: ConvLayerConfig[] | undefined; convBias: ConvBiasReduction | undefined };
  /** The learning rule / ablation preset (default "proposed"); see {@link VARIANTS}. */
  variant: VariantName;
  /** Overrides of the variant preset's settings; unset keys keep the preset's value (`settingsFor`). */
  rule: {
    uniformWidth: number | undefined;
    widths: number[] | undefined;
    centering: boolean | undefined;
    centeringScope: "class" | "global" | undefined;
    asymmetricInit: boolean | undefined;
    floor: number | undefined;
    lrMultipliers: number[] | undefined;
    convWidth: number | undefined;
    loss: "mse" | "bce" | undefined;
  };
  /**
   * `kind` "sgd" (default) or "adam", base learning rate `lr` (default 3), SGD `momentum` (default 0), Adam's
   * `beta1`, `beta2`, `eps` (0.9, 0.999, 1e-8), `weightDecay` (default 0) and the learning-rate `schedule`.
   */
  optimizer: {
    kind: "sgd" | "adam";
    lr: number;
    momentum: number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    schedule: ScheduleConfig;
  };
  /** Passes over the training images (default 10; the paper trains 250). */
  epochs: number;
  /** Examples per minibatch (default 128); the last incomplete minibatch of an epoch is skipped. */
  batchSize: number;
  /** Seeds initialisation, minibatch order and augmentation (default 0): same seed, same numbers. */
  seed: number;
  /** Where it computes: "auto" (default: webgpu when an adapter exists, else cpu), "cpu" or "webgpu". */
  backend: BackendChoice;
  /** Folder that holds the run folders (default "runs"). */
  outDir: string;
  /** Epochs between checkpoints (default 1; 0 = only after the last epoch). */
  checkpointEvery: number;
}

const convLayer: Schema<ConvLayerConfig> = object({
  channels: integer({ min: 1, max: LIMITS.units, doc: "output channels" }),
  kernel: integer({ min: 1, max: 64, default: 3, doc: "square kernel size" }),
  stride: integer({ min: 1, max: 64, default: 1 }),
  padding: integer({ min: 0, max: 64, default: 1 }),
  pool: integer({ min: 1, max: 64, default: 2, doc: "average-pool size after the layer (1 = none)" }),
});

const schedule: Schema<ScheduleConfig> = object({
  kind: oneOf(["constant", "cosine", "step"] as const, {
    default: "constant",
    doc: "learning-rate schedule",
  }),
  warmupEpochs: number({ min: 0, default: 0, doc: "linear warm-up from 0 over this many epochs" }),
  stepEvery: integer({ min: 1, default: 10, doc: "step schedule: epochs between decays" }),
  gamma: number({ gt: 0, max: 1, default: 0.1, doc: "step schedule: decay factor" }),
  minLr: number({ min: 0, default: 0, doc: "cosine schedule: final learning rate" }),
});

/** Schema of a classification run (see the module doc). */
export const classificationSchema: Schema<ClassificationConfig> = object({
  name: string({
    default: "run",
    pattern: RUN_NAME,
    doc: "run name (letters, digits, _ . -); names outDir",
  }),
  dataset: object({
    name: oneOf(DATASETS, { default: "mnist" }),
    path: optional(
      string({ doc: "folder with IDX files (fashion-mnist) or a cache folder; default data/<name>" }),
    ),
    trainSubset: optional(integer({ min: 1, doc: "use only the first N training images" })),
    testSubset: optional(integer({ min: 1, doc: "use only the first N test images" })),
    validation: optional(integer({
      min: 1,
      doc: "hold out the last N training images (after trainSubset) as a validation split; metrics.csv " +
        "then has validation_accuracy per epoch, and the recipe search selects on it",
    })),
    standardize: optional(boolean({
      doc: "per-channel standardisation with the training images' mean and std (kept in the run's " +
        "stats.json); unset: on for cifar10, off for mnist and fashion-mnist",
    })),
    augment: optional(object({
      crop: integer({ min: 0, default: 0, doc: "random crop: pad by N zero pixels, crop back (0 = off)" }),
      flip: boolean({ default: false, doc: "random horizontal flip" }),
    }, { doc: "training-image augmentation, drawn per (seed, epoch, step); unset: none" })),
  }),
  model: object({
    hidden: array(integer({ min: 1, max: LIMITS.units }), {
      default: [256, 256],
      maxItems: LIMITS.layers,
      doc: "hidden FC widths",
    }),
    conv: optional(
      array(convLayer, { maxItems: LIMITS.layers, doc: "conv layers before the FC layers (CIFAR-10)" }),
    ),
    convBias: optional(oneOf(CONV_BIAS_REDUCTIONS, {
      doc: "conv bias update: the drive summed over positions (the exact gradient; unset) or its mean " +
        "(lib/nn/linear_map.ts)",
    })),
  }),
  variant: oneOf(VARIANTS, { default: "proposed", doc: "learning rule / ablation preset" }),
  rule: object({
    uniformWidth: optional(
      number({ gt: 0, doc: "one sigmoid width u0 for every layer (seed / uniform-width)" }),
    ),
    widths: optional(
      array(number({ gt: 0 }), { doc: "per-layer sigmoid widths u0, hidden layers then output" }),
    ),
    centering: optional(boolean({ doc: "batch-centre the one-vs-all error" })),
    centeringScope: optional(oneOf(["class", "global"] as const, {
      doc: "centring mean over each class's batch (the paper's) or over the batch and all classes",
    })),
    asymmetricInit: optional(boolean({ doc: "hidden E ×1.5, I ×0.5 initialisation" })),
    floor: optional(number({ min: 0, doc: "Dale clamp floor after every update" })),
    lrMultipliers: optional(array(number({ min: 0 }), { doc: "per-layer learning-rate multipliers" })),
    convWidth: optional(number({ gt: 0, doc: "sigmoid width u0 of the conv layers" })),
    loss: optional(oneOf(["mse", "bce"] as const, {
      doc: "output drive: mse = φ'(z) ⊙ S (ED's), bce = S itself (cross-entropy cancels φ')",
    })),
  }, { doc: "overrides of the variant preset; unset keys keep the preset's value" }),
  optimizer: object({
    kind: oneOf(["sgd", "adam"] as const, { default: "sgd" }),
    lr: number({ gt: 0, default: 3.0, doc: "base learning rate" }),
    momentum: number({ min: 0, max: 1, default: 0, doc: "SGD momentum" }),
    beta1: number({ min: 0, max: 1, default: 0.9, doc: "Adam β1" }),
    beta2: number({ min: 0, max: 1, default: 0.999, doc: "Adam β2" }),
    eps: number({ gt: 0, default: 1e-8, doc: "Adam ε" }),
    weightDecay: number({ min: 0, default: 0, doc: "L2 weight decay (added to the gradient)" }),
    schedule,
  }),
  epochs: integer({ min: 1, max: 1_000_000, default: 10 }),
  batchSize: integer({ min: 1, max: LIMITS.units, default: 128 }),
  seed: integer({ min: 0, max: LIMITS.seed, default: 0 }),
  backend: oneOf(BACKEND_CHOICES, { default: "auto", doc: "auto = webgpu when an adapter exists, else cpu" }),
  outDir: string({ default: "runs", doc: "runs go to <outDir>/<name>" }),
  checkpointEvery: integer({ min: 0, default: 1, doc: "epochs between checkpoints (0 = only the last)" }),
});

/** Whether a run standardises its inputs: `dataset.standardize`, or by default only CIFAR-10. */
export function standardizes(dataset: ClassificationConfig["dataset"]): boolean {
  return dataset.standardize ?? dataset.name === "cifar10";
}

/** The defaults as a full config. */
export function defaultClassificationConfig(): ClassificationConfig {
  return validate(classificationSchema, {}, "<defaults>");
}

/**
 * Validates a partial config object (filling defaults); for code and tests. Errors name `file` and the key.
 *
 * @example
 * ```ts
 * import { makeClassificationConfig } from "@diffusing-blame/ed";
 * const config = makeClassificationConfig({ variant: "dfa", model: { hidden: [64] }, epochs: 2 });
 * console.log(config.optimizer.lr, config.batchSize); // 3 128 (the defaults)
 * ```
 */
export function makeClassificationConfig(partial: unknown = {}, file = "<object>"): ClassificationConfig {
  return validate(classificationSchema, partial, file);
}

/** Markdown table of every key with type, default and meaning. */
export function classificationConfigDocs(): string {
  return schemaTable(classificationSchema as Schema<unknown>);
}

/**
 * Loads, overrides and validates a classification config: the YAML `file` (none: the defaults), then each
 * `key.path=value` override as `--set` gives it. Errors name the file (or "--set") and the key.
 *
 * @example
 * ```ts
 * import { loadClassificationConfig } from "@diffusing-blame/ed";
 * const file = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(file, "name: small\nmodel:\n  hidden: [128]\nepochs: 5\n");
 * const config = loadClassificationConfig(file, ["optimizer.lr=0.5", "variant=no-centering"]);
 * console.log(config.model.hidden, config.epochs, config.optimizer.lr, config.variant); // [128] 5 0.5 ...
 * await Deno.remove(file);
 * ```
 */
export function loadClassificationConfig(
  file: string | undefined,
  overrides: readonly string[] = [],
): ClassificationConfig {
  const raw = file ? readYamlFile(file) : {};
  const merged = applyOverrides(raw, overrides, classificationSchema as Schema<unknown>);
  const label = overrides.length > 0 ? `${file ?? "<defaults>"} (with --set ${overrides.join(" ")})` : file;
  return validate(classificationSchema, merged, label ?? "<defaults>");
}

/** The `deno task train` command line. */
export const CLASSIFICATION_COMMAND: CommandSpec = {
  usage: `Usage: deno task train --config FILE [options]

Options:
${SHARED_FLAGS_USAGE}
      --epochs N         same as --set epochs=N
      --seed N           same as --set seed=N
      --batch-size N     same as --set batchSize=N
      --lr X             same as --set optimizer.lr=X
      --variant NAME     same as --set variant=NAME (${VARIANTS.join(", ")})
      --backend NAME     same as --set backend=NAME (${BACKEND_CHOICES.join(", ")})
      --out-dir DIR      same as --set outDir=DIR
      --name NAME        same as --set name=NAME
      --resume           continue a killed run from its last checkpoint
      --overwrite        replace an existing run folder of the same name
      --keys             list every config key with its type and default
      --debug            show the stack trace of an error`,
  shorthands: {
    epochs: ["epochs"],
    seed: ["seed"],
    "batch-size": ["batchSize"],
    lr: ["optimizer.lr"],
    variant: ["variant"],
    backend: ["backend"],
    "out-dir": ["outDir"],
    name: ["name"],
  },
  switches: ["resume", "overwrite", "keys"],
};

export interface ParsedClassificationArgs {
  config: ClassificationConfig;
  /** Path of the YAML file, if any. */
  configPath?: string;
  /** `--resume`: continue from the last checkpoint in the run folder. */
  resume: boolean;
  /** `--overwrite`: replace an existing run folder. */
  overwrite: boolean;
}

/** Parses a `train` command line into a validated config (see {@link CLASSIFICATION_COMMAND}). */
export function parseClassificationArgs(args: readonly string[]): ParsedClassificationArgs {
  const line = parseCommandLine(args, CLASSIFICATION_COMMAND);
  const config = loadClassificationConfig(line.configPath, line.overrides);
  return {
    config,
    configPath: line.configPath,
    resume: line.switches.resume,
    overwrite: line.switches.overwrite,
  };
}
