// Loading a trained classifier from its run folder (`loadClassifier`, `deno task eval`): it reproduces the
// run's final test accuracy with the run's own input statistics, predicts classes consistently, and names
// the mismatch when the checkpoint or the data do not fit the network.
import assert from "assert";
import { join } from "node:path";
import { makeClassificationConfig } from "../lib/train/config.ts";
import { runClassification } from "../lib/train/run.ts";
import { type Dataset, loadDataset } from "../lib/train/data.ts";
import { loadClassifier } from "../lib/train/load.ts";
import { main as evalMain } from "../cli/eval.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { Rng } from "../lib/random.ts";

const backend = new CpuBackend();

/** CIFAR-shaped random images whose label is the brightest channel (learnable, and not [0, 1]-centred). */
function cifarLike(n: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed), d = 3072;
  const images = new Float32Array(n * d), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(3);
    for (let k = 0; k < d; k++) {
      images[i * d + k] = 0.3 + 0.2 * rng.uniform() + (Math.floor(k / 1024) === labels[i] ? 0.2 : 0);
    }
  }
  return { images, labels };
}

Deno.test("loadClassifier reproduces a standardised CIFAR-shaped run's test accuracy and predictions", async () => {
  const train = cifarLike(64, 1), test = cifarLike(40, 2);
  const data: Dataset = {
    name: "cifar10",
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    trainCount: 64,
    testCount: 40,
    inputs: 3072,
    image: [3, 32, 32],
    classes: 10,
  };
  const dir = await Deno.makeTempDir();
  const config = makeClassificationConfig({
    name: "c",
    outDir: dir,
    backend: "cpu",
    dataset: { name: "cifar10" },
    model: { hidden: [10], conv: [{ channels: 3, kernel: 3, padding: 1, pool: 4 }] },
    epochs: 2,
    batchSize: 16,
  });
  const result = await runClassification(config, { backend, dataset: data, log: null });
  using model = await loadClassifier(join(dir, "c"), { backend });
  assert.equal(model.epoch, 2);
  assert.ok(model.pipeline.stats, "the run's statistics are loaded");
  assert.equal(await model.evaluate(test.images, test.labels), result.finalTestAccuracy);
  const predicted = await model.predict(test.images);
  const hits = predicted.reduce((k, c, i) => k + (c === test.labels[i] ? 1 : 0), 0);
  assert.equal(hits / 40, result.finalTestAccuracy);
  assert.throws(
    () => model.checkShape({ image: [1, 28, 28], classes: 10 }, "--data mnist"),
    /holds a classifier of 3x32x32 images \(3072 inputs\), 10 classes \(cifar10\); --data mnist has 1x28x28/,
  );
  // A config.yaml that describes another network than the checkpoint holds: the tensor and both sizes.
  const path = join(dir, "c", "config.yaml");
  await Deno.writeTextFile(
    path,
    (await Deno.readTextFile(path)).replace(/hidden:\n\s+- 10/, "hidden:\n    - 12"),
  );
  await assert.rejects(
    () => loadClassifier(join(dir, "c"), { backend }),
    /checkpoint\.safetensors: tensor "param\.6\.w_pp" is \[192,10\], the model needs \[192,12\].*config\.yaml/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task eval: accuracy of a run on its test split, and clear errors", async () => {
  const dir = await Deno.makeTempDir();
  const config = makeClassificationConfig({
    name: "m",
    outDir: dir,
    backend: "cpu",
    dataset: { name: "mnist", trainSubset: 600, testSubset: 300 },
    model: { hidden: [16] },
    epochs: 1,
    batchSize: 32,
  });
  const data = await loadDataset(config.dataset);
  const result = await runClassification(config, { backend, dataset: data, log: null });
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await evalMain(["--run", join(dir, "m"), "--backend", "cpu"]);
  } finally {
    console.log = log;
  }
  assert.match(
    lines[0],
    new RegExp(`^${(100 * result.finalTestAccuracy).toFixed(2)}% accuracy on mnist test`),
  );
  await assert.rejects(() => evalMain(["--run", join(dir, "m"), "--data", "cifar10"]), /3x32x32 images/);
  await assert.rejects(
    () => evalMain(["--run", join(dir, "m"), "--data", "validation"]),
    /no validation split/,
  );
  await assert.rejects(() => evalMain(["--run", join(dir, "nothing")]), /not a classification run folder/);
  await assert.rejects(() => evalMain([]), /--run DIR is required/);
  await Deno.remove(dir, { recursive: true });
});
