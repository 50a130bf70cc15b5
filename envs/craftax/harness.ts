/**
 * What the Classic and full batched envs share: the golden-trace harness's key schedule and the checks on
 * a batch of actions.
 */
import { splitChild, TF_OUT2, tfBlock2 } from "./jax_random.ts";

/** Rejects a batch that is missing, of the wrong length, or holds a non-integer or out-of-range action. */
export function checkActions(actions: ArrayLike<number>, numEnvs: number, numActions: number): void {
  if (numEnvs === 0) throw new Error("step: call reset(seed, numEnvs) first");
  if (actions == null || typeof actions.length !== "number") {
    throw new TypeError("step: actions must be an array of integers");
  }
  if (actions.length !== numEnvs) {
    throw new RangeError(`step: expected ${numEnvs} actions (one per env), got ${actions.length}`);
  }
  for (let e = 0; e < numEnvs; e++) {
    const a = actions[e];
    if (!Number.isInteger(a) || a < 0 || a >= numActions) {
      throw new RangeError(`step: action ${a} for env ${e} is not an integer in [0, ${numActions})`);
    }
  }
}

/** The harness's per-step key k of the env last advanced by `nextStepKey` (k_reset derives from it). */
export const STEP_PARENT: Int32Array = new Int32Array(2);

/**
 * Advances env e's key as the harness does (`key, k = split(key)`), keeps k in STEP_PARENT and leaves the
 * step key (`k_step, k_reset = split(k)`, first half) in TF_OUT. No allocation: this runs per env step.
 */
export function nextStepKey(keys: Int32Array, e: number): void {
  tfBlock2(keys[2 * e], keys[2 * e + 1], 0, 1);
  keys[2 * e] = TF_OUT2[0], keys[2 * e + 1] = TF_OUT2[1];
  STEP_PARENT[0] = TF_OUT2[2], STEP_PARENT[1] = TF_OUT2[3];
  splitChild(STEP_PARENT[0], STEP_PARENT[1], 0);
}

/** Leaves env's reset key k_reset (second half of split(k)) in TF_OUT. */
export function resetKey(): void {
  splitChild(STEP_PARENT[0], STEP_PARENT[1], 1);
}
