/**
 * Fast, still exact, access to the world-generation noise. World generation only ever compares
 * noise-derived values against a few thresholds, so each field is evaluated in double precision
 * (no per-operation float32 rounding, several times faster) and the exact float32 value of the
 * original is recomputed only for cells whose double value lies within a proven error margin of
 * the normalisation extremes or of a threshold. Decisions are therefore identical to evaluating
 * `fractalNoise` everywhere (a test checks this on many seeds).
 *
 * @module
 */

import { splitChild, TF_OUT, TF_OUT4, tfBlockQuad } from "../jax_random.ts";
import { SINCOS, sincosf } from "./f32math.ts";

const f = Math.fround;
const TWO_PI_F = f(2 * Math.PI);
const SQRT2_F = f(Math.SQRT2);
const TWO_POW_M23 = 1.1920928955078125e-7;

/**
 * Bound on |double - float32| for a raw Perlin value: magnitudes stay below 4 and the value
 * passes through at most 14 float32 roundings (each <= 2^-24 relative) with factors <= 1.5, so
 * the true bound is < 2e-5; 1e-4 leaves a wide safety factor.
 */
const RAW_ERROR = 1e-4;

function fade(t: number): number {
  const t3 = f(f(t * t) * t);
  return f(t3 * f(f(t * f(f(t * 6) - 15)) + 10));
}

/** One Perlin octave on a size x size grid, normalised as in the original's fractal noise. */
export class NoiseField {
  readonly size: number;
  readonly res0: number;
  readonly res1: number;
  private readonly d0: number;
  private readonly d1: number;
  private readonly lw: number;
  private readonly gx: Float32Array;
  private readonly gy: Float32Array;
  // Per row (i) and per column (j) grid terms, exact float32.
  private readonly xs: Float32Array;
  private readonly txs: Float32Array;
  private readonly ys: Float32Array;
  private readonly tys: Float32Array;
  /**
   * Evaluate along columns (outer loop over columns) instead of rows: the inner loop should run
   * along the axis with the longer lattice cells, where per-cell work is cheapest.
   */
  private readonly byColumn: boolean;
  // Weights along the inner axis of the double-precision evaluation.
  private readonly wa: Float64Array;
  private readonly wb: Float64Array;
  private readonly wc: Float64Array;
  private readonly wd: Float64Array;
  // Per-line (outer index) extremes of `approx`, to find the exact extremes without a full scan.
  private readonly lineMin: Float64Array;
  private readonly lineMax: Float64Array;
  /** Raw Perlin values in double precision. */
  readonly approx: Float64Array;
  /** Exact float32 minimum and maximum of the raw field, and max - min. */
  mn = 0;
  mx = 0;
  range = 1;
  /** 1 / range: the double-precision normalised value is (approx - mn) * inv. */
  inv = 1;
  /** Margin on the normalised scale within which a double value may be on the wrong side. */
  eps = 0;

  constructor(size: number, res0: number, res1: number) {
    this.size = size, this.res0 = res0, this.res1 = res1;
    this.d0 = (size / res0) | 0, this.d1 = (size / res1) | 0;
    this.lw = res1 + 1;
    this.gx = new Float32Array((res0 + 1) * this.lw);
    this.gy = new Float32Array((res0 + 1) * this.lw);
    this.xs = new Float32Array(size), this.txs = new Float32Array(size);
    this.ys = new Float32Array(size), this.tys = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      this.xs[i] = f((i * res0 / size) % 1); // exact multiples of a power of two
      this.txs[i] = fade(this.xs[i]);
      this.ys[i] = f((i * res1 / size) % 1);
      this.tys[i] = fade(this.ys[i]);
    }
    this.approx = new Float64Array(size * size);
    this.lineMin = new Float64Array(size), this.lineMax = new Float64Array(size);
    this.byColumn = this.d0 > this.d1;
    this.wa = new Float64Array(size), this.wb = new Float64Array(size);
    this.wc = new Float64Array(size), this.wd = new Float64Array(size);
    const inner = this.byColumn ? this.xs : this.ys, innerFade = this.byColumn ? this.txs : this.tys;
    for (let n = 0; n < size; n++) {
      const y = inner[n], ty = innerFade[n];
      this.wa[n] = 1 - ty, this.wb[n] = (1 - ty) * y, this.wc[n] = ty, this.wd[n] = ty * (y - 1);
    }
  }

  /** Draws the gradients from the noise key and evaluates the field (split(key)[1] twice). */
  generate(k0: number, k1: number): void {
    splitChild(k0, k1, 1);
    splitChild(TF_OUT[0], TF_OUT[1], 1);
    const a0 = TF_OUT[0], a1 = TF_OUT[1];
    const { gx, gy } = this;
    // Angles four at a time: independent threefry blocks overlap in one call.
    const nLat = gx.length, out = TF_OUT4;
    for (let i = 0; i < nLat; i += 4) {
      tfBlockQuad(a0, a1, i, a0, a1, i + 1, a0, a1, i + 2, a0, a1, i + 3);
      for (let q = 0; q < 4 && i + q < nLat; q++) {
        sincosf(f(TWO_PI_F * (((out[2 * q] ^ out[2 * q + 1]) >>> 9) * TWO_POW_M23)));
        gx[i + q] = SINCOS[1], gy[i + q] = SINCOS[0];
      }
    }
    this.evaluate();
    const { lineMin, lineMax, approx, size } = this;
    let amn = Infinity, amx = -Infinity;
    for (let o = 0; o < size; o++) {
      if (lineMin[o] < amn) amn = lineMin[o];
      if (lineMax[o] > amx) amx = lineMax[o];
    }
    // Exact extremes: only cells within 2 * RAW_ERROR of the double extremes can attain them,
    // and only lines whose own extreme is that close can hold such cells.
    let mn = Infinity, mx = -Infinity;
    const lo = amn + 2 * RAW_ERROR, hi = amx - 2 * RAW_ERROR;
    const wo = this.byColumn ? 1 : size, wi = this.byColumn ? size : 1;
    for (let o = 0; o < size; o++) {
      if (lineMin[o] > lo && lineMax[o] < hi) continue;
      for (let n = 0; n < size; n++) {
        const k = o * wo + n * wi, v = approx[k];
        if (v <= lo) mn = Math.min(mn, this.exactRaw(k));
        if (v >= hi) mx = Math.max(mx, this.exactRaw(k));
      }
    }
    this.mn = mn, this.mx = mx;
    this.range = f(mx - mn);
    // Normalised error: raw error / range plus the two float32 roundings of the normalisation.
    this.eps = RAW_ERROR / this.range + 1e-6;
    this.inv = 1 / this.range;
  }

  /**
   * Fills `approx` (and the line extremes) in double precision. Within a lattice cell the blend
   * factors into terms of the outer coordinate (per lattice column) times weights of the inner
   * one: v = wa_n * P0 + wb_n * Q0 + wc_n * P1 + wd_n * Q1. By rows the outer axis is x with
   * gradients gx; by columns the roles of (x, gx) and (y, gy) swap, which is the same blend
   * evaluated in the other order.
   */
  private evaluate(): void {
    const { size, approx, lineMin, lineMax, wa, wb, wc, wd, lw } = this;
    const t = this.byColumn;
    const oc = t ? this.ys : this.xs, ofade = t ? this.tys : this.txs;
    const ga = t ? this.gy : this.gx, gb = t ? this.gx : this.gy;
    const dOut = t ? this.d1 : this.d0, dIn = t ? this.d0 : this.d1;
    const blocks = t ? this.res0 : this.res1; // lattice cells along the inner axis
    const so = t ? 1 : lw, si = t ? lw : 1; // gradient-index steps along the outer / inner axis
    const wo = t ? 1 : size, wi = t ? size : 1; // output strides
    for (let o = 0; o < size; o++) {
      const x = oc[o], x1 = x - 1, tx = ofade[o], omtx = 1 - tx;
      const g0 = ((o / dOut) | 0) * so, g1 = g0 + so;
      let lmn = Infinity, lmx = -Infinity;
      let k = o * wo;
      for (let b = 0, n = 0; b < blocks; b++) {
        const ia = g0 + b * si, ja = g1 + b * si, ib = ia + si, jb = ja + si;
        const p0 = SQRT2_F * (x * ga[ia] * omtx + tx * x1 * ga[ja]);
        const q0 = SQRT2_F * (gb[ia] * omtx + tx * gb[ja]);
        const p1 = SQRT2_F * (x * ga[ib] * omtx + tx * x1 * ga[jb]);
        const q1 = SQRT2_F * (gb[ib] * omtx + tx * gb[jb]);
        for (const nEnd = n + dIn; n < nEnd; n++) {
          const v = wa[n] * p0 + wb[n] * q0 + wc[n] * p1 + wd[n] * q1;
          approx[k] = v;
          k += wi;
          lmn = v < lmn ? v : lmn;
          lmx = v > lmx ? v : lmx;
        }
      }
      lineMin[o] = lmn, lineMax[o] = lmx;
    }
  }

  /** The original's float32 raw Perlin value at flat cell k (every operation rounded). */
  exactRaw(k: number): number {
    const { gx, gy, xs, txs, ys, tys, size, d0, d1, lw } = this;
    const i = (k / size) | 0, j = k - i * size;
    const x = xs[i], y = ys[j], x1 = f(x - 1), y1 = f(y - 1), tx = txs[i], ty = tys[j];
    const g00 = ((i / d0) | 0) * lw + ((j / d1) | 0), g10 = g00 + lw, g01 = g00 + 1, g11 = g10 + 1;
    const n00 = f(f(x * gx[g00]) + f(y * gy[g00]));
    const n10 = f(f(x1 * gx[g10]) + f(y * gy[g10]));
    const n01 = f(f(x * gx[g01]) + f(y1 * gy[g01]));
    const n11 = f(f(x1 * gx[g11]) + f(y1 * gy[g11]));
    const omtx = f(1 - tx);
    const n0 = f(f(n00 * omtx) + f(tx * n10));
    const n1 = f(f(n01 * omtx) + f(tx * n11));
    return f(SQRT2_F * f(f(f(1 - ty) * n0) + f(ty * n1)));
  }

  /** Exact normalised value (float32), as the original's fractal noise returns it. */
  exact(k: number): number {
    return f(f(this.exactRaw(k) - this.mn) / this.range);
  }

  /** Normalised value in double precision; within `eps` of `exact(k)`. */
  approxNorm(k: number): number {
    return (this.approx[k] - this.mn) * this.inv;
  }
}
