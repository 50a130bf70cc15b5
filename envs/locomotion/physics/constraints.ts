/**
 * Constraint rows of Brax's generalized pipeline: four pyramidal friction-cone rows per penetrating contact
 * and one row per violated joint limit, each with its MuJoCo-style soft-constraint impedance, reference
 * acceleration `aref` and regularizer `R`.
 */

import { lastDofOfBody } from "./invweight.ts";
import { JOINT_FREE, type Model } from "./model.ts";
import type { Workspace } from "./workspace.ts";

const impOut = new Float64Array(3);

/**
 * Impedance and reference acceleration for a constraint at violation `pos` with velocity `vel`.
 * solref = (timeconst, dampratio), solimp = (dmin, dmax, width, mid, power); negative solref entries are
 * direct stiffness/damping. Writes [imp, b, k] into impOut; then `aref = -b * vel - k * imp * pos`.
 */
function impedance(
  solref: Float64Array,
  ro: number,
  solimp: Float64Array,
  io: number,
  pos: number,
): void {
  const timeconst = solref[ro], dampratio = solref[ro + 1];
  const dmin = solimp[io], dmax = solimp[io + 1], width = solimp[io + 2], mid = solimp[io + 3];
  const power = solimp[io + 4];
  const x = Math.abs(pos) / width;
  let imp = dmax;
  if (!(x > 1)) {
    let y: number;
    if (x < mid) y = Math.pow(x, power) / Math.pow(mid, power - 1);
    else y = 1 - Math.pow(1 - x, power) / Math.pow(1 - mid, power - 1);
    imp = dmin + y * (dmax - dmin);
    if (imp < dmin) imp = dmin;
    if (imp > dmax) imp = dmax;
  }
  let b = 2 / (dmax * timeconst);
  let k = 1 / (dmax * dmax * timeconst * timeconst * dampratio * dampratio);
  if (dampratio <= 0) b = -dampratio / dmax;
  if (timeconst <= 0) k = -timeconst / (dmax * dmax);
  impOut[0] = imp;
  impOut[1] = b;
  impOut[2] = k;
}

/** Builds ws.J, ws.R, ws.aref and ws.nefc (requires collide, comPos). */
export function buildConstraints(m: Model, ws: Workspace, contacts: boolean, limits: boolean): void {
  const nv = m.nv;
  const { J, R, aref, cdof, qd, rootCom, rowId, rowLast } = ws;
  let r = 0;
  if (contacts) {
    for (let c = 0; c < ws.ncon; c++) {
      const dist = ws.conDist[c];
      if (!(dist < 0)) continue;
      const b = ws.conBody[c];
      const p = ws.conPair[c];
      const mu = m.pairFriction[p];
      const f = c * 9;
      const px = ws.conPos[c * 3] - rootCom[b * 3];
      const py = ws.conPos[c * 3 + 1] - rootCom[b * 3 + 1];
      const pz = ws.conPos[c * 3 + 2] - rootCom[b * 3 + 2];
      const t = m.bodyInvweight[b];
      const last = lastDofOfBody(m, b);
      // Impedance depends on the penetration only; the same for the four cone edges.
      impedance(m.pairSolref, p * 2, m.pairSolimp, p * 5, dist);
      const imp = impOut[0], kb = impOut[1], kk = impOut[2];
      const rc = (t + mu * mu * t) * 2 * mu * mu * (1 - imp) / (imp + 1e-8);
      for (let tk = 0; tk < 2; tk++) {
        for (let sgn = -1; sgn <= 1; sgn += 2) {
          // direction = normal + sgn * mu * tangent_k (Brax: n - f*t and n + f*t for tangent -frame[k]).
          const tf = f + 3 + tk * 3;
          const dx = ws.conFrame[f] - sgn * mu * ws.conFrame[tf];
          const dy = ws.conFrame[f + 1] - sgn * mu * ws.conFrame[tf + 1];
          const dz = ws.conFrame[f + 2] - sgn * mu * ws.conFrame[tf + 2];
          // J_row[j] = d . (lin_j + ang_j x p) = d . lin_j + ang_j . (p x d)
          const ex = py * dz - pz * dy, ey = pz * dx - px * dz, ez = px * dy - py * dx;
          const o = r * nv;
          let vel = 0;
          for (let j = last; j >= 0; j = m.dofParent[j]) {
            const q6 = j * 6;
            const v = dx * cdof[q6 + 3] + dy * cdof[q6 + 4] + dz * cdof[q6 + 5] +
              ex * cdof[q6] + ey * cdof[q6 + 1] + ez * cdof[q6 + 2];
            J[o + j] = v;
            vel += v * qd[j];
          }
          rowLast[r] = last;
          rowId[r] = c * 4 + tk * 2 + (sgn + 1) / 2;
          R[r] = rc;
          aref[r] = -kb * vel - kk * imp * dist;
          r++;
        }
      }
    }
  }
  if (limits) {
    let id = m.ncontactMax * 4;
    for (let jn = 0; jn < m.njnt; jn++) {
      if (!m.jntLimited[jn]) continue;
      id++;
      if (m.jntType[jn] === JOINT_FREE) continue;
      const qv = ws.q[m.jntQposAdr[jn]];
      const lo = m.jntRange[jn * 2], hi = m.jntRange[jn * 2 + 1];
      const pmin = qv - lo, pmax = hi - qv;
      const pos = Math.min(pmin, pmax, 0);
      if (!(pos < 0)) continue;
      const side = pmin < pmax ? 1 : -1;
      const d = m.jntDofAdr[jn];
      const o = r * nv;
      for (let j = 0; j < nv; j++) J[o + j] = 0;
      J[o + d] = side;
      rowLast[r] = d;
      rowId[r] = id - 1;
      impedance(m.jntSolref, jn * 2, m.jntSolimp, jn * 5, pos);
      const imp = impOut[0];
      R[r] = m.dofInvweight[d] * (1 - imp) / (imp + 1e-8);
      aref[r] = -impOut[1] * (side * qd[d]) - impOut[2] * imp * pos;
      r++;
    }
  }
  ws.nefc = r;
}
