/**
 * The joint and degree-of-freedom layout of the fused links: qpos/qvel addresses, per-body joint and dof
 * ranges, the dof tree (each dof's parent dof) and the initial qpos.
 *
 * @module
 */

import type { RawJoint } from "./mjcf_body_tree.ts";
import type { Link } from "./mjcf_fusion.ts";
import { JOINT_FREE } from "./model.ts";
import { MjcfError } from "./errors.ts";

/** A joint and the link it moves. */
export interface LinkJoint {
  j: RawJoint;
  body: number;
}

/** Index arrays named as in {@link Model}, plus the joints in model order. */
export interface DofLayout {
  joints: LinkJoint[];
  njnt: number;
  nq: number;
  nv: number;
  jntQposAdr: Int32Array;
  jntDofAdr: Int32Array;
  bodyParent: Int32Array;
  bodyRoot: Int32Array;
  bodyJntAdr: Int32Array;
  bodyJntNum: Int32Array;
  bodyDofAdr: Int32Array;
  bodyDofNum: Int32Array;
  dofBody: Int32Array;
  dofJnt: Int32Array;
  dofParent: Int32Array;
  dofArmature: Float64Array;
  dofDamping: Float64Array;
  qpos0: Float64Array;
}

/** Lays out joints link by link (a free joint takes 7 qpos and 6 dofs, hinge and slide 1 each). */
export function layoutDofs(links: Link[]): DofLayout {
  const nbody = links.length;
  const joints: LinkJoint[] = [];
  for (let b = 0; b < nbody; b++) for (const j of links[b].raw.joints) joints.push({ j, body: b });
  const njnt = joints.length;
  const named = new Map<string, RawJoint>();
  for (const { j } of joints) {
    if (!j.name) continue;
    const first = named.get(j.name);
    if (first) {
      throw new MjcfError(
        `repeated joint name '${j.name}' (first at line ${first.el.line})`,
        j.el.path,
        j.el.line,
      );
    }
    named.set(j.name, j);
  }
  let nq = 0, nv = 0;
  const jntQposAdr = new Int32Array(njnt);
  const jntDofAdr = new Int32Array(njnt);
  for (let i = 0; i < njnt; i++) {
    jntQposAdr[i] = nq;
    jntDofAdr[i] = nv;
    const free = joints[i].j.type === JOINT_FREE;
    nq += free ? 7 : 1;
    nv += free ? 6 : 1;
  }
  const bodyParent = Int32Array.from(links.map((l) => l.parent));
  const bodyRoot = new Int32Array(nbody);
  for (let b = 0; b < nbody; b++) bodyRoot[b] = bodyParent[b] < 0 ? b : bodyRoot[bodyParent[b]];
  const bodyJntAdr = new Int32Array(nbody);
  const bodyJntNum = new Int32Array(nbody);
  const bodyDofAdr = new Int32Array(nbody);
  const bodyDofNum = new Int32Array(nbody);
  {
    let ji = 0;
    for (let b = 0; b < nbody; b++) {
      bodyJntAdr[b] = ji;
      bodyJntNum[b] = links[b].raw.joints.length;
      bodyDofAdr[b] = jntDofAdr[ji];
      ji += bodyJntNum[b];
      bodyDofNum[b] = (ji < njnt ? jntDofAdr[ji] : nv) - bodyDofAdr[b];
    }
  }
  const dofBody = new Int32Array(nv);
  const dofJnt = new Int32Array(nv);
  const dofParent = new Int32Array(nv);
  const dofArmature = new Float64Array(nv);
  const dofDamping = new Float64Array(nv);
  for (let i = 0; i < njnt; i++) {
    const { j, body } = joints[i];
    const n = j.type === JOINT_FREE ? 6 : 1;
    for (let k = 0; k < n; k++) {
      const d = jntDofAdr[i] + k;
      dofBody[d] = body;
      dofJnt[d] = i;
      dofArmature[d] = j.armature;
      dofDamping[d] = j.damping;
    }
  }
  // A body's first dof hangs off the last dof of the nearest ancestor that has any; later ones chain.
  for (let d = 0; d < nv; d++) {
    if (d > bodyDofAdr[dofBody[d]]) {
      dofParent[d] = d - 1;
    } else {
      let p = bodyParent[dofBody[d]];
      while (p >= 0 && bodyDofNum[p] === 0) p = bodyParent[p];
      dofParent[d] = p < 0 ? -1 : bodyDofAdr[p] + bodyDofNum[p] - 1;
    }
  }
  // Hinge and slide joints start at 0; a free joint starts at its body's placement.
  const qpos0 = new Float64Array(nq);
  for (let i = 0; i < njnt; i++) {
    if (joints[i].j.type === JOINT_FREE) {
      const l = links[joints[i].body];
      qpos0.set([...l.pos, ...l.quat], jntQposAdr[i]);
    }
  }
  return {
    joints,
    njnt,
    nq,
    nv,
    jntQposAdr,
    jntDofAdr,
    bodyParent,
    bodyRoot,
    bodyJntAdr,
    bodyJntNum,
    bodyDofAdr,
    bodyDofNum,
    dofBody,
    dofJnt,
    dofParent,
    dofArmature,
    dofDamping,
    qpos0,
  };
}
