/**
 * Every RL environment of the project by name, each implementing the {@link VecEnv} contract
 * (lib/rl/vec_env.ts): classic control (CartPole, Pendulum), the Brax-like locomotion port (Ant,
 * HalfCheetah, Humanoid) and Craftax-Classic.
 *
 * ```ts
 * import { makeVecEnv } from "@diffusing-blame/ed";
 * const env = makeVecEnv("halfcheetah", { episodeLength: 200 });
 * const obs = env.reset(0, 16); // 16 environments, seeded from 0
 * const { rewards, dones } = env.step(new Float32Array(16 * 6)); // zero torques
 * ```
 *
 * @module
 */
import type { VecEnv } from "../lib/rl/vec_env.ts";
import { CartPole } from "./classic/cartpole.ts";
import { Pendulum } from "./classic/pendulum.ts";
import { LOCOMOTION_ENVS, type LocomotionEnvName, LocomotionVecEnv } from "./locomotion/vec_env.ts";
import { CraftaxClassicVecEnv } from "./craftax/vec_env.ts";

export { LOCOMOTION_ENVS, type LocomotionEnvName, LocomotionVecEnv } from "./locomotion/vec_env.ts";
export { CraftaxClassicVecEnv } from "./craftax/vec_env.ts";

/** The names {@link makeVecEnv} knows. */
export const ENV_NAMES = ["cartpole", "pendulum", ...LOCOMOTION_ENVS, "craftax-classic"] as const;
/** An environment name {@link makeVecEnv} accepts. */
export type EnvName = typeof ENV_NAMES[number];

/** Options of {@link makeVecEnv}. */
export interface VecEnvOptions {
  /** Locomotion only: episode time limit in steps, 1..1000 (default 1000, Brax's `episode_length`). */
  episodeLength?: number;
}

/**
 * Builds an environment by name; unknown names and options that do not apply are errors. Every environment
 * is batched (the `VecEnv` contract): `reset(seed, numEnvs)`, then `step(actions)` with an Int32Array of
 * action indices (discrete spaces) or a Float32Array [numEnvs · size] in [−1, 1] (continuous spaces);
 * finished environments reset inside `step`.
 *
 * @example
 * ```ts
 * import { makeVecEnv } from "@diffusing-blame/ed";
 * const env = makeVecEnv("cartpole");
 * env.reset(0, 4); // 4 environments, seeded from 0
 * const { obs, rewards, dones } = env.step(new Int32Array([0, 1, 0, 1])); // push left, right, ...
 * console.log(env.obsSize, obs.length, rewards, dones); // 4 16 Float32Array [1, 1, 1, 1] Uint8Array [0, 0, 0, 0]
 * ```
 */
export function makeVecEnv(name: string, options: VecEnvOptions = {}): VecEnv {
  if ((LOCOMOTION_ENVS as readonly string[]).includes(name)) {
    return new LocomotionVecEnv(name as LocomotionEnvName, options);
  }
  if (options.episodeLength !== undefined) {
    throw new RangeError(`${name}: episodeLength can only be set for ${LOCOMOTION_ENVS.join(", ")}`);
  }
  switch (name) {
    case "cartpole":
      return new CartPole();
    case "pendulum":
      return new Pendulum();
    case "craftax-classic":
      return new CraftaxClassicVecEnv();
  }
  throw new RangeError(`unknown environment "${name}"; choose one of ${ENV_NAMES.join(", ")}`);
}

/** The environment of an RL run's options (its `env`, and for locomotion its `episodeLength`). */
export function makeRunEnv(o: { env: string; episodeLength?: number }): VecEnv {
  return makeVecEnv(o.env, o.episodeLength !== undefined ? { episodeLength: o.episodeLength } : {});
}
