/**
 * Statistics for comparing variants across seeds: mean, sample standard deviation and Welch's unequal-variance
 * t-test with the Welch-Satterthwaite degrees of freedom and an exact two-sided p-value from the Student-t
 * distribution (via the regularized incomplete beta function, evaluated with Lentz's continued fraction).
 *
 * @module
 */

/** Arithmetic mean (NaN for an empty sample). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance with Bessel's correction (n − 1); NaN for fewer than two values. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function std(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; relative error ~1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for I_x(a, b) (modified Lentz; Numerical Recipes' betacf). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300, EPS = 1e-15, MAX_ITER = 1000;
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h; // converged to within rounding for all practical (a, b); not reached in tests
}

/** Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Student-t cumulative distribution function P(T ≤ t) with `df` > 0 degrees of freedom (df may be fractional). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value P(|T| ≥ |t|) for a Student-t statistic. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The result of {@link welchTTest}. */
export interface WelchResult {
  /** t statistic for mean(a) − mean(b). */
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Mean of the first sample. */
  meanA: number;
  /** Mean of the second sample. */
  meanB: number;
  /** Difference of means, mean(a) − mean(b). */
  diff: number;
}

/**
 * Welch's unequal-variance t-test (as scipy.stats.ttest_ind(a, b, equal_var=False)). Needs at least two
 * values per sample (else t, df, p are NaN). When both samples have zero variance the test is degenerate:
 * equal means give t = 0, p = 1; different means give t = ±Infinity, p = 0 (df is NaN in both cases).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  const meanA = mean(a), meanB = mean(b);
  const diff = meanA - meanB;
  if (a.length < 2 || b.length < 2) return { t: NaN, df: NaN, p: NaN, meanA, meanB, diff };
  const va = variance(a) / a.length, vb = variance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) {
    return diff === 0
      ? { t: 0, df: NaN, p: 1, meanA, meanB, diff }
      : { t: diff > 0 ? Infinity : -Infinity, df: NaN, p: 0, meanA, meanB, diff };
  }
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { t, df, p: studentTTwoSidedP(t, df), meanA, meanB, diff };
}
