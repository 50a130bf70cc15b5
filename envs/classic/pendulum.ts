/**
 * Pendulum-v1 as a vectorised environment, with gym's constants: g = 10, m = l = 1, dt = 0.05, max speed 8,
 * max torque 2, time limit 200 steps (never terminates), initial θ ~ U(−π, π), θ̇ ~ U(−1, 1). The action in
 * [−1, 1] is scaled to a torque in [−2, 2]. Reward −(norm(θ)² + 0.1 θ̇² + 0.001 u²) from the state before
 * the step. Observation [cos θ, sin θ, θ̇].
 */
import { Rng } from "../../lib/random.ts";
import {
  type ActionSpace,
  checkActions,
  checkReset,
  type VecEnv,
  type VecEnvStep,
} from "../../lib/rl/vec_env.ts";

/** gym's Pendulum-v1 constants (SI units). */
export const PENDULUM = {
  gravity: 10.0,
  mass: 1.0,
  length: 1.0,
  dt: 0.05,
  maxSpeed: 8,
  maxTorque: 2.0,
  maxEpisodeSteps: 200,
} as const;

/** Angle wrapped to [−π, π). */
export function angleNormalize(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

/**
 * Batched Pendulum-v1.
 *
 * @example
 * ```ts
 * import { Pendulum } from "@diffusing-blame/ed";
 * const env = new Pendulum();
 * const obs = env.reset(0, 3); // [cos θ, sin θ, θ̇] × 3
 * const { rewards } = env.step(new Float32Array([1, 0, -1])); // torques 2, 0, −2
 * console.log(obs.length, rewards); // 9, three rewards ≤ 0
 * ```
 */
export class Pendulum implements VecEnv {
  /** `pendulum`. */
  readonly name = "pendulum";
  /** [cos θ, sin θ, θ̇]. */
  readonly obsSize = 3;
  /** One torque in [−1, 1] (scaled to [−2, 2]). */
  readonly actionSpace: ActionSpace = { kind: "continuous", size: 1 };
  /** Time limit (default 200). */
  readonly maxEpisodeSteps: number;
  /** Environments since the last reset (0 before). */
  numEnvs = 0;
  #theta = new Float64Array(0);
  #thetaDot = new Float64Array(0);
  #t = new Int32Array(0);
  #rng = new Rng(0);
  #out!: VecEnvStep & { truncations: Uint8Array };

  /** `maxEpisodeSteps` overrides the time limit of 200 steps. */
  constructor(options: { maxEpisodeSteps?: number } = {}) {
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? PENDULUM.maxEpisodeSteps;
  }

  /** Samples `numEnvs` initial states from `seed`; returns the observations [numEnvs · 3]. */
  reset(seed: number, numEnvs: number): Float32Array {
    checkReset(this.name, seed, numEnvs);
    this.numEnvs = numEnvs;
    this.#rng = new Rng(seed);
    this.#theta = new Float64Array(numEnvs);
    this.#thetaDot = new Float64Array(numEnvs);
    this.#t = new Int32Array(numEnvs);
    this.#out = {
      obs: new Float32Array(numEnvs * 3),
      rewards: new Float32Array(numEnvs),
      dones: new Uint8Array(numEnvs),
      truncations: new Uint8Array(numEnvs),
    };
    for (let i = 0; i < numEnvs; i++) this.#resetOne(i);
    this.#writeObs();
    return this.#out.obs.slice();
  }

  #resetOne(i: number): void {
    this.#theta[i] = (2 * this.#rng.uniform() - 1) * Math.PI;
    this.#thetaDot[i] = 2 * this.#rng.uniform() - 1;
    this.#t[i] = 0;
  }

  #writeObs(): void {
    const obs = this.#out.obs;
    for (let i = 0; i < this.numEnvs; i++) {
      obs[3 * i] = Math.cos(this.#theta[i]);
      obs[3 * i + 1] = Math.sin(this.#theta[i]);
      obs[3 * i + 2] = this.#thetaDot[i];
    }
  }

  /** One step of every environment (one action in [−1, 1] each); episodes end only at the time limit. */
  step(actions: Int32Array | Float32Array): VecEnvStep {
    checkActions(this, actions);
    const c = PENDULUM;
    const { rewards, dones, truncations } = this.#out;
    for (let i = 0; i < this.numEnvs; i++) {
      const a = actions[i];
      if (!Number.isFinite(a)) throw new Error(`Pendulum.step: action ${a} for env ${i} is not finite`);
      const u = Math.min(1, Math.max(-1, a)) * c.maxTorque;
      const th = this.#theta[i], thDot = this.#thetaDot[i];
      const norm = angleNormalize(th);
      rewards[i] = -(norm * norm + 0.1 * thDot * thDot + 0.001 * u * u);
      let newThDot = thDot +
        ((3 * c.gravity) / (2 * c.length) * Math.sin(th) + (3 / (c.mass * c.length * c.length)) * u) * c.dt;
      newThDot = Math.min(c.maxSpeed, Math.max(-c.maxSpeed, newThDot));
      this.#theta[i] = th + newThDot * c.dt;
      this.#thetaDot[i] = newThDot;
      this.#t[i]++;
      const truncated = this.#t[i] >= this.maxEpisodeSteps;
      dones[i] = truncated ? 1 : 0;
      truncations[i] = truncated ? 1 : 0;
      if (truncated) this.#resetOne(i);
    }
    this.#writeObs();
    return this.#out;
  }
}
