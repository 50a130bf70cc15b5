/**
 * HalfCheetah (Brax v2, generalized backend): 17-d observation `q[1:] ++ qd`, 6 actions in [-1, 1],
 * reward `vx_torso - 0.1 |a|^2`, no termination, dt = 0.01 * 5.
 */

import { HALF_CHEETAH_XML } from "./assets/half_cheetah.ts";
import { LocomotionEnv, type LocomotionOptions, type LocomotionSpec } from "./env.ts";

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

/** Creates a batched HalfCheetah environment (call reset(seed, numEnvs) next). */
export function makeHalfCheetah(options: LocomotionOptions = {}): LocomotionEnv {
  return new LocomotionEnv(HALF_CHEETAH_SPEC, options);
}
