/**
 * Brax's constraint-force solve: with `A = J M^-1 J^T + diag(R)` and `b = J M^-1 qf_smooth - aref`, find
 * `f >= 0` minimizing `0.5 |A f + b|^2` by projected gradient with FISTA momentum and backtracking line
 * search (jaxopt.ProjectedGradient defaults: start at f = 0 with step 1, halve the step until the
 * sufficient-decrease test passes, then try a doubled step next time; stop after `iterations` iterations or
 * when the projected-gradient step is below 1e-3). Writes `qf_constraint = J^T f` and the constrained
 * acceleration. The default pipeline solves the same problem exactly instead (nnls.ts): with Brax's 4
 * iterations the forces stay far from the minimizer and a resting Ant slides and sinks (measured: torso
 * 0.22 m after 2 s vs 0.55 m converged and 0.55 m in MuJoCo).
 */

import { solveL, solveLTPath } from "./crba.ts";
import type { Model } from "./model.ts";
import { type NnlsScratch, solveNnls } from "./nnls.ts";
import type { Workspace } from "./workspace.ts";

const TOL = 1e-3;

/** resid = A x + b; returns 0.5 |resid|^2. */
function residual(A: Float64Array, b: Float64Array, x: Float64Array, resid: Float64Array, n: number): number {
  let f = 0;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const o = i * n;
    for (let j = 0; j < n; j++) s += A[o + j] * x[j];
    resid[i] = s;
    f += s * s;
  }
  return 0.5 * f;
}

/** grad = A^T resid (A is symmetric). */
function gradient(A: Float64Array, resid: Float64Array, grad: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += A[o + j] * resid[j];
    grad[i] = s;
  }
}

/**
 * Solves the constraint forces and sets ws.qacc = M^-1 (qf_smooth + J^T f) and ws.qfConstraint.
 * Expects ws.qacc to already hold the unconstrained acceleration M^-1 qf_smooth, ws.LD / ws.invD the
 * factor M = L^T D L and ws.u = L^-T qf_smooth (Pipeline.smooth). With `nnls` given the problem is solved
 * exactly (Lawson-Hanson); otherwise by Brax's truncated FISTA.
 *
 * `warm` (optional, with `nnls`) holds one flag per row identity (ws.rowId) at `warmOffset`: on entry the
 * rows that were active in this environment's previous solve, on exit the rows active now. It only picks
 * the active set the exact solve starts from, not the minimizer it converges to.
 */
export function solveConstraints(
  m: Model,
  ws: Workspace,
  nnls?: NnlsScratch,
  warm?: Uint8Array,
  warmOffset = 0,
): void {
  const n = ws.nefc, nv = m.nv;
  ws.qfConstraint.fill(0);
  if (n === 0) {
    if (warm) warm.fill(0, warmOffset, warmOffset + ws.maxRows);
    return;
  }
  const { J, V, VD, A, b, R, aref, qacc, invD, u, rowLast, rowId, anc, ancAdr, dofLca } = ws;
  // V_r = L^-T J_r^T (nonzero on the row's dof path only), so that with M = L^T D L
  // A = J M^-1 J^T + R = V D^-1 V^T + R and J M^-1 qf_smooth = V D^-1 u.
  // Only path entries of V and VD are ever written or read.
  for (let r = 0; r < n; r++) {
    const o = r * nv, last = rowLast[r];
    if (last < 0) continue;
    const p0 = ancAdr[last], p1 = ancAdr[last + 1];
    for (let p = p0; p < p1; p++) V[o + anc[p]] = J[o + anc[p]];
    solveLTPath(m, ws, V, o, last);
    for (let p = p0; p < p1; p++) {
      const j = anc[p];
      VD[o + j] = V[o + j] * invD[j];
    }
  }
  for (let r = 0; r < n; r++) {
    const o = r * nv, last = rowLast[r];
    // Row r's dof path (empty for a row with no dofs).
    const p0 = last < 0 ? 0 : ancAdr[last], p1 = last < 0 ? 0 : ancAdr[last + 1];
    for (let s = r; s < n; s++) {
      const os = s * nv, lastS = rowLast[s];
      let v = 0;
      if (last >= 0 && lastS >= 0) {
        // Rows r and s are both nonzero only on their paths' common part, the path of their deepest
        // common ancestor dof.
        const lca = dofLca[last * nv + lastS];
        if (lca >= 0) {
          for (let p = ancAdr[lca], pe = ancAdr[lca + 1]; p < pe; p++) {
            const j = anc[p];
            v += V[o + j] * VD[os + j];
          }
        }
      }
      A[r * n + s] = v;
      A[s * n + r] = v;
    }
    A[r * n + r] += R[r];
    let bv = -aref[r];
    for (let p = p0; p < p1; p++) {
      const j = anc[p];
      bv += VD[o + j] * u[j];
    }
    b[r] = bv;
  }
  const x = ws.fx;
  if (nnls) {
    const passive = nnls.passive;
    if (warm) { for (let r = 0; r < n; r++) passive[r] = warm[warmOffset + rowId[r]]; }
    solveNnls(nnls, A, b, x, n, warm !== undefined);
    if (warm) {
      warm.fill(0, warmOffset, warmOffset + ws.maxRows);
      for (let r = 0; r < n; r++) if (x[r] > 0) warm[warmOffset + rowId[r]] = 1;
    }
  } else fista(m, ws, n);
  // qacc = L^-1 D^-1 (u + V^T f), qf_constraint = J^T f.
  const qfc = ws.qfConstraint;
  for (let j = 0; j < nv; j++) qacc[j] = u[j] * invD[j];
  for (let r = 0; r < n; r++) {
    const f = x[r];
    if (f === 0) continue;
    const o = r * nv, last = rowLast[r];
    if (last < 0) continue;
    for (let p = ancAdr[last], p1 = ancAdr[last + 1]; p < p1; p++) {
      const j = anc[p];
      qfc[j] += J[o + j] * f;
      qacc[j] += VD[o + j] * f;
    }
  }
  solveL(m, ws, qacc, 0);
}

/** Brax's solver: jaxopt.ProjectedGradient (FISTA + backtracking) from 0; the result is left in ws.fx. */
function fista(m: Model, ws: Workspace, n: number): void {
  const { A, b } = ws;
  const x = ws.fx, y = ws.fy, next = ws.fnext, grad = ws.grad, resid = ws.resid;
  for (let i = 0; i < n; i++) x[i] = y[i] = 0;
  let t = 1;
  let stepsize = 1;
  let error = Infinity;
  const maxls = m.solverMaxls;
  for (let it = 0; it < m.iterations && error > TOL; it++) {
    const fy = residual(A, b, y, resid, n);
    gradient(A, resid, grad, n);
    let s = stepsize;
    for (let ls = 0;; ls++) {
      for (let i = 0; i < n; i++) {
        const v = y[i] - s * grad[i];
        next[i] = v > 0 ? v : 0;
      }
      if (ls >= maxls) break;
      let lin = 0, sq = 0;
      for (let i = 0; i < n; i++) {
        const d = next[i] - y[i];
        lin += d * grad[i];
        sq += d * d;
      }
      const fn = residual(A, b, next, resid, n);
      if (fn <= fy + lin + 0.5 * sq / s) break;
      s *= 0.5;
    }
    stepsize = s <= 1e-6 ? 1 : s / 0.5;
    const tn = 0.5 * (1 + Math.sqrt(1 + 4 * t * t));
    const mom = (t - 1) / tn;
    for (let i = 0; i < n; i++) {
      y[i] = next[i] + mom * (next[i] - x[i]);
      x[i] = next[i];
    }
    t = tn;
    // Convergence test at x: |proj(x - grad(x)) - x|.
    residual(A, b, x, resid, n);
    gradient(A, resid, grad, n);
    let e = 0;
    for (let i = 0; i < n; i++) {
      let v = x[i] - grad[i];
      if (v < 0) v = 0;
      e += (v - x[i]) * (v - x[i]);
    }
    error = Math.sqrt(e);
  }
}
