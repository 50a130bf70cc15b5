/**
 * Inverse weights at the reference configuration (MuJoCo's mj_setConst): `dof_invweight0` (diagonal of
 * M^-1, averaged over the translational and rotational blocks of a free joint) and `body_invweight0[:, 0]`
 * (`trace(Jp M^-1 Jp^T) / 3` with Jp the Jacobian of the link COM). Brax's constraint regularizer uses them.
 */

import { cholesky, choleskySolve, massMatrix } from "./crba.ts";
import { comPos, forwardKinematics } from "./kinematics.ts";
import { JOINT_FREE, type Model } from "./model.ts";
import { Workspace } from "./workspace.ts";

/** Last dof on the path from link b to the root, or -1. */
export function lastDofOfBody(m: Model, b: number): number {
  while (b >= 0 && m.bodyDofNum[b] === 0) b = m.bodyParent[b];
  return b < 0 ? -1 : m.bodyDofAdr[b] + m.bodyDofNum[b] - 1;
}

/** Fills model.dofInvweight and model.bodyInvweight in place. */
export function computeInvweights(m: Model): void {
  const ws = new Workspace(m);
  ws.q.set(m.qpos0);
  forwardKinematics(m, ws);
  comPos(m, ws);
  massMatrix(m, ws);
  const nv = m.nv;
  const L = new Float64Array(nv * nv);
  if (!cholesky(ws.M, L, nv)) throw new Error("mass matrix at qpos0 is not positive definite");
  const minv = new Float64Array(nv * nv);
  for (let i = 0; i < nv; i++) {
    minv[i * nv + i] = 1;
    choleskySolve(L, nv, minv, i * nv);
  }
  for (let j = 0; j < m.njnt; j++) {
    const d = m.jntDofAdr[j];
    if (m.jntType[j] === JOINT_FREE) {
      const t = (minv[d * nv + d] + minv[(d + 1) * nv + d + 1] + minv[(d + 2) * nv + d + 2]) / 3;
      const r = (minv[(d + 3) * nv + d + 3] + minv[(d + 4) * nv + d + 4] + minv[(d + 5) * nv + d + 5]) / 3;
      for (let k = 0; k < 3; k++) {
        m.dofInvweight[d + k] = t;
        m.dofInvweight[d + 3 + k] = r;
      }
    } else {
      m.dofInvweight[d] = minv[d * nv + d];
    }
  }
  const jac = new Float64Array(3 * nv);
  const tmp = new Float64Array(nv);
  for (let b = 0; b < m.nbody; b++) {
    jac.fill(0);
    const rx = ws.xipos[b * 3] - ws.rootCom[b * 3];
    const ry = ws.xipos[b * 3 + 1] - ws.rootCom[b * 3 + 1];
    const rz = ws.xipos[b * 3 + 2] - ws.rootCom[b * 3 + 2];
    for (let d = lastDofOfBody(m, b); d >= 0; d = m.dofParent[d]) {
      const c = ws.cdof, o = d * 6;
      jac[d] = c[o + 3] + (c[o + 1] * rz - c[o + 2] * ry);
      jac[nv + d] = c[o + 4] + (c[o + 2] * rx - c[o] * rz);
      jac[2 * nv + d] = c[o + 5] + (c[o] * ry - c[o + 1] * rx);
    }
    let tr = 0;
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < nv; i++) tmp[i] = jac[k * nv + i];
      choleskySolve(L, nv, tmp, 0);
      for (let i = 0; i < nv; i++) tr += jac[k * nv + i] * tmp[i];
    }
    m.bodyInvweight[b] = tr / 3;
  }
}
