/**
 * A trained classifier from its run folder: the network config.yaml describes, the parameters of
 * checkpoint.safetensors and the input statistics of stats.json, ready to evaluate or predict on raw images
 * (floats in [0, 1], as the data sets load them). `deno task eval` (cli/eval.ts) is its command line.
 *
 *     using model = await loadClassifier("runs/mnist-proposed");
 *     const accuracy = await model.evaluate(testImages, testLabels);
 *     const classes = await model.predict(images);          // Int32Array, one class per image
 *
 * @module
 */
import { join } from "node:path";
import { parseYaml } from "../deps.ts";
import type { Backend } from "../backend/backend.ts";
import { type BackendChoice, createBackend } from "../backend/mod.ts";
import * as ops from "../ops.ts";
import { loadCheckpoint } from "../io/checkpoint.ts";
import { UsageError } from "../io/command.ts";
import { CHECKPOINT_FILE, CONFIG_FILE, STATS_FILE } from "../io/run_folder.ts";
export { DATASET_SHAPES } from "./data.ts";
import {
  type ClassificationConfig,
  type DatasetName,
  DATASETS,
  makeClassificationConfig,
  standardizes,
} from "./config.ts";
import { Classifier } from "./classifier.ts";
import { DATASET_SHAPES, loadDataset } from "./data.ts";
import { InputPipeline, readStats } from "./input.ts";
import { settingsFor } from "./variants.ts";

/** What a classifier's inputs and outputs look like. */
export interface ClassifierShape {
  /** Image shape [channels, height, width] of one input (the flattened size is the input count). */
  image: [number, number, number];
  /** Output units, one per class. */
  classes: number;
}

/** The classifier a config describes (fresh parameters from its seed) for data of `shape`. */
export function classifierFor(
  config: ClassificationConfig,
  backend: Backend,
  shape: ClassifierShape,
): Classifier {
  const [c, h, w] = shape.image;
  return new Classifier(backend, {
    inputs: c * h * w,
    image: shape.image,
    conv: config.model.conv,
    convBias: config.model.convBias,
    hidden: config.model.hidden,
    classes: shape.classes,
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
}

/** A classifier loaded from a run folder. */
export interface LoadedClassifier {
  /** The run folder it was loaded from. */
  dir: string;
  /** The run's config (its config.yaml). */
  config: ClassificationConfig;
  /** The network with the checkpoint's parameters (its rule and optimizer state are fresh). */
  classifier: Classifier;
  /** The run's input pipeline (its standardisation; no augmentation). */
  pipeline: InputPipeline;
  /** Input image shape and class count, from the run's data set. */
  shape: ClassifierShape;
  /** The epoch the checkpoint was written after. */
  epoch: number;
  /** Accuracy on raw images (N × inputs floats in [0, 1]) with their labels. */
  evaluate(images: Float32Array, labels: Int32Array): Promise<number>;
  /** The predicted class of each raw image. */
  predict(images: Float32Array): Promise<Int32Array>;
  /** Throws a one-line error when data of `shape` (from `what`) does not fit the network. */
  checkShape(shape: ClassifierShape, what: string): void;
  /** Releases the network, and the backend when {@link loadClassifier} created it. */
  [Symbol.dispose](): void;
}

/** Options of {@link loadClassifier}. */
export interface LoadClassifierOptions {
  /** A backend to use (shared), or which one to create; default: the run's `backend` key. */
  backend?: Backend | BackendChoice;
}

const describe = (s: ClassifierShape) =>
  `${s.image.join("x")} images (${s.image[0] * s.image[1] * s.image[2]} inputs), ${s.classes} classes`;

/**
 * Rebuilds the classifier of the run folder `dir` (config.yaml + checkpoint.safetensors + stats.json).
 * A checkpoint whose tensors do not fit the network config.yaml describes is a one-line error naming the
 * tensor and both sizes.
 *
 * @example Train a tiny run, then load it back (random MNIST-shaped data, no download)
 * ```ts
 * import {
 *   type Dataset,
 *   loadClassifier,
 *   makeClassificationConfig,
 *   Rng,
 *   runClassification,
 * } from "@diffusing-blame/ed";
 * const rng = new Rng(0), n = 64;
 * const images = Float32Array.from({ length: n * 784 }, () => rng.uniform());
 * const labels = Int32Array.from({ length: n }, () => rng.int(10));
 * const dataset: Dataset = {
 *   name: "mnist", trainImages: images, trainLabels: labels, testImages: images, testLabels: labels,
 *   trainCount: n, testCount: n, inputs: 784, image: [1, 28, 28], classes: 10,
 * };
 * const outDir = await Deno.makeTempDir();
 * const config = makeClassificationConfig({
 *   name: "tiny", outDir, backend: "cpu", model: { hidden: [16] }, epochs: 1, batchSize: 32,
 * });
 * const run = await runClassification(config, { dataset, log: null });
 * {
 *   using model = await loadClassifier(run.dir, { backend: "cpu" });
 *   const accuracy = await model.evaluate(images, labels); // the run's final test accuracy again
 *   const classes = await model.predict(images.subarray(0, 3 * 784)); // Int32Array of 3 classes
 *   console.log(model.epoch, accuracy === run.finalTestAccuracy, classes); // 1 true Int32Array(3) [...]
 * }
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function loadClassifier(
  dir: string,
  options: LoadClassifierOptions = {},
): Promise<LoadedClassifier> {
  const configPath = join(dir, CONFIG_FILE), checkpointPath = join(dir, CHECKPOINT_FILE);
  const text = await Deno.readTextFile(configPath).catch((e) => {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`${dir} is not a classification run folder (no ${CONFIG_FILE}); pass --run DIR`);
    }
    throw e;
  });
  const config = makeClassificationConfig(parseYaml(text), configPath);
  const shape = DATASET_SHAPES[config.dataset.name];
  const stats = standardizes(config.dataset) ? await readStats(join(dir, STATS_FILE)) : null;
  if (standardizes(config.dataset) && !stats) {
    throw new UsageError(`${dir} standardises its inputs but has no ${STATS_FILE}; the run never started`);
  }
  const pipeline = new InputPipeline(shape.image, stats);
  const ownBackend = typeof options.backend !== "object";
  const backend = typeof options.backend === "object"
    ? options.backend
    : await createBackend((options.backend as BackendChoice | undefined) ?? config.backend);
  const classifier = classifierFor(config, backend, shape);
  let epoch: number;
  try {
    const params = new Map(classifier.net.params.map((p, i) => [`param.${i}.${p.name}`, p.value]));
    const metadata = await loadCheckpoint(checkpointPath, params).catch((e) => {
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`${dir} has no ${CHECKPOINT_FILE} yet (the run saves one after each epoch)`);
      }
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${(e as Error).message} (the network of ${configPath})`);
    });
    epoch = Number(metadata.epoch ?? NaN);
  } catch (e) {
    classifier.dispose();
    if (ownBackend) backend.dispose();
    throw e;
  }
  return {
    dir,
    config,
    classifier,
    pipeline,
    shape,
    epoch,
    evaluate: (images, labels) => classifier.evaluate(images, labels, pipeline.prepare),
    async predict(images: Float32Array): Promise<Int32Array> {
      const d = pipeline.inputs, n = Math.floor(images.length / d), out = new Int32Array(n);
      for (let start = 0; start < n; start += 1000) {
        const end = Math.min(n, start + 1000);
        using x = ops.tensor(backend, pipeline.chunk(images, start, end), [end - start, d]);
        using output = classifier.net.predict(x);
        using best = ops.argmax(output, 1);
        out.set(await best.read(), start);
      }
      return out;
    },
    checkShape(other: ClassifierShape, what: string): void {
      if (other.image.join("x") !== shape.image.join("x") || other.classes !== shape.classes) {
        throw new UsageError(
          `${dir} holds a classifier of ${describe(shape)} (${config.dataset.name}); ${what} has ` +
            `${describe(other)}`,
        );
      }
    },
    [Symbol.dispose]() {
      classifier.dispose();
      if (ownBackend) backend.dispose();
    },
  };
}

/** The splits `--data` may name. */
export const EVAL_SPLITS = ["test", "validation", "train"] as const;
/** A split of a run's own data set. */
export type EvalSplit = typeof EVAL_SPLITS[number];

/** Images and labels to evaluate on, and a description of them. */
export interface EvaluationData {
  images: Float32Array;
  labels: Int32Array;
  shape: ClassifierShape;
  what: string;
}

/**
 * The data `--data` names: a split of the run's own data set as the run used it (`test`, `validation`,
 * `train`, with the run's subsets), or `NAME[:SPLIT]`, a whole split of another data set (`mnist`,
 * `fashion-mnist:test`, `cifar10:train`). `path` is the data folder (default: the run's dataset.path for its
 * own data set, else data/<name>). `check` sees the data set's shape before it is loaded.
 */
export async function evaluationData(
  config: ClassificationConfig,
  data = "test",
  path?: string,
  log?: (line: string) => void,
  check?: (shape: ClassifierShape, what: string) => void,
): Promise<EvaluationData> {
  const [first, second] = data.split(":");
  const ownSplit = (EVAL_SPLITS as readonly string[]).includes(first) && second === undefined;
  const name = ownSplit ? config.dataset.name : first;
  const split = (ownSplit ? first : second ?? "test") as EvalSplit;
  if (!(DATASETS as readonly string[]).includes(name)) {
    throw new UsageError(
      `--data ${data}: expected one of ${EVAL_SPLITS.join(", ")} or NAME[:SPLIT] with NAME one of ` +
        `${DATASETS.join(", ")}`,
    );
  }
  if (!(EVAL_SPLITS as readonly string[]).includes(split) || (!ownSplit && split === "validation")) {
    throw new UsageError(`--data ${data}: the split of another data set must be test or train`);
  }
  check?.(DATASET_SHAPES[name as DatasetName], `--data ${data}`); // before loading a large data set
  const spec = ownSplit
    ? { ...config.dataset, path: path ?? config.dataset.path }
    : { name: name as DatasetName, path };
  const d = await loadDataset(spec, log);
  const shape = { image: d.image, classes: d.classes };
  const label = (n: number, which: string) => `${name} ${which} (${n} images)`;
  if (split === "test") {
    return { images: d.testImages, labels: d.testLabels, shape, what: label(d.testCount, "test") };
  }
  if (split === "train") {
    return {
      images: d.trainImages.subarray(0, d.trainCount * d.inputs),
      labels: d.trainLabels.subarray(0, d.trainCount),
      shape,
      what: label(d.trainCount, "train"),
    };
  }
  if (!d.validation) {
    throw new UsageError(
      `--data validation: the run held out no validation split (dataset.validation unset)`,
    );
  }
  const v = d.validation;
  return { images: v.images, labels: v.labels, shape, what: label(v.count, "validation") };
}
