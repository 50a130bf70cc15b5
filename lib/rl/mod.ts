/**
 * The RL side of the library: the vectorised-environment contract, action distributions, GAE, observation
 * normalisation, PPO with the learning rule as a strategy (BP, DFA, ED Dalean / non-Dalean) and OpenAI-ES
 * behind one {@link Learner} interface, YAML run configs, the run function and the experiment task.
 *
 * @module
 */
export * from "./vec_env.ts";
export * from "./distributions.ts";
export * from "./ppo_loss.ts";
export * from "./gae.ts";
export * from "./normalizer.ts";
export * from "./nets.ts";
export * from "./learner.ts";
export * from "./ppo.ts";
export { ACTOR_PLACEMENTS, type ActorPlacement } from "./host_policy.ts";
export * from "./es.ts";
export * from "./options.ts";
export * from "./config.ts";
export * from "./run.ts";
export * from "./experiment.ts";
export * from "./policy.ts";
