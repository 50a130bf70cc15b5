/** The classic-control environments by name. */
import type { VecEnv } from "../../lib/rl/vec_env.ts";
import { CartPole } from "./cartpole.ts";
import { Pendulum } from "./pendulum.ts";

export { CartPole } from "./cartpole.ts";
export { Pendulum } from "./pendulum.ts";

export const CLASSIC_ENVS = ["cartpole", "pendulum"] as const;
export type ClassicEnvName = typeof CLASSIC_ENVS[number];

export function makeClassicEnv(name: ClassicEnvName): VecEnv {
  switch (name) {
    case "cartpole":
      return new CartPole();
    case "pendulum":
      return new Pendulum();
  }
}
