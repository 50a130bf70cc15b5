/**
 * Exact solve of Brax's constraint problem `min 0.5 |A f + b|^2 s.t. f >= 0` by the Lawson-Hanson active-set
 * method on the normal equations `H = A^T A`, `c = A^T b`. Used as the converged equivalent of Brax's
 * truncated projected-gradient solve (see solver.ts), which with 4 iterations leaves contact forces far from
 * the minimizer.
 */

const EPS = 1e-12;

/** Scratch for problems with up to `max` rows. */
export class NnlsScratch {
  readonly H: Float64Array;
  readonly c: Float64Array;
  readonly z: Float64Array;
  readonly w: Float64Array;
  readonly chol: Float64Array;
  readonly rhs: Float64Array;
  readonly passive: Uint8Array;
  readonly idx: Int32Array;
  constructor(max: number) {
    const n = Math.max(max, 1);
    this.H = new Float64Array(n * n);
    this.c = new Float64Array(n);
    this.z = new Float64Array(n);
    this.w = new Float64Array(n);
    this.chol = new Float64Array(n * n);
    this.rhs = new Float64Array(n);
    this.passive = new Uint8Array(n);
    this.idx = new Int32Array(n);
  }
}

/** Solves H_PP z_P = -c_P on the passive set; z elsewhere 0. Returns false if singular. */
function solvePassive(s: NnlsScratch, n: number): boolean {
  const { H, c, z, chol, rhs, passive, idx } = s;
  let k = 0;
  for (let i = 0; i < n; i++) if (passive[i]) idx[k++] = i;
  for (let a = 0; a < k; a++) {
    const ia = idx[a];
    for (let bb = 0; bb <= a; bb++) {
      let v = H[ia * n + idx[bb]];
      for (let t = 0; t < bb; t++) v -= chol[a * k + t] * chol[bb * k + t];
      if (a === bb) {
        if (!(v > EPS)) return false;
        chol[a * k + a] = Math.sqrt(v);
      } else {
        chol[a * k + bb] = v / chol[bb * k + bb];
      }
    }
  }
  for (let a = 0; a < k; a++) {
    let v = -c[idx[a]];
    for (let t = 0; t < a; t++) v -= chol[a * k + t] * rhs[t];
    rhs[a] = v / chol[a * k + a];
  }
  for (let a = k - 1; a >= 0; a--) {
    let v = rhs[a];
    for (let t = a + 1; t < k; t++) v -= chol[t * k + a] * rhs[t];
    rhs[a] = v / chol[a * k + a];
  }
  z.fill(0, 0, n);
  for (let a = 0; a < k; a++) z[idx[a]] = rhs[a];
  return true;
}

/** Minimizes 0.5 |A x + b|^2 over x >= 0 (A is n x n, row-major). Writes the solution into x. */
export function solveNnls(
  s: NnlsScratch,
  A: Float64Array,
  b: Float64Array,
  x: Float64Array,
  n: number,
): void {
  const { H, c, z, w, passive } = s;
  for (let i = 0; i < n; i++) {
    let ci = 0;
    for (let k = 0; k < n; k++) ci += A[k * n + i] * b[k];
    c[i] = ci;
    for (let j = 0; j <= i; j++) {
      let h = 0;
      for (let k = 0; k < n; k++) h += A[k * n + i] * A[k * n + j];
      H[i * n + j] = h;
      H[j * n + i] = h;
    }
    x[i] = 0;
    passive[i] = 0;
  }
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(c[i]));
  const tol = 1e-10 * Math.max(scale, 1e-300);
  for (let outer = 0; outer < 3 * n + 10; outer++) {
    // Negative gradient w = -(H x + c); pick the most violated inactive row.
    let best = -1, bestW = tol;
    for (let i = 0; i < n; i++) {
      let g = c[i];
      for (let j = 0; j < n; j++) g += H[i * n + j] * x[j];
      w[i] = -g;
      if (!passive[i] && -g > bestW) {
        bestW = -g;
        best = i;
      }
    }
    if (best < 0) return;
    passive[best] = 1;
    for (let inner = 0; inner < 3 * n + 10; inner++) {
      if (!solvePassive(s, n)) {
        passive[best] = 0;
        return;
      }
      let alpha = 2;
      for (let i = 0; i < n; i++) {
        if (passive[i] && z[i] <= 0) {
          const d = x[i] - z[i];
          const a = d > 0 ? x[i] / d : 0;
          if (a < alpha) alpha = a;
        }
      }
      if (alpha >= 2) {
        for (let i = 0; i < n; i++) x[i] = z[i];
        break;
      }
      for (let i = 0; i < n; i++) {
        if (!passive[i]) continue;
        x[i] += alpha * (z[i] - x[i]);
        if (x[i] <= EPS) {
          x[i] = 0;
          passive[i] = 0;
        }
      }
    }
  }
}
