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
import { CHECKPOINT_FILE, METRICS_FILE, openRunFolder, STATS_FILE } from "../io/run_folder.ts";
import { recordProvenance } from "../io/provenance.ts";
import { type EpochWarning, epochWarnings } from "./health.ts";
import { type ClassificationConfig, standardizes } from "./config.ts";
import { UsageError } from "../io/command.ts";
import { channelStats, InputPipeline, readStats, statsMismatch } from "./input.ts";
import type { Classifier } from "./classifier.ts";
import { classifierFor } from "./load.ts";
import { postHoc } from "./posthoc.ts";
import { attributeDataset, type ErrorAttribution } from "./attribution.ts";
export { settingsFor } from "./variants.ts";
import { type Dataset, loadDataset } from "./data.ts";
import { learningRateScale } from "./schedule.ts";
import { type PaperFigures, paperFigures, paperTable } from "./paper_figures.ts";

/** One epoch of a run, as metrics.csv records it (one row per epoch). */
export interface EpochRecord {
  /** Epoch number, from 1. */
  epoch: number;
  /** Mean over the epoch's training examples of ½ Σ_c (t_c − y_c)² (the one-vs-all squared error). */
  trainLoss: number;
  /** Fraction in [0, 1] of training examples classified correctly, each before its minibatch's update. */
  trainAccuracy: number;
  /** Fraction in [0, 1] of the test images classified correctly after the epoch. */
  testAccuracy: number;
  /** Accuracy on the held-out validation split (null without `dataset.validation`). */
  validationAccuracy: number | null;
  /** Wall-clock seconds of the epoch: training, evaluation and the post-hoc measures. */
  seconds: number;
  /** Per layer: mean |U_p| over the epoch (gradient attenuation). */
  meanDrive: number[];
  /** Per dual-stream layer: weight-level E/I ratio. */
  eiRatio: number[];
  /** Per dual-stream layer and pathway: fraction of weights at the floor. */
  atFloor: Record<string, number>[];
  /** Signs of a run that is not learning (./health.ts); empty when healthy. */
  warnings: EpochWarning[];
}

/** What {@link runClassification} returns (the run folder holds the same and more). */
export interface RunResult {
  /** The run folder, `<outDir>/<name>`. */
  dir: string;
  /** The config the run ran with (also the folder's config.yaml). */
  config: ClassificationConfig;
  /** The epochs trained in this call, in order (a resumed run: only the new ones). */
  epochs: EpochRecord[];
  /** Test accuracy in [0, 1] of the final network (re-evaluated from the checkpoint when nothing trained). */
  finalTestAccuracy: number;
  /** The device the run computed on (`Backend.deviceName`). */
  backend: string;
  /**
   * E/I attribution of the final network's test errors (also written to attribution.json); null when
   * the output layer is single-stream or the run stopped before its last epoch (resuming a finished run
   * computes it from the checkpoint).
   */
  attribution: ErrorAttribution | null;
}

/** How {@link runClassification} treats its run folder, where it logs and what it reuses. */
export interface RunOptions {
  /** Continue from the run folder's last checkpoint (a config may change only {@link RESUMABLE_CHANGES}). */
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

/**
 * Thrown when an epoch's training loss became NaN or Inf; the message names the epoch and first bad step and
 * suggests a lower learning rate. The epochs before it stay saved in the run folder.
 */
export class TrainingDivergedError extends Error {
  /** Always "TrainingDivergedError". */
  override name = "TrainingDivergedError";
}

const ATTRIBUTION = "attribution.json";
/** The paper's post-hoc figures of the final network (./paper_figures.ts), as JSON and as a table. */
export const POSTHOC_JSON = "posthoc.json";
export const POSTHOC_MD = "posthoc.md";

function postHocReport(config: ClassificationConfig, figures: PaperFigures): string {
  return `# Post-hoc figures: ${config.name} (${config.variant}, ${config.dataset.name}, ` +
    `epoch ${config.epochs})\n\n${paperTable(figures)}`;
}
/** What a resumed run may change: its length, where it computes, how often it saves, where it reads data. */
export const RESUMABLE_CHANGES = ["epochs", "backend", "checkpointEvery", "dataset.path"];

/**
 * Runs the classification `config` into its run folder `<outDir>/<name>`: config.yaml, metrics.csv (one
 * row per epoch), checkpoint.safetensors, and at the end attribution.json and posthoc.json / posthoc.md.
 * The data come from `config.dataset` unless `options.dataset` gives them. Throws
 * {@link TrainingDivergedError} on a NaN or Inf loss.
 *
 * @example Two epochs on a tiny in-memory stand-in for MNIST (no download)
 * ```ts
 * import { type Dataset, makeClassificationConfig, Rng, runClassification } from "@diffusing-blame/ed";
 * // 28×28 images of noise in which class k lights up rows 2k + 8 and 2k + 9.
 * function stripes(n: number, seed: number): { x: Float32Array; y: Int32Array } {
 *   const rng = new Rng(seed), x = new Float32Array(n * 784), y = new Int32Array(n);
 *   for (let i = 0; i < n; i++) {
 *     y[i] = rng.int(10);
 *     for (let p = 0; p < 784; p++) {
 *       const row = Math.floor(p / 28);
 *       x[i * 784 + p] = 0.3 * rng.uniform() + (Math.floor(row / 2) === y[i] + 4 ? 0.7 : 0);
 *     }
 *   }
 *   return { x, y };
 * }
 * const train = stripes(512, 1), test = stripes(200, 2);
 * const dataset: Dataset = {
 *   name: "mnist", trainImages: train.x, trainLabels: train.y, testImages: test.x, testLabels: test.y,
 *   trainCount: 512, testCount: 200, inputs: 784, image: [1, 28, 28], classes: 10,
 * };
 * const outDir = await Deno.makeTempDir();
 * const config = makeClassificationConfig({
 *   name: "stripes", outDir, backend: "cpu", model: { hidden: [32] }, epochs: 2, batchSize: 32,
 * });
 * const result = await runClassification(config, { dataset, log: null }); // log: null = quiet
 * console.log(result.dir, result.epochs.map((e) => e.testAccuracy), result.attribution?.errors);
 * // <outDir>/stripes [ 0.7, 1 ] 0 on the cpu backend: the stripes are easy
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
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
  const pipeline = await inputPipeline(config, data, dir, resumed);
  const clf = classifierFor(config, backend, data);
  try {
    const epochs: EpochRecord[] = [];
    let start = 0;
    if (resumed) {
      start = await restoreRunCheckpoint(join(dir, CHECKPOINT_FILE), clf);
      await filterCsvRows(join(dir, METRICS_FILE), (row) => Number(row.epoch) <= start);
      log?.(`resumed ${dir} after epoch ${start}`);
    }
    await recordProvenance(dir, backend, start);
    const last = Math.min(config.epochs, start + (options.stopAfterEpochs ?? Infinity));
    log?.(
      `${config.name}: ${config.variant} on ${config.dataset.name}, ${backend.deviceName}, ` +
        `${data.image.join("x")}-${
          [...(config.model.conv ?? []).map((c) => `c${c.channels}`), ...config.model.hidden]
            .join("-")
        }-${data.classes}, ${data.trainCount} train images` +
        (data.validation ? `, ${data.validation.count} validation` : ""),
    );
    for (let epoch = start + 1; epoch <= last; epoch++) {
      const record = await trainEpoch(clf, data, pipeline, config, epoch, log);
      epochs.push(record);
      await appendCsvRow(join(dir, METRICS_FILE), csvRow(record));
      if (config.checkpointEvery > 0 && epoch % config.checkpointEvery === 0 || epoch === config.epochs) {
        await saveRunCheckpoint(join(dir, CHECKPOINT_FILE), clf, epoch);
      }
    }
    // (Resuming a finished run trains nothing: its accuracy comes from the restored checkpoint.)
    const finalTestAccuracy = epochs.length
      ? epochs[epochs.length - 1].testAccuracy
      : await clf.evaluate(data.testImages, data.testLabels, pipeline.prepare);
    // Where the final network's test errors come from (dual-stream output layers only).
    let attribution: ErrorAttribution | null = null;
    if (last === config.epochs && clf.net.layers[clf.net.layers.length - 1].dualStream) {
      const testInputs = pipeline.chunk(data.testImages, 0, data.testLabels.length);
      attribution = await attributeDataset(clf.net, testInputs, data.testLabels, data.inputs);
      await writeFileAtomic(join(dir, ATTRIBUTION), JSON.stringify(attribution, null, 2) + "\n");
    }
    if (last === config.epochs && epochs.length > 0) {
      const updates = await probeUpdates(clf, data, pipeline, config.batchSize);
      const figures = paperFigures(config, { ...epochs[epochs.length - 1], updates }, data);
      await writeFileAtomic(join(dir, POSTHOC_JSON), JSON.stringify(figures, null, 2) + "\n");
      await writeFileAtomic(join(dir, POSTHOC_MD), postHocReport(config, figures));
    }
    return { dir, config, epochs, finalTestAccuracy, backend: backend.deviceName, attribution };
  } finally {
    clf.dispose();
    if (!options.backend) backend.dispose();
  }
}

/**
 * The run's input pipeline. With standardisation the training images' per-channel statistics are written
 * to stats.json when the run starts; a resumed run recomputes them and refuses data that gives others
 * (another copy of the data set at a new dataset.path, another subset), since its network learned on the
 * saved ones.
 */
export async function inputPipeline(
  config: ClassificationConfig,
  data: Dataset,
  dir: string,
  resumed: boolean,
): Promise<InputPipeline> {
  const augment = config.dataset.augment ?? null;
  if (!standardizes(config.dataset)) return new InputPipeline(data.image, null, augment);
  const stats = channelStats(data.trainImages, data.trainCount, data.image, data.name);
  const path = join(dir, STATS_FILE);
  if (resumed) {
    const saved = await readStats(path);
    if (!saved) {
      throw new UsageError(
        `--resume: ${dir} has no ${STATS_FILE}, so it was trained on raw pixels; resume it with ` +
          `--set dataset.standardize=false`,
      );
    }
    const why = statsMismatch(saved, stats);
    if (why) {
      throw new UsageError(
        `--resume: the training images' statistics do not match ${path} (${why}); resume with the data ` +
          `the run started on (dataset.path, trainSubset, validation) or start a new run`,
      );
    }
    return new InputPipeline(data.image, saved, augment);
  }
  await writeFileAtomic(path, JSON.stringify(stats, null, 2) + "\n");
  return new InputPipeline(data.image, stats, augment);
}

/** Per-layer mean |ΔW| of the final network on the first minibatch of training images (no augmentation). */
async function probeUpdates(
  clf: Classifier,
  data: Dataset,
  pipeline: InputPipeline,
  batch: number,
): Promise<number[]> {
  const n = Math.min(batch, data.trainCount);
  using x = ops.tensor(clf.backend, pipeline.chunk(data.trainImages, 0, n), [n, data.inputs]);
  using y = ops.tensor(clf.backend, data.trainLabels.subarray(0, n), [n]);
  using targets = ops.oneHot(y, data.classes);
  return await clf.updateMagnitudes(x, targets);
}

async function trainEpoch(
  clf: Classifier,
  data: Dataset,
  pipeline: InputPipeline,
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
    const rows = order.subarray(step * batch, (step + 1) * batch);
    pipeline.trainBatch(data.trainImages, rows, hostX, { seed: config.seed, epoch, step });
    for (let b = 0; b < batch; b++) hostY[b] = data.trainLabels[rows[b]];
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
  const testAccuracy = await clf.evaluate(data.testImages, data.testLabels, pipeline.prepare);
  const v = data.validation;
  const validationAccuracy = v ? await clf.evaluate(v.images, v.labels, pipeline.prepare) : null;
  const floor = clf.options.settings.floor ?? 0;
  const measures = await postHoc(clf.net.layers, floor);
  const seconds = (performance.now() - started) / 1000;
  bar?.done({ loss: train.loss, acc: train.accuracy, test: testAccuracy });
  const dual = measures.filter((m) => m !== null);
  const warnings = epochWarnings(
    { epoch, trainAccuracy: train.accuracy, meanDrive: train.meanDrive },
    data.classes,
    config.optimizer.lr,
  );
  for (const w of warnings) log?.(`warning: ${config.name}: ${w.message}`);
  return {
    epoch,
    trainLoss: train.loss,
    trainAccuracy: train.accuracy,
    testAccuracy,
    validationAccuracy,
    seconds,
    meanDrive: train.meanDrive,
    eiRatio: dual.map((m) => m!.eiRatio),
    atFloor: dual.map((m) => ({ ...m!.atFloor })),
    warnings,
  };
}

function csvRow(r: EpochRecord): CsvRow {
  const row: CsvRow = {
    epoch: r.epoch,
    train_loss: r.trainLoss,
    train_accuracy: r.trainAccuracy,
    test_accuracy: r.testAccuracy,
    ...(r.validationAccuracy === null ? {} : { validation_accuracy: r.validationAccuracy }),
    seconds: Number(r.seconds.toFixed(3)),
    warning: r.warnings.map((w) => w.code).join("+"),
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
