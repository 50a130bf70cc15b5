/**
 * Classification runs as an experiment task: each (variant, seed) is a `deno task train` run in
 * <outDir>/<variant>_s<seed>, compared on final test accuracy, with the share of errors the excitatory
 * stream caused as an extra column.
 *
 * @module
 */
import { join } from "node:path";
import { validate } from "../config/schema.ts";
import { deepMerge } from "../config/overrides.ts";
import { readCsv } from "../io/csv.ts";
import type { ExperimentTask, RunSlot, TaskContext } from "../experiment/task.ts";
import { runName } from "../experiment/task.ts";
import { type RunRecord, TEST_ACCURACY } from "../experiment/summary.ts";
import { type ClassificationConfig, classificationSchema, standardizes } from "./config.ts";
import { type EpochRecord, POSTHOC_JSON, RESUMABLE_CHANGES, runClassification } from "./run.ts";
import {
  type LayerMeasures,
  type PaperFigures,
  paperFigures,
  paperTable,
  PATHWAY_NAMES,
} from "./paper_figures.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { type Dataset, loadDataset } from "./data.ts";
import { VARIANTS } from "./variants.ts";

/** One per-epoch row of the summary from a fresh run's record (the keys {@link readFinished} gives too). */
function perEpochRow(r: EpochRecord): Record<string, number> {
  const row: Record<string, number> = {
    epoch: r.epoch,
    testAccuracy: r.testAccuracy,
    trainLoss: r.trainLoss,
  };
  if (r.validationAccuracy !== null) row.validationAccuracy = r.validationAccuracy;
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
  return rows.slice(0, epochs).map((row) => {
    const out: Record<string, number> = {
      epoch: Number(row.epoch),
      testAccuracy: Number(row.test_accuracy),
      trainLoss: Number(row.train_loss),
    };
    if (row.validation_accuracy !== undefined) out.validationAccuracy = Number(row.validation_accuracy);
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

/** The classification task; it keeps each data set it loads for the runs that follow. */
export function classificationTask(): ExperimentTask<ClassificationConfig> {
  const datasets = new Map<string, Dataset>();
  const figuresOf = new Map<string, { config: ClassificationConfig; figures: PaperFigures }>();
  /** A run's record from its per-epoch rows and its folder's attribution.json and posthoc.json. */
  const recordOf = async (
    config: ClassificationConfig,
    dir: string,
    perEpoch: Record<string, number>[],
  ): Promise<RunRecord> => {
    const amplified = await readAmplifiedShare(dir);
    const figures = await readPostHoc(dir);
    const extras: Record<string, number> = {};
    if (amplified !== undefined) extras.amplifiedShare = amplified;
    if (figures) {
      figuresOf.set(`${config.variant}/${config.seed}`, { config, figures });
      extras.attenuation = figures.attenuationFirstLayer;
      if (Number.isFinite(figures.floorShare)) extras.floorShare = figures.floorShare;
    }
    return {
      variant: config.variant,
      seed: config.seed,
      final: perEpoch[perEpoch.length - 1].testAccuracy,
      perEpoch,
      extras,
    };
  };
  return {
    name: "classification",
    variants: VARIANTS,
    defaultBaseline: "proposed",
    metric: TEST_ACCURACY,
    variantLabel: "variant",
    epochKey: "epoch",
    plots: [{
      key: "testAccuracy",
      title: "Test accuracy per epoch (mean ± std over seeds)",
      yLabel: "test accuracy (%)",
      scale: 100,
    }],
    columns: [{
      key: "amplifiedShare",
      label: "errors amplified (%)",
      csv: "mean_amplified_share",
      percent: true,
      digits: 1,
      withStd: true,
    }, {
      key: "floorShare",
      label: "weights at floor (%)",
      csv: "mean_floor_share",
      percent: true,
      digits: 1,
      withStd: true,
    }, {
      key: "attenuation",
      label: "drive attenuation, output / layer 1 (×)",
      csv: "mean_attenuation",
      digits: 1,
      withStd: true,
    }],
    runConfig(raw: unknown, slot: RunSlot, label: string): ClassificationConfig {
      const run = { variant: slot.variant, seed: slot.seed, name: runName(slot), outDir: slot.outDir };
      return validate(classificationSchema, deepMerge(raw, run), label);
    },
    describe(c: ClassificationConfig): string {
      const conv = (c.model.conv ?? []).map((l) => `conv${l.kernel} ${l.channels}`).join("-");
      const d = c.dataset;
      const images = d.trainSubset
        ? `the first ${d.trainSubset} ${d.name} train images`
        : `the ${d.name} training set`;
      const input = [
        d.validation ? `the last ${d.validation} held out for validation` : "",
        standardizes(d) ? "per-channel standardised" : "",
        d.augment?.crop ? `shifts ≤ ${d.augment.crop} px` : "",
        d.augment?.flip ? "horizontal flips" : "",
      ].filter(Boolean);
      const o = c.optimizer;
      return `${[conv, c.model.hidden.join("-")].filter(Boolean).join(" / ")} hidden, ${images}` +
        `${input.length ? ` (${input.join(", ")})` : ""}, ${c.epochs} epochs of batch ${c.batchSize}, ` +
        `${o.kind} lr ${o.lr} (${o.schedule.kind})`;
    },
    backendOf: (config) => config.backend,
    resumableKeys: RESUMABLE_CHANGES,
    async readFinished(config: ClassificationConfig): Promise<RunRecord | null> {
      const dir = join(config.outDir, config.name);
      const perEpoch = await readFinished(dir, config.epochs);
      return perEpoch ? await recordOf(config, dir, perEpoch) : null;
    },
    async run(config: ClassificationConfig, context: TaskContext): Promise<RunRecord> {
      const dir = join(config.outDir, config.name);
      const finished = context.fresh ? null : await readFinished(dir, config.epochs);
      if (finished) {
        context.log(`${config.name}: already finished, read from ${dir}`);
        return await recordOf(config, dir, finished);
      }
      const { name, path, trainSubset, testSubset, validation } = config.dataset;
      const key = JSON.stringify({ name, path, trainSubset, testSubset, validation });
      if (!datasets.has(key)) datasets.set(key, await loadDataset(config.dataset, context.log));
      const resume = !context.fresh &&
        await Deno.stat(join(dir, "checkpoint.safetensors")).then(() => true, () => false);
      const result = await runClassification(config, {
        backend: context.backend,
        dataset: datasets.get(key),
        resume,
        overwrite: !resume,
        log: context.log,
      });
      const perEpoch = (await readFinished(dir, config.epochs)) ?? result.epochs.map(perEpochRow);
      const last = perEpoch[perEpoch.length - 1];
      context.log(`${config.name}: test accuracy ${(100 * last.testAccuracy).toFixed(2)}% (${dir})`);
      return await recordOf(config, dir, perEpoch);
    },
    async report(records: readonly RunRecord[], outDir: string): Promise<string[]> {
      const sections: string[] = [];
      for (const variant of new Set(records.map((r) => r.variant))) {
        const runs = records.filter((r) => r.variant === variant)
          .map((r) => figuresOf.get(`${r.variant}/${r.seed}`))
          .filter((x) => x !== undefined);
        if (runs.length === 0) continue;
        const mean = paperFigures(runs[0].config, meanMeasures(runs.map((r) => r.figures)));
        sections.push(
          `## ${variant} (mean of the per-layer measures over ${runs.length} seed${
            runs.length > 1 ? "s" : ""
          })` +
            `\n\n${paperTable(mean)}`,
        );
      }
      if (sections.length === 0) return [];
      const path = join(outDir, "posthoc.md");
      const head = "# Post-hoc figures of the final networks (lib/train/paper_figures.ts for the readings)";
      await writeFileAtomic(path, `${head}\n\n${sections.join("\n")}`);
      return [path];
    },
  };
}

/** A run's posthoc.json (undefined without one: runs from before it existed, unfinished runs). */
async function readPostHoc(dir: string): Promise<PaperFigures | undefined> {
  const text = await Deno.readTextFile(join(dir, POSTHOC_JSON)).catch(() => null);
  return text === null ? undefined : JSON.parse(text) as PaperFigures;
}

/** The per-layer measures averaged over runs of one variant (the figures are then taken of the mean). */
function meanMeasures(runs: PaperFigures[]): LayerMeasures {
  const avg = (f: (l: PaperFigures["layers"][number]) => number) =>
    runs[0].layers.map((_, k) => runs.reduce((a, r) => a + f(r.layers[k]), 0) / runs.length);
  const dual = runs[0].layers.every((l) => l.floor !== null);
  const floors = PATHWAY_NAMES.map((p) => avg((l) => l.floor?.[p] ?? NaN));
  const measured = runs.every((r) => r.layers.every((l) => Number.isFinite(l.update)));
  return {
    updates: measured ? avg((l) => l.update) : undefined,
    meanDrive: avg((l) => l.drive),
    eiRatio: dual ? avg((l) => l.eiRatio) : [],
    atFloor: dual
      ? runs[0].layers.map((_, k) => Object.fromEntries(PATHWAY_NAMES.map((p, i) => [p, floors[i][k]])))
      : [],
  };
}
