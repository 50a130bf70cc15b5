/**
 * Geom arrays of the model and the contact pairs between them. Only world planes against sphere/capsule
 * geoms are supported; every other pair that the contype/conaffinity filters let through is rejected.
 *
 * @module
 */

import { solimp5 } from "./mjcf_body_tree.ts";
import type { LinkGeom } from "./mjcf_fusion.ts";
import { MjcfError } from "./errors.ts";
import { GEOM_CAPSULE, GEOM_PLANE } from "./model.ts";

/** Per-geom arrays named as in {@link Model} (vectors flattened). */
export interface GeomArrays {
  ngeom: number;
  geomType: Int32Array;
  geomBody: Int32Array;
  geomPos: Float64Array;
  geomQuat: Float64Array;
  geomSize: Float64Array;
  geomContype: Int32Array;
  geomConaffinity: Int32Array;
  geomFriction: Float64Array;
  geomSolref: Float64Array;
  geomSolimp: Float64Array;
  geomRgba: Float64Array;
}

/** Per-pair arrays named as in {@link Model}, and the most contact points a step can produce. */
export interface ContactPairs {
  npair: number;
  pairPlane: Int32Array;
  pairGeom: Int32Array;
  pairFriction: Float64Array;
  pairSolref: Float64Array;
  pairSolimp: Float64Array;
  pairPoints: Int32Array;
  ncontactMax: number;
}

/** Packs the geoms (in the given order) into flat arrays. */
export function buildGeomArrays(allGeoms: LinkGeom[]): GeomArrays {
  const ngeom = allGeoms.length;
  const geomType = new Int32Array(ngeom);
  const geomBody = new Int32Array(ngeom);
  const geomPos = new Float64Array(ngeom * 3);
  const geomQuat = new Float64Array(ngeom * 4);
  const geomSize = new Float64Array(ngeom * 3);
  const geomContype = new Int32Array(ngeom);
  const geomConaffinity = new Int32Array(ngeom);
  const geomFriction = new Float64Array(ngeom * 3);
  const geomSolref = new Float64Array(ngeom * 2);
  const geomSolimp = new Float64Array(ngeom * 5);
  const geomRgba = new Float64Array(ngeom * 4);
  allGeoms.forEach(({ g, link }, i) => {
    geomType[i] = g.type;
    geomBody[i] = link;
    geomPos.set(g.pos, i * 3);
    geomQuat.set(g.quat, i * 4);
    geomSize.set(g.size, i * 3);
    geomContype[i] = g.contype;
    geomConaffinity[i] = g.conaffinity;
    geomFriction.set(g.friction, i * 3);
    geomSolref.set(g.solref, i * 2);
    geomSolimp.set(solimp5(g.solimp), i * 5);
    geomRgba.set(g.rgba, i * 4);
  });
  return {
    ngeom,
    geomType,
    geomBody,
    geomPos,
    geomQuat,
    geomSize,
    geomContype,
    geomConaffinity,
    geomFriction,
    geomSolref,
    geomSolimp,
    geomRgba,
  };
}

/**
 * The plane-vs-geom pairs that can collide, skipping geoms on the same link or on parent and child links
 * (MuJoCo's parent filter). Pair parameters mix the two geoms' like MuJoCo's: max friction, mean
 * solref/solimp.
 */
export function buildContactPairs(
  allGeoms: LinkGeom[],
  geoms: GeomArrays,
  bodyParent: Int32Array,
): ContactPairs {
  const { ngeom, geomType, geomBody, geomContype, geomConaffinity, geomFriction, geomSolref, geomSolimp } =
    geoms;
  const pairs: { plane: number; geom: number }[] = [];
  for (let a = 0; a < ngeom; a++) {
    for (let b = a + 1; b < ngeom; b++) {
      const collide = (geomContype[a] & geomConaffinity[b]) | (geomContype[b] & geomConaffinity[a]);
      if (!collide) continue;
      const la = geomBody[a], lb = geomBody[b];
      if (la === lb) continue;
      if (la >= 0 && lb >= 0 && (bodyParent[la] === lb || bodyParent[lb] === la)) continue;
      const planeA = geomType[a] === GEOM_PLANE, planeB = geomType[b] === GEOM_PLANE;
      if (planeA !== planeB && (planeA ? la : lb) === -1) {
        pairs.push(planeA ? { plane: a, geom: b } : { plane: b, geom: a });
        continue;
      }
      const g = allGeoms[b].g;
      throw new MjcfError(
        `unsupported collision pair (only world plane vs sphere/capsule): ${allGeoms[a].g.name || a}`,
        g.el.path,
        g.el.line,
      );
    }
  }
  const npair = pairs.length;
  const pairPlane = Int32Array.from(pairs.map((p) => p.plane));
  const pairGeom = Int32Array.from(pairs.map((p) => p.geom));
  const pairFriction = new Float64Array(npair);
  const pairSolref = new Float64Array(npair * 2);
  const pairSolimp = new Float64Array(npair * 5);
  const pairPoints = new Int32Array(npair);
  let ncontactMax = 0;
  pairs.forEach(({ plane, geom }, i) => {
    pairFriction[i] = Math.max(geomFriction[plane * 3], geomFriction[geom * 3]);
    for (let k = 0; k < 2; k++) {
      pairSolref[i * 2 + k] = 0.5 * (geomSolref[plane * 2 + k] + geomSolref[geom * 2 + k]);
    }
    for (let k = 0; k < 5; k++) {
      pairSolimp[i * 5 + k] = 0.5 * (geomSolimp[plane * 5 + k] + geomSolimp[geom * 5 + k]);
    }
    // A capsule can touch the plane at both end caps; a sphere at one point.
    pairPoints[i] = geomType[geom] === GEOM_CAPSULE ? 2 : 1;
    ncontactMax += pairPoints[i];
  });
  return { npair, pairPlane, pairGeom, pairFriction, pairSolref, pairSolimp, pairPoints, ncontactMax };
}
