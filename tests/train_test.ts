// End-to-end classification runs on MNIST subsets: ED clearly beats chance, a killed run resumes to the same
// numbers, divergence is reported with its step, and bad configs are rejected before anything is written.
import assert from "assert";
import { join } from "node:path";
import { makeClassificationConfig } from "../lib/train/config.ts";
import { runClassification, TrainingDivergedError } from "../lib/train/run.ts";
import { type Dataset, loadDataset } from "../lib/train/data.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { readCsv } from "../lib/io/csv.ts";

const backend = new CpuBackend();
let mnist: Dataset | null = null;
async function data(): Promise<Dataset> {
  return mnist ??= await loadDataset({ name: "mnist", trainSubset: 10000, testSubset: 2000 });
}

const base = (outDir: string, extra: Record<string, unknown> = {}) =>
  makeClassificationConfig({
    name: "t",
    outDir,
    backend: "cpu",
    dataset: { name: "mnist", trainSubset: 10000, testSubset: 2000 },
    model: { hidden: [128, 128] },
    epochs: 1,
    ...extra,
  });

Deno.test("proposed ED learns MNIST: >= 85% test accuracy after two epochs on 10k images", async () => {
  const dir = await Deno.makeTempDir();
  const config = base(dir, { epochs: 2, batchSize: 64 });
  const result = await runClassification(config, { backend, dataset: await data(), log: null });
  assert.ok(result.finalTestAccuracy >= 0.85, `test accuracy ${result.finalTestAccuracy}`);
  const rows = await readCsv(join(dir, "t", "metrics.csv"));
  assert.equal(rows.length, 2);
  // Dale's principle and the post-hoc measures are recorded: E/I ratios are finite and positive.
  assert.ok(Number(rows[0].ei_ratio_l1) > 0 && Number.isFinite(Number(rows[0].ei_ratio_l1)));
  assert.ok(Number(rows[0].floor_np_l1) >= 0 && Number(rows[0].floor_np_l1) <= 1);
  // The final test errors are attributed to the two streams, and they are the run's errors.
  const a = result.attribution!;
  assert.equal(a.examples, 2000);
  assert.equal(a.amplified + a.suppressed, a.errors);
  assert.ok(Math.abs(a.errors / a.examples - (1 - result.finalTestAccuracy)) < 0.005, `${a.errors} errors`);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "t", "attribution.json"))), a);
});

Deno.test("a killed run resumes from its checkpoint to the same numbers", async () => {
  const small = {
    dataset: { name: "mnist", trainSubset: 1500, testSubset: 500 },
    model: { hidden: [32] },
    epochs: 3,
  };
  const dirA = await Deno.makeTempDir(), dirB = await Deno.makeTempDir();
  const ds = await data();
  const sub: Dataset = { ...ds, trainCount: 1500, testCount: 500 };
  const opts = { backend, dataset: sub, log: null };
  await runClassification(base(dirA, { ...small, optimizer: { kind: "adam", lr: 0.001 } }), opts);
  await runClassification(base(dirB, { ...small, optimizer: { kind: "adam", lr: 0.001 } }), {
    ...opts,
    stopAfterEpochs: 2,
  });
  await runClassification(base(dirB, { ...small, optimizer: { kind: "adam", lr: 0.001 } }), {
    ...opts,
    resume: true,
  });
  const a = await readCsv(join(dirA, "t", "metrics.csv")), b = await readCsv(join(dirB, "t", "metrics.csv"));
  assert.equal(b.length, 3);
  for (let i = 0; i < 3; i++) {
    for (const key of Object.keys(a[i]).filter((k) => k !== "seconds")) {
      assert.equal(b[i][key], a[i][key], `epoch ${i + 1} ${key}`);
    }
  }
});

Deno.test("divergence names the epoch and step; earlier epochs stay intact", async () => {
  const dir = await Deno.makeTempDir();
  const config = base(dir, { model: { hidden: [16] } });
  // One corrupted pixel: the minibatch that contains image 123 produces a NaN loss.
  const clean = await data();
  const trainImages = clean.trainImages.slice();
  trainImages[123 * clean.inputs + 400] = NaN;
  const dataset = { ...clean, trainImages };
  await assert.rejects(
    () => runClassification(config, { backend, dataset, log: null }),
    (e: Error) => e instanceof TrainingDivergedError && /NaN or Inf at epoch 1, step \d+/.test(e.message),
  );
  const files = [...Deno.readDirSync(join(dir, "t"))].map((f) => f.name).sort();
  assert.deepEqual(files, [".diffusing-blame-run", "config.yaml", "provenance.json"]);
  const [started] = JSON.parse(await Deno.readTextFile(join(dir, "t", "provenance.json")));
  assert.equal(started.deno, Deno.version.deno);
  assert.equal(started.device, backend.deviceName);
  assert.match(started.commit, /^([0-9a-f]{40}|unknown)$/);
});

Deno.test("an existing run folder is not overwritten without --resume", async () => {
  const dir = await Deno.makeTempDir();
  const config = base(dir, {
    model: { hidden: [8] },
    dataset: { name: "mnist", trainSubset: 256, testSubset: 100 },
  });
  const sub: Dataset = { ...(await data()), trainCount: 256, testCount: 100 };
  await runClassification(config, { backend, dataset: sub, log: null });
  await assert.rejects(
    () => runClassification(config, { backend, dataset: sub, log: null }),
    /already holds a run/,
  );
  // --resume on a run that never saved a checkpoint starts it from scratch.
  const other = await runClassification({ ...config, name: "other" }, {
    backend,
    dataset: sub,
    log: null,
    resume: true,
  });
  assert.equal(other.epochs.length, 1);
  // --resume refuses a config that changes what defines the run, and names the keys.
  await assert.rejects(
    () => runClassification({ ...config, seed: 5 }, { backend, dataset: sub, log: null, resume: true }),
    /--resume: .*different seed/,
  );
  // --overwrite replaces the run's own files, and nothing else in the folder.
  await Deno.writeTextFile(join(dir, "t", "notes.txt"), "mine");
  await runClassification(config, { backend, dataset: sub, log: null, overwrite: true });
  assert.equal(await Deno.readTextFile(join(dir, "t", "notes.txt")), "mine");
  // Folders the project did not make, and names that are paths, are refused.
  await Deno.mkdir(join(dir, "foreign"));
  await Deno.writeTextFile(join(dir, "foreign", "data.bin"), "x");
  await assert.rejects(
    () =>
      runClassification({ ...config, name: "foreign" }, {
        backend,
        dataset: sub,
        log: null,
        overwrite: true,
      }),
    /was not made by this project/,
  );
  assert.equal(await Deno.readTextFile(join(dir, "foreign", "data.bin")), "x");
  await assert.rejects(
    () => runClassification({ ...config, name: ".." }, { backend, dataset: sub, log: null, overwrite: true }),
    /must be one folder name/,
  );
  assert.throws(() => makeClassificationConfig({ name: ".." }), /name must match/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a dual-stream conv net (conv, avg pool, dense) learns with ED", async () => {
  const dir = await Deno.makeTempDir();
  const config = base(dir, {
    model: { hidden: [32], conv: [{ channels: 6, kernel: 3, padding: 1, pool: 2 }] },
    dataset: { name: "mnist", trainSubset: 2000, testSubset: 500 },
    batchSize: 32,
  });
  const sub: Dataset = { ...(await data()), trainCount: 2000 };
  const result = await runClassification(config, { backend, dataset: sub, log: null });
  assert.ok(result.finalTestAccuracy > 0.3, `conv ED test accuracy ${result.finalTestAccuracy} (chance 0.1)`);
});
