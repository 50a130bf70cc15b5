/**
 * Reference numbers for Brax's locomotion models (tests/fixtures/locomotion/<name>.json): what MuJoCo
 * compiles and computes from Brax's own MJCF files (brax/envs/assets). Brax's files are not part of the
 * project; tests/fixtures/locomotion/generate.ts wrote these numbers from them once.
 */

import { readJsonFixture } from "./fixture_util.ts";
import type { Mj, ModelName } from "./locomotion_mujoco_util.ts";
import type { Inertials, Rollout, StateTerms } from "./locomotion_reference.ts";

export interface BraxFixture {
  /** How the file was made. */
  about: string;
  /** The Brax file the numbers come from. */
  source: { file: string; sha256: string };
  /** MuJoCo version that compiled it (mj_versionString). */
  mujoco: string;
  /** Compiled mjModel arrays ({@link MODEL_FIELDS}). */
  model: Record<string, number[]>;
  /** Compiled mjOption values ({@link OPTION_FIELDS}). */
  option: Record<string, number[]>;
  inertials: Inertials;
  states: StateTerms[];
  rollouts: Rollout[];
}

/** The mjModel arrays that carry physics: tree, inertia, joints, dofs, geoms (contacts), actuators. Left out:
 * jnt_margin (only limits use it; Brax's ant sets it on its unlimited root joint), names, visuals. */
export const MODEL_FIELDS = [
  "body_parentid",
  "body_weldid",
  "body_jntnum",
  "body_pos",
  "body_quat",
  "body_ipos",
  "body_iquat",
  "body_mass",
  "body_inertia",
  "body_invweight0",
  "jnt_type",
  "jnt_qposadr",
  "jnt_dofadr",
  "jnt_bodyid",
  "jnt_limited",
  "jnt_solref",
  "jnt_solimp",
  "jnt_pos",
  "jnt_axis",
  "jnt_stiffness",
  "jnt_range",
  "dof_bodyid",
  "dof_parentid",
  "dof_frictionloss",
  "dof_armature",
  "dof_damping",
  "dof_invweight0",
  "geom_type",
  "geom_contype",
  "geom_conaffinity",
  "geom_condim",
  "geom_bodyid",
  "geom_priority",
  "geom_solmix",
  "geom_solref",
  "geom_solimp",
  "geom_size",
  "geom_pos",
  "geom_quat",
  "geom_friction",
  "geom_margin",
  "geom_gap",
  "actuator_trntype",
  "actuator_dyntype",
  "actuator_gaintype",
  "actuator_biastype",
  "actuator_trnid",
  "actuator_ctrllimited",
  "actuator_forcelimited",
  "actuator_dynprm",
  "actuator_gainprm",
  "actuator_biasprm",
  "actuator_ctrlrange",
  "actuator_forcerange",
  "actuator_gear",
  "qpos0",
  "qpos_spring",
] as const;

/** The mjOption values that change the dynamics. */
export const OPTION_FIELDS = [
  "timestep",
  "gravity",
  "wind",
  "density",
  "viscosity",
  "impratio",
  "tolerance",
  "integrator",
  "cone",
  "jacobian",
  "solver",
  "iterations",
  "ls_iterations",
  "disableflags",
  "enableflags",
] as const;

/** The {@link MODEL_FIELDS} and {@link OPTION_FIELDS} of a compiled MuJoCo model, as plain arrays. */
export function mujocoModelFields(m: Mj): Pick<BraxFixture, "model" | "option"> {
  const model: Record<string, number[]> = {}, option: Record<string, number[]> = {};
  for (const f of MODEL_FIELDS) model[f] = Array.from(m[f] as ArrayLike<number>);
  for (const f of OPTION_FIELDS) {
    const v = m.opt[f];
    option[f] = typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>);
  }
  return { model, option };
}

/** The fixture for `name`; a missing file throws an error naming it. */
export function readBraxFixture(name: ModelName): BraxFixture {
  return readJsonFixture<BraxFixture>(`locomotion/${name}.json`);
}
