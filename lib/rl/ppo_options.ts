/**
 * PPO's settings (named after Brax's `ppo.train` arguments), the shape checks of an iteration and the
 * metrics an iteration reports; the learner is ./ppo.ts.
 *
 * @module
 */
import type { AdvantageKind } from "./gae.ts";
import type { NetOptions, PpoAlgo } from "./nets.ts";
import type { IterationMetrics } from "./learner.ts";
import type { ActorPlacement } from "./host_policy.ts";

/**
 * Every PPO setting, named after Brax's `ppo.train` arguments where one exists; per-env defaults:
 * {@link ppoDefaults}. One iteration is batchSize·numMinibatches trajectories of unrollLength steps.
 */
export interface PpoOptions {
  /** Which of the four rules trains both nets (see {@link strategyFor}). */
  algo: PpoAlgo;
  /** Environments stepped in parallel (Brax's `num_envs`); must divide batchSize·numMinibatches. */
  numEnvs: number;
  /** Steps per trajectory (Brax's `unroll_length`). */
  unrollLength: number;
  /** Trajectories per minibatch (Brax's `batch_size`); batchSize·numMinibatches must be a multiple of numEnvs. */
  batchSize: number;
  /** Minibatches per epoch (Brax's `num_minibatches`). */
  numMinibatches: number;
  /** Epochs over each iteration's batch, reshuffled every time (Brax's `num_updates_per_batch`). */
  updateEpochs: number;
  /** Brax: values and GAE per minibatch with the current value net; false: once per iteration. */
  recomputeAdvantages: boolean;
  /**
   * Where the rollout acts (./host_policy.ts): `host` on a cpu copy of the policy refreshed once per
   * iteration (no device read per env step), `device` on the learner's backend; `auto`: host on a GPU.
   */
  actor?: ActorPlacement;
  /**
   * Where the per-minibatch GAE of `recomputeAdvantages` runs: `device` on the learner's backend (`ops.gae`:
   * no read-back between minibatches), `host` on values read back every minibatch (float64 sums); `auto`:
   * device on a GPU, host on the cpu (where a read costs nothing and host sums keep earlier numbers).
   */
  advantagesOn?: ActorPlacement;
  /** Adam learning rate of the policy net, and of the value net unless `valueLearningRate` is set. */
  learningRate: number;
  /** Value-net learning rate (defaults to `learningRate`). */
  valueLearningRate?: number;
  /** Discount γ in [0, 1] (Brax's `discounting`). */
  gamma: number;
  /** GAE λ in [0, 1] (Brax's `gae_lambda`, 0.95). */
  gaeLambda: number;
  /** Advantage estimator: `gae` (Schulman et al. 2016, CleanRL) or Brax's `brax` (see {@link gae}). */
  advantage: AdvantageKind;
  /** Ratio clip ε (Brax's `clipping_epsilon` 0.3, CleanRL's `clip_coef` 0.2). */
  clip: number;
  /** Entropy bonus coefficient c of the policy loss (Brax's `entropy_cost`). */
  entropyCost: number;
  /** Value loss ½·vfCoef·(target − V)² per step; Brax's 0.5 makes it 0.25·MSE (`vf_loss_coefficient`). */
  vfCoef: number;
  /** Normalise advantages to mean 0, std 1 over each minibatch's untruncated steps (Brax: on). */
  normalizeAdvantage: boolean;
  /** Feed both nets (x − mean)/std with running statistics ({@link RunningNormalizer}). */
  normalizeObservations: boolean;
  /** Multiplies rewards for learning only; reported returns stay unscaled (Brax's `reward_scaling`). */
  rewardScaling: number;
  /** The policy net; its outputs parameterise the action distribution ({@link makeDistribution}). */
  policy: NetOptions;
  /** The value net (one output, V(s)); separate from the policy, with its own Adam. */
  value: NetOptions;
}

/** Env steps of one PPO iteration: batchSize·numMinibatches trajectories of unrollLength steps. */
export function ppoStepsPerIteration(
  o: Pick<PpoOptions, "batchSize" | "numMinibatches" | "unrollLength">,
): number {
  return o.batchSize * o.numMinibatches * o.unrollLength;
}

/**
 * Why a PPO batch shape does not work (null when it does): the trajectories of an iteration must split
 * evenly over the environments.
 */
export function ppoShapeProblem(
  o: Pick<PpoOptions, "numEnvs" | "batchSize" | "numMinibatches">,
): string | null {
  const trajectories = o.batchSize * o.numMinibatches;
  if (trajectories % o.numEnvs === 0) return null;
  return `batchSize·numMinibatches = ${o.batchSize}·${o.numMinibatches} = ${trajectories} trajectories per ` +
    `iteration is not a multiple of numEnvs = ${o.numEnvs}`;
}

/** A PPO iteration's measures: the loss terms are means over every SGD sample of the iteration's update. */
export interface PpoIterationMetrics extends IterationMetrics {
  /** Episodes completed during this iteration's rollout. */
  episodes: number;
  /** Clipped surrogate −min(ρA, clip(ρ, 1 − ε, 1 + ε)A), without the entropy bonus. */
  policyLoss: number;
  /** ½·vfCoef·(target − V)² (truncated steps excluded from the sum). */
  valueLoss: number;
  /** Policy entropy in nats (a stochastic estimate for the tanh-normal, as in Brax). */
  entropy: number;
  /** KL(π_old ‖ π) estimated by (ρ − 1) − log ρ (Schulman's k3, as CleanRL's `approx_kl`). */
  approxKl: number;
  /** Fraction of samples with |ρ − 1| > ε. */
  clipFraction: number;
  /** Fraction of policy / value weight-matrix entries exactly 0, and below 0. */
  policyZeroFraction: number;
  /** As `policyZeroFraction`, for the value net. */
  valueZeroFraction: number;
  /** Fraction of policy weight entries below 0 (0 under ED-PPO's Dale clamp). */
  policyNegativeFraction: number;
  /** As `policyNegativeFraction`, for the value net. */
  valueNegativeFraction: number;
}
