/**
 * What every RL learner offers the runner (lib/rl/run.ts): PPO (with any of the four learning rules) and
 * ES train, evaluate, report and checkpoint through this one interface.
 *
 * @module
 */
import type { VecEnv } from "./vec_env.ts";

/** What every learner reports after an iteration; each learner adds its own measures. */
export interface IterationMetrics {
  iteration: number;
  /** Training env steps so far. */
  envSteps: number;
  /** Mean undiscounted return of recently completed training episodes (NaN before the first). */
  episodeReturn: number;
  seconds: number;
}

export interface Learner<M extends IterationMetrics = IterationMetrics> {
  /** Iterations completed (restored by `load`). */
  readonly iterations: number;
  /** One round of experience and one update. */
  iteration(): Promise<M>;
  /**
   * Mean undiscounted return of one episode in each of `episodes` copies of `env` (reset with `seed`),
   * acting by the policy's mode when `deterministic`, else by sampling (from noise of its own, so that
   * evaluating never changes training).
   */
  evaluate(env: VecEnv, episodes: number, seed: number, deterministic: boolean): Promise<number>;
  /** A short progress-line fragment for an iteration's metrics (losses, KL, weights at zero, ...). */
  describe(m: M): string;
  /** Writes the networks, optimizer state, normaliser and counters to a safetensors file. */
  save(path: string): Promise<void>;
  /**
   * Restores what `save` wrote. The environments restart from fresh resets seeded by the iteration
   * reached (their mid-episode state is not saved), so a resumed run continues the learning curve but
   * is not bit-identical to an uninterrupted one.
   */
  load(path: string): Promise<void>;
  dispose(): void;
}

/** The seed of the environments' fresh reset when a run resumes after `iteration` iterations. */
export function resumeSeed(seed: number, iteration: number): number {
  return (seed + Math.imul(iteration, 0x9e3779b1)) >>> 0;
}
