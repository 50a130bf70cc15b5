/**
 * Forward kinematics and the COM-based spatial quantities (MuJoCo's mj_kinematics, mj_comPos, mj_comVel):
 * link poses, joint anchors and axes, the tree COM, link inertias about it, dof motion axes `cdof`, link
 * velocities `cvel` and the dof-axis derivatives `cdofdot`.
 */

import { quatMul, quatNormalize, quatRotate, quatToMat } from "./math3d.ts";
import { JOINT_FREE, JOINT_HINGE, type Model } from "./model.ts";
import type { Workspace } from "./workspace.ts";

const qloc = new Float64Array(4);
const v3 = new Float64Array(3);

/** Computes xpos, xquat, xmat, xipos, xanchor and xaxis from ws.q. */
export function forwardKinematics(m: Model, ws: Workspace): void {
  const { q, xpos, xquat, xmat, xipos, xanchor, xaxis } = ws;
  for (let b = 0; b < m.nbody; b++) {
    const p = m.bodyParent[b];
    const j0 = m.bodyJntAdr[b], nj = m.bodyJntNum[b];
    if (nj === 1 && m.jntType[j0] === JOINT_FREE) {
      const a = m.jntQposAdr[j0];
      xpos[b * 3] = q[a];
      xpos[b * 3 + 1] = q[a + 1];
      xpos[b * 3 + 2] = q[a + 2];
      xquat[b * 4] = q[a + 3];
      xquat[b * 4 + 1] = q[a + 4];
      xquat[b * 4 + 2] = q[a + 5];
      xquat[b * 4 + 3] = q[a + 6];
      quatNormalize(xquat, b * 4);
      quatRotate(xanchor, j0 * 3, xquat, b * 4, m.jntPos, j0 * 3);
      for (let k = 0; k < 3; k++) xanchor[j0 * 3 + k] += xpos[b * 3 + k];
      xaxis[j0 * 3] = 0;
      xaxis[j0 * 3 + 1] = 0;
      xaxis[j0 * 3 + 2] = 1;
    } else {
      if (p < 0) {
        for (let k = 0; k < 3; k++) xpos[b * 3 + k] = m.bodyPos[b * 3 + k];
        for (let k = 0; k < 4; k++) xquat[b * 4 + k] = m.bodyQuat[b * 4 + k];
      } else {
        quatRotate(xpos, b * 3, xquat, p * 4, m.bodyPos, b * 3);
        for (let k = 0; k < 3; k++) xpos[b * 3 + k] += xpos[p * 3 + k];
        quatMul(xquat, b * 4, xquat, p * 4, m.bodyQuat, b * 4);
      }
      for (let j = j0; j < j0 + nj; j++) {
        const qa = m.jntQposAdr[j];
        // A joint at the link origin (the usual case) needs no rotation of its offset: same bits.
        const atOrigin = ws.jntAtOrigin[j] === 1;
        if (atOrigin) {
          for (let k = 0; k < 3; k++) xanchor[j * 3 + k] = xpos[b * 3 + k];
        } else {
          quatRotate(xanchor, j * 3, xquat, b * 4, m.jntPos, j * 3);
          for (let k = 0; k < 3; k++) xanchor[j * 3 + k] += xpos[b * 3 + k];
        }
        quatRotate(xaxis, j * 3, xquat, b * 4, m.jntAxis, j * 3);
        if (m.jntType[j] === JOINT_HINGE) {
          const ang = q[qa];
          const s = Math.sin(ang / 2);
          qloc[0] = Math.cos(ang / 2);
          qloc[1] = m.jntAxis[j * 3] * s;
          qloc[2] = m.jntAxis[j * 3 + 1] * s;
          qloc[3] = m.jntAxis[j * 3 + 2] * s;
          quatMul(xquat, b * 4, xquat, b * 4, qloc, 0);
          // Keep the anchor fixed: xpos = xanchor - xquat * jnt_pos.
          if (!atOrigin) {
            quatRotate(v3, 0, xquat, b * 4, m.jntPos, j * 3);
            for (let k = 0; k < 3; k++) xpos[b * 3 + k] = xanchor[j * 3 + k] - v3[k];
          }
        } else {
          const d = q[qa];
          for (let k = 0; k < 3; k++) xpos[b * 3 + k] += xaxis[j * 3 + k] * d;
        }
      }
      quatNormalize(xquat, b * 4);
    }
    quatToMat(xmat, b * 9, xquat, b * 4);
    quatRotate(xipos, b * 3, xquat, b * 4, m.bodyIpos, b * 3);
    for (let k = 0; k < 3; k++) xipos[b * 3 + k] += xpos[b * 3 + k];
  }
}

/** Computes rootCom, cinert and cdof (requires forwardKinematics). */
export function comPos(m: Model, ws: Workspace): void {
  const { rootCom, cinert, cdof, xmat, xipos, xanchor, xaxis } = ws;
  const nb = m.nbody;
  // Tree COM per root: accumulate mass-weighted positions into the root's slot.
  rootCom.fill(0);
  const treeMass = ws.treeMass;
  for (let b = 0; b < nb; b++) {
    const r = m.bodyRoot[b];
    const mb = m.bodyMass[b];
    for (let k = 0; k < 3; k++) rootCom[r * 3 + k] += mb * xipos[b * 3 + k];
  }
  for (let b = 0; b < nb; b++) {
    if (m.bodyRoot[b] !== b) continue;
    const mt = treeMass[b];
    for (let k = 0; k < 3; k++) rootCom[b * 3 + k] /= mt;
  }
  for (let b = 0; b < nb; b++) {
    const r = m.bodyRoot[b];
    if (r !== b) { for (let k = 0; k < 3; k++) rootCom[b * 3 + k] = rootCom[r * 3 + k]; }
  }
  // Link inertia about the tree COM in world axes.
  for (let b = 0; b < nb; b++) {
    const mb = m.bodyMass[b];
    const px = xipos[b * 3] - rootCom[b * 3];
    const py = xipos[b * 3 + 1] - rootCom[b * 3 + 1];
    const pz = xipos[b * 3 + 2] - rootCom[b * 3 + 2];
    // Rotated inertia R I R^T.
    const R = b * 9, I = b * 9;
    let ixx = 0, iyy = 0, izz = 0, ixy = 0, ixz = 0, iyz = 0;
    for (let k = 0; k < 3; k++) {
      for (let l = 0; l < 3; l++) {
        const il = m.bodyInertia[I + k * 3 + l];
        if (il === 0) continue;
        const r0k = xmat[R + k], r1k = xmat[R + 3 + k], r2k = xmat[R + 6 + k];
        const r0l = xmat[R + l], r1l = xmat[R + 3 + l], r2l = xmat[R + 6 + l];
        ixx += r0k * il * r0l;
        iyy += r1k * il * r1l;
        izz += r2k * il * r2l;
        ixy += r0k * il * r1l;
        ixz += r0k * il * r2l;
        iyz += r1k * il * r2l;
      }
    }
    const o = b * 10;
    cinert[o] = mb;
    cinert[o + 1] = mb * px;
    cinert[o + 2] = mb * py;
    cinert[o + 3] = mb * pz;
    cinert[o + 4] = ixx + mb * (py * py + pz * pz);
    cinert[o + 5] = iyy + mb * (px * px + pz * pz);
    cinert[o + 6] = izz + mb * (px * px + py * py);
    cinert[o + 7] = ixy - mb * px * py;
    cinert[o + 8] = ixz - mb * px * pz;
    cinert[o + 9] = iyz - mb * py * pz;
  }
  // Dof motion axes at the tree COM.
  for (let j = 0; j < m.njnt; j++) {
    const b = m.jntBody[j];
    const d = m.jntDofAdr[j];
    const cx = rootCom[b * 3] - xanchor[j * 3];
    const cy = rootCom[b * 3 + 1] - xanchor[j * 3 + 1];
    const cz = rootCom[b * 3 + 2] - xanchor[j * 3 + 2];
    const t = m.jntType[j];
    if (t === JOINT_FREE) {
      for (let k = 0; k < 3; k++) {
        const o = (d + k) * 6;
        cdof[o] = cdof[o + 1] = cdof[o + 2] = 0;
        cdof[o + 3] = k === 0 ? 1 : 0;
        cdof[o + 4] = k === 1 ? 1 : 0;
        cdof[o + 5] = k === 2 ? 1 : 0;
      }
      for (let k = 0; k < 3; k++) {
        const o = (d + 3 + k) * 6;
        // Body-frame axis k in world = column k of xmat.
        const ax = xmat[b * 9 + k], ay = xmat[b * 9 + 3 + k], az = xmat[b * 9 + 6 + k];
        cdof[o] = ax;
        cdof[o + 1] = ay;
        cdof[o + 2] = az;
        cdof[o + 3] = ay * cz - az * cy;
        cdof[o + 4] = az * cx - ax * cz;
        cdof[o + 5] = ax * cy - ay * cx;
      }
    } else {
      const ax = xaxis[j * 3], ay = xaxis[j * 3 + 1], az = xaxis[j * 3 + 2];
      const o = d * 6;
      if (t === JOINT_HINGE) {
        cdof[o] = ax;
        cdof[o + 1] = ay;
        cdof[o + 2] = az;
        cdof[o + 3] = ay * cz - az * cy;
        cdof[o + 4] = az * cx - ax * cz;
        cdof[o + 5] = ax * cy - ay * cx;
      } else {
        cdof[o] = cdof[o + 1] = cdof[o + 2] = 0;
        cdof[o + 3] = ax;
        cdof[o + 4] = ay;
        cdof[o + 5] = az;
      }
    }
  }
}

/** out[oo..+6] = crossMotion(v at vo, u at uo): (w x uw, w x uv + v x uw). */
function crossMotion(
  out: Float64Array,
  oo: number,
  v: Float64Array,
  vo: number,
  u: Float64Array,
  uo: number,
): void {
  const wx = v[vo], wy = v[vo + 1], wz = v[vo + 2], lx = v[vo + 3], ly = v[vo + 4], lz = v[vo + 5];
  const ax = u[uo], ay = u[uo + 1], az = u[uo + 2], bx = u[uo + 3], by = u[uo + 4], bz = u[uo + 5];
  out[oo] = wy * az - wz * ay;
  out[oo + 1] = wz * ax - wx * az;
  out[oo + 2] = wx * ay - wy * ax;
  out[oo + 3] = wy * bz - wz * by + ly * az - lz * ay;
  out[oo + 4] = wz * bx - wx * bz + lz * ax - lx * az;
  out[oo + 5] = wx * by - wy * bx + lx * ay - ly * ax;
}

/** Computes cvel and cdofdot from ws.qd (requires comPos). */
export function comVel(m: Model, ws: Workspace): void {
  const { cvel, cdof, cdofdot, qd } = ws;
  for (let b = 0; b < m.nbody; b++) {
    const p = m.bodyParent[b];
    const o = b * 6;
    for (let k = 0; k < 6; k++) cvel[o + k] = p < 0 ? 0 : cvel[p * 6 + k];
    const j0 = m.bodyJntAdr[b], nj = m.bodyJntNum[b];
    for (let j = j0; j < j0 + nj; j++) {
      const d = m.jntDofAdr[j];
      if (m.jntType[j] === JOINT_FREE) {
        for (let k = 0; k < 3; k++) {
          for (let c = 0; c < 6; c++) cdofdot[(d + k) * 6 + c] = 0;
          for (let c = 0; c < 6; c++) cvel[o + c] += cdof[(d + k) * 6 + c] * qd[d + k];
        }
        for (let k = 3; k < 6; k++) crossMotion(cdofdot, (d + k) * 6, cvel, o, cdof, (d + k) * 6);
        for (let k = 3; k < 6; k++) {
          for (let c = 0; c < 6; c++) cvel[o + c] += cdof[(d + k) * 6 + c] * qd[d + k];
        }
      } else {
        crossMotion(cdofdot, d * 6, cvel, o, cdof, d * 6);
        for (let c = 0; c < 6; c++) cvel[o + c] += cdof[d * 6 + c] * qd[d];
      }
    }
  }
}

export { crossMotion };
