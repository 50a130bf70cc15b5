/**
 * Craftax-Classic (symbolic observation, 1345 floats, 17 actions) behind the {@link VecEnv} contract
 * (lib/rl/vec_env.ts). The environment auto-resets inside `step`; the adapter adds:
 * - env i of `reset(seed, n)` plays the JAX world `PRNGKey(seed · n + i)` (distinct worlds for distinct
 *   seeds);
 * - actions must be an Int32Array of indices in [0, 17);
 * - the environment's own time limit (10,000 steps) ends an episode with `done` only, so the adapter counts
 *   steps and flags a done at the limit as a truncation (a death on exactly the 10,000th step would be
 *   mislabelled; harmless in practice);
 * - the achievements of episodes that ended on the last step, in {@link CraftaxClassicVecEnv.finishedAchievements}.
 *
 * @module
 */
import {
  type ActionSpace,
  checkActions,
  checkReset,
  type VecEnv,
  type VecEnvStep,
} from "../../lib/rl/vec_env.ts";
import { CraftaxClassic } from "./classic/env.ts";
import { ACHIEVEMENT_NAMES } from "./classic/constants.ts";

/** Craftax-Classic behind the {@link VecEnv} contract. */
export class CraftaxClassicVecEnv implements VecEnv {
  /** `craftax-classic`. */
  readonly name = "craftax-classic";
  /** 1345. */
  readonly obsSize: number = CraftaxClassic.OBS_SIZE;
  /** 17 discrete actions. */
  readonly actionSpace: ActionSpace = { kind: "discrete", n: CraftaxClassic.NUM_ACTIONS };
  /** Craftax-Classic's own limit (`max_timesteps`). */
  readonly maxEpisodeSteps: number = 10_000;
  /** The wrapped batched environment. */
  readonly env: CraftaxClassic = new CraftaxClassic();
  #steps = new Int32Array(0);
  #truncations = new Uint8Array(0);
  #finished: Uint8Array = new Uint8Array(0);

  /** Environments since the last reset (0 before). */
  get numEnvs(): number {
    return this.env.numEnvs;
  }

  /** [numEnvs · 22] achievement flags of the episodes that ended on the last step (zero elsewhere). */
  get finishedAchievements(): Uint8Array {
    return this.#finished;
  }

  /** The 22 achievements as episode flags: RL learners log their success rates (lib/rl/vec_env.ts). */
  readonly episodeFlagNames: readonly string[] = ACHIEVEMENT_NAMES;

  get finishedEpisodeFlags(): Uint8Array {
    return this.#finished;
  }

  /**
   * Env i gets the JAX world `PRNGKey(seed · numEnvs + i)`, so runs with different seeds never share worlds
   * (the raw env maps env i to `PRNGKey(seed + i)`, which would make seeds 0 and 1 share all but one).
   */
  reset(seed: number, numEnvs: number): Float32Array {
    checkReset(this.name, seed, numEnvs);
    const obs = this.env.reset(seed * numEnvs, numEnvs);
    this.#steps = new Int32Array(numEnvs);
    this.#truncations = new Uint8Array(numEnvs);
    this.#finished = new Uint8Array(numEnvs * CraftaxClassic.NUM_ACHIEVEMENTS);
    return obs;
  }

  /** One step of every environment (an Int32Array of action indices in [0, 17)); finished ones reset. */
  step(actions: Int32Array | Float32Array): VecEnvStep {
    checkActions(this, actions);
    const r = this.env.step(actions); // checks the length and that every action is in [0, 17)
    const n = this.env.numEnvs, steps = this.#steps, truncations = this.#truncations;
    for (let i = 0; i < n; i++) {
      steps[i]++;
      truncations[i] = r.dones[i] && steps[i] >= this.maxEpisodeSteps ? 1 : 0;
      if (r.dones[i]) steps[i] = 0;
    }
    this.#finished = r.finishedAchievements;
    return { obs: r.obs, rewards: r.rewards, dones: r.dones, truncations };
  }
}
