/**
 * {@link VecEnv} adapters for the locomotion port (Ant, HalfCheetah, Humanoid) and Craftax-Classic, and
 * {@link makeVecEnv}, which builds any RL environment by name (classic control included).
 *
 * Both underlying environments already auto-reset inside `step` and return the first observation of the
 * next episode for a finished environment, as the contract asks. What the adapters add:
 * - locomotion: `dones`/`truncations` come back as Float32Array 0/1 and are converted to Uint8Array;
 *   actions must be a Float32Array of finite values in [−1, 1] (the env itself only checks finiteness);
 *   an optional shorter time limit (`episodeLength` < 1000, for tests and quick runs).
 * - Craftax-Classic: env i of `reset(seed, n)` plays the JAX world `PRNGKey(seed · n + i)` (distinct worlds
 *   for distinct seeds); actions must be an Int32Array of indices in [0, 17); the environment's own time
 *   limit (10,000 steps) ends an episode with `done` only, so the adapter counts steps and flags a done at
 *   the limit as a truncation (a death on exactly the 10,000th step would be mislabelled; harmless in
 *   practice). The achievements of episodes that ended on the last step are kept in
 *   {@link CraftaxClassicVecEnv.finishedAchievements}.
 *
 * @module
 */
import type { ActionSpace, VecEnv, VecEnvStep } from "./vec_env.ts";
import { type ClassicEnvName, makeClassicEnv } from "../../envs/classic/mod.ts";
import type { RlEnvName } from "./options.ts";
import {
  EPISODE_LENGTH,
  type LocomotionEnv,
  makeAnt,
  makeHalfCheetah,
  makeHumanoid,
} from "../../envs/locomotion/mod.ts";
import { CraftaxClassic } from "../../envs/craftax/mod.ts";

export const LOCOMOTION_ENVS = ["ant", "halfcheetah", "humanoid"] as const;
export type LocomotionEnvName = typeof LOCOMOTION_ENVS[number];
export const CRAFTAX_ENVS = ["craftax-classic"] as const;
export type CraftaxEnvName = typeof CRAFTAX_ENVS[number];

export interface VecEnvOptions {
  /**
   * Locomotion only: time limit in steps, 1..1000 (default 1000, Brax's `episode_length`). Shorter limits
   * are for tests and quick runs; they truncate exactly like the 1000-step limit.
   */
  episodeLength?: number;
}

/** Batched Ant / HalfCheetah / Humanoid behind the {@link VecEnv} contract. */
export class LocomotionVecEnv implements VecEnv {
  readonly name: string;
  readonly obsSize: number;
  readonly actionSpace: ActionSpace;
  readonly maxEpisodeSteps: number;
  readonly env: LocomotionEnv;
  #dones = new Uint8Array(0);
  #truncations = new Uint8Array(0);
  /** Added to the env's per-episode step counter so its 1000-step limit fires after `maxEpisodeSteps`. */
  readonly #offset: number;

  constructor(name: LocomotionEnvName, options: VecEnvOptions = {}) {
    this.name = name;
    this.env = name === "ant" ? makeAnt() : name === "halfcheetah" ? makeHalfCheetah() : makeHumanoid();
    this.obsSize = this.env.obsSize;
    this.actionSpace = { kind: "continuous", size: this.env.actionSize };
    const limit = options.episodeLength ?? EPISODE_LENGTH;
    if (!Number.isInteger(limit) || limit < 1 || limit > EPISODE_LENGTH) {
      throw new RangeError(
        `${name}: episodeLength must be an integer in [1, ${EPISODE_LENGTH}], got ${limit}`,
      );
    }
    this.maxEpisodeSteps = limit;
    this.#offset = EPISODE_LENGTH - limit;
  }

  get numEnvs(): number {
    return this.env.numEnvs;
  }

  reset(seed: number, numEnvs: number): Float32Array {
    const obs = this.env.reset(seed, numEnvs);
    this.#dones = new Uint8Array(numEnvs);
    this.#truncations = new Uint8Array(numEnvs);
    if (this.#offset > 0) this.env.steps.fill(this.#offset);
    return obs;
  }

  step(actions: Int32Array | Float32Array): VecEnvStep {
    const n = this.env.numEnvs, size = this.env.actionSize;
    if (n === 0) throw new Error(`${this.name}: call reset(seed, numEnvs) before step()`);
    if (!(actions instanceof Float32Array)) {
      throw new TypeError(
        `${this.name}: continuous actions must be a Float32Array, got ${actions.constructor.name}`,
      );
    }
    if (actions.length !== n * size) {
      throw new RangeError(
        `${this.name}: ${actions.length} actions for ${n} environments × ${size} (expected ${n * size})`,
      );
    }
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (!(a >= -1 && a <= 1)) {
        throw new RangeError(
          `${this.name}: action ${a} at env ${Math.floor(i / size)}, index ${i % size} is not in [-1, 1]`,
        );
      }
    }
    const r = this.env.step(actions);
    const dones = this.#dones, truncations = this.#truncations, steps = this.env.steps;
    for (let i = 0; i < n; i++) {
      dones[i] = r.dones[i] !== 0 ? 1 : 0;
      truncations[i] = r.truncations[i] !== 0 ? 1 : 0;
      if (dones[i] && this.#offset > 0) steps[i] = this.#offset;
    }
    return { obs: r.obs, rewards: r.rewards, dones, truncations };
  }
}

/** Craftax-Classic (symbolic, 1345 floats, 17 actions) behind the {@link VecEnv} contract. */
export class CraftaxClassicVecEnv implements VecEnv {
  readonly name = "craftax-classic";
  readonly obsSize: number = CraftaxClassic.OBS_SIZE;
  readonly actionSpace: ActionSpace = { kind: "discrete", n: CraftaxClassic.NUM_ACTIONS };
  /** Craftax-Classic's own limit (`max_timesteps`). */
  readonly maxEpisodeSteps: number = 10_000;
  readonly env: CraftaxClassic = new CraftaxClassic();
  #steps = new Int32Array(0);
  #truncations = new Uint8Array(0);
  #finished: Uint8Array = new Uint8Array(0);

  get numEnvs(): number {
    return this.env.numEnvs;
  }

  /** [numEnvs · 22] achievement flags of the episodes that ended on the last step (zero elsewhere). */
  get finishedAchievements(): Uint8Array {
    return this.#finished;
  }

  /**
   * Env i gets the JAX world `PRNGKey(seed · numEnvs + i)`, so runs with different seeds never share worlds
   * (the raw env maps env i to `PRNGKey(seed + i)`, which would make seeds 0 and 1 share all but one).
   */
  reset(seed: number, numEnvs: number): Float32Array {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`${this.name}: seed must be a non-negative integer, got ${seed}`);
    }
    const obs = this.env.reset(seed * numEnvs, numEnvs);
    this.#steps = new Int32Array(numEnvs);
    this.#truncations = new Uint8Array(numEnvs);
    this.#finished = new Uint8Array(numEnvs * CraftaxClassic.NUM_ACHIEVEMENTS);
    return obs;
  }

  step(actions: Int32Array | Float32Array): VecEnvStep {
    if (this.env.numEnvs === 0) throw new Error(`${this.name}: call reset(seed, numEnvs) before step()`);
    if (!(actions instanceof Int32Array)) {
      throw new TypeError(
        `${this.name}: discrete actions must be an Int32Array, got ${actions.constructor.name}`,
      );
    }
    const r = this.env.step(actions); // checks the length and that every action is in [0, 17)
    const n = this.env.numEnvs, steps = this.#steps, truncations = this.#truncations;
    for (let i = 0; i < n; i++) {
      steps[i]++;
      truncations[i] = r.dones[i] && steps[i] >= this.maxEpisodeSteps ? 1 : 0;
      if (r.dones[i]) steps[i] = 0;
    }
    this.#finished = r.finishedAchievements;
    return { obs: r.obs, rewards: r.rewards, dones: r.dones, truncations };
  }
}

export function isLocomotionEnv(name: string): name is LocomotionEnvName {
  return (LOCOMOTION_ENVS as readonly string[]).includes(name);
}

/** Builds an environment by name: classic control, locomotion or Craftax-Classic. */
export function makeVecEnv(name: RlEnvName, options: VecEnvOptions = {}): VecEnv {
  if (isLocomotionEnv(name)) return new LocomotionVecEnv(name, options);
  if (options.episodeLength !== undefined) {
    throw new Error(`${name}: episodeLength can only be set for ${LOCOMOTION_ENVS.join(", ")}`);
  }
  if (name === "craftax-classic") return new CraftaxClassicVecEnv();
  return makeClassicEnv(name as ClassicEnvName);
}
