/** The classification data a run trains on, from the config's dataset section. */
import { loadIdxSplits, loadMnist } from "../../datasets/mnist.ts";
import { loadCifar10 } from "../../datasets/cifar10.ts";
import type { ClassificationConfig } from "./config.ts";

export interface Dataset {
  name: string;
  /** Row-major N × inputs floats in [0, 1]. */
  trainImages: Float32Array;
  trainLabels: Int32Array;
  testImages: Float32Array;
  testLabels: Int32Array;
  trainCount: number;
  testCount: number;
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
  const trainCount = take(spec.trainSubset, splits.trainLabels.length);
  const testCount = take(spec.testSubset, splits.testLabels.length);
  return {
    name: spec.name,
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
