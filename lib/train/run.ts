/**
 * A classification run from a config: data, epochs of minibatch steps that stay on the device, one
 * read-back per epoch for metrics (plus an asynchronous peek for the progress bar), per-epoch CSV and
 * safetensors checkpoints, and `resume` that continues a killed run to the same numbers as an
 * uninterrupted one (minibatch order and learning rate depend only on seed, epoch and step).
 */
import { join } from "node:path";
import { createBackend } from "../backend/mod.ts";
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { Rng } from "../random.ts";
import type { Tensor } from "../tensor.ts";
import { appendCsvRow, type CsvRow, filterCsvRows } from "../io/csv.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { ProgressBar } from "../io/progress.ts";
import { loadCheckpoint, saveCheckpoint, trainingTensors } from "../io/checkpoint.ts";
import { CHECKPOINT_FILE, METRICS_FILE, openRunFolder } from "../io/run_folder.ts";
import type { ClassificationConfig } from "./config.ts";
import { Classifier } from "./classifier.ts";
import { postHoc } from "./posthoc.ts";
import { attributeDataset, type ErrorAttribution } from "./attribution.ts";
import { type RuleSettings, variantSettings } from "./variants.ts";
import { type Dataset, loadDataset } from "./data.ts";
import { learningRateScale } from "./schedule.ts";

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  /** Per layer: mean |U_p| over the epoch (gradient attenuation). */
  meanDrive: number[];
  /** Per dual-stream layer: weight-level E/I ratio. */
  eiRatio: number[];
  /** Per dual-stream layer and pathway: fraction of weights at the floor. */
  atFloor: Record<string, number>[];
}

export interface RunResult {
  dir: string;
  config: ClassificationConfig;
  epochs: EpochRecord[];
  finalTestAccuracy: number;
  backend: string;
  /**
   * E/I attribution of the final network's test errors (also written to attribution.json); null when
   * the output layer is single-stream or the run stopped before its last epoch (resuming a finished run
   * computes it from the checkpoint).
   */
  attribution: ErrorAttribution | null;
}

export interface RunOptions {
  resume?: boolean;
  /** Replace an existing run folder instead of refusing. */
  overwrite?: boolean;
  /** Progress output; null silences it (tests, the experiment runner uses its own). */
  log?: ((line: string) => void) | null;
  /** Reuse a backend (the experiment runner shares one across runs). */
  backend?: Backend;
  /** Reuse loaded data across runs. */
  dataset?: Dataset;
  /** Stop after this many epochs in this call (tests simulate a killed run with it). */
  stopAfterEpochs?: number;
}

export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
}

/** The learning-rule settings a config asks for: its variant preset with the `rule` overrides applied. */
export function settingsFor(config: ClassificationConfig): RuleSettings {
  const s = variantSettings(config.variant);
  const r = config.rule;
  return {
    ...s,
    uniformWidth: r.uniformWidth ?? s.uniformWidth,
    widths: r.widths ?? s.widths,
    centering: r.centering ?? s.centering,
    asymmetricInit: r.asymmetricInit ?? s.asymmetricInit,
    floor: r.floor ?? s.floor,
  };
}

const ATTRIBUTION = "attribution.json";
/** What a resumed run may change: its length, where it computes, how often it saves, where it reads data. */
export const RESUMABLE_CHANGES = ["epochs", "backend", "checkpointEvery", "dataset.path"];

export async function runClassification(
  config: ClassificationConfig,
  options: RunOptions = {},
): Promise<RunResult> {
  const log = options.log === undefined ? console.log : options.log;
  const { dir, resumed } = await openRunFolder(config.outDir, config.name, config, {
    resume: options.resume,
    overwrite: options.overwrite,
    mutableKeys: RESUMABLE_CHANGES,
  });
  const backend = options.backend ?? await createBackend(config.backend);
  const data = options.dataset ?? await loadDataset(config.dataset, log ?? undefined);
  const clf = new Classifier(backend, {
    inputs: data.inputs,
    image: data.image,
    conv: config.model.conv,
    hidden: config.model.hidden,
    classes: data.classes,
    settings: settingsFor(config),
    optimizer: {
      kind: config.optimizer.kind,
      lr: config.optimizer.lr,
      momentum: config.optimizer.momentum,
      beta1: config.optimizer.beta1,
      beta2: config.optimizer.beta2,
      eps: config.optimizer.eps,
      weightDecay: config.optimizer.weightDecay,
    },
    lrMultipliers: config.rule.lrMultipliers,
    seed: config.seed,
  });
  try {
    const epochs: EpochRecord[] = [];
    let start = 0;
    if (resumed) {
      start = await restoreRunCheckpoint(join(dir, CHECKPOINT_FILE), clf);
      await filterCsvRows(join(dir, METRICS_FILE), (row) => Number(row.epoch) <= start);
      log?.(`resumed ${dir} after epoch ${start}`);
    }
    const last = Math.min(config.epochs, start + (options.stopAfterEpochs ?? Infinity));
    log?.(
      `${config.name}: ${config.variant} on ${config.dataset.name}, ${backend.deviceName}, ` +
        `${data.inputs}-${config.model.hidden.join("-")}-${data.classes}, ${data.trainCount} train images`,
    );
    for (let epoch = start + 1; epoch <= last; epoch++) {
      const record = await trainEpoch(clf, data, config, epoch, log);
      epochs.push(record);
      await appendCsvRow(join(dir, METRICS_FILE), csvRow(record));
      if (config.checkpointEvery > 0 && epoch % config.checkpointEvery === 0 || epoch === config.epochs) {
        await saveRunCheckpoint(join(dir, CHECKPOINT_FILE), clf, epoch);
      }
    }
    // (Resuming a finished run trains nothing: its accuracy comes from the restored checkpoint.)
    const finalTestAccuracy = epochs.length
      ? epochs[epochs.length - 1].testAccuracy
      : await clf.evaluate(data.testImages, data.testLabels);
    // Where the final network's test errors come from (dual-stream output layers only).
    let attribution: ErrorAttribution | null = null;
    if (last === config.epochs && clf.net.layers[clf.net.layers.length - 1].dualStream) {
      attribution = await attributeDataset(clf.net, data.testImages, data.testLabels, data.inputs);
      await writeFileAtomic(join(dir, ATTRIBUTION), JSON.stringify(attribution, null, 2) + "\n");
    }
    return { dir, config, epochs, finalTestAccuracy, backend: backend.deviceName, attribution };
  } finally {
    clf.dispose();
    if (!options.backend) backend.dispose();
  }
}

async function trainEpoch(
  clf: Classifier,
  data: Dataset,
  config: ClassificationConfig,
  epoch: number,
  log: ((line: string) => void) | null,
): Promise<EpochRecord> {
  const started = performance.now();
  const backend = clf.backend, batch = config.batchSize, inputs = data.inputs;
  const steps = Math.floor(data.trainCount / batch);
  if (steps === 0) throw new Error(`batchSize ${batch} exceeds the ${data.trainCount} training images`);
  // Minibatch order depends only on (seed, epoch): a resumed run sees the same batches.
  const order = new Rng((config.seed * 1_000_003 + epoch) >>> 0).permutation(data.trainCount);
  const hostX = new Float32Array(batch * inputs), hostY = new Int32Array(batch);
  using x = ops.zeros(backend, [batch, inputs]);
  using y = ops.zeros(backend, [batch], "i32");
  const bar = log
    ? new ProgressBar({ total: steps, label: `epoch ${epoch}/${config.epochs}`, unit: "batch" })
    : null;
  let peeking = false, lastPeek = performance.now();
  for (let step = 0; step < steps; step++) {
    for (let b = 0; b < batch; b++) {
      const row = order[step * batch + b];
      hostX.set(data.trainImages.subarray(row * inputs, (row + 1) * inputs), b * inputs);
      hostY[b] = data.trainLabels[row];
    }
    ops.write(x, hostX);
    ops.write(y, hostY);
    using targets: Tensor = ops.oneHot(y, data.classes);
    const progress = epoch - 1 + step / steps;
    const lrScale = learningRateScale(
      config.optimizer.schedule,
      config.epochs,
      progress,
      config.optimizer.lr,
    );
    clf.trainStep(x, targets, lrScale);
    // Live loss and accuracy without stalling the device: a non-awaited read at most once a second.
    if (bar && !peeking && performance.now() - lastPeek > 1000) {
      peeking = true;
      lastPeek = performance.now();
      clf.peekTrainMetrics().then((m) => {
        peeking = false;
        if (m) bar.update(bar.current, { loss: m.loss, acc: m.accuracy });
      });
    }
    bar?.update(step + 1);
  }
  const train = await clf.takeTrainMetrics();
  if (train.firstNonFiniteStep !== null) {
    throw new TrainingDivergedError(
      `${config.name}: the loss became NaN or Inf at epoch ${epoch}, step ${train.firstNonFiniteStep} ` +
        `(of ${steps}); lower optimizer.lr (now ${config.optimizer.lr}) or the per-layer multipliers. ` +
        `Epochs before ${epoch} are saved in ${join(config.outDir, config.name)}.`,
    );
  }
  const testAccuracy = await clf.evaluate(data.testImages, data.testLabels);
  const floor = clf.options.settings.floor ?? 0;
  const measures = await postHoc(clf.net.layers, floor);
  const seconds = (performance.now() - started) / 1000;
  bar?.done({ loss: train.loss, acc: train.accuracy, test: testAccuracy });
  const dual = measures.filter((m) => m !== null);
  return {
    epoch,
    trainLoss: train.loss,
    trainAccuracy: train.accuracy,
    testAccuracy,
    seconds,
    meanDrive: train.meanDrive,
    eiRatio: dual.map((m) => m!.eiRatio),
    atFloor: dual.map((m) => ({ ...m!.atFloor })),
  };
}

function csvRow(r: EpochRecord): CsvRow {
  const row: CsvRow = {
    epoch: r.epoch,
    train_loss: r.trainLoss,
    train_accuracy: r.trainAccuracy,
    test_accuracy: r.testAccuracy,
    seconds: Number(r.seconds.toFixed(3)),
  };
  r.meanDrive.forEach((d, l) => (row[`drive_l${l + 1}`] = d));
  r.eiRatio.forEach((e, l) => (row[`ei_ratio_l${l + 1}`] = e));
  r.atFloor.forEach((f, l) => {
    for (const [pathway, v] of Object.entries(f)) row[`floor_${pathway}_l${l + 1}`] = v;
  });
  return row;
}

/** Parameters, optimizer state and the epoch reached, in one atomic safetensors file. */
async function saveRunCheckpoint(path: string, clf: Classifier, epoch: number): Promise<void> {
  await saveCheckpoint(path, trainingTensors(clf.net.params, clf.optimizer), {
    epoch: String(epoch),
    optimizerSteps: String(clf.optimizer.steps),
  });
}

async function restoreRunCheckpoint(path: string, clf: Classifier): Promise<number> {
  const metadata = await loadCheckpoint(path, trainingTensors(clf.net.params, clf.optimizer));
  clf.optimizer.steps = Number(metadata.optimizerSteps ?? 0);
  const epoch = Number(metadata.epoch);
  if (!Number.isInteger(epoch)) throw new Error(`${path}: metadata has no epoch`);
  return epoch;
}
