/**
 * Ant (Brax v2, generalized backend): 27-d observation `q[2:] ++ qd`, 8 actions in [-1, 1] (gear 150),
 * reward `vx_torso + 1 - 0.5 |a|^2`, terminate when torso z leaves [0.2, 1.0], dt = 0.01 * 5.
 */

import { ANT_XML } from "./assets/ant.ts";
import { LocomotionEnv, type LocomotionOptions, type LocomotionSpec } from "./env.ts";

/** The Ant's observation, reward and termination (Brax v2), and its MJCF. */
export const ANT_SPEC: LocomotionSpec = {
  name: "ant",
  mjcf: ANT_XML,
  nFrames: 5,
  obsSize: 27,
  obsQStart: 2,
  initQ: (m) => {
    const init = m.numeric.get("init_qpos");
    if (!init || init.length !== m.nq) {
      throw new Error(
        "the Ant MJCF (envs/locomotion/assets/ant.ts) needs a custom numeric init_qpos of length nq",
      );
    }
    return Float64Array.from(init);
  },
  resetNoise: 0.1,
  qdNoise: "normal",
  forwardWeight: 1,
  forward: "torso",
  ctrlCostWeight: 0.5,
  healthyReward: 1,
  healthyZ: [0.2, 1.0],
  rescaleActions: false,
};

/**
 * Creates a batched Ant environment (call reset(seed, numEnvs) next).
 *
 * @example
 * ```ts
 * import { makeAnt } from "@diffusing-blame/ed";
 * const env = makeAnt();
 * env.reset(0, 2);
 * const { obs, rewards } = env.step(new Float32Array(2 * env.actionSize)); // 8 zero actions each
 * console.log(env.obsSize, obs.length, rewards); // 27 54 ...
 * ```
 */
export function makeAnt(options: LocomotionOptions = {}): LocomotionEnv {
  return new LocomotionEnv(ANT_SPEC, options);
}
