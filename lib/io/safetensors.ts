/**
 * The safetensors format (https://github.com/huggingface/safetensors), enough of it for checkpoints:
 *
 *     8 bytes    little-endian u64 N: length of the JSON header
 *     N bytes    JSON: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ...,
 *                        "__metadata__": { "<key>": "<string value>" } }   (padded with spaces to a multiple of 8)
 *     rest       the tensors' bytes, little-endian, at [begin, end) relative to the end of the header
 *
 * Supported dtypes: F32, I32, I64. Reading validates the whole header (types, shapes, offsets that tile the
 * data section without gaps or overlaps) and names the file and the tensor in every error. Writing is atomic.
 *
 * @module
 */
import { writeFileAtomic } from "./atomic.ts";

/** Element types this implementation reads and writes. */
export type SafetensorsDtype = "F32" | "I32" | "I64";
/** The typed arrays that hold F32, I32 and I64 data. */
export type SafetensorsData = Float32Array | Int32Array | BigInt64Array;

/** One tensor: its dtype, shape (row-major) and data. */
export interface SafeTensor {
  /** Element type (must match the array type of `data`). */
  dtype: SafetensorsDtype;
  /** Dimensions, row-major. */
  shape: number[];
  /** The elements. */
  data: SafetensorsData;
}

/** A decoded file: the tensors by name (in file order) and the `__metadata__` string map. */
export interface SafetensorsFile {
  /** Tensors by name, in file order. */
  tensors: Map<string, SafeTensor>;
  /** The `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
}

/** Input for writing: a tensor, or a bare typed array (written as 1-D with the array's dtype). */
export type SafeTensorInput = SafeTensor | SafetensorsData;

/** Thrown on any malformed file; the message starts with the file name. */
export class SafetensorsError extends Error {
  /** `SafetensorsError`. */
  override name = "SafetensorsError";
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, I64: 8 };
/** Largest header the reader accepts (the reference implementation uses 100 MB). */
const MAX_HEADER = 100_000_000;

function dtypeOf(data: SafetensorsData): SafetensorsDtype {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof BigInt64Array) return "I64";
  throw new TypeError("safetensors: data must be a Float32Array, Int32Array or BigInt64Array");
}

function normalize(name: string, t: SafeTensorInput): SafeTensor {
  if (ArrayBuffer.isView(t)) return { dtype: dtypeOf(t), shape: [t.length], data: t };
  const dtype = dtypeOf(t.data);
  if (dtype !== t.dtype) {
    throw new TypeError(`safetensors: tensor "${name}" declares dtype ${t.dtype} but holds ${dtype} data`);
  }
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || n !== t.data.length) {
    throw new TypeError(
      `safetensors: tensor "${name}" has shape [${t.shape}] (${n} elements) but ${t.data.length} values`,
    );
  }
  return t;
}

/** Encodes tensors (and optional string metadata) into safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, SafeTensorInput> | Map<string, SafeTensorInput>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors] : Object.entries(tensors))
    .map(([name, t]) => [name, normalize(name, t)] as const);
  // Wider dtypes first keeps every tensor aligned to its element size inside the data section.
  const order = entries.map((e, i) => ({ e, i }))
    .sort((a, b) => BYTES[b.e[1].dtype] - BYTES[a.e[1].dtype] || a.i - b.i)
    .map(({ e }) => e);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new TypeError(`safetensors: metadata "${k}" must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of order) {
    if (name === "__metadata__") throw new TypeError(`safetensors: "__metadata__" is reserved`);
    const end = offset + t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const [, t] of order) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Decodes safetensors bytes; `file` is used in error messages. */
export function decodeSafetensors(bytes: Uint8Array, file = "<bytes>"): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${file}: ${msg}`);
  };
  if (bytes.length < 8) {
    fail(`too short for a safetensors file (${bytes.length} bytes; the file is truncated)`);
  }
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    fail(
      `header length ${n64} exceeds the file (${bytes.length} bytes): truncated or not a safetensors file`,
    );
  }
  const n = Number(n64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(header)) fail("header must be a JSON object");
  const h = header as Record<string, unknown>;
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  if ("__metadata__" in h) {
    const m = h.__metadata__;
    if (!isRecord(m)) fail(`__metadata__ must be an object of strings`);
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`__metadata__.${k} must be a string, got ${JSON.stringify(v)}`);
      metadata[k] = v as string;
    }
  }

  const spans: { name: string; begin: number; end: number }[] = [];
  const parsed: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(h)) {
    if (name === "__metadata__") continue;
    const where = `tensor "${name}"`;
    if (!isRecord(info)) fail(`${where}: entry must be an object with dtype, shape, data_offsets`);
    const e = info as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!["dtype", "shape", "data_offsets"].includes(key)) fail(`${where}: unknown field "${key}"`);
    }
    const dtype = e.dtype;
    if (typeof dtype !== "string" || !(dtype in BYTES)) {
      fail(
        `${where}: unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(BYTES).join(", ")})`,
      );
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const off = e.data_offsets;
    if (
      !Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      off[0] > off[1]
    ) {
      fail(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}`);
    }
    const [begin, end] = off as number[];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const want = count * BYTES[dtype as SafetensorsDtype];
    if (end - begin !== want) {
      fail(`${where}: data_offsets span ${end - begin} bytes but ${dtype}[${shape}] needs ${want}`);
    }
    if (end > dataLen) {
      fail(`${where}: data ends at byte ${end} but the data section holds ${dataLen} (truncated)`);
    }
    spans.push({ name, begin, end });
    parsed.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const s of spans) {
    if (s.begin < cursor) fail(`tensor "${s.name}" overlaps the previous tensor's data`);
    if (s.begin > cursor) {
      fail(`gap in the data section before tensor "${s.name}" (bytes ${cursor}..${s.begin})`);
    }
    cursor = s.end;
  }
  if (cursor !== dataLen) fail(`data section holds ${dataLen} bytes but the tensors cover ${cursor}`);

  const tensors = new Map<string, SafeTensor>();
  for (const t of parsed) {
    // slice() copies into a fresh, aligned buffer.
    const buf = bytes.slice(dataStart + t.begin, dataStart + t.end).buffer;
    const data = t.dtype === "F32"
      ? new Float32Array(buf)
      : t.dtype === "I32"
      ? new Int32Array(buf)
      : new BigInt64Array(buf);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return { tensors, metadata };
}

/**
 * Writes a safetensors file atomically (temporary file, then rename).
 *
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors } from "@diffusing-blame/ed";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await writeSafetensors(path, {
 *   weight: { dtype: "F32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
 *   step: new Int32Array([7]), // a bare array is written 1-D
 * }, { format: "pt" });
 * const file = await readSafetensors(path);
 * console.log(file.tensors.get("weight")!.shape, file.metadata.format); // [2, 2] "pt"
 * await Deno.remove(path);
 * ```
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, SafeTensorInput> | Map<string, SafeTensorInput>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads and validates a safetensors file; a malformed file throws {@link SafetensorsError} naming the file
 * and the tensor. See {@link writeSafetensors} for an example.
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new SafetensorsError(`${path}: no such file`);
    throw err;
  }
  return decodeSafetensors(bytes, path);
}
