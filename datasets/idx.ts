/**
 * IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed:
 *
 *     bytes 0-1  zero    byte 2  type (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64)
 *     byte 3     number of dimensions    then one big-endian u32 per dimension, then the data (big-endian)
 *
 * Images are magic 2051 (u8, 3 dims: count × rows × cols), labels 2049 (u8, 1 dim: count). Every check
 * (magic, dimensions, expected count, file size, label range) fails with a {@link DatasetError} naming the file
 * and saying how to fix it.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";

/** A dataset file is missing, corrupt or does not match what was expected. The message names the file. */
export class DatasetError extends Error {
  /** `DatasetError`. */
  override name = "DatasetError";
}

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX array: its type code, dimensions and data (host byte order). */
export interface IdxArray {
  magic: number;
  dims: number[];
  data: IdxData;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: "u8", bytes: 1 },
  0x09: { name: "i8", bytes: 1 },
  0x0b: { name: "i16", bytes: 2 },
  0x0c: { name: "i32", bytes: 4 },
  0x0d: { name: "f32", bytes: 4 },
  0x0e: { name: "f64", bytes: 8 },
};

/** Default fix suggested in error messages; loaders pass a more specific one. */
const DEFAULT_HINT = "check the path, or re-download the file";

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a file's bytes, decompressing gzip; a missing file is a DatasetError naming it and `hint`. */
export async function readMaybeGzip(path: string, hint = DEFAULT_HINT): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new DatasetError(`${path}: file not found; ${hint}`);
    throw err;
  }
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new DatasetError(`${path}: corrupt gzip data (${(err as Error).message}); ${hint}`);
  }
}

/**
 * Parses IDX bytes (already decompressed). Checks the zero bytes, the type code, that the header fits and
 * that the file size is exactly header + product(dims) × element size.
 */
export function parseIdx(bytes: Uint8Array, file = "<idx>", hint = DEFAULT_HINT): IdxArray {
  const fail = (msg: string): never => {
    throw new DatasetError(`${file}: ${msg}; ${hint}`);
  };
  if (bytes.length < 4) fail(`too short for an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = TYPES[bytes[2]];
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || ndims === 0) {
    fail(
      `bad IDX magic number ${magic} (0x${magic.toString(16).padStart(8, "0")}); not an IDX file or corrupt`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) fail(`header needs ${headerBytes} bytes but the file has ${bytes.length}`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    fail(
      `size ${bytes.length} bytes does not match the header (dims [${
        dims.join(", ")
      }] of ${type.name} need ` +
        `${expected} bytes); the file is ${
          bytes.length < expected ? "truncated" : "longer than its header says"
        }`,
    );
  }
  const body = bytes.subarray(headerBytes);
  let data: IdxData;
  if (type.bytes === 1) {
    data = type.name === "u8" ? body : new Int8Array(body.buffer, body.byteOffset, body.length);
  } else {
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const n = count;
    if (type.name === "i16") {
      const a = new Int16Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt16(2 * i, false);
      data = a;
    } else if (type.name === "i32") {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt32(4 * i, false);
      data = a;
    } else if (type.name === "f32") {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getFloat32(4 * i, false);
      data = a;
    } else {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getFloat64(8 * i, false);
      data = a;
    }
  }
  return { magic, dims, data };
}

/** Reads and parses an IDX file (raw or gzip). */
export async function readIdx(path: string, hint = DEFAULT_HINT): Promise<IdxArray> {
  return parseIdx(await readMaybeGzip(path, hint), path, hint);
}

export interface IdxImages {
  /** count × rows × cols bytes, 0..255. */
  pixels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** What an IDX file must hold; a mismatch is a {@link DatasetError} naming the file and the fix. */
export interface IdxExpectation {
  /** Required number of items. */
  count?: number;
  /** Required image size. */
  rows?: number;
  /** Required image width. */
  cols?: number;
  /** Fix to suggest in errors. */
  hint?: string;
}

/** Parses an IDX image file (magic 2051) and checks the expected count and size. */
export function parseIdxImages(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxImages {
  const hint = expect.hint ?? DEFAULT_HINT;
  const fail = (msg: string): never => {
    throw new DatasetError(`${file}: ${msg}; ${hint}`);
  };
  if (bytes.length >= 4) {
    const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
    if (magic !== IDX_IMAGES_MAGIC) {
      fail(
        `magic number ${magic} is not ${IDX_IMAGES_MAGIC} (IDX images)` +
          (magic === IDX_LABELS_MAGIC ? ": this is a label file; images and labels swapped?" : ""),
      );
    }
  }
  const arr = parseIdx(bytes, file, hint);
  const [count, rows, cols] = arr.dims;
  if (expect.count !== undefined && count !== expect.count) {
    fail(`holds ${count} images, expected ${expect.count}`);
  }
  if (
    (expect.rows !== undefined && rows !== expect.rows) || (expect.cols !== undefined && cols !== expect.cols)
  ) {
    fail(`images are ${rows}×${cols}, expected ${expect.rows}×${expect.cols}`);
  }
  return { pixels: arr.data as Uint8Array, count, rows, cols };
}

/** Parses an IDX label file (magic 2049), checks the count and that labels are below `numClasses`. */
export function parseIdxLabels(
  bytes: Uint8Array,
  file: string,
  expect: IdxExpectation & { numClasses?: number } = {},
): Uint8Array {
  const hint = expect.hint ?? DEFAULT_HINT;
  const fail = (msg: string): never => {
    throw new DatasetError(`${file}: ${msg}; ${hint}`);
  };
  if (bytes.length >= 4) {
    const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
    if (magic !== IDX_LABELS_MAGIC) {
      fail(
        `magic number ${magic} is not ${IDX_LABELS_MAGIC} (IDX labels)` +
          (magic === IDX_IMAGES_MAGIC ? ": this is an image file; images and labels swapped?" : ""),
      );
    }
  }
  const arr = parseIdx(bytes, file, hint);
  const labels = arr.data as Uint8Array;
  if (expect.count !== undefined && labels.length !== expect.count) {
    fail(`holds ${labels.length} labels, expected ${expect.count}`);
  }
  if (expect.numClasses !== undefined) {
    const i = labels.findIndex((l) => l >= expect.numClasses!);
    if (i >= 0) fail(`label ${labels[i]} at index ${i} is not below ${expect.numClasses}`);
  }
  return labels;
}

/** An image classification split: images scaled to [0, 1], row-major N × (rows·cols·channels). */
export interface LabeledImages {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  rows: number;
  cols: number;
}

/** Bytes 0..255 to floats in [0, 1]. */
export function scaleToUnit(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/**
 * Loads an IDX image file and its IDX label file (raw or gzip; e.g. Fashion-MNIST) and checks that they agree.
 * Images come back scaled to [0, 1] as N × (rows·cols) floats, labels as Int32Array.
 */
export async function loadIdxDataset(
  imagesPath: string,
  labelsPath: string,
  expect: IdxExpectation & { numClasses?: number } = {},
): Promise<LabeledImages> {
  const hint = expect.hint ?? DEFAULT_HINT;
  const [imgBytes, lblBytes] = await Promise.all([
    readMaybeGzip(imagesPath, hint),
    readMaybeGzip(labelsPath, hint),
  ]);
  const img = parseIdxImages(imgBytes, imagesPath, expect);
  const lbl = parseIdxLabels(lblBytes, labelsPath, { ...expect, numClasses: expect.numClasses ?? 10 });
  if (img.count !== lbl.length) {
    throw new DatasetError(
      `${labelsPath}: holds ${lbl.length} labels but ${imagesPath} holds ${img.count} images; ` +
        `they must come from the same split`,
    );
  }
  return {
    images: scaleToUnit(img.pixels),
    labels: Int32Array.from(lbl),
    count: img.count,
    rows: img.rows,
    cols: img.cols,
  };
}

/** Encodes an IDX file (big-endian), for tests and for writing subsets. `data` must be u8 for type 0x08. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}
