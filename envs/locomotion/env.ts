/**
 * Batched locomotion environments over struct-of-arrays state, with Brax's training wrappers built in:
 * 1000-step episodes with a truncation flag, and auto-reset of a finished environment to its own first
 * sampled state (Brax's AutoResetWrapper does not resample). One physics workspace serves all environments.
 */

import { PhysicsExplodedError } from "./physics/errors.ts";
import { loadMjcf } from "./physics/mjcf.ts";
import { JOINT_FREE, type Model } from "./physics/model.ts";
import { Pipeline } from "./physics/pipeline.ts";
import { ResetRng } from "./rng.ts";

/** Per-environment description (obs layout, reward, termination, reset noise). */
export interface LocomotionSpec {
  /** Environment name (`ant`, `half_cheetah`, `humanoid`). */
  name: string;
  /** The model as MJCF text (envs/locomotion/assets exports the three models' text). */
  mjcf: string;
  /** Physics substeps per env step (Brax's `n_frames`). */
  nFrames: number;
  /** Observation length per environment. */
  obsSize: number;
  /** First q index in the observation (Brax excludes the root x, or x and y). */
  obsQStart: number;
  /** Initial q (defaults to the model's qpos0). */
  initQ?: (m: Model) => Float64Array;
  /** Scale of the reset noise on q (uniform ±resetNoise) and qd (see `qdNoise`). */
  resetNoise: number;
  /** Velocity noise: `scale * N(0,1)` ("normal") or `U(-scale, scale)` ("uniform"). */
  qdNoise: "normal" | "uniform";
  /** Weight of the forward-velocity reward. */
  forwardWeight: number;
  /** Forward progress of the torso link origin or of the whole-body COM. */
  forward: "torso" | "com";
  /** Weight of the control cost |a|². */
  ctrlCostWeight: number;
  /** Reward per step while healthy (0: none). */
  healthyReward: number;
  /** Terminate when the torso z leaves this range (none: never terminate). */
  healthyZ?: [number, number];
  /** Map actions from [-1, 1] onto each actuator's ctrlrange before physics and ctrl cost. */
  rescaleActions: boolean;
  /** Writes extra observation entries (after q and qd) for env `e`; `ctrl` is the applied control. */
  extraObs?: (
    env: LocomotionEnv,
    out: Float32Array,
    offset: number,
    ctrl: ArrayLike<number>,
    co: number,
  ) => void;
}

/** What {@link LocomotionEnv.step} returns (the env's own arrays, overwritten by the next step). */
export interface StepResult {
  /** Next observations [numEnvs · obsSize] (first observation of the new episode where done). */
  obs: Float32Array;
  /** Reward of the step per environment. */
  rewards: Float32Array;
  /** 1 where the episode ended on this step (termination or time limit). */
  dones: Float32Array;
  /** 1 where it ended by the time limit only. */
  truncations: Float32Array;
}

/** Brax's default episode length in env steps. */
export const EPISODE_LENGTH = 1000;

/** Options of {@link LocomotionEnv} and the `make*` functions. */
export interface LocomotionOptions {
  /** Episode time limit in steps (default {@link EPISODE_LENGTH}); shorter limits suit tests and quick runs. */
  episodeLength?: number;
  /** A model to use instead of the spec's MJCF (tests). */
  model?: Model;
}

/**
 * A batch of environments of one locomotion model, with Brax's episode and auto-reset wrappers. Make one
 * with {@link makeAnt}, {@link makeHalfCheetah} or {@link makeHumanoid}; RL code uses the `VecEnv` wrapper
 * {@link LocomotionVecEnv} (or `makeVecEnv("ant")`).
 *
 * @example
 * ```ts
 * import { makeHalfCheetah } from "@diffusing-blame/ed";
 * const env = makeHalfCheetah({ episodeLength: 100 });
 * env.reset(0, 8); // 8 environments from seed 0
 * const actions = new Float32Array(8 * env.actionSize).fill(0.5); // in [−1, 1]
 * const { obs, rewards, dones } = env.step(actions);
 * console.log(env.obsSize, obs.length, rewards[0], dones[0]); // 17 136 ... 0
 * ```
 */
export class LocomotionEnv {
  /** The compiled model. */
  readonly model: Model;
  /** The physics stepping it. */
  readonly pipeline: Pipeline;
  /** Observation length per environment. */
  readonly obsSize: number;
  /** Action length per environment (= actuators). */
  readonly actionSize: number;
  /** Seconds per env step (timestep * nFrames). */
  readonly dt: number;
  /** Environments since the last reset (0 before). */
  numEnvs = 0;
  /** Positions [numEnvs · nq]. */
  q: Float64Array = new Float64Array(0);
  /** Velocities [numEnvs · nv]. */
  qd: Float64Array = new Float64Array(0);
  /** First sampled state per env (auto-reset target). */
  q0: Float64Array = new Float64Array(0);
  /** First sampled velocities per env (auto-reset target). */
  qd0: Float64Array = new Float64Array(0);
  /** Current observations [numEnvs · obsSize]. */
  obs: Float32Array = new Float32Array(0);
  /** First observations per env (auto-reset target). */
  obs0: Float32Array = new Float32Array(0);
  /** Rewards of the last step. */
  rewards: Float32Array = new Float32Array(0);
  /** Episode ends of the last step. */
  dones: Float32Array = new Float32Array(0);
  /** Time-limit ends of the last step. */
  truncations: Float32Array = new Float32Array(0);
  /** Steps taken in the current episode per env. */
  steps: Int32Array = new Int32Array(0);
  /** Total env steps since reset (for error reports). */
  totalSteps = 0;
  private ctrl = new Float64Array(0);
  private prevX = new Float64Array(0);
  private readonly initQ: Float64Array;
  private readonly zeroCtrl: Float64Array;
  /**
   * qpos address of the torso's free joint when link 0 has exactly that joint (its frame origin is then
   * q[a..a+3] and torso-based observations need no kinematics pass), else -1.
   */
  private readonly torsoFreeQ: number;

  /** Steps after which an episode ends by truncation (Brax's `episode_length`). */
  readonly episodeLength: number;

  /** Compiles the spec's model (or uses `options.model`); call {@link reset} before stepping. */
  constructor(
    /** What the environment observes and rewards. */
    readonly spec: LocomotionSpec,
    options: LocomotionOptions = {},
  ) {
    const limit = options.episodeLength ?? EPISODE_LENGTH;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`${spec.name}: episodeLength must be a positive integer, got ${limit}`);
    }
    this.episodeLength = limit;
    this.model = options.model ?? loadMjcf(spec.mjcf);
    this.pipeline = new Pipeline(this.model);
    this.obsSize = spec.obsSize;
    this.actionSize = this.model.nu;
    this.dt = this.model.timestep * spec.nFrames;
    this.initQ = spec.initQ ? spec.initQ(this.model) : Float64Array.from(this.model.qpos0);
    this.zeroCtrl = new Float64Array(this.model.nu);
    const m = this.model;
    const j0 = m.bodyJntAdr[0];
    this.torsoFreeQ =
      m.nbody > 0 && m.bodyParent[0] < 0 && m.bodyJntNum[0] === 1 && m.jntType[j0] === JOINT_FREE
        ? m.jntQposAdr[j0]
        : -1;
  }

  /** Samples `numEnvs` initial states from `seed` and returns their observations. */
  reset(seed: number, numEnvs: number): Float32Array {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new Error(`numEnvs must be a positive integer: ${numEnvs}`);
    }
    const m = this.model, s = this.spec;
    const { nq, nv, nu } = m;
    this.numEnvs = numEnvs;
    this.q = new Float64Array(numEnvs * nq);
    this.qd = new Float64Array(numEnvs * nv);
    this.obs = new Float32Array(numEnvs * this.obsSize);
    this.rewards = new Float32Array(numEnvs);
    this.dones = new Float32Array(numEnvs);
    this.truncations = new Float32Array(numEnvs);
    this.steps = new Int32Array(numEnvs);
    this.ctrl = new Float64Array(numEnvs * nu);
    this.prevX = new Float64Array(numEnvs);
    this.totalSteps = 0;
    this.pipeline.clearWarmStart();
    const rng = new ResetRng(seed);
    const noise = s.resetNoise;
    for (let e = 0; e < numEnvs; e++) {
      for (let i = 0; i < nq; i++) this.q[e * nq + i] = this.initQ[i] + noise * (2 * rng.uniform() - 1);
      for (let i = 0; i < nv; i++) {
        this.qd[e * nv + i] = s.qdNoise === "normal" ? noise * rng.normal() : noise * (2 * rng.uniform() - 1);
      }
      this.observe(e, this.zeroCtrl, 0);
    }
    this.q0 = this.q.slice();
    this.qd0 = this.qd.slice();
    this.obs0 = this.obs.slice();
    return this.obs;
  }

  /** Steps every env with `actions` (numEnvs * actionSize, in [-1, 1]); finished envs auto-reset. */
  step(actions: Float32Array | Float64Array): StepResult {
    const m = this.model, s = this.spec, n = this.numEnvs, nu = m.nu;
    if (n === 0) throw new Error("call reset(seed, numEnvs) before step()");
    if (actions.length !== n * nu) {
      throw new Error(`actions has length ${actions.length}, expected numEnvs*actionSize = ${n * nu}`);
    }
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (!Number.isFinite(a)) {
        throw new Error(`non-finite action ${a} at env ${Math.floor(i / nu)}, index ${i % nu}`);
      }
    }
    const ctrl = this.ctrl;
    if (s.rescaleActions) {
      for (let e = 0; e < n; e++) {
        for (let a = 0; a < nu; a++) {
          const lo = m.actCtrlRange[a * 2], hi = m.actCtrlRange[a * 2 + 1];
          ctrl[e * nu + a] = (actions[e * nu + a] + 1) * (hi - lo) * 0.5 + lo;
        }
      }
    } else {
      for (let i = 0; i < n * nu; i++) ctrl[i] = actions[i];
    }
    const { nq, nv } = m;
    const obsSize = this.obsSize;
    for (let e = 0; e < n; e++) {
      const x0 = this.prevX[e];
      if (!this.pipeline.stepEnv(this.q, this.qd, ctrl, e, s.nFrames)) {
        throw new PhysicsExplodedError(
          "simulation state became non-finite or exceeded |qd| > 1e6",
          e,
          this.steps[e] + 1,
        );
      }
      const torsoZ = this.observe(e, ctrl, e * nu);
      let cost = 0;
      for (let a = 0; a < nu; a++) cost += ctrl[e * nu + a] * ctrl[e * nu + a];
      const vx = (this.prevX[e] - x0) / this.dt;
      let done = 0;
      if (s.healthyZ && (torsoZ < s.healthyZ[0] || torsoZ > s.healthyZ[1])) done = 1;
      this.rewards[e] = s.forwardWeight * vx + s.healthyReward - s.ctrlCostWeight * cost;
      const steps = ++this.steps[e];
      let trunc = 0;
      if (steps >= this.episodeLength) {
        trunc = 1 - done;
        done = 1;
      }
      this.dones[e] = done;
      this.truncations[e] = trunc;
      if (done) {
        // Auto-reset to this env's first sampled state.
        for (let i = 0; i < nq; i++) this.q[e * nq + i] = this.q0[e * nq + i];
        for (let i = 0; i < nv; i++) this.qd[e * nv + i] = this.qd0[e * nv + i];
        for (let i = 0; i < obsSize; i++) this.obs[e * obsSize + i] = this.obs0[e * obsSize + i];
        this.prevX[e] = this.forwardX(e);
        this.steps[e] = 0;
        this.pipeline.clearWarmStart(e);
      }
    }
    this.totalSteps++;
    return { obs: this.obs, rewards: this.rewards, dones: this.dones, truncations: this.truncations };
  }

  /** x coordinate used by the forward reward for env e (runs kinematics on its state). */
  private forwardX(e: number): number {
    const ws = this.pipeline.ws;
    if (this.spec.forward === "torso" && this.torsoFreeQ >= 0) {
      return this.q[e * this.model.nq + this.torsoFreeQ];
    }
    if (this.spec.forward === "com") {
      this.pipeline.dynamicsOf(this.q, this.qd, e);
      return ws.rootCom[0];
    }
    this.pipeline.kinematicsOf(this.q, this.qd, e);
    return ws.xpos[0];
  }

  /** Writes env e's observation, updates prevX and returns the torso z. */
  private observe(e: number, ctrl: ArrayLike<number>, co: number): number {
    const m = this.model, s = this.spec;
    const ws = this.pipeline.ws;
    let torsoZ: number;
    if (s.extraObs || s.forward === "com") {
      this.pipeline.dynamicsOf(this.q, this.qd, e);
      this.prevX[e] = s.forward === "com" ? ws.rootCom[0] : ws.xpos[0];
      torsoZ = ws.xpos[2];
    } else if (this.torsoFreeQ >= 0) {
      const a = e * m.nq + this.torsoFreeQ;
      this.prevX[e] = this.q[a];
      torsoZ = this.q[a + 2];
    } else {
      this.pipeline.kinematicsOf(this.q, this.qd, e);
      this.prevX[e] = ws.xpos[0];
      torsoZ = ws.xpos[2];
    }
    const out = this.obs;
    let o = e * this.obsSize;
    for (let i = s.obsQStart; i < m.nq; i++) out[o++] = this.q[e * m.nq + i];
    for (let i = 0; i < m.nv; i++) out[o++] = this.qd[e * m.nv + i];
    if (s.extraObs) s.extraObs(this, out, o, ctrl, co);
    return torsoZ;
  }
}
