/**
 * Every RL environment of the project by name, each implementing the {@link VecEnv} contract
 * (lib/rl/vec_env.ts): classic control (CartPole, Pendulum), the Brax-like locomotion port (Ant,
 * HalfCheetah, Humanoid) and Craftax-Classic.
 *
 * ```ts
 * import { makeVecEnv } from "./envs/mod.ts";
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
export type EnvName = typeof ENV_NAMES[number];

export interface VecEnvOptions {
  /** Locomotion only: episode time limit in steps, 1..1000 (default 1000, Brax's `episode_length`). */
  episodeLength?: number;
}

/** Builds an environment by name; unknown names and options that do not apply are errors. */
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
