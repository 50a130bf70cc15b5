/**
 * Exact solve of Brax's constraint problem `min 0.5 |A f + b|^2 s.t. f >= 0` by the Lawson-Hanson active-set
 * method on the normal equations `H = A^T A`, `c = A^T b`. Used as the converged equivalent of Brax's
 * truncated projected-gradient solve (see solver.ts), which with 4 iterations leaves contact forces far from
 * the minimizer.
 *
 * The solve can be warm-started from a guess of the active (passive, in Lawson-Hanson's terms) set, such as
 * the previous step's: the guess is pruned until its least-squares solution is positive, and Lawson-Hanson
 * continues from there. A is positive definite in the pipeline, so the minimizer is unique and the guess
 * only changes how many iterations it takes; the returned x is always the solution of the final active
 * set's normal equations by the same operations in the same order (Cholesky over the active rows in
 * increasing order), so equal final active sets give bit-identical forces, warm-started or not.
 */

const EPS = 1e-12;

/** Scratch for problems with up to `max` rows. */
export class NnlsScratch {
  readonly stride: number;
  readonly H: Float64Array;
  readonly c: Float64Array;
  readonly z: Float64Array;
  /** Cholesky factor of H_PP (row stride `stride`), the forward-substituted -c_P and the solution. */
  readonly chol: Float64Array;
  readonly fwd: Float64Array;
  readonly sol: Float64Array;
  /** Active-set flags (1 = free to be positive); on entry to a warm-started solve, the guess. */
  readonly passive: Uint8Array;
  /** Active rows in increasing order, as last factored. */
  readonly idx: Int32Array;
  /** Rows where x is nonzero. */
  readonly nz: Int32Array;
  /** Leading rows of chol / fwd valid for idx (row a depends only on idx[0..a]). */
  factored = 0;
  constructor(max: number) {
    const n = Math.max(max, 1);
    this.stride = n;
    this.H = new Float64Array(n * n);
    this.c = new Float64Array(n);
    this.z = new Float64Array(n);
    this.chol = new Float64Array(n * n);
    this.fwd = new Float64Array(n);
    this.sol = new Float64Array(n);
    this.passive = new Uint8Array(n);
    this.idx = new Int32Array(n);
    this.nz = new Int32Array(n);
  }
}

/**
 * Solves H_PP z_P = -c_P on the passive set; z elsewhere 0. Returns false if singular. The factorization
 * restarts at the first active row that differs from the previous call's (the rows before it are
 * unchanged), which gives the same bits as factoring from scratch.
 */
function solvePassive(s: NnlsScratch, n: number): boolean {
  const { H, c, z, chol, fwd, sol, passive, idx } = s;
  const st = s.stride;
  let k = 0, p = s.factored;
  for (let i = 0; i < n; i++) {
    z[i] = 0;
    if (!passive[i]) continue;
    if (k < p && idx[k] !== i) p = k;
    idx[k++] = i;
  }
  if (k < p) p = k;
  for (let a = p; a < k; a++) {
    const ia = idx[a], ha = ia * n, ca = a * st;
    for (let bb = 0; bb <= a; bb++) {
      const cb = bb * st;
      let v = H[ha + idx[bb]];
      for (let t = 0; t < bb; t++) v -= chol[ca + t] * chol[cb + t];
      if (a === bb) {
        if (!(v > EPS)) {
          s.factored = a;
          return false;
        }
        chol[ca + a] = Math.sqrt(v);
      } else {
        chol[ca + bb] = v / chol[cb + bb];
      }
    }
    let v = -c[ia];
    for (let t = 0; t < a; t++) v -= chol[ca + t] * fwd[t];
    fwd[a] = v / chol[ca + a];
  }
  s.factored = k;
  for (let a = k - 1; a >= 0; a--) {
    let v = fwd[a];
    for (let t = a + 1; t < k; t++) v -= chol[t * st + a] * sol[t];
    const za = v / chol[a * st + a];
    sol[a] = za;
    z[idx[a]] = za;
  }
  return true;
}

/**
 * Minimizes 0.5 |A x + b|^2 over x >= 0 (A is n x n, row-major, symmetric). Writes the solution into x.
 * With `warmStart`, s.passive[0..n) is the initial active-set guess; otherwise the solve starts from x = 0.
 * On return s.passive marks the rows left free (x > 0 there).
 */
export function solveNnls(
  s: NnlsScratch,
  A: Float64Array,
  b: Float64Array,
  x: Float64Array,
  n: number,
  warmStart = false,
): void {
  const { H, c, z, passive, nz } = s;
  s.factored = 0;
  // A is symmetric: c = A b and H = A A (H_ij = row i . row j), in 2x2 blocks to share the loads.
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const ai = i * n;
    let ci = 0;
    for (let k = 0; k < n; k++) ci += A[ai + k] * b[k];
    c[i] = ci;
    x[i] = 0;
    scale = Math.max(scale, Math.abs(ci));
  }
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a0 = i * n, a1 = a0 + n;
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      const b0 = j * n, b1 = b0 + n;
      let h00 = 0, h01 = 0, h10 = 0, h11 = 0;
      for (let k = 0; k < n; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], y0 = A[b0 + k], y1 = A[b1 + k];
        h00 += x0 * y0;
        h01 += x0 * y1;
        h10 += x1 * y0;
        h11 += x1 * y1;
      }
      H[a0 + j] = h00;
      H[b0 + i] = h00;
      H[a0 + j + 1] = h01;
      H[b1 + i] = h01;
      H[a1 + j] = h10;
      H[b0 + i + 1] = h10;
      H[a1 + j + 1] = h11;
      H[b1 + i + 1] = h11;
    }
    // j === i: the 2x2 diagonal block.
    let h00 = 0, h10 = 0, h11 = 0;
    for (let k = 0; k < n; k++) {
      const x0 = A[a0 + k], x1 = A[a1 + k];
      h00 += x0 * x0;
      h10 += x1 * x0;
      h11 += x1 * x1;
    }
    H[a0 + i] = h00;
    H[a1 + i] = h10;
    H[a0 + i + 1] = h10;
    H[a1 + i + 1] = h11;
  }
  if (i < n) {
    const ai = i * n;
    for (let j = 0; j <= i; j++) {
      const aj = j * n;
      let h = 0;
      for (let k = 0; k < n; k++) h += A[ai + k] * A[aj + k];
      H[ai + j] = h;
      H[aj + i] = h;
    }
  }
  const tol = 1e-10 * Math.max(scale, 1e-300);
  if (warmStart) {
    // Prune the guess until its least-squares solution is strictly positive; that is a valid
    // Lawson-Hanson state (x feasible and optimal on its active set).
    for (;;) {
      let k = 0;
      for (let i = 0; i < n; i++) k += passive[i];
      if (k === 0) break;
      if (!solvePassive(s, n)) {
        passive.fill(0, 0, n);
        break;
      }
      let positive = true;
      for (let i = 0; i < n; i++) {
        if (passive[i] && !(z[i] > EPS)) {
          passive[i] = 0;
          positive = false;
        }
      }
      if (positive) {
        for (let i = 0; i < n; i++) x[i] = z[i];
        break;
      }
    }
  } else {
    passive.fill(0, 0, n);
  }
  for (let outer = 0; outer < 3 * n + 10; outer++) {
    // Gradient H x + c (x is nonzero on passive rows only); pick the inactive row with the most
    // negative one.
    let knz = 0;
    for (let j = 0; j < n; j++) if (x[j] !== 0) nz[knz++] = j;
    let best = -1, bestW = tol;
    for (let i = 0; i < n; i++) {
      if (passive[i]) continue;
      const hi = i * n;
      let g = c[i];
      for (let t = 0; t < knz; t++) {
        const j = nz[t];
        g += H[hi + j] * x[j];
      }
      if (-g > bestW) {
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
