/**
 * Generalised advantage estimation over a time-major rollout [T, N] (step t of env i at t·N + i), with the
 * Brax conventions for episode ends: a terminated step does not bootstrap (γ(1 − term_t) V_{t+1}), and a
 * truncated step (time limit) is masked out entirely, neither bootstrapped nor used as a target.
 *
 *   δ_t   = (r_t + γ(1 − term_t) V_{t+1} − V_t)(1 − trunc_t)
 *   acc_t = δ_t + γ(1 − term_t)(1 − trunc_t) λ acc_{t+1},   acc_T = 0
 *   vs_t  = acc_t + V_t                                     (value targets, λ-returns)
 *
 * Advantages: "gae" (Schulman et al. 2016) uses acc_t = vs_t − V_t. "brax" uses Brax's V-trace-style
 * advantage (r_t + γ(1 − term_t) vs_{t+1} − V_t)(1 − trunc_t) with vs_T = V_T (the bootstrap value).
 *
 * @module
 */
import { gaeColumns } from "../backend/cpu/gae.ts";
import type { AdvantageKind } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { Scope, type Tensor } from "../tensor.ts";

export type { AdvantageKind };

/** A time-major rollout [T, N] (step t of env i at t·N + i) and the discounting for {@link gae}. */
export interface GaeInput {
  /** Steps per environment, T. */
  steps: number;
  /** Environments (or trajectories), N. */
  envs: number;
  /** r_t [T·N], as the learner scales them. */
  rewards: Float32Array;
  /** V(s_t) [T·N]: the value net's estimate before each step. */
  values: Float32Array;
  /** V(s_T) for every env: the value of the observation after the last step. */
  bootstrap: Float32Array;
  /** Episode ended on this step (termination or truncation). */
  dones: Uint8Array;
  /** Episode ended by the time limit (subset of dones). */
  truncations: Uint8Array;
  /** Discount γ in [0, 1]. */
  gamma: number;
  /** GAE λ in [0, 1] (0: one-step TD error, 1: Monte Carlo return minus V). */
  lambda: number;
  /** Advantage estimator; default `gae`. */
  kind?: AdvantageKind;
}

/** Advantages, value targets and the truncation mask, each [T·N] in the input's time-major layout. */
export interface GaeOutput {
  /** A_t, per `kind` (0 on truncated steps; not normalised). */
  advantages: Float32Array;
  /** Value targets vs_t. */
  targets: Float32Array;
  /** 1 for steps that count (0 for truncated steps, whose advantage and target are masked). */
  mask: Float32Array;
}

/**
 * Advantages and λ-return value targets of a rollout by the recursion in the module doc, running backwards
 * from the bootstrap value V(s_T) of each environment. Throws when an array's length is not T·N (N for
 * `bootstrap`).
 *
 * @example One environment, three steps; the episode terminates on the last one
 * ```ts
 * import { gae } from "@diffusing-blame/ed";
 * const { advantages, targets, mask } = gae({
 *   steps: 3, envs: 1, gamma: 0.9, lambda: 1,
 *   rewards: new Float32Array([1, 1, 1]),
 *   values: new Float32Array([0, 0, 0]),
 *   bootstrap: new Float32Array([5]), // ignored: the last step terminated
 *   dones: new Uint8Array([0, 0, 1]),
 *   truncations: new Uint8Array([0, 0, 0]),
 * });
 * console.log(advantages); // [2.71, 1.9, 1]: with V = 0 and λ = 1, the discounted returns
 * console.log(targets, mask); // the same (vs = A + V), and [1, 1, 1]
 * ```
 */
export function gae(input: GaeInput): GaeOutput {
  const { steps: T, envs: N, rewards, values, bootstrap, dones, truncations, gamma, lambda } = input;
  const size = T * N;
  for (
    const [name, a] of [["rewards", rewards], ["values", values], ["dones", dones], [
      "truncations",
      truncations,
    ]] as const
  ) {
    if (a.length !== size) throw new Error(`gae: ${name} has ${a.length} elements, expected ${T}·${N}`);
  }
  if (bootstrap.length !== N) {
    throw new Error(`gae: bootstrap has ${bootstrap.length} elements, expected ${N}`);
  }
  const advantages = new Float32Array(size), targets = new Float32Array(size), mask = new Float32Array(size);
  gaeColumns(input, T, N, { gamma, lambda, kind: input.kind ?? "gae" }, { advantages, targets, mask });
  return { advantages, targets, mask };
}

/**
 * Advantages normalised over the rows that count: (A − mean)/(std + 1e-8) with mean and (population) std
 * over the rows where `mask` is 1; masked rows are 0.
 */
export function normalizeMasked(advantages: Float32Array, mask: Float32Array): Float32Array {
  let n = 0, sum = 0;
  for (let k = 0; k < advantages.length; k++) if (mask[k]) n++, sum += advantages[k];
  const out = new Float32Array(advantages.length);
  if (n === 0) return out;
  const mean = sum / n;
  let ss = 0;
  for (let k = 0; k < advantages.length; k++) if (mask[k]) ss += (advantages[k] - mean) ** 2;
  const std = Math.sqrt(ss / n) + 1e-8;
  for (let k = 0; k < advantages.length; k++) out[k] = mask[k] ? (advantages[k] - mean) / std : 0;
  return out;
}

/**
 * {@link normalizeMasked} on the backend, for advantages [T, N] or [M] and their mask: float32 sums (the
 * host version sums in float64), no read-back. All rows masked gives zeros.
 */
export function normalizeMaskedTensor(advantages: Tensor, mask: Tensor): Tensor {
  using s = new Scope();
  const count = s.t(ops.sum(mask, null));
  const n = s.t(ops.binary("max", count, s.t(ops.full(advantages.backend, [1], 1))));
  const mean = s.t(ops.binary("div", s.t(ops.sum(s.t(ops.mul(advantages, mask)), null)), n));
  const centered = s.t(ops.mul(s.t(ops.sub(advantages, mean)), mask));
  const variance = s.t(ops.binary("div", s.t(ops.reduce("sumsq", centered, null)), n));
  const std = s.t(ops.affine(s.t(ops.unary("sqrt", variance)), 1, 1e-8));
  return ops.binary("div", centered, std);
}
