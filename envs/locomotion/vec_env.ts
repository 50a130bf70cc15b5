/**
 * Ant, HalfCheetah and Humanoid behind the {@link VecEnv} contract (lib/rl/vec_env.ts). The environment
 * already auto-resets inside `step` and returns the next episode's first observation; the adapter adds
 * 0/1 byte flags for `dones`/`truncations` and checks that actions are a Float32Array of finite values in
 * [−1, 1] (the tanh-squashed policy output).
 *
 * @module
 */
import {
  type ActionSpace,
  checkActions,
  checkReset,
  type VecEnv,
  type VecEnvStep,
} from "../../lib/rl/vec_env.ts";
import { EPISODE_LENGTH, type LocomotionEnv } from "./env.ts";
import { makeAnt } from "./ant.ts";
import { makeHalfCheetah } from "./half_cheetah.ts";
import { makeHumanoid } from "./humanoid.ts";

/** The locomotion environments' names in {@link makeVecEnv}. */
export const LOCOMOTION_ENVS: readonly ["ant", "halfcheetah", "humanoid"] = [
  "ant",
  "halfcheetah",
  "humanoid",
] as const;
/** A locomotion environment name. */
export type LocomotionEnvName = typeof LOCOMOTION_ENVS[number];

/** Options of {@link LocomotionVecEnv}. */
export interface LocomotionVecEnvOptions {
  /** Time limit in steps, 1..1000 (default 1000, Brax's `episode_length`). */
  episodeLength?: number;
}

/** Batched Ant / HalfCheetah / Humanoid behind the {@link VecEnv} contract. */
export class LocomotionVecEnv implements VecEnv {
  /** `ant`, `halfcheetah` or `humanoid`. */
  readonly name: string;
  /** Observation length per environment. */
  readonly obsSize: number;
  /** Continuous, one entry per actuator, in [−1, 1]. */
  readonly actionSpace: ActionSpace;
  /** The episode time limit. */
  readonly maxEpisodeSteps: number;
  /** The wrapped batched environment. */
  readonly env: LocomotionEnv;
  #dones = new Uint8Array(0);
  #truncations = new Uint8Array(0);

  /** Builds the named environment; an episodeLength outside 1..1000 is a RangeError. */
  constructor(name: LocomotionEnvName, options: LocomotionVecEnvOptions = {}) {
    const limit = options.episodeLength ?? EPISODE_LENGTH;
    if (!Number.isInteger(limit) || limit < 1 || limit > EPISODE_LENGTH) {
      throw new RangeError(
        `${name}: episodeLength must be an integer in [1, ${EPISODE_LENGTH}], got ${limit}`,
      );
    }
    const make = { ant: makeAnt, halfcheetah: makeHalfCheetah, humanoid: makeHumanoid }[name];
    if (!make) throw new RangeError(`unknown locomotion env "${name}" (${LOCOMOTION_ENVS.join(", ")})`);
    this.name = name;
    this.env = make({ episodeLength: limit });
    this.obsSize = this.env.obsSize;
    this.actionSpace = { kind: "continuous", size: this.env.actionSize };
    this.maxEpisodeSteps = limit;
  }

  /** Environments since the last reset (0 before). */
  get numEnvs(): number {
    return this.env.numEnvs;
  }

  /** Samples `numEnvs` initial states from `seed`; returns the observations [numEnvs · obsSize]. */
  reset(seed: number, numEnvs: number): Float32Array {
    checkReset(this.name, seed, numEnvs);
    const obs = this.env.reset(seed, numEnvs);
    this.#dones = new Uint8Array(numEnvs);
    this.#truncations = new Uint8Array(numEnvs);
    return obs;
  }

  /** One env step of every environment with Float32Array actions in [−1, 1] (checked). */
  step(actions: Int32Array | Float32Array): VecEnvStep {
    checkActions(this, actions);
    const n = this.env.numEnvs, size = this.env.actionSize;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (!(a >= -1 && a <= 1)) {
        throw new RangeError(
          `${this.name}: action ${a} at env ${Math.floor(i / size)}, index ${i % size} is not in [-1, 1]`,
        );
      }
    }
    const r = this.env.step(actions as Float32Array);
    const dones = this.#dones, truncations = this.#truncations;
    for (let i = 0; i < n; i++) {
      dones[i] = r.dones[i] !== 0 ? 1 : 0;
      truncations[i] = r.truncations[i] !== 0 ? 1 : 0;
    }
    return { obs: r.obs, rewards: r.rewards, dones, truncations };
  }
}
