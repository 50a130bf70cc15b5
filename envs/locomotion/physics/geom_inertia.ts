/** Volumes and principal inertias of MJCF primitive geoms, following MuJoCo's formulas. */

import { GEOM_CAPSULE, GEOM_SPHERE } from "./model.ts";

/** Volume of a sphere (radius r) or capsule (radius r, cylinder half-length h). */
export function geomVolume(type: number, r: number, h: number): number {
  const sphere = (4 / 3) * Math.PI * r * r * r;
  if (type === GEOM_SPHERE) return sphere;
  if (type === GEOM_CAPSULE) return sphere + Math.PI * r * r * 2 * h;
  return 0;
}

/**
 * Principal inertia (about the geom centre, in the geom frame whose z is the capsule axis) of a solid of
 * uniform density with total mass `mass`.
 */
export function geomPrincipalInertia(
  type: number,
  r: number,
  h: number,
  mass: number,
): [number, number, number] {
  if (type === GEOM_SPHERE) {
    const i = 0.4 * mass * r * r;
    return [i, i, i];
  }
  if (type === GEOM_CAPSULE) {
    const vol = geomVolume(type, r, h);
    if (vol <= 0) return [0, 0, 0];
    const density = mass / vol;
    const len = 2 * h;
    const ms = density * (4 / 3) * Math.PI * r * r * r; // both hemispheres together
    const mc = density * Math.PI * r * r * len; // cylinder
    // Cylinder about its centre plus two hemispheres moved out to the cylinder ends.
    const perp = mc * (3 * r * r + len * len) / 12 + ms * (0.4 * r * r + len * len / 4 + 3 * len * r / 8);
    const axial = mc * r * r / 2 + 0.4 * ms * r * r;
    return [perp, perp, axial];
  }
  return [0, 0, 0];
}
