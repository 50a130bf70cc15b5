/**
 * Craftax-Classic in TypeScript, bit-exact to JAX Craftax v1.6.1 (jax >= 0.5, threefry
 * partitionable): batched environment, constants, terminal renderer and the JAX-compatible PRNG;
 * and full Craftax (batched environment, world generation, step and observation), also bit-exact.
 *
 * @module
 */

export { type ClassicStepResult, CraftaxClassic } from "./classic/env.ts";
export { CraftaxClassicVecEnv } from "./vec_env.ts";
export { ClassicState } from "./classic/state.ts";
export {
  Achievement as CraftaxAchievement,
  ACHIEVEMENT_NAMES as CRAFTAX_ACHIEVEMENT_NAMES,
  Action as CraftaxAction,
  ACTION_NAMES as CRAFTAX_ACTION_NAMES,
  Block as CraftaxBlock,
  NUM_ACHIEVEMENTS as CRAFTAX_NUM_ACHIEVEMENTS,
  NUM_ACTIONS as CRAFTAX_NUM_ACTIONS,
  OBS_SIZE as CRAFTAX_CLASSIC_OBS_SIZE,
} from "./classic/constants.ts";
export {
  renderClassic as renderCraftaxClassic,
  type RenderOptions as CraftaxRenderOptions,
} from "./render.ts";
export * as jaxRandom from "./jax_random.ts";
export type { Key as JaxKey } from "./jax_random.ts";
// Full Craftax: batched env (9 floors, 43 actions, 67 achievements, 8268-float observation).
export { CraftaxFull, type FullStepResult as CraftaxFullStepResult } from "./full/env.ts";
export {
  FULL_ACHIEVEMENT_NAMES as CRAFTAX_FULL_ACHIEVEMENT_NAMES,
  FULL_ACTION_NAMES as CRAFTAX_FULL_ACTION_NAMES,
  FULL_NUM_ACTIONS as CRAFTAX_FULL_NUM_ACTIONS,
  FullAchievement as CraftaxFullAchievement,
  FullAction as CraftaxFullAction,
} from "./full/rules.ts";
export { stepFullEnv } from "./full/step.ts";
export { FullState } from "./full/state.ts";
export { resetFullEnv } from "./full/reset.ts";
export {
  FULL_OBS_SIZE as CRAFTAX_FULL_OBS_SIZE,
  FullObservationWriter,
  writeFullObservation,
} from "./full/observation.ts";
export { type FullWorld, generateFullWorld, newFullWorld } from "./full/worldgen.ts";
