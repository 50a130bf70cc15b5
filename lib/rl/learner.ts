/**
 * What every RL learner offers the runner (lib/rl/run.ts): PPO (with any of the four learning rules) and
 * ES train, evaluate, report and checkpoint through this one interface.
 *
 * @module
 */
import type { ActionSpace, VecEnv } from "./vec_env.ts";

/** What every learner reports after an iteration; each learner adds its own measures. */
export interface IterationMetrics {
  /** Iterations completed, this one included (1 after the first). */
  iteration: number;
  /** Training env steps so far. */
  envSteps: number;
  /** Mean undiscounted return of recently completed training episodes (NaN before the first). */
  episodeReturn: number;
  /** Wall time of this iteration (rollout and update), in seconds. */
  seconds: number;
  /**
   * Success rate of each episode flag of the env (e.g. `success_collect_wood` on Craftax) over the training
   * episodes that ended this iteration; absent for envs without flags. One CSV column per flag.
   */
  episodeFlags?: Record<string, number>;
}

/**
 * The trained policy acting in `rows` environments: observations [rows · obsSize] in, actions out (indices,
 * or tanh-squashed vectors in (−1, 1)). Sampling actors draw from noise of their own (seeded when the actor
 * is made), never from the learner's training noise, so acting and evaluating never change training.
 */
export interface Actor {
  /** Environments it acts in: `obs` holds rows · obsSize values. */
  readonly rows: number;
  /** Actions for observations [rows · obsSize]: Int32Array [rows] indices or Float32Array [rows · size]. */
  act(obs: Float32Array): Promise<Int32Array | Float32Array>;
  /** Releases the actor's buffers. */
  dispose(): void;
}

/**
 * An RL algorithm as the runner sees it: {@link PpoLearner} (any of the four rules) and {@link EsLearner}.
 * Each learner owns its training environments and networks; `M` is its metrics type.
 */
export interface Learner<M extends IterationMetrics = IterationMetrics> {
  /** Iterations completed (restored by `load`). */
  readonly iterations: number;
  /** The observation size and action space the learner's networks were built for. */
  readonly obsSize: number;
  /** The action space the policy's outputs were sized for (see `obsSize`). */
  readonly actionSpace: ActionSpace;
  /** One round of experience and one update. */
  iteration(): Promise<M>;
  /**
   * An actor for `rows` environments: the policy's mode when `deterministic`, else samples from noise seeded
   * by `seed` (see {@link Actor}). ES acts by its mode whenever it trains on the mode
   * (`es.stochasticActions: false`): that is the policy its fitness measured.
   */
  actor(rows: number, deterministic: boolean, seed: number): Actor;
  /**
   * Mean undiscounted return of one episode in each of `episodes` copies of `env` (reset with `seed`), acted
   * by `actor(episodes, deterministic, seed)`: evaluating never touches the training noise or RNG, so
   * `evalEvery` does not change training.
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
  /** Releases the networks and their optimizer state. */
  dispose(): void;
}

/** The seed of the environments' fresh reset when a run resumes after `iteration` iterations. */
export function resumeSeed(seed: number, iteration: number): number {
  return (seed + Math.imul(iteration, 0x9e3779b1)) >>> 0;
}

/**
 * Mean undiscounted return of one episode in each of `actor.rows` copies of `env` reset with `seed` (episodes
 * that end early stop counting; the rest run to the env's time limit). Disposes the actor.
 *
 * @example The mode of an untrained CartPole policy, over 4 episodes
 * ```ts
 * import { createBackend, evaluateActor, makeVecEnv, PpoLearner, ppoDefaults } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const learner = new PpoLearner(backend, makeVecEnv("cartpole"), ppoDefaults("cartpole", "ed-ppo"), 0);
 * const env = makeVecEnv("cartpole"); // a copy of its own: evaluation leaves the training envs alone
 * const mean = await evaluateActor(learner.actor(4, true, 7), env, 7);
 * console.log(mean); // the mean episode length: CartPole pays 1 per step, up to its 500-step limit
 * learner.dispose();
 * ```
 */
export async function evaluateActor(actor: Actor, env: VecEnv, seed: number): Promise<number> {
  try {
    return await runEpisodes(actor, env, seed);
  } finally {
    actor.dispose();
  }
}

async function runEpisodes(actor: Actor, env: VecEnv, seed: number): Promise<number> {
  const episodes = actor.rows;
  let obs = env.reset(seed, episodes);
  const done = new Uint8Array(episodes), returns = new Float64Array(episodes);
  let alive = episodes;
  for (let t = 0; t < env.maxEpisodeSteps && alive > 0; t++) {
    const step = env.step(await actor.act(obs));
    for (let i = 0; i < episodes; i++) {
      if (done[i]) continue;
      returns[i] += step.rewards[i];
      if (step.dones[i]) done[i] = 1, alive--;
    }
    obs = step.obs.slice();
  }
  return returns.reduce((a, b) => a + b, 0) / episodes;
}

/** The seed of an actor's own sampling noise, kept apart from every training stream by a fixed tag. */
export function actorNoiseSeed(seed: number): number {
  return (Math.imul(seed ^ 0xac7022, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
}
