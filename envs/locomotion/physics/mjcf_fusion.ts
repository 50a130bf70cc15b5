/**
 * Fusion of the MJCF body tree into links, as Brax does: every body with joints becomes a link, and a
 * joint-less body is welded onto its parent link (or the world), its geoms moved into that link's frame.
 *
 * @module
 */

import type { RawBody, RawGeom, RawWorld } from "./mjcf_body_tree.ts";
import { MjcfError } from "./errors.ts";
import { qmul, qrot } from "./math3d.ts";
import { JOINT_FREE } from "./model.ts";

/** A moving body of the model: the jointed MJCF body it came from, placed in its parent link's frame. */
export interface Link {
  raw: RawBody;
  /** Parent link index, -1 for the world. */
  parent: number;
  pos: number[];
  quat: number[];
  /** Geoms in this link's frame, including those of welded joint-less descendants. */
  geoms: RawGeom[];
}

/** A geom and the link carrying it (-1: the world). */
export interface LinkGeom {
  g: RawGeom;
  link: number;
}

/** The links in depth-first order (parents first) and every geom: world geoms first, then tree order. */
export interface FusedTree {
  links: Link[];
  geoms: LinkGeom[];
}

/** `g` moved from a welded body's frame into the frame where that body sits at `pos`, `quat`. */
function place(g: RawGeom, pos: number[], quat: number[]): RawGeom {
  const p = qrot(quat, g.pos);
  return { ...g, pos: [pos[0] + p[0], pos[1] + p[1], pos[2] + p[2]], quat: qmul(quat, g.quat) };
}

/** Flattens the world's body tree into links; throws if nothing can move or a free joint is misplaced. */
export function fuseBodies(world: RawWorld): FusedTree {
  const links: Link[] = [];
  const allGeoms: LinkGeom[] = [];
  for (const g of world.geoms) allGeoms.push({ g, link: -1 });
  // accPos/accQuat: the frame of `raw`'s parent relative to link `parent` (identity below a link).
  const visit = (raw: RawBody, parent: number, accPos: number[], accQuat: number[]): void => {
    const rp = qrot(accQuat, raw.pos);
    const pos = [accPos[0] + rp[0], accPos[1] + rp[1], accPos[2] + rp[2]];
    const quat = qmul(accQuat, raw.quat);
    if (raw.joints.length > 0) {
      const idx = links.length;
      const link: Link = { raw, parent, pos, quat, geoms: [] };
      links.push(link);
      for (const j of raw.joints) {
        if (j.type === JOINT_FREE && (parent !== -1 || raw.joints.length > 1)) {
          throw new MjcfError(
            "a free joint must be the only joint of a top-level body",
            j.el.path,
            j.el.line,
          );
        }
      }
      for (const g of raw.geoms) {
        link.geoms.push(g);
        allGeoms.push({ g, link: idx });
      }
      for (const c of raw.children) visit(c, idx, [0, 0, 0], [1, 0, 0, 0]);
    } else {
      // Joint-less body: weld its geoms and children onto the parent link (or the world).
      for (const g of raw.geoms) {
        const placed = place(g, pos, quat);
        if (parent >= 0) links[parent].geoms.push(placed);
        allGeoms.push({ g: placed, link: parent });
      }
      for (const c of raw.children) visit(c, parent, pos, quat);
    }
  };
  for (const t of world.bodies) visit(t, -1, [0, 0, 0], [1, 0, 0, 0]);
  if (links.length === 0) throw new MjcfError("model has no moving bodies", world.el.path, world.el.line);
  return { links, geoms: allGeoms };
}
