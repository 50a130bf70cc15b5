// The classification input pipeline: per-channel standardisation with training-set statistics stored in the
// run folder (and refused on resume when the data gives others), deterministic crop/flip augmentation that
// keeps resumed runs bit-identical, and the validation split reported beside test accuracy.
import assert from "assert";
import { join } from "node:path";
import { makeClassificationConfig, standardizes } from "../lib/train/config.ts";
import { runClassification } from "../lib/train/run.ts";
import { type Dataset, loadDataset } from "../lib/train/data.ts";
import { channelStats, InputPipeline, statsMismatch } from "../lib/train/input.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { readCsv } from "../lib/io/csv.ts";
import { Rng } from "../lib/random.ts";

const backend = new CpuBackend();

/** A small 3-channel 6×6 data set whose channels have different means and spreads; label = brightest channel. */
function synthetic(train: number, test: number, seed = 1): Dataset {
  const image: [number, number, number] = [3, 6, 6], inputs = 108;
  const rng = new Rng(seed);
  const make = (n: number) => {
    const images = new Float32Array(n * inputs), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const label = rng.int(3);
      labels[i] = label;
      for (let c = 0; c < 3; c++) {
        for (let k = 0; k < 36; k++) {
          images[i * inputs + c * 36 + k] = 0.2 * c + 0.1 * (c + 1) * rng.uniform() + (c === label ? 0.2 : 0);
        }
      }
    }
    return { images, labels };
  };
  const tr = make(train), te = make(test);
  return {
    name: "cifar10",
    trainImages: tr.images,
    trainLabels: tr.labels,
    testImages: te.images,
    testLabels: te.labels,
    trainCount: train,
    testCount: test,
    inputs,
    image,
    classes: 3,
  };
}

Deno.test("channelStats: per-channel mean and population std over the training images", () => {
  // Two 1×2×1... images of two channels: channel 0 = {1, 3, 5, 7}, channel 1 = constant 2.
  const images = Float32Array.from([1, 3, 2, 2, 5, 7, 2, 2]);
  const s = channelStats(images, 2, [2, 2, 1], "toy");
  assert.deepEqual(s.mean, [4, 2]);
  assert.ok(Math.abs(s.std[0] - Math.sqrt(5)) < 1e-12);
  assert.equal(s.std[1], 1, "a constant channel gets std 1");
  // Only the first `count` images count (a validation split is held out of the statistics).
  assert.deepEqual(channelStats(images, 1, [2, 2, 1], "toy").mean, [2, 2]);
  assert.equal(statsMismatch(s, { ...s }), null);
  assert.match(statsMismatch(s, { ...s, mean: [4.1, 2] })!, /channel 0: mean 4 vs 4.1/);
  assert.match(statsMismatch(s, { ...s, mean: [4], std: [1] })!, /2 channels vs 1/);
});

Deno.test("InputPipeline: standardised batches, and the identity without statistics or augmentation", () => {
  const data = synthetic(20, 5);
  const stats = channelStats(data.trainImages, 20, data.image, "cifar10");
  const p = new InputPipeline(data.image, stats);
  const out = new Float32Array(2 * 108);
  p.trainBatch(data.trainImages, [4, 9], out, { seed: 0, epoch: 1, step: 0 });
  for (const [b, row] of [4, 9].entries()) {
    for (const k of [0, 40, 107]) {
      const c = Math.floor(k / 36);
      const want = (data.trainImages[row * 108 + k] - stats.mean[c]) / stats.std[c];
      assert.ok(Math.abs(out[b * 108 + k] - want) < 1e-5, `row ${row} element ${k}`);
    }
  }
  // The standardised training set has mean 0 and std 1 per channel.
  const all = p.chunk(data.trainImages, 0, 20);
  const again = channelStats(all, 20, data.image);
  again.mean.forEach((m) => assert.ok(Math.abs(m) < 1e-5, `mean ${m}`));
  again.std.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-4, `std ${s}`));
  // Raw pixels (MNIST's default): the pipeline passes rows through unchanged.
  const raw = new InputPipeline(data.image, null);
  assert.ok(raw.identity);
  raw.trainBatch(data.trainImages, [4, 9], out, { seed: 0, epoch: 1, step: 0 });
  assert.deepEqual(out.subarray(0, 108), data.trainImages.subarray(4 * 108, 5 * 108));
  assert.equal(standardizes(makeClassificationConfig({ dataset: { name: "mnist" } }).dataset), false);
  assert.equal(standardizes(makeClassificationConfig({ dataset: { name: "cifar10" } }).dataset), true);
  assert.equal(
    standardizes(makeClassificationConfig({ dataset: { name: "cifar10", standardize: false } }).dataset),
    false,
  );
  assert.throws(() => new InputPipeline([1, 6, 6], stats), /3 channels but the images have 1/);
});

Deno.test("InputPipeline: crop and flip are deterministic per (seed, epoch, step) and move whole pixels", () => {
  // Pixel values encode their position, so every output pixel is either padding (0) or a shifted source.
  const image: [number, number, number] = [2, 5, 7], d = 70;
  const images = Float32Array.from({ length: 3 * d }, (_, i) => 1 + i);
  const p = new InputPipeline(image, null, { crop: 2, flip: true });
  const at = { seed: 3, epoch: 2, step: 5 };
  const a = new Float32Array(3 * d), b = new Float32Array(3 * d), c = new Float32Array(3 * d);
  p.trainBatch(images, [0, 1, 2], a, at);
  p.trainBatch(images, [0, 1, 2], b, at);
  assert.deepEqual(a, b, "same position, same draws");
  p.trainBatch(images, [0, 1, 2], c, { ...at, step: 6 });
  assert.notDeepEqual(a, c, "another step draws other crops");
  for (let r = 0; r < 3; r++) {
    // Recover (dy, dx, flip) from one interior pixel of channel 0, then check the whole image against it.
    let found = false;
    for (const flip of [false, true]) {
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          const want = (ch: number, y: number, x: number) => {
            const sy = y + dy, sx = (flip ? 6 - x : x) + dx;
            return sy < 0 || sy >= 5 || sx < 0 || sx >= 7 ? 0 : images[r * d + ch * 35 + sy * 7 + sx];
          };
          let ok = true;
          for (let ch = 0; ch < 2 && ok; ch++) {
            for (let y = 0; y < 5 && ok; y++) {
              for (let x = 0; x < 7 && ok; x++) ok = a[r * d + ch * 35 + y * 7 + x] === want(ch, y, x);
            }
          }
          found = ok;
        }
      }
    }
    assert.ok(found, `row ${r} is a crop/flip of its source`);
  }
  // Over many draws both transformations happen.
  const many = new Float32Array(64 * d), rows = Array.from({ length: 64 }, () => 0);
  p.trainBatch(images, rows, many, at);
  const distinct = new Set<string>();
  for (let r = 0; r < 64; r++) distinct.add(many.subarray(r * d, (r + 1) * d).join(","));
  assert.ok(distinct.size > 20, `${distinct.size} distinct augmentations of one image in 64 draws`);
  assert.throws(() => new InputPipeline(image, null, { crop: 5, flip: false }), /augment.crop 5/);
});

const config = (outDir: string, extra: Record<string, unknown> = {}) =>
  makeClassificationConfig({
    name: "t",
    outDir,
    backend: "cpu",
    dataset: { name: "cifar10", augment: { crop: 1, flip: true } },
    model: { hidden: [12], conv: [{ channels: 4, kernel: 3, padding: 1, pool: 2 }] },
    optimizer: { kind: "sgd", lr: 1.0 },
    batchSize: 16,
    epochs: 3,
    ...extra,
  });

Deno.test("standardised, augmented run: stats.json written, resume bit-identical, other data refused", async () => {
  const data = synthetic(96, 32);
  const dirA = await Deno.makeTempDir(), dirB = await Deno.makeTempDir();
  const opts = { backend, dataset: data, log: null };
  await runClassification(config(dirA), opts);
  await runClassification(config(dirB), { ...opts, stopAfterEpochs: 1 });
  const stats = JSON.parse(await Deno.readTextFile(join(dirB, "t", "stats.json")));
  assert.equal(stats.images, 96);
  assert.equal(stats.mean.length, 3);
  // Resuming on data whose statistics differ (another copy of the data set, say) is refused.
  const other = synthetic(96, 32, 7);
  await assert.rejects(
    () => runClassification(config(dirB), { ...opts, dataset: other, resume: true }),
    /statistics do not match .*stats\.json \(channel 0: mean/,
  );
  await runClassification(config(dirB), { ...opts, resume: true });
  const a = await readCsv(join(dirA, "t", "metrics.csv")), b = await readCsv(join(dirB, "t", "metrics.csv"));
  assert.equal(b.length, 3);
  for (let i = 0; i < 3; i++) {
    for (const key of Object.keys(a[i]).filter((k) => k !== "seconds")) {
      assert.equal(b[i][key], a[i][key], `epoch ${i + 1} ${key}`);
    }
  }
  // A run started on raw pixels has no statistics: resuming it with standardisation on is refused.
  const dirC = await Deno.makeTempDir();
  const raw = config(dirC, { dataset: { name: "cifar10", standardize: false } });
  await runClassification(raw, { ...opts, stopAfterEpochs: 1 });
  await assert.rejects(
    () => runClassification(config(dirC, { dataset: { name: "cifar10" } }), { ...opts, resume: true }),
    /different dataset.standardize/,
  );
  // A folder from before standardisation existed (its config.yaml has no standardize key, no stats.json).
  const saved = join(dirC, "t", "config.yaml");
  await Deno.writeTextFile(saved, (await Deno.readTextFile(saved)).replace(/\n\s+standardize: false/, ""));
  await assert.rejects(
    () => runClassification(config(dirC, { dataset: { name: "cifar10" } }), { ...opts, resume: true }),
    /has no stats\.json, so it was trained on raw pixels; resume it with --set dataset.standardize=false/,
  );
  for (const dir of [dirA, dirB, dirC]) await Deno.remove(dir, { recursive: true });
});

Deno.test("validation split: the last N training images, reported per epoch beside test accuracy", async () => {
  const full = synthetic(128, 32);
  // What loadDataset builds for validation: 32 (a split of the last 32 of 128 images).
  const data: Dataset = {
    ...full,
    trainCount: 96,
    validation: {
      images: full.trainImages.subarray(96 * 108),
      labels: full.trainLabels.subarray(96),
      count: 32,
    },
  };
  const dir = await Deno.makeTempDir();
  const result = await runClassification(
    config(dir, { dataset: { name: "cifar10", validation: 32 }, epochs: 2 }),
    { backend, dataset: data, log: null },
  );
  const rows = await readCsv(join(dir, "t", "metrics.csv"));
  assert.ok("validation_accuracy" in rows[0]);
  const v = Number(rows[1].validation_accuracy);
  assert.ok(v >= 0 && v <= 1 && v === result.epochs[1].validationAccuracy);
  // Statistics cover the 96 training images only.
  assert.equal(JSON.parse(await Deno.readTextFile(join(dir, "t", "stats.json"))).images, 96);
  await Deno.remove(dir, { recursive: true });
  await assert.rejects(
    () => loadDataset({ name: "mnist", trainSubset: 100, validation: 100 }),
    /dataset.validation 100 holds out every one of the 100 training images/,
  );
});
