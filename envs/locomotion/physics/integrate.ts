/**
 * Semi-implicit Euler: `qd += qacc dt`, then positions from the new velocities. Free-joint rotations
 * integrate the body-frame angular velocity (`rot = rot * exp(w dt)`) and renormalize.
 */

import { JOINT_FREE, type Model } from "./model.ts";
import type { Workspace } from "./workspace.ts";

export function integrate(m: Model, ws: Workspace, dt: number): void {
  const { q, qd, qacc } = ws;
  for (let i = 0; i < m.nv; i++) qd[i] += qacc[i] * dt;
  for (let j = 0; j < m.njnt; j++) {
    const a = m.jntQposAdr[j], d = m.jntDofAdr[j];
    if (m.jntType[j] !== JOINT_FREE) {
      q[a] += qd[d] * dt;
      continue;
    }
    q[a] += qd[d] * dt;
    q[a + 1] += qd[d + 1] * dt;
    q[a + 2] += qd[d + 2] * dt;
    const wx = qd[d + 3], wy = qd[d + 4], wz = qd[d + 5];
    const wn = Math.sqrt(wx * wx + wy * wy + wz * wz);
    let qw = q[a + 3], qx = q[a + 4], qy = q[a + 5], qz = q[a + 6];
    if (wn > 0) {
      const half = 0.5 * wn * dt;
      const s = Math.sin(half) / wn;
      const rw = Math.cos(half), rx = wx * s, ry = wy * s, rz = wz * s;
      const nw = qw * rw - qx * rx - qy * ry - qz * rz;
      const nx = qw * rx + qx * rw + qy * rz - qz * ry;
      const ny = qw * ry - qx * rz + qy * rw + qz * rx;
      const nz = qw * rz + qx * ry - qy * rx + qz * rw;
      qw = nw;
      qx = nx;
      qy = ny;
      qz = nz;
    }
    const n = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
    q[a + 3] = qw / n;
    q[a + 4] = qx / n;
    q[a + 5] = qy / n;
    q[a + 6] = qz / n;
  }
}
