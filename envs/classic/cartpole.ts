/**
 * CartPole-v1 (Barto, Sutton & Anderson 1983) as a vectorised environment, with gym's constants and Euler
 * integrator: reward 1 per step (the terminal step included), termination when |x| > 2.4 or
 * |θ| > 12°, time limit 500 steps, initial state U(−0.05, 0.05)⁴. Two discrete actions: push left (0) or
 * right (1) with a force of 10 N. Observation [x, ẋ, θ, θ̇].
 */
import { Rng } from "../../lib/random.ts";
import {
  type ActionSpace,
  checkActions,
  checkReset,
  type VecEnv,
  type VecEnvStep,
} from "../../lib/rl/vec_env.ts";

/** gym's CartPole-v1 constants (SI units; `thetaThreshold` in radians). */
export const CARTPOLE = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  /** Half the pole's length. */
  length: 0.5,
  forceMag: 10.0,
  tau: 0.02,
  thetaThreshold: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
  maxEpisodeSteps: 500,
} as const;

/**
 * Batched CartPole-v1.
 *
 * @example
 * ```ts
 * import { CartPole } from "@diffusing-blame/ed";
 * const env = new CartPole();
 * env.reset(0, 2);
 * let total = 0;
 * for (let t = 0; t < 20; t++) total += env.step(new Int32Array([t % 2, t % 2])).rewards[0];
 * console.log(total); // 20: alternating pushes keep the pole up
 * ```
 */
export class CartPole implements VecEnv {
  /** `cartpole`. */
  readonly name = "cartpole";
  /** [x, ẋ, θ, θ̇]. */
  readonly obsSize = 4;
  /** Push left (0) or right (1). */
  readonly actionSpace: ActionSpace = { kind: "discrete", n: 2 };
  /** Time limit (default 500). */
  readonly maxEpisodeSteps: number;
  /** Environments since the last reset (0 before). */
  numEnvs = 0;
  #x = new Float64Array(0);
  #xDot = new Float64Array(0);
  #theta = new Float64Array(0);
  #thetaDot = new Float64Array(0);
  #t = new Int32Array(0);
  #rng = new Rng(0);
  #out!: VecEnvStep & { truncations: Uint8Array };

  /** `maxEpisodeSteps` overrides the time limit of 500 steps. */
  constructor(options: { maxEpisodeSteps?: number } = {}) {
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? CARTPOLE.maxEpisodeSteps;
  }

  /** Samples `numEnvs` initial states from `seed`; returns the observations [numEnvs · 4]. */
  reset(seed: number, numEnvs: number): Float32Array {
    checkReset(this.name, seed, numEnvs);
    this.numEnvs = numEnvs;
    this.#rng = new Rng(seed);
    this.#x = new Float64Array(numEnvs);
    this.#xDot = new Float64Array(numEnvs);
    this.#theta = new Float64Array(numEnvs);
    this.#thetaDot = new Float64Array(numEnvs);
    this.#t = new Int32Array(numEnvs);
    this.#out = {
      obs: new Float32Array(numEnvs * 4),
      rewards: new Float32Array(numEnvs),
      dones: new Uint8Array(numEnvs),
      truncations: new Uint8Array(numEnvs),
    };
    for (let i = 0; i < numEnvs; i++) this.#resetOne(i);
    this.#writeObs();
    return this.#out.obs.slice();
  }

  #resetOne(i: number): void {
    const u = () => this.#rng.uniform() * 0.1 - 0.05;
    this.#x[i] = u(), this.#xDot[i] = u(), this.#theta[i] = u(), this.#thetaDot[i] = u();
    this.#t[i] = 0;
  }

  #writeObs(): void {
    const obs = this.#out.obs;
    for (let i = 0; i < this.numEnvs; i++) {
      obs[4 * i] = this.#x[i];
      obs[4 * i + 1] = this.#xDot[i];
      obs[4 * i + 2] = this.#theta[i];
      obs[4 * i + 3] = this.#thetaDot[i];
    }
  }

  /** One step of every environment (one action index each); finished ones reset. */
  step(actions: Int32Array | Float32Array): VecEnvStep {
    checkActions(this, actions);
    const c = CARTPOLE, total = c.massCart + c.massPole, poleMassLength = c.massPole * c.length;
    const { rewards, dones, truncations } = this.#out;
    for (let i = 0; i < this.numEnvs; i++) {
      const a = actions[i];
      if (a !== 0 && a !== 1) throw new Error(`CartPole.step: action ${a} for env ${i} is not 0 or 1`);
      const force = a === 1 ? c.forceMag : -c.forceMag;
      const theta = this.#theta[i], thetaDot = this.#thetaDot[i];
      const cos = Math.cos(theta), sin = Math.sin(theta);
      const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / total;
      const thetaAcc = (c.gravity * sin - cos * temp) /
        (c.length * (4 / 3 - (c.massPole * cos * cos) / total));
      const xAcc = temp - (poleMassLength * thetaAcc * cos) / total;
      this.#x[i] += c.tau * this.#xDot[i];
      this.#xDot[i] += c.tau * xAcc;
      this.#theta[i] += c.tau * thetaDot;
      this.#thetaDot[i] += c.tau * thetaAcc;
      this.#t[i]++;
      const x = this.#x[i], th = this.#theta[i];
      const terminated = x < -c.xThreshold || x > c.xThreshold || th < -c.thetaThreshold ||
        th > c.thetaThreshold;
      const truncated = !terminated && this.#t[i] >= this.maxEpisodeSteps;
      rewards[i] = 1;
      dones[i] = terminated || truncated ? 1 : 0;
      truncations[i] = truncated ? 1 : 0;
      if (dones[i]) this.#resetOne(i);
    }
    this.#writeObs();
    return this.#out;
  }
}
