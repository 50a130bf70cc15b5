/**
 * PPO's clipped surrogate (Schulman et al. 2017) as an output error for the learning rules. Per sample,
 * with ρ = exp(log π(a) − log π_old(a)), A the advantage and c the entropy cost,
 *   ℓ_b = −min(ρA, clip(ρ, 1 − ε, 1 + ε)A) − c·H_b
 *   −∂ℓ_b/∂log π(a) = g_b = ρA·[ρA ≤ clip(ρ)A]      (zero where the clipped branch is the minimum)
 * and the output error S = −∂ℓ_b/∂o_b = g_b ∂log π(a_b)/∂o_b + c ∂H_b/∂o_b comes from the action
 * distribution (lib/rl/distributions.ts). The minibatch loss is L = (1/B) Σ_b ℓ_b.
 *
 * @module
 */
import * as ops from "../ops.ts";
import { Scope, type Tensor } from "../tensor.ts";
import type { ActionDistribution } from "./distributions.ts";

/** A minibatch's rollout data for {@link ppoLoss}: what the behaviour policy did and how good it was. */
export interface PpoBatch {
  /** Stored actions of the minibatch (as in `Sample.stored`). */
  actions: Tensor;
  /** Behaviour log-probabilities [B]. */
  logpOld: Tensor;
  /** Advantages [B] (already normalised if wanted). */
  advantages: Tensor;
}

/** The loss's coefficients (and the tanh-normal's entropy noise) for {@link ppoLoss}. */
export interface PpoSettings {
  /** Ratio clip ε of the surrogate: ρ is clipped to [1 − ε, 1 + ε] (CleanRL 0.2, Brax 0.3). */
  clip: number;
  /** Entropy bonus coefficient c ≥ 0 (Brax's `entropy_cost`, CleanRL's `ent_coef`). */
  entropyCost: number;
  /** Noise for the tanh-normal entropy estimate [B, d] (from `entropyNoise`); ignored by categorical. */
  noise?: Tensor;
}

/** The output error and the minibatch sums of the loss terms (all [1] tensors). */
export interface PpoTerms {
  /** S = −∂ℓ_b/∂o_b [B, C]. */
  signal: Tensor;
  /** Σ_b −min(ρA, clip(ρ)A). */
  policyLossSum: Tensor;
  /** Σ_b H_b. */
  entropySum: Tensor;
  /** Σ_b (ρ − 1) − log ρ (the k3 KL estimate). */
  approxKlSum: Tensor;
  /** Σ_b [|ρ − 1| > ε]. */
  clipCount: Tensor;
}

/**
 * Ratio, clipped surrogate, g = −∂ℓ/∂log π as a column [B, 1], and the summed diagnostics, from the
 * current log-probabilities `logp` [B].
 */
function surrogate(logp: Tensor, batch: PpoBatch, clip: number) {
  using s = new Scope();
  const rows = logp.shape[0];
  const logRatio = s.t(ops.sub(logp, batch.logpOld));
  const ratio = s.t(ops.unary("exp", logRatio));
  const surr1 = s.t(ops.mul(ratio, batch.advantages));
  const clipped = s.t(ops.clamp(ratio, 1 - clip, 1 + clip));
  const surr2 = s.t(ops.mul(clipped, batch.advantages));
  const active = s.t(ops.binary("le", surr1, surr2));
  const g = s.t(ops.mul(surr1, active));
  const best = s.t(ops.binary("min", surr1, surr2));
  const bestSum = s.t(ops.sum(best, null));
  const kl = s.t(ops.sub(s.t(ops.affine(ratio, 1, -1)), logRatio));
  const deviation = s.t(ops.unary("abs", s.t(ops.affine(ratio, 1, -1))));
  const outside = s.t(ops.binary("gt", deviation, s.t(ops.full(logp.backend, [1], clip))));
  return {
    g: g.reshape([rows, 1]),
    policyLossSum: ops.scale(bestSum, -1),
    approxKlSum: ops.sum(kl, null),
    clipCount: ops.sum(outside, null),
  };
}

/** The PPO output error of policy outputs `out` [B, C] on a minibatch, with the summed loss terms. */
export function ppoLoss(
  dist: ActionDistribution,
  out: Tensor,
  batch: PpoBatch,
  settings: PpoSettings,
): PpoTerms {
  using logp = dist.logProb(out, batch.actions);
  const sur = surrogate(logp, batch, settings.clip);
  using g = sur.g;
  const score = dist.scoreError(out, batch.actions, g, settings.entropyCost, settings.noise);
  return {
    signal: score.signal,
    policyLossSum: sur.policyLossSum,
    entropySum: score.entropySum,
    approxKlSum: sur.approxKlSum,
    clipCount: sur.clipCount,
  };
}
