/**
 * Variants × seeds from one YAML file, then a summary (Markdown, CSV, SVG plots, Welch's t-tests):
 *
 *   deno task experiment --config configs/mnist_ablation.yaml [--set epochs=2] [--only proposed,dfa]
 *
 * The file names a base run config and what varies:
 *
 *   base: configs/mnist_proposed.yaml     # a classification config (path relative to this file)
 *   variants: [proposed, dfa, seed, no-centering, symmetric-init, uniform-width]
 *   seeds: [0, 1, 2, 3, 4]
 *   overrides: { epochs: 20 }             # applied to every run
 *   variantOverrides:                     # applied to one variant's runs
 *     dfa: { optimizer: { lr: 0.05 } }
 *   outDir: runs/mnist_ablation
 *
 * Each run lives in <outDir>/<variant>_s<seed>. A finished run is read back instead of trained again and an
 * interrupted one resumes from its checkpoint, so re-running the command after a kill loses nothing.
 */
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { type ClassificationConfig, classificationSchema, readYamlFile, VARIANTS } from "./config.ts";
import { array, integer, invalid, object, oneOf, optional, type Schema, string, validate } from "./schema.ts";
import { type RunRecord, writeSummary } from "./summary.ts";
import { readCsv } from "../io/csv.ts";
import { type EpochRecord, runClassification } from "../train/run.ts";
import { createBackend } from "../backend/mod.ts";
import { type Dataset, loadDataset } from "../train/data.ts";

const experimentSchema = object({
  name: string({ default: "experiment", doc: "title of the summary" }),
  base: optional(string({ doc: "path of the base classification config, relative to this file" })),
  variants: array(oneOf(VARIANTS), { default: ["proposed"], doc: "variants to run" }),
  seeds: array(integer({ min: 0 }), { default: [0, 1, 2, 3, 4], doc: "seeds per variant" }),
  overrides: optional(plainObject("overrides of the base config for every run")),
  variantOverrides: optional(plainObject("per-variant overrides: { <variant>: { ... } }")),
  outDir: string({ default: "runs/experiment", doc: "folder for the runs and the summary" }),
});

export type ExperimentConfig = ReturnType<typeof experimentSchema.check>;

/** Any YAML map, validated later against the run schema when merged into a run config. */
function plainObject(doc: string): Schema<Record<string, unknown>> {
  return {
    type: "a map",
    doc,
    check(v, path) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        invalid(path, "must be a map of config keys");
      }
      return v as Record<string, unknown>;
    },
  };
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (typeof a !== "object" || a === null || Array.isArray(a)) return structuredClone(b);
  if (typeof b !== "object" || b === null || Array.isArray(b)) return structuredClone(b);
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out;
}

export async function loadExperiment(file: string): Promise<{ experiment: ExperimentConfig; base: unknown }> {
  const experiment = validate(experimentSchema, await readYamlFile(file), file);
  const base = experiment.base ? await readYamlFile(join(dirname(file), experiment.base)) : {};
  return { experiment, base };
}

/** The run config of one (variant, seed), validated; errors name the experiment file and the key. */
export function runConfig(
  file: string,
  experiment: ExperimentConfig,
  base: unknown,
  variant: string,
  seed: number,
): ClassificationConfig {
  let raw = deepMerge(base, experiment.overrides ?? {});
  const perVariant = experiment.variantOverrides?.[variant];
  if (perVariant !== undefined) raw = deepMerge(raw, perVariant);
  raw = deepMerge(raw, { variant, seed, name: `${variant}_s${seed}`, outDir: experiment.outDir });
  return validate(classificationSchema, raw, `${file} (${variant}, seed ${seed})`);
}

function perEpochRow(r: EpochRecord): Record<string, number> {
  const row: Record<string, number> = {
    epoch: r.epoch,
    testAccuracy: r.testAccuracy,
    trainLoss: r.trainLoss,
  };
  r.meanDrive.forEach((d, l) => (row[`meanDrive_l${l + 1}`] = d));
  r.eiRatio.forEach((e, l) => (row[`eiRatio_l${l + 1}`] = e));
  r.atFloor.forEach((f, l) => {
    const values = Object.values(f);
    row[`atFloor_l${l + 1}`] = values.reduce((a, b) => a + b, 0) / values.length;
  });
  return row;
}

/** Reads a finished run's metrics.csv back into per-epoch rows (same keys as a fresh run). */
async function readFinished(dir: string, epochs: number): Promise<Record<string, number>[] | null> {
  const rows = await readCsv(join(dir, "metrics.csv")).catch(() => null);
  if (!rows || rows.length < epochs) return null;
  return rows.map((row) => {
    const out: Record<string, number> = {
      epoch: Number(row.epoch),
      testAccuracy: Number(row.test_accuracy),
      trainLoss: Number(row.train_loss),
    };
    const floors = new Map<string, number[]>();
    for (const [k, v] of Object.entries(row)) {
      let m;
      if ((m = k.match(/^drive_l(\d+)$/))) out[`meanDrive_l${m[1]}`] = Number(v);
      else if ((m = k.match(/^ei_ratio_l(\d+)$/))) out[`eiRatio_l${m[1]}`] = Number(v);
      else if ((m = k.match(/^floor_\w+_l(\d+)$/))) {
        floors.set(m[1], [...(floors.get(m[1]) ?? []), Number(v)]);
      }
    }
    for (const [l, vs] of floors) out[`atFloor_l${l}`] = vs.reduce((a, b) => a + b, 0) / vs.length;
    return out;
  });
}

/** The amplified share of a run's test errors from its attribution.json (undefined without one). */
async function readAmplifiedShare(dir: string): Promise<number | undefined> {
  const text = await Deno.readTextFile(join(dir, "attribution.json")).catch(() => null);
  if (text === null) return undefined;
  const a = JSON.parse(text) as { errors: number; amplified: number };
  return a.errors > 0 ? a.amplified / a.errors : undefined;
}

export interface ExperimentOptions {
  /** Run only these variants (a subset of the file's). */
  only?: string[];
  overrides?: Record<string, unknown>;
  log?: (line: string) => void;
}

export async function runExperiment(file: string, options: ExperimentOptions = {}): Promise<RunRecord[]> {
  const log = options.log ?? console.log;
  const { experiment, base } = await loadExperiment(file);
  const merged = {
    ...experiment,
    overrides: deepMerge(experiment.overrides ?? {}, options.overrides ?? {}) as Record<string, unknown>,
  };
  const variants = experiment.variants.filter((v) => !options.only || options.only.includes(v));
  if (variants.length === 0) {
    throw new Error(
      `--only ${options.only?.join(",")} selects none of ${file}'s variants (${
        experiment.variants.join(", ")
      })`,
    );
  }
  // Validate every run's config before training anything.
  const plan = variants.flatMap((v) => experiment.seeds.map((s) => runConfig(file, merged, base, v, s)));
  const backend = await createBackend(plan[0]?.backend ?? "auto");
  const datasets = new Map<string, Dataset>();
  const records: RunRecord[] = [];
  try {
    for (const config of plan) {
      const dir = join(config.outDir, config.name);
      const finished = await readFinished(dir, config.epochs);
      let perEpoch: Record<string, number>[];
      if (finished) {
        log(`${config.name}: already finished, read from ${dir}`);
        perEpoch = finished.slice(0, config.epochs);
      } else {
        const key = JSON.stringify(config.dataset);
        if (!datasets.has(key)) datasets.set(key, await loadDataset(config.dataset, log));
        const resume = await Deno.stat(join(dir, "checkpoint.safetensors")).then(() => true, () => false);
        const result = await runClassification(config, {
          backend,
          dataset: datasets.get(key),
          resume,
          overwrite: !resume,
        });
        perEpoch = (await readFinished(dir, config.epochs)) ?? result.epochs.map(perEpochRow);
      }
      const last = perEpoch[perEpoch.length - 1];
      records.push({
        variant: config.variant,
        seed: config.seed,
        finalTestAcc: last.testAccuracy,
        perEpoch,
        amplifiedShare: await readAmplifiedShare(dir),
      });
    }
  } finally {
    backend.dispose();
  }
  const { rows, files } = await writeSummary(experiment.outDir, records, {
    title: experiment.name,
    notes: `Config: \`${file}\`; backend: ${backend.deviceName}; seeds ${experiment.seeds.join(", ")}.`,
  });
  for (const r of rows) {
    log(
      `${r.variant.padEnd(16)} ${(100 * r.mean).toFixed(2)} ± ${(100 * r.std).toFixed(2)}%  ` +
        `Δ ${r.deltaPp.toFixed(1)} pp  p ${r.p.toPrecision(3)}`,
    );
  }
  log(
    `summary: ${files.filter((f) => f.endsWith(".md")).join(", ") || join(experiment.outDir, "summary.md")}`,
  );
  return records;
}

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        config: { type: "string", short: "c" },
        only: { type: "string" },
        set: { type: "string", multiple: true },
      },
    });
    if (!values.config) {
      throw new Error("usage: deno task experiment --config FILE [--only a,b] [--set key=value]");
    }
    const overrides: Record<string, unknown> = {};
    for (const o of values.set ?? []) {
      const eq = o.indexOf("=");
      if (eq <= 0) throw new Error(`--set ${o}: must look like key.path=value`);
      let node = overrides;
      const keys = o.slice(0, eq).split(".");
      keys.slice(0, -1).forEach((k) => (node = (node[k] ??= {}) as Record<string, unknown>));
      const { parse } = await import("yaml");
      node[keys[keys.length - 1]] = parse(o.slice(eq + 1));
    }
    await runExperiment(values.config, { only: values.only?.split(","), overrides });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
