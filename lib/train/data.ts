/**
 * The classification data a run trains on, from the config's dataset section: the first `trainSubset`
 * training images, of which the last `validation` are held out as a validation split, and the first
 * `testSubset` test images.
 */
import { loadIdxSplits, loadMnist } from "../../datasets/mnist.ts";
import { loadCifar10 } from "../../datasets/cifar10.ts";
import type { ClassificationConfig, DatasetName } from "./config.ts";
import { UsageError } from "../io/command.ts";

/** Image shape [channels, height, width] and class count of each data set. */
export const DATASET_SHAPES: Record<DatasetName, { image: [number, number, number]; classes: number }> = {
  mnist: { image: [1, 28, 28], classes: 10 },
  "fashion-mnist": { image: [1, 28, 28], classes: 10 },
  cifar10: { image: [3, 32, 32], classes: 10 },
};

/**
 * A classification data set in host memory: row-major images (one row of `inputs` floats per example) and
 * integer labels in [0, classes). {@link loadDataset} makes one from a config; tests and examples may build
 * one in memory.
 */
export interface Dataset {
  /** The data set's name ("mnist", "fashion-mnist", "cifar10"); input statistics record it. */
  name: string;
  /** Row-major N × inputs floats in [0, 1]. */
  trainImages: Float32Array;
  /** Class of each training image, in [0, classes). */
  trainLabels: Int32Array;
  /** Row-major testCount × inputs floats in [0, 1]. */
  testImages: Float32Array;
  /** Class of each test image, in [0, classes). */
  testLabels: Int32Array;
  /** Training images a run uses (rows of `trainImages`; minibatches are drawn from these). */
  trainCount: number;
  /** Test images. */
  testCount: number;
  /** Held-out validation images (the last `validation` of the training subset); absent without a split. */
  validation?: { images: Float32Array; labels: Int32Array; count: number };
  /** Floats per image: channels × height × width (784 for MNIST, 3072 for CIFAR-10). */
  inputs: number;
  /** Per-sample image shape [channels, height, width] (row-major CHW within each row of the arrays). */
  image: [number, number, number];
  /** Number of classes (10 for each of the three data sets). */
  classes: number;
}

/** Which data set {@link loadDataset} reads and how much of it (the config's `dataset` section). */
export interface DatasetSpec {
  /** "mnist", "fashion-mnist" or "cifar10". */
  name: ClassificationConfig["dataset"]["name"];
  /** Folder of the files (default data/<name>; Fashion-MNIST must already hold its four IDX files there). */
  path?: string;
  /** Use only the first N training images (before the validation split). */
  trainSubset?: number;
  /** Use only the first N test images. */
  testSubset?: number;
  /** Hold out the last N images of the training subset as a validation split. */
  validation?: number;
}

/**
 * Loads the data set `spec` names from `spec.path` (MNIST and CIFAR-10 are downloaded into it when missing;
 * progress goes to `log`) and cuts the subsets and the validation split. Throws a one-line error when the
 * files are missing or the validation split would take every training image.
 *
 * @example
 * ```ts ignore
 * import { loadDataset } from "@diffusing-blame/ed";
 * // Reads data/mnist (or downloads MNIST there first): needs the network on a fresh checkout.
 * const data = await loadDataset({ name: "mnist", trainSubset: 10000, validation: 1000, testSubset: 2000 });
 * console.log(data.trainCount, data.validation?.count, data.testCount); // 9000 1000 2000
 * ```
 */
export async function loadDataset(
  spec: DatasetSpec,
  log?: (line: string) => void,
): Promise<Dataset> {
  const splits = spec.name === "mnist"
    ? await loadMnist({ dir: spec.path, log })
    : spec.name === "cifar10"
    ? await loadCifar10({ dir: spec.path, log })
    : await loadIdxSplits(spec.path ?? "data/fashion-mnist", {
      hint: `put Fashion-MNIST's four IDX files in ${spec.path ?? "data/fashion-mnist"} (dataset.path)`,
    });
  const inputs = splits.rows * splits.cols * splits.channels;
  const take = (count: number | undefined, total: number) => Math.min(count ?? total, total);
  const available = take(spec.trainSubset, splits.trainLabels.length);
  const held = spec.validation ?? 0;
  if (held >= available) {
    throw new UsageError(
      `dataset.validation ${held} holds out every one of the ${available} training images; ` +
        `choose fewer (e.g. ${Math.floor(available / 10)})`,
    );
  }
  const trainCount = available - held;
  const testCount = take(spec.testSubset, splits.testLabels.length);
  const validation = held > 0
    ? {
      images: splits.trainImages.subarray(trainCount * inputs, available * inputs),
      labels: splits.trainLabels.subarray(trainCount, available),
      count: held,
    }
    : undefined;
  return {
    name: spec.name,
    validation,
    trainImages: splits.trainImages.subarray(0, trainCount * inputs),
    trainLabels: splits.trainLabels.subarray(0, trainCount),
    testImages: splits.testImages.subarray(0, testCount * inputs),
    testLabels: splits.testLabels.subarray(0, testCount),
    trainCount,
    testCount,
    inputs,
    image: [splits.channels, splits.rows, splits.cols],
    classes: splits.numClasses,
  };
}
