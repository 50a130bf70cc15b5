/** Composite-rigid-body mass matrix (dense, with armature) and its Cholesky factorization and solves. */

import type { Model } from "./model.ts";
import { dot6, inertiaMulMotion } from "./spatial.ts";
import type { Workspace } from "./workspace.ts";

/** Fills ws.M (nv x nv, row-major) from cinert and cdof (requires comPos). */
export function massMatrix(m: Model, ws: Workspace): void {
  const { crb, cinert, cdof, M, tmp6 } = ws;
  const nv = m.nv;
  crb.set(cinert);
  for (let b = m.nbody - 1; b >= 0; b--) {
    const p = m.bodyParent[b];
    if (p >= 0) { for (let k = 0; k < 10; k++) crb[p * 10 + k] += crb[b * 10 + k]; }
  }
  M.fill(0);
  for (let i = 0; i < nv; i++) {
    inertiaMulMotion(tmp6, 0, crb, m.dofBody[i] * 10, cdof, i * 6);
    for (let j = i; j >= 0; j = m.dofParent[j]) {
      const v = dot6(cdof, j * 6, tmp6, 0);
      M[i * nv + j] = v;
      M[j * nv + i] = v;
    }
    M[i * nv + i] += m.dofArmature[i];
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
  for (let i = 0; i < n; i++) {
    let s = x[xo + i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[xo + k];
    x[xo + i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[xo + i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[xo + k];
    x[xo + i] = s / L[i * n + i];
  }
}
