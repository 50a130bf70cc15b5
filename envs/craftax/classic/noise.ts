/**
 * Perlin / fractal noise for world generation (the original's JAX port of pvigier/perlin-numpy),
 * evaluated in float32 (`Math.fround` after every operation) so terrain thresholds land on the
 * same side as in XLA.
 *
 * @module
 */

import { splitChild, TF_OUT, uniformAt } from "../jax_random.ts";
import { cosf, sinf } from "./f32math.ts";

const f = Math.fround;
const TWO_PI_F = f(2 * Math.PI);
const SQRT2_F = f(Math.SQRT2);

// Scratch buffers, grown on demand (world generation runs often; avoid garbage).
let gx = new Float32Array(0), gy = new Float32Array(0), ty = new Float32Array(0), omty = new Float32Array(0);
let yg0 = new Float32Array(0),
  yg1 = new Float32Array(0),
  xg0 = new Float32Array(0),
  xg1 = new Float32Array(0);

function ensureScratch(size: number, res0: number, res1: number): void {
  const nLat = (res0 + 1) * (res1 + 1);
  if (gx.length < nLat) gx = new Float32Array(nLat), gy = new Float32Array(nLat);
  if (ty.length < size) ty = new Float32Array(size), omty = new Float32Array(size);
  if (yg0.length < size * (res0 + 1)) {
    yg0 = new Float32Array(size * (res0 + 1)), yg1 = new Float32Array(size * (res0 + 1));
  }
  if (xg0.length < res1 + 1) xg0 = new Float32Array(res1 + 1), xg1 = new Float32Array(res1 + 1);
}

/**
 * One octave of fractal noise on a size x size grid with `res0 x res1` lattice cells,
 * min-max normalised to [0, 1], written into `out` (size * size). Key use:
 * split(key)[1] -> split(.)[1] -> uniform angles.
 */
export function fractalNoise(
  k0: number,
  k1: number,
  size: number,
  res0: number,
  res1: number,
  out: Float32Array = new Float32Array(size * size),
): Float32Array {
  ensureScratch(size, res0, res1);
  // fractal: rng, _rng = split(rng); perlin(_rng): rng, _rng = split(rng); uniform(_rng, ...)
  splitChild(k0, k1, 1);
  splitChild(TF_OUT[0], TF_OUT[1], 1);
  const a0 = TF_OUT[0], a1 = TF_OUT[1];
  const lw = res1 + 1;
  const nLat = (res0 + 1) * lw;
  for (let i = 0; i < nLat; i++) {
    const ang = f(TWO_PI_F * uniformAt(a0, a1, i));
    gx[i] = cosf(ang);
    gy[i] = sinf(ang);
  }
  const d0 = (size / res0) | 0, d1 = (size / res1) | 0;
  const delta0 = res0 / size, delta1 = res1 / size;
  // Per-column terms: y, y - 1 and the fade depend only on j; the ramp products y * gy only on
  // (j, lattice row). Precomputing them keeps every float32 rounding of the original.
  // yg0[ci][j] = y * gy[ci, cj(j)], yg1[ci][j] = (y - 1) * gy[ci, cj(j) + 1]
  for (let j = 0; j < size; j++) {
    const y = f((j * delta1) % 1); // exact: multiples of a power of two
    const y1 = f(y - 1);
    ty[j] = fade(y);
    omty[j] = f(1 - ty[j]);
    const cj = (j / d1) | 0;
    for (let ci = 0; ci <= res0; ci++) {
      yg0[ci * size + j] = f(y * gy[ci * lw + cj]);
      yg1[ci * size + j] = f(y1 * gy[ci * lw + cj + 1]);
    }
  }
  // Per row: xg0[cj] = x * gx[ci, cj], xg1[cj] = (x - 1) * gx[ci + 1, cj]
  let mn = Infinity, mx = -Infinity;
  for (let i = 0; i < size; i++) {
    const x = f((i * delta0) % 1);
    const x1 = f(x - 1);
    const tx = fade(x);
    const omtx = f(1 - tx);
    const ci = (i / d0) | 0;
    for (let cj = 0; cj < lw; cj++) {
      xg0[cj] = f(x * gx[ci * lw + cj]);
      xg1[cj] = f(x1 * gx[(ci + 1) * lw + cj]);
    }
    const row0 = ci * size, row1 = (ci + 1) * size;
    const rowOut = i * size;
    // Columns come in runs of d1 sharing the same lattice column.
    for (let cj = 0, j = 0; cj < res1; cj++) {
      const xa = xg0[cj], xb = xg0[cj + 1], xc = xg1[cj], xd = xg1[cj + 1];
      for (const jEnd = j + d1; j < jEnd; j++) {
        const n00 = f(xa + yg0[row0 + j]);
        const n10 = f(xc + yg0[row1 + j]);
        const n01 = f(xb + yg1[row0 + j]);
        const n11 = f(xd + yg1[row1 + j]);
        const n0 = f(f(n00 * omtx) + f(tx * n10));
        const n1 = f(f(n01 * omtx) + f(tx * n11));
        const v = f(SQRT2_F * f(f(omty[j] * n0) + f(ty[j] * n1)));
        out[rowOut + j] = v;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
    }
  }
  const range = f(mx - mn);
  for (let k = 0; k < size * size; k++) out[k] = f(f(out[k] - mn) / range);
  return out;
}

/** Quintic fade 6t^5 - 15t^4 + 10t^3, in the original's evaluation order. */
function fade(t: number): number {
  const t3 = f(f(t * t) * t);
  return f(t3 * f(f(t * f(f(t * 6) - 15)) + 10));
}
