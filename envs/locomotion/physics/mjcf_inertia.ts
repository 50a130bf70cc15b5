/**
 * Link mass, centre of mass and inertia derived from their geoms (MJCF `inertiafromgeom="true"`), with the
 * optional rescale to the compiler's `settotalmass`.
 *
 * @module
 */

import type { Link } from "./mjcf_fusion.ts";
import { MjcfError } from "./errors.ts";
import { geomPrincipalInertia } from "./geom_inertia.ts";
import { qmat } from "./math3d.ts";
import { GEOM_PLANE } from "./model.ts";

/** Per-link mass, centre of mass (link frame) and 3x3 inertia about it (row-major), flattened. */
export interface LinkInertia {
  bodyMass: Float64Array;
  bodyIpos: Float64Array;
  bodyInertia: Float64Array;
}

/**
 * Sums each link's geoms into one rigid body: geom inertias rotated into the link frame and shifted to the
 * combined centre of mass (parallel axis). A positive `totalMass` then scales all masses and inertias.
 */
export function computeLinkInertia(links: Link[], totalMass: number): LinkInertia {
  const nbody = links.length;
  const bodyMass = new Float64Array(nbody);
  const bodyIpos = new Float64Array(nbody * 3);
  const bodyInertia = new Float64Array(nbody * 9);
  for (let b = 0; b < nbody; b++) {
    let m = 0;
    const c = [0, 0, 0];
    for (const g of links[b].geoms) {
      if (g.type === GEOM_PLANE) {
        throw new MjcfError("plane geoms must belong to the world", g.el.path, g.el.line);
      }
      m += g.mass;
      for (let k = 0; k < 3; k++) c[k] += g.mass * g.pos[k];
    }
    if (!(m > 0)) {
      const el = links[b].raw.el;
      throw new MjcfError("moving body has no mass (add geoms with density or mass)", el.path, el.line);
    }
    for (let k = 0; k < 3; k++) c[k] /= m;
    const I = new Array(9).fill(0);
    for (const g of links[b].geoms) {
      if (g.mass === 0) continue;
      const pr = geomPrincipalInertia(g.type, g.size[0], g.size[1], g.mass);
      const R = qmat(g.quat);
      const d = [g.pos[0] - c[0], g.pos[1] - c[1], g.pos[2] - c[2]];
      const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += R[i * 3 + k] * pr[k] * R[j * 3 + k];
          I[i * 3 + j] += s + g.mass * ((i === j ? dd : 0) - d[i] * d[j]);
        }
      }
    }
    bodyMass[b] = m;
    bodyIpos.set(c, b * 3);
    bodyInertia.set(I, b * 9);
  }
  if (totalMass > 0) {
    let sum = 0;
    for (let b = 0; b < nbody; b++) sum += bodyMass[b];
    const s = totalMass / sum;
    for (let b = 0; b < nbody; b++) bodyMass[b] *= s;
    for (let k = 0; k < nbody * 9; k++) bodyInertia[k] *= s;
  }
  return { bodyMass, bodyIpos, bodyInertia };
}
