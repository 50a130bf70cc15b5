/**
 * The RL side of the library: vectorised environments, action distributions, GAE, observation
 * normalisation, PPO with the learning rule as a strategy (BP, DFA, ED Dalean / non-Dalean) and OpenAI-ES;
 * VecEnv adapters for the locomotion and Craftax-Classic ports, YAML run configs and a multi-seed
 * comparison runner.
 *
 * @module
 */
export * from "./vec_env.ts";
export * from "./distributions.ts";
export * from "./gae.ts";
export * from "./normalizer.ts";
export * from "./nets.ts";
export * from "./ppo.ts";
export * from "./es.ts";
export * from "./options.ts";
export * from "./envs.ts";
export * from "./config.ts";
export { makeEnv, parseRlArgs, RL_USAGE, runRl, type RunSummary } from "./train.ts";
export * from "./compare.ts";
