/**
 * Generalised advantage estimation as a backend op (re-exported from lib/ops.ts); lib/rl/gae.ts is the
 * host version and holds the equations.
 *
 * @module
 */
import type { GaeSettings } from "../backend/backend.ts";
import type { Tensor } from "../tensor.ts";
import { fail, live, need, sameShape, wrap } from "./checks.ts";

/** A time-major rollout for {@link gae}: rewards, values, dones, truncations [T, N] and bootstrap values [N]. */
export interface GaeTensors {
  /** r_t [T, N] (step t of env i at row t, column i). */
  rewards: Tensor;
  /** V(s_t) [T, N]. */
  values: Tensor;
  /** V(s_T) [N], the value after each env's last step. */
  bootstrap: Tensor;
  /** 1 where the episode ended on that step (termination or truncation), else 0 [T, N]. */
  dones: Tensor;
  /** 1 where the time limit ended it (a subset of dones), else 0 [T, N]. */
  truncations: Tensor;
}

/** Advantages, λ-return value targets and the mask (0 on truncated steps) of {@link gae}, each [T, N]. */
export interface GaeResult {
  /** A_t [T, N], not normalised (0 on truncated steps). */
  advantages: Tensor;
  /** λ-return value targets vs_t [T, N]. */
  targets: Tensor;
  /** 1 where the step counts, 0 where it was truncated [T, N]. */
  mask: Tensor;
}

/**
 * Generalised advantage estimation on the backend, by the recursion of lib/rl/gae.ts (`gae` there is the
 * host version on typed arrays): no read-back, so a GPU update can recompute advantages per minibatch.
 */
export function gae(rollout: GaeTensors, o: GaeSettings): GaeResult {
  const op = "gae", { rewards, values, bootstrap, dones, truncations } = rollout;
  live(op, rewards, values, bootstrap, dones, truncations);
  need(op, rewards, 2, "f32", "rewards");
  const [steps, envs] = rewards.shape;
  for (const [role, t] of [["values", values], ["dones", dones], ["truncations", truncations]] as const) {
    need(op, t, 2, "f32", role);
    if (!sameShape(t, rewards)) fail(op, `${role} must be shaped like rewards [T, N]`, rewards, t);
  }
  need(op, bootstrap, 1, "f32", "bootstrap");
  if (bootstrap.shape[0] !== envs) {
    fail(op, `bootstrap must be [${envs}], one value per env`, rewards, bootstrap);
  }
  for (const [name, v] of [["gamma", o.gamma], ["lambda", o.lambda]] as const) {
    if (!(v >= 0 && v <= 1)) fail(op, `${name} must be in [0, 1], got ${v}`);
  }
  if (o.kind !== "gae" && o.kind !== "brax") fail(op, `kind must be "gae" or "brax", got ${o.kind}`);
  const b = rewards.backend, out = b.gae(rewards, values, bootstrap, dones, truncations, steps, envs, o);
  return {
    advantages: wrap(b, out.advantages, [steps, envs]),
    targets: wrap(b, out.targets, [steps, envs]),
    mask: wrap(b, out.mask, [steps, envs]),
  };
}
