/**
 * The compiled model: a kinematic tree of links (bodies after fusion of joint-less bodies), their joints,
 * degrees of freedom, collision geoms, contact pairs and motor actuators, as flat typed arrays.
 */

/** Joint type of a free joint (3 translations, 4 quaternion entries), numbered as in MuJoCo. */
export const JOINT_FREE = 0;
/** Joint type of a slide (prismatic) joint. */
export const JOINT_SLIDE = 2;
/** Joint type of a hinge (revolute) joint. */
export const JOINT_HINGE = 3;

/** Geom type of a plane, numbered as in MuJoCo. */
export const GEOM_PLANE = 0;
/** Geom type of a sphere. */
export const GEOM_SPHERE = 2;
/** Geom type of a capsule. */
export const GEOM_CAPSULE = 3;

/**
 * A compiled MJCF model (what {@link loadMjcf} returns): links, joints, dofs, geoms, contact pairs and
 * actuators as flat arrays indexed by element.
 */
export interface Model {
  /** Model name (MJCF `<mujoco model=...>`). */
  name: string;
  // Options.
  /** Physics step in seconds (MJCF `option timestep`). */
  timestep: number;
  /** Constraint-solver iterations (MJCF `option iterations`). */
  iterations: number;
  /** Line-search steps per solver iteration (Brax custom numeric `solver_maxls`, default 20). */
  solverMaxls: number;
  /** Gravity vector (3). */
  gravity: Float64Array;
  /** Named numeric arrays from `<custom><numeric>` (for example `init_qpos`). */
  numeric: Map<string, number[]>;

  // Links (bodies without world). Parents always precede children.
  /** Number of links. */
  nbody: number;
  /** Link names. */
  bodyName: string[];
  /** Parent link of each link (-1: the world). */
  bodyParent: Int32Array;
  /** Index of the root link (child of world) of each link's tree. */
  bodyRoot: Int32Array;
  /** Link frame position in the parent frame (3 per link). */
  bodyPos: Float64Array;
  /** Link frame orientation in the parent frame, quaternion w, x, y, z (4 per link). */
  bodyQuat: Float64Array;
  /** Mass of each link. */
  bodyMass: Float64Array;
  /** Centre of mass in the link frame (3 per link). */
  bodyIpos: Float64Array;
  /** Inertia about the centre of mass in the link frame, row-major (9 per link). */
  bodyInertia: Float64Array;
  /** First joint of each link. */
  bodyJntAdr: Int32Array;
  /** Number of joints of each link. */
  bodyJntNum: Int32Array;
  /** First dof of each link. */
  bodyDofAdr: Int32Array;
  /** Number of dofs of each link. */
  bodyDofNum: Int32Array;
  /** Translational inverse weight at qpos0 (MuJoCo `body_invweight0[:, 0]`). */
  bodyInvweight: Float64Array;

  // Joints.
  /** Number of joints. */
  njnt: number;
  /** Joint names. */
  jntName: string[];
  /** Joint type ({@link JOINT_FREE}, {@link JOINT_SLIDE}, {@link JOINT_HINGE}). */
  jntType: Int32Array;
  /** Link of each joint. */
  jntBody: Int32Array;
  /** First q entry of each joint. */
  jntQposAdr: Int32Array;
  /** First dof of each joint. */
  jntDofAdr: Int32Array;
  /** Joint anchor in the link frame (3 per joint). */
  jntPos: Float64Array;
  /** Unit joint axis in the link frame (3 per joint). */
  jntAxis: Float64Array;
  /** 1 where the joint has a range limit. */
  jntLimited: Uint8Array;
  /** Joint range (2 per joint; radians or metres). */
  jntRange: Float64Array;
  /** Spring stiffness towards qpos0. */
  jntStiffness: Float64Array;
  /** Limit constraint solref (2 per joint). */
  jntSolref: Float64Array;
  /** Limit constraint solimp (5 per joint). */
  jntSolimp: Float64Array;

  // Degrees of freedom.
  /** Length of the position vector q. */
  nq: number;
  /** Number of degrees of freedom (length of qd). */
  nv: number;
  /** Link of each dof. */
  dofBody: Int32Array;
  /** Joint of each dof. */
  dofJnt: Int32Array;
  /** Previous dof on the path to the root (-1 at a root). */
  dofParent: Int32Array;
  /** Armature (rotor inertia) added to the mass matrix diagonal. */
  dofArmature: Float64Array;
  /** Viscous damping coefficient. */
  dofDamping: Float64Array;
  /** MuJoCo `dof_invweight0` at qpos0. */
  dofInvweight: Float64Array;

  // Geoms.
  /** Number of geoms. */
  ngeom: number;
  /** Geom names. */
  geomName: string[];
  /** Geom type ({@link GEOM_PLANE}, {@link GEOM_SPHERE}, {@link GEOM_CAPSULE}). */
  geomType: Int32Array;
  /** Link of each geom, -1 for world. */
  geomBody: Int32Array;
  /** Geom position in the link frame (3 per geom). */
  geomPos: Float64Array;
  /** Geom orientation in the link frame, quaternion (4 per geom). */
  geomQuat: Float64Array;
  /** Geom size (3 per geom: radius, half length, unused). */
  geomSize: Float64Array;
  /** Contact type bits. */
  geomContype: Int32Array;
  /** Contact affinity bits. */
  geomConaffinity: Int32Array;
  /** Friction coefficients (3 per geom: sliding, torsional, rolling). */
  geomFriction: Float64Array;
  /** Contact solref (2 per geom). */
  geomSolref: Float64Array;
  /** Contact solimp (5 per geom). */
  geomSolimp: Float64Array;
  /** Colour for rendering (4 per geom). */
  geomRgba: Float64Array;

  // Contact pairs: a world plane against a sphere or capsule on a link.
  /** Number of contact pairs. */
  npair: number;
  /** The plane geom of each pair. */
  pairPlane: Int32Array;
  /** The sphere or capsule geom of each pair. */
  pairGeom: Int32Array;
  /** Sliding friction of each pair. */
  pairFriction: Float64Array;
  /** Contact solref (2 per pair). */
  pairSolref: Float64Array;
  /** Contact solimp (5 per pair). */
  pairSolimp: Float64Array;
  /** Number of contact points (sphere 1, capsule 2) and the total. */
  pairPoints: Int32Array;
  /** Total contact points over all pairs. */
  ncontactMax: number;

  // Motor actuators.
  /** Number of actuators. */
  nu: number;
  /** Actuator names. */
  actName: string[];
  /** The dof each actuator drives. */
  actDof: Int32Array;
  /** Gear ratio (force = gear · ctrl). */
  actGear: Float64Array;
  /** 1 where ctrl is clamped to its range. */
  actCtrlLimited: Uint8Array;
  /** Control range (2 per actuator). */
  actCtrlRange: Float64Array;

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
