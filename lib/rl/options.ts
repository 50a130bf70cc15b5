/**
 * Every RL run option in one typed object with per-environment defaults, so a YAML config
 * (configs/rl_*.yaml, read by lib/rl/config.ts) can be validated against it and merged over it.
 *
 * @module
 */
import type { PpoOptions } from "./ppo.ts";
import type { EsOptions } from "./es.ts";
import type { NetOptions, PpoAlgo } from "./nets.ts";
import { PPO_ALGOS } from "./nets.ts";
import type { BackendChoice } from "../backend/mod.ts";

export const RL_ALGOS = [...PPO_ALGOS, "es"] as const;
export type RlAlgo = PpoAlgo | "es";
export const RL_ENVS = ["cartpole", "pendulum", "ant", "halfcheetah", "humanoid", "craftax-classic"] as const;
export type RlEnvName = typeof RL_ENVS[number];

export interface RlOptions {
  env: RlEnvName;
  algo: RlAlgo;
  seed: number;
  iterations: number;
  /** Evaluate every this many iterations (0: never) on `evalEpisodes` fresh episodes. */
  evalEvery: number;
  evalEpisodes: number;
  deterministicEval: boolean;
  /** Locomotion only: a time limit shorter than Brax's 1000 steps (unset: 1000). */
  episodeLength?: number;
  backend: BackendChoice;
  /** Run folder name under `outDir` (config files may leave it out: rl_<env>_<algo>_s<seed>). */
  name: string;
  /** The run writes config.yaml, metrics.csv, result.json and checkpoints to <outDir>/<name>. */
  outDir: string;
  /** Iterations between checkpoints (0: only at the end). */
  checkpointEvery: number;
  ppo: PpoOptions;
  es: EsOptions;
}

export function isRlAlgo(x: string): x is RlAlgo {
  return (RL_ALGOS as readonly string[]).includes(x);
}

export function isRlEnv(x: string): x is RlEnvName {
  return (RL_ENVS as readonly string[]).includes(x);
}

/**
 * Network defaults per learning rule. The rules under study get the paper's RL nets (its Discussion: "ReLU
 * activations and RMS normalization"): ED (Dalean and non-Dalean) on dual-stream nets drawn from |N(0, 1)|
 * ("absolute Gaussian samples") with equal excitatory and inhibitory scales, and DFA on a single-stream
 * net, both ReLU + RMS norm. BP-PPO keeps the baseline's own net (`bpActivation`: Brax's swish for
 * locomotion, tanh for classic control; no normalisation); ES Brax ES's ReLU policy.
 */
export function netDefaults(
  algo: RlAlgo,
  hidden: number[],
  role: "policy" | "value",
  bpActivation: "tanh" | "silu" | "relu" = "tanh",
): NetOptions {
  const outputScale = role === "policy" ? 0.1 : 1;
  const common = { hidden, outputScale, init: "abs-normal" as const, excitatoryScale: 1, inhibitoryScale: 1 };
  if (algo === "ed-ppo" || algo === "ed-ppo-nondale" || algo === "dfa-ppo") {
    return { ...common, activation: { kind: "relu" }, rmsNorm: true };
  }
  return { ...common, activation: { kind: algo === "es" ? "relu" : bpActivation }, rmsNorm: false };
}

export function ppoDefaults(env: RlEnvName, algo: PpoAlgo): PpoOptions {
  const common = {
    algo,
    advantage: "gae" as const,
    clip: 0.2,
    vfCoef: 0.5,
    normalizeAdvantage: true,
    normalizeObservations: true,
    recomputeAdvantages: true,
  };
  if (env === "cartpole") {
    return {
      ...common,
      numEnvs: 8,
      unrollLength: 32,
      batchSize: 4,
      numMinibatches: 4,
      updateEpochs: 4,
      learningRate: 1e-3,
      gamma: 0.99,
      gaeLambda: 0.95,
      entropyCost: 0.01,
      rewardScaling: 0.1,
      policy: netDefaults(algo, [64, 64], "policy"),
      value: netDefaults(algo, [64, 64], "value"),
    };
  }
  if (env === "pendulum") {
    return {
      ...common,
      numEnvs: 16,
      unrollLength: 32,
      batchSize: 4,
      numMinibatches: 8,
      updateEpochs: 8,
      learningRate: 1e-3,
      gamma: 0.95,
      gaeLambda: 0.95,
      entropyCost: 1e-3,
      rewardScaling: 0.1,
      policy: netDefaults(algo, [64, 64], "policy"),
      value: netDefaults(algo, [64, 64], "value"),
    };
  }
  if (env === "craftax-classic") {
    // Craftax_Baselines ppo.py (1024 envs × 64 steps, 3×512 tanh, γ 0.99, λ 0.8, lr 2e-4, no obs
    // normalisation), scaled down for a CPU: 16 envs and 2×128 nets. Not modelled: LR annealing, gradient
    // clipping, value clipping, Adam eps 1e-5.
    return {
      ...common,
      normalizeObservations: false,
      recomputeAdvantages: false,
      numEnvs: 16,
      unrollLength: 64,
      batchSize: 2,
      numMinibatches: 8,
      updateEpochs: 4,
      learningRate: 2e-4,
      gamma: 0.99,
      gaeLambda: 0.8,
      entropyCost: 0.01,
      rewardScaling: 1,
      policy: netDefaults(algo, [128, 128], "policy"),
      value: netDefaults(algo, [128, 128], "value"),
    };
  }
  // Brax training-colab settings (γ, λ 0.95, ε 0.3, lr 3e-4, entropy, reward scaling, epochs, 32
  // minibatches, swish nets) with far fewer parallel envs and smaller nets for a CPU: 2×64 policy and value
  // for every rule (Brax: 4×32 policy, 5×256 value). ED's dual-stream nets use init scales 1 here: at the
  // classic-control scale 2 a 4×32 net's initial output rms is 12× its input's (2×64: 0.5×), the first,
  // unnormalised rollout (raw velocities up to ~10) saturates the tanh policy and the first update's KL
  // reaches 1e3–1e4 (2×64) or 1e10 (4×32); at scale 1 with 2×64 it stays near 0.1 on Ant and HalfCheetah.
  const brax = {
    ant: { gamma: 0.97, entropyCost: 1e-2, rewardScaling: 10, updateEpochs: 4, unrollLength: 64 },
    halfcheetah: { gamma: 0.95, entropyCost: 1e-3, rewardScaling: 1, updateEpochs: 8, unrollLength: 64 },
    humanoid: { gamma: 0.97, entropyCost: 1e-3, rewardScaling: 0.1, updateEpochs: 8, unrollLength: 64 },
  }[env];
  return {
    ...common,
    ...brax,
    clip: 0.3,
    numEnvs: 32,
    batchSize: 1,
    numMinibatches: 32,
    learningRate: 3e-4,
    gaeLambda: 0.95,
    policy: netDefaults(algo, [64, 64], "policy", "silu"),
    value: netDefaults(algo, [64, 64], "value", "silu"),
  };
}

export function esDefaults(env: RlEnvName): EsOptions {
  return {
    populationSize: 32,
    sigma: 0.05,
    // With Adam's step count fixed (one per update, not per layer), 0.03 left CartPole at 45-190 after 60
    // iterations; 0.1 solves it (500) on seeds 0 and 1. The other envs keep 0.03 (not re-tuned).
    learningRate: env === "cartpole" ? 0.1 : 0.03,
    weightDecay: 0.005,
    fitnessShaping: "centered-rank",
    normalizeObservations: env !== "cartpole",
    stochasticActions: true,
    dualStream: false,
    // Brax ES: a 4×32 ReLU policy for the locomotion envs.
    policy: {
      hidden: env === "ant" || env === "halfcheetah" || env === "humanoid" ? [32, 32, 32, 32] : [32, 32],
      activation: { kind: "relu" },
      rmsNorm: false,
      init: "abs-normal",
      excitatoryScale: 1,
      inhibitoryScale: 1,
      outputScale: 0.5,
    },
  };
}

export function defaultRlOptions(env: RlEnvName = "cartpole", algo: RlAlgo = "ed-ppo"): RlOptions {
  const ppoAlgo: PpoAlgo = algo === "es" ? "bp-ppo" : algo;
  return {
    env,
    algo,
    seed: 0,
    iterations: env === "cartpole" ? 100 : env === "pendulum" ? 200 : 50,
    evalEvery: 0,
    evalEpisodes: 16,
    deterministicEval: false,
    backend: "cpu",
    name: `rl_${env}_${algo}_s0`,
    outDir: "runs",
    checkpointEvery: 10,
    ppo: ppoDefaults(env, ppoAlgo),
    es: esDefaults(env),
  };
}
