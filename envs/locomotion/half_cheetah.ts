/**
 * HalfCheetah (Brax v2, generalized backend): 17-d observation `q[1:] ++ qd`, 6 actions in [-1, 1],
 * reward `vx_torso - 0.1 |a|^2`, no termination, dt = 0.01 * 5.
 */

import { HALF_CHEETAH_XML } from "./assets/half_cheetah.ts";
import { LocomotionEnv, type LocomotionOptions, type LocomotionSpec } from "./env.ts";

/** The HalfCheetah's observation, reward and termination (Brax v2), and its MJCF. */
export const HALF_CHEETAH_SPEC: LocomotionSpec = {
  name: "half_cheetah",
  mjcf: HALF_CHEETAH_XML,
  nFrames: 5,
  obsSize: 17,
  obsQStart: 1,
  resetNoise: 0.1,
  qdNoise: "normal",
  forwardWeight: 1,
  forward: "torso",
  ctrlCostWeight: 0.1,
  healthyReward: 0,
  rescaleActions: false,
};

/**
 * Creates a batched HalfCheetah environment (call reset(seed, numEnvs) next).
 *
 * @example
 * ```ts
 * import { makeHalfCheetah } from "@diffusing-blame/ed";
 * const env = makeHalfCheetah();
 * env.reset(0, 2);
 * const { obs, rewards } = env.step(new Float32Array(2 * env.actionSize)); // 6 zero actions each
 * console.log(env.obsSize, obs.length, rewards); // 17 34 ...
 * ```
 */
export function makeHalfCheetah(options: LocomotionOptions = {}): LocomotionEnv {
  return new LocomotionEnv(HALF_CHEETAH_SPEC, options);
}
