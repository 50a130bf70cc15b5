/**
 * float32 sin/cos matching the host libm that XLA:CPU calls (glibc's `sinf`/`cosf`, which
 * evaluate a short double-precision polynomial after a single multiply-subtract range
 * reduction). `Math.fround(Math.cos(x))` is correctly rounded and therefore differs from it in
 * rare near-tie cases, which is enough to move a terrain threshold or the light level.
 * Valid for |x| < 120 (all the game needs); larger inputs fall back to Math.cos/sin.
 *
 * @module
 */

const HPI_INV = 10680707.430881744; // 2/pi * 2^24
const HPI = 1.5707963267948966; // pi/2 as a double
// Cosine polynomial (table 0; table 1 negates it) and sine polynomial.
const C0 = 1, C1 = -0.49999999725108224, C2 = 0.041666623324344516, C3 = -0.001388676379437604;
const C4 = 2.4390450703564542e-05;
const S1 = -0.16666654943701084, S2 = 0.008332178146138854, S3 = -0.00019517298981385725;
const SIGN = Float64Array.of(1, -1, -1, 1);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** Top 12 bits of the float32 encoding with the sign cleared (exponent + 3 mantissa bits). */
function abstop12(x: number): number {
  f32[0] = x;
  return (u32[0] >>> 20) & 0x7ff;
}
/** Smallest |x| whose abstop12 reaches `top` (comparisons on |x| replace bit extraction). */
function topBound(top: number): number {
  u32[0] = top << 20;
  return f32[0];
}
const ABS_PIO4 = topBound(abstop12(0.7853981633974483));
const ABS_TINY = topBound(abstop12(2 ** -12));
const ABS_120 = topBound(abstop12(120));

function sinPoly(x: number, x2: number, neg: boolean, n: number): number {
  if ((n & 1) === 0) {
    const x3 = x * x2;
    const s1 = S2 + x2 * S3;
    const x7 = x3 * x2;
    const s = x + x3 * S1;
    return Math.fround(s + x7 * s1);
  }
  const sg = neg ? -1 : 1;
  const x4 = x2 * x2;
  const c2 = sg * C3 + x2 * (sg * C4);
  const c1 = sg * C0 + x2 * (sg * C1);
  const x6 = x4 * x2;
  const c = c1 + x4 * (sg * C2);
  return Math.fround(c + x6 * c2);
}

/** glibc-compatible `cosf` of a float32 value. */
export function cosf(y: number): number {
  const ay = Math.abs(y);
  if (ay < ABS_PIO4) {
    if (ay < ABS_TINY) return 1;
    return sinPoly(y, y * y, false, 1);
  }
  if (ay < ABS_120) {
    const r = y * HPI_INV;
    const n = (Math.trunc(r) + 0x800000) >> 24;
    const x = y - n * HPI;
    const s = SIGN[n & 3];
    return sinPoly(x * s, x * x, (n & 2) !== 0, n ^ 1);
  }
  return Math.fround(Math.cos(y));
}

/** glibc-compatible `sinf` of a float32 value. */
export function sinf(y: number): number {
  const ay = Math.abs(y);
  if (ay < ABS_PIO4) {
    if (ay < ABS_TINY) return y;
    return sinPoly(y, y * y, false, 0);
  }
  if (ay < ABS_120) {
    const r = y * HPI_INV;
    const n = (Math.trunc(r) + 0x800000) >> 24;
    const x = y - n * HPI;
    const s = SIGN[n & 3];
    return sinPoly(x * s, x * x, (n & 2) !== 0, n);
  }
  return Math.fround(Math.sin(y));
}

/** Output of `sincosf`: [sin, cos]. */
export const SINCOS: Float64Array = new Float64Array(2);

/**
 * `sinf(y)` and `cosf(y)` at once, identical to the separate calls; for 0 <= y < 120 they share
 * one range reduction: world generation turns hundreds of angles into gradients per reset.
 */
export function sincosf(y: number): void {
  if (!(y >= 0) || y >= ABS_120) {
    SINCOS[0] = sinf(y), SINCOS[1] = cosf(y);
    return;
  }
  if (y < ABS_PIO4) {
    if (y < ABS_TINY) {
      SINCOS[0] = y, SINCOS[1] = 1;
      return;
    }
    const y2 = y * y;
    SINCOS[0] = sinPoly(y, y2, false, 0), SINCOS[1] = sinPoly(y, y2, false, 1);
    return;
  }
  const n = (Math.trunc(y * HPI_INV) + 0x800000) >> 24;
  const x = y - n * HPI;
  const xs = x * SIGN[n & 3], x2 = x * x, neg = (n & 2) !== 0;
  SINCOS[0] = sinPoly(xs, x2, neg, n);
  SINCOS[1] = sinPoly(xs, x2, neg, n ^ 1);
}

/** Next float32 after `x` toward +inf (dir 1) or -inf (dir -1); x must be finite float32. */
function nextF32(x: number, dir: number): number {
  f32[0] = x;
  if (x === 0) {
    u32[0] = 1;
    return dir > 0 ? f32[0] : -f32[0];
  }
  if ((x > 0) === (dir > 0)) u32[0]++;
  else u32[0]--;
  return f32[0];
}

/**
 * Fused multiply-add in float32, a*b + c rounded once. XLA:CPU contracts `x * y + z` into an
 * FMA inside jitted code, so exact replication needs it. For float32 inputs a*b is exact in a
 * double; the double sum is corrected with its TwoSum error at float32 rounding midpoints.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return r;
  const other = nextF32(r, s > r ? 1 : -1);
  if (Math.abs(s - r) !== Math.abs(other - s)) return r; // not a midpoint: double rounding is safe
  return (err > 0) === (other > r) ? other : r;
}
