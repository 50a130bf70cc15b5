/**
 * Batched Craftax-Classic with the original's auto-reset harness. Env `i` of `reset(seed, n)`
 * replays exactly the JAX run with `PRNGKey(seed + i)`:
 *   key, k = split(key); reset_env(k)
 *   every step: key, k = split(key); k_step, k_reset = split(k); step_env(k_step, ...);
 *   if done: reset_env(k_reset) replaces state and observation.
 *
 * @module
 */

import { prngKey, splitChild, TF_OUT } from "../jax_random.ts";
import { checkActions } from "../harness.ts";
import { NUM_ACHIEVEMENTS, NUM_ACTIONS, OBS_SIZE } from "./constants.ts";
import { ObservationWriter } from "./observation.ts";
import { ClassicState } from "./state.ts";
import { stepResult, stepWithKeys } from "./step.ts";
import { deriveBatchKeys, KEY_HARNESS, KEY_WORDS } from "./step_keys.ts";
import { generateWorld } from "./worldgen.ts";

/**
 * What `step` returns. The arrays are owned by the env and reused by the next call: copy what
 * you keep, and do not write into `obs` (it is updated incrementally).
 */
export interface ClassicStepResult {
  /** numEnvs x 1345 observations (after auto-reset for finished envs). */
  obs: Float32Array;
  /** Reward of the step per env (achievements unlocked plus the health change / 10). */
  rewards: Float32Array;
  /** 1 where the step ended an episode (the env has already been reset). */
  dones: Uint8Array;
  /** numEnvs x 22 achievement flags of the state each env is in now. */
  achievements: Uint8Array;
  /** numEnvs x 22 achievement flags of episodes that ended this step (zero elsewhere). */
  finishedAchievements: Uint8Array;
}

/**
 * Batched Craftax-Classic, bit-exact to the JAX original (symbolic observations). RL code uses the `VecEnv`
 * wrapper {@link CraftaxClassicVecEnv} (or `makeVecEnv("craftax-classic")`).
 *
 * @example
 * ```ts
 * import { CRAFTAX_ACHIEVEMENT_NAMES, CraftaxAction, CraftaxClassic } from "@diffusing-blame/ed";
 * const env = new CraftaxClassic();
 * const obs = env.reset(0, 4); // 4 worlds: PRNGKey(0) .. PRNGKey(3)
 * const r = env.step(new Int32Array(4).fill(CraftaxAction.DO)); // interact with the facing block
 * console.log(obs.length, r.rewards, CRAFTAX_ACHIEVEMENT_NAMES.length); // 5380 Float32Array(4) [...] 22
 * ```
 */
export class CraftaxClassic {
  /** Observation length per env (1345). */
  static readonly OBS_SIZE: number = OBS_SIZE;
  /** Number of actions (17). */
  static readonly NUM_ACTIONS: number = NUM_ACTIONS;
  /** Number of achievements (22). */
  static readonly NUM_ACHIEVEMENTS: number = NUM_ACHIEVEMENTS;

  /** Environments since the last reset (0 before). */
  numEnvs = 0;
  /** The batch's state (replaced by every reset). */
  state: ClassicState = new ClassicState(1);
  /** Harness keys, [env][2] as int32 bit patterns. */
  private keys = new Int32Array(2);
  /** This step's key schedule, KEY_WORDS per env (step_keys.ts). */
  private keyTable = new Int32Array(KEY_WORDS);
  private obs = new Float32Array(OBS_SIZE);
  private rewards = new Float32Array(1);
  private dones = new Uint8Array(1);
  private finished = new Uint8Array(NUM_ACHIEVEMENTS);
  private writer = new ObservationWriter(1);

  /** Starts `numEnvs` fresh worlds; env i uses PRNGKey(seed + i). Returns the observations. */
  reset(seed: number, numEnvs: number): Float32Array {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`reset: seed must be a non-negative integer, got ${seed}`);
    }
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new RangeError(`reset: numEnvs must be a positive integer, got ${numEnvs}`);
    }
    this.numEnvs = numEnvs;
    this.state = new ClassicState(numEnvs);
    this.keys = new Int32Array(2 * numEnvs);
    this.keyTable = new Int32Array(KEY_WORDS * numEnvs);
    this.obs = new Float32Array(numEnvs * OBS_SIZE);
    this.rewards = new Float32Array(numEnvs);
    this.dones = new Uint8Array(numEnvs);
    this.finished = new Uint8Array(numEnvs * NUM_ACHIEVEMENTS);
    this.writer = new ObservationWriter(numEnvs);
    for (let e = 0; e < numEnvs; e++) {
      const key = prngKey(seed + e);
      splitChild(key[0], key[1], 1);
      const w0 = TF_OUT[0], w1 = TF_OUT[1];
      splitChild(key[0], key[1], 0);
      this.keys[2 * e] = TF_OUT[0], this.keys[2 * e + 1] = TF_OUT[1];
      generateWorld(this.state, e, w0, w1, false);
      this.writer.write(this.state, e, this.obs, e * OBS_SIZE);
    }
    return this.obs;
  }

  /** Steps every env with `actions[i]` in 0..16; finished envs are reset automatically. */
  step(actions: Int32Array | ArrayLike<number>): ClassicStepResult {
    const n = this.numEnvs;
    checkActions(actions, n, NUM_ACTIONS);
    const s = this.state, table = this.keyTable;
    this.finished.fill(0);
    deriveBatchKeys(this.keys, n, table);
    for (let e = 0; e < n; e++) {
      const o = e * KEY_WORDS;
      stepWithKeys(s, e, actions[e], table, o);
      this.rewards[e] = stepResult.reward;
      const done = stepResult.done;
      this.dones[e] = done ? 1 : 0;
      if (done) {
        const a0 = e * NUM_ACHIEVEMENTS;
        this.finished.set(s.achievements.subarray(a0, a0 + NUM_ACHIEVEMENTS), a0);
        splitChild(table[o + 2 * KEY_HARNESS], table[o + 2 * KEY_HARNESS + 1], 1); // reset key
        generateWorld(s, e, TF_OUT[0], TF_OUT[1], true);
      }
      this.writer.write(s, e, this.obs, e * OBS_SIZE);
    }
    return {
      obs: this.obs,
      rewards: this.rewards,
      dones: this.dones,
      achievements: s.achievements,
      finishedAchievements: this.finished,
    };
  }
}
