/**
 * The classification run config: schema, YAML loading and CLI overrides.
 *
 *     const { config } = await loadClassificationConfig("configs/mnist_proposed.yaml", ["optimizer.lr=0.5"]);
 *     const { config, resume } = await parseClassificationArgs(Deno.args);   // --config, --set, flags
 *
 * Every key, its type and default is listed by `classificationConfigDocs()` (generated from the schema;
 * `deno run lib/experiment/config.ts` prints it). Rule overrides left unset take the variant preset's value.
 *
 * @module
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import { parseArgs } from "node:util";
import {
  array,
  boolean,
  ConfigError,
  didYouMean,
  integer,
  number,
  object,
  oneOf,
  optional,
  type Schema,
  schemaTable,
  setPath,
  string,
  validate,
} from "./schema.ts";
import { type VariantName, VARIANTS } from "../train/variants.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../backend/mod.ts";

export const DATASETS = ["mnist", "fashion-mnist", "cifar10"] as const;
export const BACKENDS = BACKEND_CHOICES;
export { type VariantName, VARIANTS };
export type DatasetName = typeof DATASETS[number];
export type BackendName = BackendChoice;

/** One conv layer of a CIFAR-style model. */
export interface ConvLayerConfig {
  channels: number;
  kernel: number;
  stride: number;
  padding: number;
  pool: number;
}

/** Learning-rate schedule (see lib/train/schedule.ts). */
export interface ScheduleConfig {
  kind: "constant" | "cosine" | "step";
  warmupEpochs: number;
  stepEvery: number;
  gamma: number;
  minLr: number;
}

/** A classification run; `classificationSchema` validates it and documents every key. */
export interface ClassificationConfig {
  name: string;
  dataset: {
    name: DatasetName;
    path: string | undefined;
    trainSubset: number | undefined;
    testSubset: number | undefined;
  };
  model: { hidden: number[]; conv: ConvLayerConfig[] | undefined };
  variant: VariantName;
  rule: {
    uniformWidth: number | undefined;
    widths: number[] | undefined;
    centering: boolean | undefined;
    asymmetricInit: boolean | undefined;
    floor: number | undefined;
    lrMultipliers: number[] | undefined;
  };
  optimizer: {
    kind: "sgd" | "adam";
    lr: number;
    momentum: number;
    beta1: number;
    beta2: number;
    eps: number;
    schedule: ScheduleConfig;
  };
  epochs: number;
  batchSize: number;
  seed: number;
  backend: BackendName;
  outDir: string;
  checkpointEvery: number;
}

const convLayer: Schema<ConvLayerConfig> = object({
  channels: integer({ min: 1, doc: "output channels" }),
  kernel: integer({ min: 1, default: 3, doc: "square kernel size" }),
  stride: integer({ min: 1, default: 1 }),
  padding: integer({ min: 0, default: 1 }),
  pool: integer({ min: 1, default: 2, doc: "average-pool size after the layer (1 = none)" }),
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
    pattern: /^[\w.-]+$/,
    doc: "run name (letters, digits, _ . -); names outDir",
  }),
  dataset: object({
    name: oneOf(DATASETS, { default: "mnist" }),
    path: optional(
      string({ doc: "folder with IDX files (fashion-mnist) or a cache folder; default data/<name>" }),
    ),
    trainSubset: optional(integer({ min: 1, doc: "use only the first N training images" })),
    testSubset: optional(integer({ min: 1, doc: "use only the first N test images" })),
  }),
  model: object({
    hidden: array(integer({ min: 1 }), { default: [256, 256], doc: "hidden FC widths" }),
    conv: optional(array(convLayer, { doc: "conv layers before the FC layers (CIFAR-10)" })),
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
    asymmetricInit: optional(boolean({ doc: "hidden E ×1.5, I ×0.5 initialisation" })),
    floor: optional(number({ min: 0, doc: "Dale clamp floor after every update" })),
    lrMultipliers: optional(array(number({ min: 0 }), { doc: "per-layer learning-rate multipliers" })),
  }, { doc: "overrides of the variant preset; unset keys keep the preset's value" }),
  optimizer: object({
    kind: oneOf(["sgd", "adam"] as const, { default: "sgd" }),
    lr: number({ gt: 0, default: 3.0, doc: "base learning rate" }),
    momentum: number({ min: 0, max: 1, default: 0, doc: "SGD momentum" }),
    beta1: number({ min: 0, max: 1, default: 0.9, doc: "Adam β1" }),
    beta2: number({ min: 0, max: 1, default: 0.999, doc: "Adam β2" }),
    eps: number({ gt: 0, default: 1e-8, doc: "Adam ε" }),
    schedule,
  }),
  epochs: integer({ min: 1, default: 10 }),
  batchSize: integer({ min: 1, default: 128 }),
  seed: integer({ min: 0, default: 0 }),
  backend: oneOf(BACKENDS, { default: "auto", doc: "auto = webgpu when an adapter exists, else cpu" }),
  outDir: string({ default: "runs", doc: "runs go to <outDir>/<name>" }),
  checkpointEvery: integer({ min: 0, default: 1, doc: "epochs between checkpoints (0 = only the last)" }),
});

/** The defaults as a full config. */
export function defaultClassificationConfig(): ClassificationConfig {
  return validate(classificationSchema, {}, "<defaults>");
}

/** Validates a partial config object (filling defaults); for code and tests. */
export function makeClassificationConfig(partial: unknown = {}, file = "<object>"): ClassificationConfig {
  return validate(classificationSchema, partial, file);
}

/** Markdown table of every key with type, default and meaning. */
export function classificationConfigDocs(): string {
  return schemaTable(classificationSchema as Schema<unknown>);
}

/** Parses one YAML document into a plain value; errors name the file and line. */
export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text) ?? {};
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new ConfigError(
        file,
        "",
        `is not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}: ${
          e.message.split("\n")[0]
        }`,
      );
    }
    throw e;
  }
}

/** Reads a YAML file; a missing file is a ConfigError naming it. */
export async function readYamlFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(file, "", "file not found");
    throw e;
  }
  return parseYamlFile(text, file);
}

/**
 * Applies `key.path=value` overrides to a raw (unvalidated) config object. The value is parsed as YAML, so
 * `lr=0.5` is a number, `hidden=[512,512]` a list, `centering=false` a boolean, `name=abc` a string.
 * An override's key must exist in the schema (checked here so the error names the override, not the file).
 */
export function applyOverrides(raw: unknown, overrides: readonly string[], schema: Schema<unknown>): unknown {
  // A non-object (e.g. a YAML list) is left for validation to reject with the file name.
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const obj = structuredClone(raw) as Record<string, unknown>;
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", o, `must look like key.path=value`);
    const key = o.slice(0, eq).trim(), text = o.slice(eq + 1);
    // Check the key path against the schema's fields.
    let s: Schema<unknown> | undefined = schema;
    for (const part of key.split(".")) {
      if (s?.fields) {
        if (!(part in s.fields)) {
          throw new ConfigError(
            "--set",
            key,
            `is not a known key${didYouMean(part, Object.keys(s.fields))} (allowed here: ${
              Object.keys(s.fields).join(", ")
            })`,
          );
        }
        s = s.fields[part];
      } else s = undefined; // inside a list or map: leave it to validation
    }
    let value: unknown = text;
    if (!s?.textual) {
      try {
        value = parseYaml(text);
      } catch {
        value = text; // validation reports it with the expected type
      }
    }
    setPath(obj, key, value ?? null);
  }
  return obj;
}

/** Loads, overrides and validates a classification config; errors name the file (or "--set") and the key. */
export async function loadClassificationConfig(
  file: string | undefined,
  overrides: readonly string[] = [],
): Promise<ClassificationConfig> {
  const raw = file ? await readYamlFile(file) : {};
  const merged = applyOverrides(raw, overrides, classificationSchema as Schema<unknown>);
  const label = overrides.length > 0 ? `${file ?? "<defaults>"} (with --set ${overrides.join(" ")})` : file;
  return validate(classificationSchema, merged, label ?? "<defaults>");
}

export interface ParsedClassificationArgs {
  config: ClassificationConfig;
  /** Path of the YAML file, if any. */
  configPath?: string;
  /** `--resume`: continue from the last checkpoint in the run folder. */
  resume: boolean;
  /** Positional arguments left over. */
  positionals: string[];
}

/** Usage text for the common flags. */
export const CLASSIFICATION_USAGE = `Options:
  -c, --config FILE      YAML config (configs/*.yaml); defaults are used for missing keys
      --set KEY=VALUE    override any key, e.g. --set optimizer.lr=0.5 --set model.hidden=[512,512] (repeatable)
      --epochs N         same as --set epochs=N
      --seed N           same as --set seed=N
      --batch-size N     same as --set batchSize=N
      --lr X             same as --set optimizer.lr=X
      --variant NAME     same as --set variant=NAME (${VARIANTS.join(", ")})
      --backend NAME     same as --set backend=NAME (${BACKENDS.join(", ")})
      --out-dir DIR      same as --set outDir=DIR
      --name NAME        same as --set name=NAME
      --resume           continue a killed run from its last checkpoint`;

/**
 * Parses command-line arguments: `--config`, repeatable `--set key=value`, shorthand flags (applied after
 * the --set overrides, in the order of the usage text) and `--resume`.
 */
export async function parseClassificationArgs(args: readonly string[]): Promise<ParsedClassificationArgs> {
  const flagToKey: Record<string, string> = {
    epochs: "epochs",
    seed: "seed",
    "batch-size": "batchSize",
    lr: "optimizer.lr",
    variant: "variant",
    backend: "backend",
    "out-dir": "outDir",
    name: "name",
  };
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        set: { type: "string", multiple: true },
        resume: { type: "boolean", default: false },
        ...Object.fromEntries(Object.keys(flagToKey).map((k) => [k, { type: "string" as const }])),
      },
    }));
  } catch (e) {
    throw new ConfigError("command line", "", `${(e as Error).message}\n${CLASSIFICATION_USAGE}`);
  }
  const v = values as Record<string, string | string[] | boolean | undefined>;
  const overrides = [...(v.set as string[] | undefined ?? [])];
  for (const [flag, key] of Object.entries(flagToKey)) {
    if (typeof v[flag] === "string") overrides.push(`${key}=${v[flag]}`);
  }
  const configPath = v.config as string | undefined;
  const config = await loadClassificationConfig(configPath, overrides);
  return { config, configPath, resume: v.resume === true, positionals };
}

if (import.meta.main) {
  console.log(`# Classification config keys\n\n${classificationConfigDocs()}\n\n${CLASSIFICATION_USAGE}`);
}
