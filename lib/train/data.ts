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

export interface Dataset {
  name: string;
  /** Row-major N × inputs floats in [0, 1]. */
  trainImages: Float32Array;
  trainLabels: Int32Array;
  testImages: Float32Array;
  testLabels: Int32Array;
  trainCount: number;
  testCount: number;
  /** Held-out validation images (the last `validation` of the training subset); absent without a split. */
  validation?: { images: Float32Array; labels: Int32Array; count: number };
  inputs: number;
  /** Per-sample image shape [channels, height, width] (row-major CHW within each row of the arrays). */
  image: [number, number, number];
  classes: number;
}

export interface DatasetSpec {
  name: ClassificationConfig["dataset"]["name"];
  path?: string;
  trainSubset?: number;
  testSubset?: number;
  /** Hold out the last N images of the training subset as a validation split. */
  validation?: number;
}

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
