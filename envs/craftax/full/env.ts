/**
 * Batched full Craftax (symbolic, 43 actions, 8268-float observations) with the original's
 * auto-reset harness. Env `i` of `reset(seed, n)` replays the JAX run with `PRNGKey(seed + i)`:
 *   key, k = split(key); reset_env(k)
 *   every step: key, k = split(key); k_step, k_reset = split(k); step_env(k_step, ...);
 *   if done: reset_env(k_reset) replaces state and observation.
 *
 * @module
 */

import { prngKey, splitChild, TF_OUT, TF_OUT2, tfBlock2 } from "../jax_random.ts";
import { checkActions, nextStepKey, resetKey } from "../harness.ts";
import { FULL_OBS_SIZE, FullObservationWriter } from "./observation.ts";
import { resetFullEnv } from "./reset.ts";
import { FULL_NUM_ACTIONS } from "./rules.ts";
import { FULL_NUM_ACHIEVEMENTS, FullState } from "./state.ts";
import { fullStepResult, stepFullEnv } from "./step.ts";

/** What `CraftaxFull.step` returns (arrays owned by the env and reused by the next call). */
export interface FullStepResult {
  /** numEnvs x 8268 observations (after auto-reset for finished envs). */
  obs: Float32Array;
  /** Reward of the step per env (achievements unlocked, weighted, plus the health change / 10). */
  rewards: Float32Array;
  /** 1 where the step ended an episode (the env has already been reset). */
  dones: Uint8Array;
  /** numEnvs x 67 achievement flags of the state each env is in now. */
  achievements: Uint8Array;
  /** numEnvs x 67 achievement flags of episodes that ended this step (zero elsewhere). */
  finishedAchievements: Uint8Array;
}

/** `reset_env(k)`: generate_world draws from split(k)[1]. */
function resetFromKey(s: FullState, e: number, k0: number, k1: number, jitted: boolean): void {
  splitChild(k0, k1, 1);
  resetFullEnv(s, e, Uint32Array.of(TF_OUT[0] >>> 0, TF_OUT[1] >>> 0), jitted);
}

/**
 * Batched full Craftax (9 floors, 43 actions, 67 achievements, 8268-float symbolic observation), bit-exact to
 * the JAX original.
 *
 * @example
 * ```ts
 * import { CRAFTAX_FULL_OBS_SIZE, CraftaxFull, CraftaxFullAction } from "@diffusing-blame/ed";
 * const env = new CraftaxFull();
 * env.reset(0, 2);
 * const r = env.step(new Int32Array([CraftaxFullAction.NOOP, CraftaxFullAction.DO]));
 * console.log(r.obs.length === 2 * CRAFTAX_FULL_OBS_SIZE, env.state.playerLevel); // true Int32Array [0, 0]
 * ```
 */
export class CraftaxFull {
  /** Observation length per env (8268). */
  static readonly OBS_SIZE: number = FULL_OBS_SIZE;
  /** Number of actions (43). */
  static readonly NUM_ACTIONS: number = FULL_NUM_ACTIONS;
  /** Number of achievements (67). */
  static readonly NUM_ACHIEVEMENTS: number = FULL_NUM_ACHIEVEMENTS;

  /** Environments since the last reset (0 before). */
  numEnvs = 0;
  /** The batch's state (replaced by every reset). */
  state: FullState = new FullState(1);
  private keys = new Int32Array(2);
  private obs = new Float32Array(FULL_OBS_SIZE);
  private writer = new FullObservationWriter(1);
  private rewards = new Float32Array(1);
  private dones = new Uint8Array(1);
  private finished = new Uint8Array(FULL_NUM_ACHIEVEMENTS);

  /** Starts `numEnvs` fresh worlds; env i uses PRNGKey(seed + i). Returns the observations. */
  reset(seed: number, numEnvs: number): Float32Array {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`reset: seed must be a non-negative integer, got ${seed}`);
    }
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new RangeError(`reset: numEnvs must be a positive integer, got ${numEnvs}`);
    }
    this.numEnvs = numEnvs;
    this.state = new FullState(numEnvs);
    this.keys = new Int32Array(2 * numEnvs);
    this.obs = new Float32Array(numEnvs * FULL_OBS_SIZE);
    this.writer = new FullObservationWriter(numEnvs);
    this.rewards = new Float32Array(numEnvs);
    this.dones = new Uint8Array(numEnvs);
    this.finished = new Uint8Array(numEnvs * FULL_NUM_ACHIEVEMENTS);
    for (let e = 0; e < numEnvs; e++) {
      const key = prngKey(seed + e);
      tfBlock2(key[0], key[1], 0, 1);
      this.keys[2 * e] = TF_OUT2[0], this.keys[2 * e + 1] = TF_OUT2[1];
      resetFromKey(this.state, e, TF_OUT2[2], TF_OUT2[3], false);
      this.writer.write(this.state, e, this.obs, e * FULL_OBS_SIZE);
    }
    return this.obs;
  }

  /** Steps every env with `actions[i]` in 0..42; finished envs are reset automatically. */
  step(actions: Int32Array | ArrayLike<number>): FullStepResult {
    const n = this.numEnvs;
    checkActions(actions, n, FULL_NUM_ACTIONS);
    const s = this.state, keys = this.keys;
    this.finished.fill(0);
    for (let e = 0; e < n; e++) {
      nextStepKey(keys, e);
      stepFullEnv(s, e, actions[e], TF_OUT[0], TF_OUT[1]);
      this.rewards[e] = fullStepResult.reward;
      const done = fullStepResult.done;
      this.dones[e] = done ? 1 : 0;
      if (done) {
        const a0 = e * FULL_NUM_ACHIEVEMENTS;
        this.finished.set(s.achievements.subarray(a0, a0 + FULL_NUM_ACHIEVEMENTS), a0);
        resetKey();
        resetFromKey(s, e, TF_OUT[0], TF_OUT[1], true);
      }
      // After an auto-reset the intrinsics are constants that XLA folds with a true division.
      this.writer.write(s, e, this.obs, e * FULL_OBS_SIZE, !done);
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
