/**
 * The vectorised environment contract shared by every RL environment (classic control, the locomotion port,
 * the Craftax port) and every learner (PPO, ES). State lives in a struct of arrays, one slot per environment;
 * data crosses the interface as flat typed arrays, row-major with the environment index first.
 *
 * Semantics (those of Brax's `AutoResetWrapper` + `EpisodeWrapper` and of gymnax):
 * - `reset(seed, numEnvs)` (re)creates `numEnvs` environments, each seeded from `seed` and its index, and
 *   returns their first observations [numEnvs · obsSize].
 * - `step(actions)` advances every environment by one step. `dones[i] = 1` when environment i's episode
 *   ended on this step, by termination or by the time limit; `truncations[i] = 1` (a subset of `dones`)
 *   when it ended by the time limit only. The reward of that last step is in `rewards[i]`.
 * - An environment whose episode ended is reset inside the same `step`: `obs` row i is then the first
 *   observation of its next episode, never the final one (truncated steps are masked out of GAE, not
 *   bootstrapped, as in Brax).
 * - Actions: discrete spaces take an Int32Array [numEnvs] of indices in [0, n); continuous spaces take a
 *   Float32Array [numEnvs · size] in [−1, 1] (the tanh-squashed policy output), which the environment maps
 *   to its own range.
 * - The returned arrays may be reused by the next call; copy what must outlive it.
 *
 * @module
 */

/**
 * An environment's action space: `n` discrete actions (indices in [0, n)), or a vector of `size` continuous
 * actions in [−1, 1] (the policy's tanh-squashed output; the environment maps it to its own range).
 */
export type ActionSpace =
  | { kind: "discrete"; n: number }
  | { kind: "continuous"; size: number };

/** What {@link VecEnv.step} returns, one row per environment (the arrays may be reused by the next call). */
export interface VecEnvStep {
  /** Next observations [numEnvs · obsSize] (first observation of a new episode where `dones[i]`). */
  obs: Float32Array;
  /** Reward of this step [numEnvs], as the environment defines it (learners scale their own copy). */
  rewards: Float32Array;
  /** 1 where the episode ended on this step (termination or time limit). */
  dones: Uint8Array;
  /** 1 where the episode ended by the time limit (subset of `dones`); absent means none. */
  truncations?: Uint8Array;
}

/**
 * `numEnvs` environments of one kind stepped together, each resetting itself when its episode ends (Brax's
 * `AutoResetWrapper`; the module doc has the whole contract). {@link makeVecEnv} builds any of them by name.
 *
 * @example
 * ```ts
 * import { makeVecEnv } from "@diffusing-blame/ed";
 * const env = makeVecEnv("cartpole"); // 4 observations, 2 discrete actions, 500-step time limit
 * const first = env.reset(0, 3); // 3 environments seeded from 0: [3 · 4] observations
 * const { obs, rewards, dones } = env.step(new Int32Array([0, 1, 1])); // push left, right, right
 * console.log(first.length, obs.length); // 12 12
 * console.log(rewards, dones); // Float32Array(3) [1, 1, 1] Uint8Array(3) [0, 0, 0]
 * ```
 */
export interface VecEnv {
  /** Environment name, e.g. "cartpole". */
  readonly name: string;
  /** Observation features per environment (the row width of every `obs`). */
  readonly obsSize: number;
  /** Discrete action indices or continuous vectors in [−1, 1] (see {@link ActionSpace}). */
  readonly actionSpace: ActionSpace;
  /** Time limit in steps (episodes end with truncation there). */
  readonly maxEpisodeSteps: number;
  /** Number of environments since the last `reset` (0 before). */
  readonly numEnvs: number;
  /**
   * (Re)creates `numEnvs` environments, each seeded from `seed` (a u32) and its index, and returns their
   * first observations [numEnvs · obsSize].
   */
  reset(seed: number, numEnvs: number): Float32Array;
  /**
   * Advances every environment by one step: Int32Array [numEnvs] action indices, or Float32Array
   * [numEnvs · size] in [−1, 1]. Environments whose episode ended are reset inside the call.
   */
  step(actions: Int32Array | Float32Array): VecEnvStep;
  /** Optional per-episode outcome flags, e.g. Craftax's achievements (learners log their success rates). */
  readonly episodeFlagNames?: readonly string[];
  /**
   * With `episodeFlagNames`: after each `step`, [numEnvs · names] flags (0 or 1) of the episodes that ended
   * on that step (rows of other environments are ignored).
   */
  readonly finishedEpisodeFlags?: Uint8Array;
}

/**
 * Success rates of an environment's episode flags (`VecEnv.episodeFlagNames`) over the episodes that ended
 * since the last `take()`; a no-op for environments without flags.
 */
export class EpisodeFlagCounter {
  /** The environment's flag names (`VecEnv.episodeFlagNames`); empty when it has none. */
  readonly names: readonly string[];
  readonly #counts: Float64Array;
  #episodes = 0;

  /** Counts the flags of `env`'s episodes from the next step on. */
  constructor(readonly env: VecEnv) {
    this.names = env.episodeFlagNames ?? [];
    this.#counts = new Float64Array(this.names.length);
  }

  /** Counts the flags of environment `i`'s episode, which ended on the last step (for ES's members). */
  recordOne(i: number): void {
    const flags = this.env.finishedEpisodeFlags, F = this.names.length;
    if (F === 0 || !flags) return;
    for (let f = 0; f < F; f++) this.#counts[f] += flags[i * F + f];
    this.#episodes++;
  }

  /** Counts the flags of every episode that ended on the last step. */
  record(dones: Uint8Array): void {
    if (this.names.length === 0) return;
    for (let i = 0; i < dones.length; i++) if (dones[i]) this.recordOne(i);
  }

  /**
   * `success_<name>` → the fraction of counted episodes with the flag set (NaN when none ended), then
   * starts counting afresh. Empty for environments without flags.
   */
  take(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((
      name,
      f,
    ) => (out[`success_${name}`] = this.#episodes ? this.#counts[f] / this.#episodes : NaN));
    this.#counts.fill(0);
    this.#episodes = 0;
    return out;
  }
}

/** A value's type for an error message (`null`, `Array`, `Int32Array`, ...). */
export function typeName(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return (x as object).constructor?.name ?? typeof x;
}

/** Most environments one VecEnv holds (a typo like 1e9 must fail before allocating). */
export const MAX_ENVS = 65_536;

/**
 * Checks the arguments of `reset(seed, numEnvs)`: the seed a u32 (seeds are Philox / PRNG keys, so NaN or
 * 2³² would silently alias seed 0), numEnvs an integer in [1, {@link MAX_ENVS}].
 */
export function checkReset(env: string, seed: number, numEnvs: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${env}: seed must be an integer in [0, 2^32), got ${seed}`);
  }
  if (!Number.isInteger(numEnvs) || numEnvs < 1 || numEnvs > MAX_ENVS) {
    throw new RangeError(`${env}: numEnvs must be an integer in [1, ${MAX_ENVS}], got ${numEnvs}`);
  }
}

/**
 * Checks the actions of `step`: the environment was reset, and the actions are the contract's typed array
 * (Int32Array indices for a discrete space, Float32Array for a continuous one) of the right length.
 */
export function checkActions(env: VecEnv, actions: unknown): asserts actions is Int32Array | Float32Array {
  const n = env.numEnvs, space = env.actionSpace;
  if (n === 0) throw new Error(`${env.name}: call reset(seed, numEnvs) before step()`);
  const discrete = space.kind === "discrete";
  if (!(discrete ? actions instanceof Int32Array : actions instanceof Float32Array)) {
    const want = discrete ? "Int32Array of action indices" : "Float32Array";
    throw new TypeError(`${env.name}: actions must be an ${want}, got ${typeName(actions)}`);
  }
  const width = discrete ? 1 : space.size, length = (actions as Int32Array | Float32Array).length;
  if (length !== n * width) {
    throw new RangeError(
      `${env.name}: ${length} actions for ${n} environments × ${width} (expected ${n * width})`,
    );
  }
}

/** Width of the policy's output for an action space: logits, or (loc, raw scale) per action dimension. */
export function policyOutputs(space: ActionSpace): number {
  return space.kind === "discrete" ? space.n : 2 * space.size;
}

/**
 * Per-environment episode bookkeeping on the host: running return and length, and the episodes completed
 * since the last `take()`.
 */
export class EpisodeTracker {
  readonly #returns: Float64Array;
  readonly #lengths: Int32Array;
  #doneReturns: number[] = [];
  #doneLengths: number[] = [];
  /** The last `window` completed returns (a moving window, as gym's RecordEpisodeStatistics). */
  readonly recent: number[] = [];

  /** Tracks `numEnvs` environments; {@link recentMean} averages the last `window` completed returns. */
  constructor(readonly numEnvs: number, readonly window = 20) {
    this.#returns = new Float64Array(numEnvs);
    this.#lengths = new Int32Array(numEnvs);
  }

  /** Adds one step's rewards [numEnvs] and closes the episodes where `dones[i]` is 1. */
  record(rewards: Float32Array, dones: Uint8Array): void {
    for (let i = 0; i < this.numEnvs; i++) {
      this.#returns[i] += rewards[i];
      this.#lengths[i]++;
      if (dones[i]) {
        this.#doneReturns.push(this.#returns[i]);
        this.#doneLengths.push(this.#lengths[i]);
        this.recent.push(this.#returns[i]);
        if (this.recent.length > this.window) this.recent.shift();
        this.#returns[i] = 0;
        this.#lengths[i] = 0;
      }
    }
  }

  /** Forgets the episodes in progress (their environments were reset) and sets the recent window. */
  restart(recent: readonly number[]): void {
    this.#returns.fill(0);
    this.#lengths.fill(0);
    this.#doneReturns = [];
    this.#doneLengths = [];
    this.recent.splice(0, this.recent.length, ...recent.slice(-this.window));
  }

  /** Mean of the last `window` completed returns (NaN before the first). */
  recentMean(): number {
    return this.recent.length ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : NaN;
  }

  /** Completed episodes since the last call (and clears them). */
  take(): { returns: number[]; lengths: number[] } {
    const out = { returns: this.#doneReturns, lengths: this.#doneLengths };
    this.#doneReturns = [];
    this.#doneLengths = [];
    return out;
  }
}
