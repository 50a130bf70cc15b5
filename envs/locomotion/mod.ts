/**
 * Brax-like articulated physics in TypeScript (the generalized pipeline) and the Ant, HalfCheetah and
 * Humanoid environments with a batched struct-of-arrays API.
 *
 * @module
 */

export { loadMjcf } from "./physics/mjcf.ts";
export type { Model } from "./physics/model.ts";
export { Pipeline, type PipelineOptions } from "./physics/pipeline.ts";
export { MjcfError, PhysicsExplodedError } from "./physics/errors.ts";
export {
  EPISODE_LENGTH,
  LocomotionEnv,
  type LocomotionOptions,
  type LocomotionSpec,
  type StepResult,
} from "./env.ts";
export { ANT_XML } from "./assets/ant.ts";
export { HALF_CHEETAH_XML } from "./assets/half_cheetah.ts";
export { HUMANOID_XML } from "./assets/humanoid.ts";
export { ANT_SPEC, makeAnt } from "./ant.ts";
export { HALF_CHEETAH_SPEC, makeHalfCheetah } from "./half_cheetah.ts";
export { HUMANOID_SPEC, makeHumanoid } from "./humanoid.ts";
export {
  LOCOMOTION_ENVS,
  type LocomotionEnvName,
  LocomotionVecEnv,
  type LocomotionVecEnvOptions,
} from "./vec_env.ts";
