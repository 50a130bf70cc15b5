/**
 * Every RL run option in one typed object with per-environment defaults, so a YAML config
 * (configs/rl_*.yaml, read by lib/experiment/config.ts) can be validated against it and merged over it.
 *
 * @module
 */
import type { PpoOptions } from "./ppo.ts";
import type { EsOptions } from "./es.ts";
import type { NetOptions, PpoAlgo } from "./nets.ts";
import { PPO_ALGOS } from "./nets.ts";

export const RL_ALGOS = [...PPO_ALGOS, "es"] as const;
export type RlAlgo = PpoAlgo | "es";
export const RL_ENVS = ["cartpole", "pendulum"] as const;
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
  /** "cpu" for now; the webgpu backend has the same interface. */
  backend: "auto" | "cpu" | "webgpu";
  /** Per-iteration CSV path ("" for none). */
  csv: string;
  ppo: PpoOptions;
  es: EsOptions;
}

export function isRlAlgo(x: string): x is RlAlgo {
  return (RL_ALGOS as readonly string[]).includes(x);
}

export function isRlEnv(x: string): x is RlEnvName {
  return (RL_ENVS as readonly string[]).includes(x);
}

/** Network defaults per learning rule: single-stream tanh MLPs; dual-stream ReLU nets for ED. */
export function netDefaults(algo: RlAlgo, hidden: number[], role: "policy" | "value"): NetOptions {
  const dual = algo === "ed-ppo" || algo === "ed-ppo-nondale";
  if (dual) {
    return {
      hidden,
      activation: { kind: "relu" },
      excitatoryScale: 2,
      inhibitoryScale: 2,
      outputScale: role === "policy" ? 0.1 : 1,
    };
  }
  return {
    hidden,
    activation: { kind: algo === "es" ? "relu" : "tanh" },
    excitatoryScale: 1,
    inhibitoryScale: 1,
    outputScale: role === "policy" ? 0.1 : 1,
  };
}

export function ppoDefaults(env: RlEnvName, algo: PpoAlgo): PpoOptions {
  const common = {
    algo,
    advantage: "gae" as const,
    clip: 0.2,
    vfCoef: 0.5,
    normalizeAdvantage: true,
    normalizeObservations: true,
  };
  if (env === "cartpole") {
    return {
      ...common,
      numEnvs: 8,
      unrollLength: 64,
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
  return {
    ...common,
    numEnvs: 16,
    unrollLength: 64,
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

export function esDefaults(env: RlEnvName): EsOptions {
  return {
    populationSize: 32,
    sigma: 0.05,
    learningRate: 0.03,
    weightDecay: 0.005,
    fitnessShaping: "centered-rank",
    normalizeObservations: env === "pendulum",
    stochasticActions: true,
    dualStream: false,
    policy: {
      hidden: [32, 32],
      activation: { kind: "relu" },
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
    iterations: env === "cartpole" ? 100 : 200,
    evalEvery: 0,
    evalEpisodes: 16,
    deterministicEval: false,
    backend: "cpu",
    csv: "",
    ppo: ppoDefaults(env, ppoAlgo),
    es: esDefaults(env),
  };
}
