/**
 * The compiled model: a kinematic tree of links (bodies after fusion of joint-less bodies), their joints,
 * degrees of freedom, collision geoms, contact pairs and motor actuators, as flat typed arrays.
 */

/** Joint types, numbered as in MuJoCo. */
export const JOINT_FREE = 0;
export const JOINT_SLIDE = 2;
export const JOINT_HINGE = 3;

/** Geom types, numbered as in MuJoCo. */
export const GEOM_PLANE = 0;
export const GEOM_SPHERE = 2;
export const GEOM_CAPSULE = 3;

export interface Model {
  name: string;
  // Options.
  timestep: number;
  /** Constraint-solver iterations (MJCF `option iterations`). */
  iterations: number;
  /** Line-search steps per solver iteration (Brax custom numeric `solver_maxls`, default 20). */
  solverMaxls: number;
  gravity: Float64Array;
  /** Named numeric arrays from `<custom><numeric>` (for example `init_qpos`). */
  numeric: Map<string, number[]>;

  // Links (bodies without world). Parents always precede children.
  nbody: number;
  bodyName: string[];
  bodyParent: Int32Array;
  /** Index of the root link (child of world) of each link's tree. */
  bodyRoot: Int32Array;
  bodyPos: Float64Array; // 3 per link, in parent frame
  bodyQuat: Float64Array; // 4 per link
  bodyMass: Float64Array;
  bodyIpos: Float64Array; // 3 per link: COM in link frame
  bodyInertia: Float64Array; // 9 per link: inertia about COM in link frame (row-major)
  bodyJntAdr: Int32Array;
  bodyJntNum: Int32Array;
  bodyDofAdr: Int32Array;
  bodyDofNum: Int32Array;
  /** Translational inverse weight at qpos0 (MuJoCo `body_invweight0[:, 0]`). */
  bodyInvweight: Float64Array;

  // Joints.
  njnt: number;
  jntName: string[];
  jntType: Int32Array;
  jntBody: Int32Array;
  jntQposAdr: Int32Array;
  jntDofAdr: Int32Array;
  jntPos: Float64Array; // 3 per joint, link frame
  jntAxis: Float64Array; // 3 per joint, unit, link frame
  jntLimited: Uint8Array;
  jntRange: Float64Array; // 2 per joint (radians or metres)
  jntStiffness: Float64Array;
  jntSolref: Float64Array; // 2 per joint (limit)
  jntSolimp: Float64Array; // 5 per joint (limit)

  // Degrees of freedom.
  nq: number;
  nv: number;
  dofBody: Int32Array;
  dofJnt: Int32Array;
  /** Previous dof on the path to the root (-1 at a root). */
  dofParent: Int32Array;
  dofArmature: Float64Array;
  dofDamping: Float64Array;
  /** MuJoCo `dof_invweight0` at qpos0. */
  dofInvweight: Float64Array;

  // Geoms.
  ngeom: number;
  geomName: string[];
  geomType: Int32Array;
  /** Link of each geom, -1 for world. */
  geomBody: Int32Array;
  geomPos: Float64Array; // 3 per geom, link frame
  geomQuat: Float64Array; // 4 per geom
  geomSize: Float64Array; // 3 per geom (radius, half length, -)
  geomContype: Int32Array;
  geomConaffinity: Int32Array;
  geomFriction: Float64Array; // 3 per geom
  geomSolref: Float64Array; // 2 per geom
  geomSolimp: Float64Array; // 5 per geom
  geomRgba: Float64Array; // 4 per geom

  // Contact pairs: a world plane against a sphere or capsule on a link.
  npair: number;
  pairPlane: Int32Array;
  pairGeom: Int32Array;
  pairFriction: Float64Array;
  pairSolref: Float64Array; // 2 per pair
  pairSolimp: Float64Array; // 5 per pair
  /** Number of contact points (sphere 1, capsule 2) and the total. */
  pairPoints: Int32Array;
  ncontactMax: number;

  // Motor actuators.
  nu: number;
  actName: string[];
  actDof: Int32Array;
  actGear: Float64Array;
  actCtrlLimited: Uint8Array;
  actCtrlRange: Float64Array; // 2 per actuator

  /** Reference configuration (free joints at their body pose, others 0). */
  qpos0: Float64Array;
}

/**
 * Ancestor lists of the dofs: for dof i, `anc[ancAdr[i] .. ancAdr[i + 1])` is i, its parent dof, its
 * grandparent and so on to the root (the path of a Jacobian row whose last dof is i, in descending order).
 */
export function dofAncestors(m: Model): { anc: Int32Array; ancAdr: Int32Array } {
  const list: number[] = [];
  const ancAdr = new Int32Array(m.nv + 1);
  for (let i = 0; i < m.nv; i++) {
    ancAdr[i] = list.length;
    for (let j = i; j >= 0; j = m.dofParent[j]) list.push(j);
  }
  ancAdr[m.nv] = list.length;
  return { anc: Int32Array.from(list), ancAdr };
}
