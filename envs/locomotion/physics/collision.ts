/**
 * Contact generation for world-plane pairs (MJX's plane-sphere and plane-capsule primitives): distance,
 * contact point (halfway into the overlap) and contact frame `[normal, tangent1, tangent2]`.
 * A capsule yields two contacts, one per segment end. All pairs are always emitted; `dist > 0` rows are
 * ignored later.
 */

import { GEOM_CAPSULE, type Model } from "./model.ts";
import { quatMul, quatRotate } from "./math3d.ts";
import type { Workspace } from "./workspace.ts";

const s3 = new Float64Array(12);
const q4 = new Float64Array(4);

function writeContact(
  ws: Workspace,
  i: number,
  body: number,
  pair: number,
  cx: number,
  cy: number,
  cz: number,
  r: number,
  px: number,
  py: number,
  pz: number,
  nx: number,
  ny: number,
  nz: number,
  bx: number,
  by: number,
  bz: number,
): void {
  const dist = (cx - px) * nx + (cy - py) * ny + (cz - pz) * nz - r;
  const off = r + dist / 2;
  ws.conDist[i] = dist;
  ws.conPos[i * 3] = cx - nx * off;
  ws.conPos[i * 3 + 1] = cy - ny * off;
  ws.conPos[i * 3 + 2] = cz - nz * off;
  const f = i * 9;
  ws.conFrame[f] = nx;
  ws.conFrame[f + 1] = ny;
  ws.conFrame[f + 2] = nz;
  ws.conFrame[f + 3] = bx;
  ws.conFrame[f + 4] = by;
  ws.conFrame[f + 5] = bz;
  ws.conFrame[f + 6] = ny * bz - nz * by;
  ws.conFrame[f + 7] = nz * bx - nx * bz;
  ws.conFrame[f + 8] = nx * by - ny * bx;
  ws.conBody[i] = body;
  ws.conPair[i] = pair;
}

/** Fills the contact arrays of ws (requires forwardKinematics); sets ws.ncon. */
export function collide(m: Model, ws: Workspace): void {
  let n = 0;
  for (let p = 0; p < m.npair; p++) {
    const pg = m.pairPlane[p], g = m.pairGeom[p];
    // Plane normal (world): plane geom z axis; the plane belongs to the world, so its frame is static.
    quatRotate(s3, 0, m.geomQuat, pg * 4, unitZ, 0);
    const nx = s3[0], ny = s3[1], nz = s3[2];
    const px = m.geomPos[pg * 3], py = m.geomPos[pg * 3 + 1], pz = m.geomPos[pg * 3 + 2];
    // Tangent fallback from the normal (MJX make_frame / orthogonals).
    let ox: number, oy: number, oz: number;
    if (Math.abs(ny) < 0.5) {
      ox = -ny * nx;
      oy = 1 - ny * ny;
      oz = -ny * nz;
    } else {
      ox = -nz * nx;
      oy = -nz * ny;
      oz = 1 - nz * nz;
    }
    let on = Math.sqrt(ox * ox + oy * oy + oz * oz);
    ox /= on;
    oy /= on;
    oz /= on;
    const b = m.geomBody[g];
    // Geom centre in world.
    quatRotate(s3, 3, ws.xquat, b * 4, m.geomPos, g * 3);
    const cx = s3[3] + ws.xpos[b * 3], cy = s3[4] + ws.xpos[b * 3 + 1], cz = s3[5] + ws.xpos[b * 3 + 2];
    const r = m.geomSize[g * 3];
    if (m.geomType[g] === GEOM_CAPSULE) {
      const h = m.geomSize[g * 3 + 1];
      quatMul(q4, 0, ws.xquat, b * 4, m.geomQuat, g * 4);
      quatRotate(s3, 6, q4, 0, unitZ, 0);
      const ax = s3[6], ay = s3[7], az = s3[8];
      // Tangent: capsule axis projected on the plane.
      const an = ax * nx + ay * ny + az * nz;
      let tx = ax - an * nx, ty = ay - an * ny, tz = az - an * nz;
      on = Math.sqrt(tx * tx + ty * ty + tz * tz);
      if (on < 0.5) {
        tx = ox;
        ty = oy;
        tz = oz;
      } else {
        tx /= on;
        ty /= on;
        tz /= on;
      }
      writeContact(
        ws,
        n++,
        b,
        p,
        cx + ax * h,
        cy + ay * h,
        cz + az * h,
        r,
        px,
        py,
        pz,
        nx,
        ny,
        nz,
        tx,
        ty,
        tz,
      );
      writeContact(
        ws,
        n++,
        b,
        p,
        cx - ax * h,
        cy - ay * h,
        cz - az * h,
        r,
        px,
        py,
        pz,
        nx,
        ny,
        nz,
        tx,
        ty,
        tz,
      );
    } else {
      writeContact(ws, n++, b, p, cx, cy, cz, r, px, py, pz, nx, ny, nz, ox, oy, oz);
    }
  }
  ws.ncon = n;
}

const unitZ = Float64Array.of(0, 0, 1);
