/**
 * Composite-rigid-body mass matrix (dense, with armature) and its factorizations and solves: the tree-sparse
 * `M = L^T D L` used by the pipeline (MuJoCo's mj_factorM / mj_solveLD: L is unit lower triangular with
 * L[i, j] nonzero only for j an ancestor dof of i, so there is no fill-in) and a dense Cholesky `M = L L^T`.
 */

import type { Model } from "./model.ts";
import { dot6, inertiaMulMotion } from "./spatial.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Fills ws.M (nv x nv, row-major) from cinert and cdof (requires comPos); ws.M must start zeroed. Also
 * copies its (dof, ancestor dof) entries, the only ones factorLD reads, into ws.LD.
 */
export function massMatrix(m: Model, ws: Workspace): void {
  const { crb, cinert, cdof, M, LD, tmp6 } = ws;
  const nv = m.nv;
  crb.set(cinert);
  for (let b = m.nbody - 1; b >= 0; b--) {
    const p = m.bodyParent[b];
    if (p >= 0) { for (let k = 0; k < 10; k++) crb[p * 10 + k] += crb[b * 10 + k]; }
  }
  // Entries of dof pairs that are not ancestor-related are never written: they keep the workspace's zeros.
  for (let i = 0; i < nv; i++) {
    inertiaMulMotion(tmp6, 0, crb, m.dofBody[i] * 10, cdof, i * 6);
    for (let j = i; j >= 0; j = m.dofParent[j]) {
      const v = dot6(cdof, j * 6, tmp6, 0);
      M[i * nv + j] = v;
      M[j * nv + i] = v;
      LD[i * nv + j] = v;
    }
    M[i * nv + i] += m.dofArmature[i];
    LD[i * nv + i] = M[i * nv + i];
  }
}

/**
 * Tree-sparse factorization `M = L^T D L` in place in ws.LD (nv x nv, row-major), which massMatrix leaves
 * holding M's (dof, ancestor dof) entries: afterwards the strict lower part holds L (unit diagonal implied)
 * at those entries only, the diagonal holds D. Other entries are never read. Returns false if M is not
 * positive definite.
 */
export function factorLD(m: Model, ws: Workspace): boolean {
  const nv = m.nv, { LD, anc, ancAdr } = ws;
  for (let k = nv - 1; k >= 0; k--) {
    const ok = k * nv;
    const dk = LD[ok + k];
    if (!(dk > 0)) return false;
    for (let a = ancAdr[k] + 1, e = ancAdr[k + 1]; a < e; a++) {
      const i = anc[a];
      const t = LD[ok + i] / dk;
      const oi = i * nv;
      for (let b = ancAdr[i], f = ancAdr[i + 1]; b < f; b++) {
        const j = anc[b];
        LD[oi + j] -= t * LD[ok + j];
      }
      LD[ok + i] = t;
    }
  }
  return true;
}

/** x <- L^-T x for the dense vector at x[xo..xo+nv] (L from factorLD). */
export function solveLT(m: Model, ws: Workspace, x: Float64Array, xo: number): void {
  const nv = m.nv, { LD, anc, ancAdr } = ws;
  for (let i = nv - 1; i >= 0; i--) {
    const xi = x[xo + i];
    if (xi === 0) continue;
    const oi = i * nv;
    for (let a = ancAdr[i] + 1, e = ancAdr[i + 1]; a < e; a++) {
      const j = anc[a];
      x[xo + j] -= LD[oi + j] * xi;
    }
  }
}

/**
 * x <- L^-T x for the vector at x[xo..xo+nv] that is nonzero only on the dof path from `last` to the root
 * (a Jacobian row of a point on the link whose last dof is `last`). The result keeps that sparsity.
 * Every deeper dof of the path is a descendant, so each entry is its own dot product over the entries
 * already solved (deepest first: the same operations, in the same order, as the column-wise solveLT).
 */
export function solveLTPath(m: Model, ws: Workspace, x: Float64Array, xo: number, last: number): void {
  if (last < 0) return;
  const nv = m.nv, { LD, anc, ancAdr } = ws;
  const p0 = ancAdr[last], p1 = ancAdr[last + 1];
  for (let p = p0 + 1; p < p1; p++) {
    const j = anc[p];
    let s = x[xo + j];
    for (let q = p0; q < p; q++) {
      const i = anc[q];
      s -= LD[i * nv + j] * x[xo + i];
    }
    x[xo + j] = s;
  }
}

/** x <- L^-1 x for the dense vector at x[xo..xo+nv] (L from factorLD). */
export function solveL(m: Model, ws: Workspace, x: Float64Array, xo: number): void {
  const nv = m.nv, { LD, anc, ancAdr } = ws;
  for (let i = 0; i < nv; i++) {
    const oi = i * nv;
    let s = x[xo + i];
    for (let a = ancAdr[i] + 1, e = ancAdr[i + 1]; a < e; a++) {
      const j = anc[a];
      s -= LD[oi + j] * x[xo + j];
    }
    x[xo + i] = s;
  }
}

/** Dense Cholesky M = L L^T into L (lower, row-major). Returns false if M is not positive definite. */
export function cholesky(M: Float64Array, L: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return true;
}

/** Solves L L^T x = x in place for the vector at x[xo..xo+n]. */
export function choleskySolve(L: Float64Array, n: number, x: Float64Array, xo: number): void {
  forwardSolve(L, n, x, xo, 0);
  backwardSolve(L, n, x, xo);
}

/**
 * Solves L y = x in place for the vector at x[xo..xo+n], given x[xo..xo+start] = 0 (so y is zero there too
 * and the substitution starts at `start`).
 */
export function forwardSolve(L: Float64Array, n: number, x: Float64Array, xo: number, start: number): void {
  for (let i = start; i < n; i++) {
    const li = i * n;
    let s = x[xo + i];
    for (let k = start; k < i; k++) s -= L[li + k] * x[xo + k];
    x[xo + i] = s / L[li + i];
  }
}

/** Solves L^T y = x in place for the vector at x[xo..xo+n]. */
export function backwardSolve(L: Float64Array, n: number, x: Float64Array, xo: number): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = x[xo + i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[xo + k];
    x[xo + i] = s / L[i * n + i];
  }
}
