/**
 * Recursive Newton-Euler bias forces in the COM frame (MuJoCo's mj_rne with zero acceleration): Coriolis,
 * centrifugal and gravity terms, `bias = C(q, qd) qd + g(q)`.
 */

import type { Model } from "./model.ts";
import { addCrossForce, dot6, inertiaMulMotion } from "./spatial.ts";
import type { Workspace } from "./workspace.ts";

/** Fills ws.bias (requires comPos and comVel). */
export function biasForces(m: Model, ws: Workspace): void {
  const { cacc, cfrc, cinert, cvel, cdof, cdofdot, qd, bias, tmp6 } = ws;
  const g = m.gravity;
  for (let b = 0; b < m.nbody; b++) {
    const p = m.bodyParent[b];
    const o = b * 6;
    if (p < 0) {
      cacc[o] = cacc[o + 1] = cacc[o + 2] = 0;
      cacc[o + 3] = -g[0];
      cacc[o + 4] = -g[1];
      cacc[o + 5] = -g[2];
    } else {
      for (let k = 0; k < 6; k++) cacc[o + k] = cacc[p * 6 + k];
    }
    const d0 = m.bodyDofAdr[b], nd = m.bodyDofNum[b];
    for (let d = d0; d < d0 + nd; d++) {
      const v = qd[d];
      for (let k = 0; k < 6; k++) cacc[o + k] += cdofdot[d * 6 + k] * v;
    }
    inertiaMulMotion(cfrc, o, cinert, b * 10, cacc, o);
    inertiaMulMotion(tmp6, 0, cinert, b * 10, cvel, o);
    addCrossForce(cfrc, o, cvel, o, tmp6, 0);
  }
  for (let b = m.nbody - 1; b >= 0; b--) {
    const p = m.bodyParent[b];
    if (p >= 0) { for (let k = 0; k < 6; k++) cfrc[p * 6 + k] += cfrc[b * 6 + k]; }
  }
  for (let d = 0; d < m.nv; d++) bias[d] = dot6(cdof, d * 6, cfrc, m.dofBody[d] * 6);
}
