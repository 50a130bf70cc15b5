/**
 * PPO's per-minibatch learning targets: which rows of the rollout a minibatch of trajectories takes
 * (time-major), and their advantages, value targets and truncation mask by GAE (./gae.ts), computed on the
 * host from values read back (float64 sums) or on the device with `ops.gae` (no read-back). The learner is
 * ./ppo.ts.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Scope, Tensor } from "../tensor.ts";
import { gae, type GaeOutput, normalizeMasked, normalizeMaskedTensor } from "./gae.ts";
import type { PpoOptions } from "./ppo_options.ts";

/** What a rollout leaves for the update, trajectory-major (trajectory s, step t at s·T + t). */
export interface Rollout {
  /** Raw observations, T + 1 rows per trajectory (row T: the observation after its last step). */
  obs: Float32Array;
  /** Stored actions (as the distribution stores them), T per trajectory. */
  actions: Int32Array | Float32Array;
  /** Behaviour log-probabilities. */
  logp: Float32Array;
  /** Scaled rewards. */
  rewards: Float32Array;
  /** Episode ended on this step (termination or truncation). */
  dones: Uint8Array;
  /** Episode ended by the time limit. */
  truncations: Uint8Array;
}

/** Minibatch rows, time-major over their trajectories (row t·B + b). */
export interface Rows {
  /** Row of each sample in the observation table (T + 1 rows per trajectory). */
  obs: Int32Array;
  /** Index of each sample in the step arrays (T per trajectory). */
  step: Int32Array;
}

/** A minibatch's normalised advantages [M], value targets [M, 1] and mask [M, 1] on the device. */
export interface Targets {
  /** Advantages [M], normalised over the unmasked rows when the options ask for it. */
  advantages: Tensor;
  /** Value targets [M, 1]. */
  targets: Tensor;
  /** 1 for rows that count, 0 for truncated steps [M, 1]. */
  mask: Tensor;
}

/** The options the targets depend on. */
export type TargetOptions = Pick<
  PpoOptions,
  "unrollLength" | "gamma" | "gaeLambda" | "advantage" | "normalizeAdvantage"
>;

/** The rows of `trajectories` (T steps each), time-major. */
export function minibatchRows(trajectories: ArrayLike<number>, T: number): Rows {
  const B = trajectories.length;
  const rows: Rows = { obs: new Int32Array(B * T), step: new Int32Array(B * T) };
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      rows.obs[t * B + b] = trajectories[b] * (T + 1) + t;
      rows.step[t * B + b] = trajectories[b] * T + t;
    }
  }
  return rows;
}

/** GAE on the host over the minibatch `rows` from their values V [B·T] and bootstrap values [B]. */
export function hostTargets(
  r: Rollout,
  rows: Rows,
  values: Float32Array,
  bootstrap: Float32Array,
  o: TargetOptions,
): GaeOutput {
  const n = rows.step.length;
  const pick = <A extends Float32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
    const out = make(n);
    for (let k = 0; k < n; k++) out[k] = a[rows.step[k]];
    return out;
  };
  return gae({
    steps: o.unrollLength,
    envs: bootstrap.length,
    rewards: pick(r.rewards, (n) => new Float32Array(n)),
    values,
    bootstrap,
    dones: pick(r.dones, (n) => new Uint8Array(n)),
    truncations: pick(r.truncations, (n) => new Uint8Array(n)),
    gamma: o.gamma,
    lambda: o.gaeLambda,
    kind: o.advantage,
  });
}

/** Host targets uploaded (advantages normalised first when `normalize`), tracked by `s`. */
export function uploadTargets(backend: Backend, t: GaeOutput, normalize: boolean, s: Scope): Targets {
  const M = t.mask.length;
  const advantages = normalize ? normalizeMasked(t.advantages, t.mask) : t.advantages;
  return {
    advantages: s.t(ops.tensor(backend, advantages, [M])),
    targets: s.t(ops.tensor(backend, t.targets, [M, 1])),
    mask: s.t(ops.tensor(backend, t.mask, [M, 1])),
  };
}

/**
 * GAE of a minibatch on the device: its steps `idx` [B·T] (time-major) pick rewards and flags from the
 * iteration's [S·T, 1] columns; the value net's V [B·T, 1] and bootstrap values [B, 1] complete the input.
 * Every temporary is tracked by `s`.
 */
export function deviceTargets(
  steps: { rewards: Tensor; dones: Tensor; truncations: Tensor },
  idx: Tensor,
  values: Tensor,
  bootstrap: Tensor,
  o: TargetOptions,
  s: Scope,
): Targets {
  const T = o.unrollLength, B = bootstrap.shape[0], M = T * B;
  const column = (t: Tensor) => s.t(s.t(ops.gather(t, idx, 0)).reshape([T, B]));
  const g = ops.gae({
    rewards: column(steps.rewards),
    values: s.t(values.reshape([T, B])),
    bootstrap: s.t(bootstrap.reshape([B])),
    dones: column(steps.dones),
    truncations: column(steps.truncations),
  }, { gamma: o.gamma, lambda: o.gaeLambda, kind: o.advantage });
  [g.advantages, g.targets, g.mask].forEach((t) => s.t(t));
  const advantages = o.normalizeAdvantage ? s.t(normalizeMaskedTensor(g.advantages, g.mask)) : g.advantages;
  return {
    advantages: s.t(advantages.reshape([M])),
    targets: s.t(g.targets.reshape([M, 1])),
    mask: s.t(g.mask.reshape([M, 1])),
  };
}
