/**
 * OpenAI-ES (Salimans et al. 2017) over the parameters of the same policy networks PPO uses: antithetic
 * perturbations θ ± σε_i (i = 1..P), one episode per perturbed policy, all 2P policies stepped together in
 * one vectorised environment of 2P copies; fitness shaping by centered ranks (or raw returns); the gradient
 * estimate g = 1/(Pσ) Σ_i (w⁺_i − w⁻_i) ε_i − l2·θ is handed to the library's Adam as the descent direction
 * −g (with the Dale clamp at 0 when the net is dual-stream).
 *
 * The 2P different networks cannot share one matrix product, so their forward passes run on the host over a
 * flat parameter vector (the backend has no batched-matmul kernel yet); parameters are read from the
 * network once per iteration and the update is one optimizer step on the backend.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { activate } from "../backend/activation.ts";
import * as ops from "../ops.ts";
import { readAll } from "../tensor.ts";
import { fillNormal, Rng } from "../random.ts";
import type { Grad } from "../nn/layer.ts";
import { type ActionSpace, EpisodeFlagCounter, policyOutputs, type VecEnv } from "./vec_env.ts";
import type { Actor, IterationMetrics, Learner } from "./learner.ts";
import { actorNoiseSeed, evaluateActor } from "./learner.ts";
import { loadCheckpoint, saveCheckpoint } from "../io/checkpoint.ts";
import { RunningNormalizer } from "./normalizer.ts";
import { type NetOptions, RlNet, strategyFor } from "./nets.ts";
import { softplus } from "./distributions.ts";
import { RMS_NORM_EPS } from "../nn/rms_norm.ts";

/** OpenAI-ES settings (Brax's `es.train` names in parentheses); per-env defaults: {@link esDefaults}. */
export interface EsOptions {
  /** Number of antithetic pairs P (2P episodes per iteration). */
  populationSize: number;
  /** Perturbation std σ of θ ± σε (Brax's `perturbation_std`, default 0.1). */
  sigma: number;
  /** Adam learning rate of the ascent on the ES gradient estimate. */
  learningRate: number;
  /** l2 coefficient subtracted from the ES gradient (Salimans et al.'s weight decay). */
  weightDecay: number;
  /** Weights of the 2P returns: centered ranks in [−0.5, 0.5] ({@link centeredRanks}) or the raw returns. */
  fitnessShaping: "centered-rank" | "raw";
  /** Running observation statistics, updated with every observation of the fitness episodes. */
  normalizeObservations: boolean;
  /** Sample actions from the policy (Brax ES) instead of taking the mode. */
  stochasticActions: boolean;
  /** Dual-stream Dalean policy (clamped at 0) instead of a single-stream MLP. */
  dualStream: boolean;
  /** The policy net (outputs: distribution parameters, as PPO's policy). */
  policy: NetOptions;
}

/** `episodeReturn` is the mean return over the 2P perturbed policies of the iteration. */
export interface EsIterationMetrics extends IterationMetrics {
  /** Best return among the 2P perturbed policies of the iteration. */
  maxReturn: number;
  /** Norm of the ES gradient estimate. */
  gradNorm: number;
  /**
   * Fraction of the policy's weight-matrix entries exactly 0 after the update (held there by the Dale clamp
   * when `dualStream`).
   */
  zeroFraction: number;
}

/** Shapes of the layers in parameter order, enough to run the net on a flat vector. */
interface HostLayer {
  dual: boolean;
  inputs: number;
  units: number;
  act: Parameters<typeof activate>[0];
  /** RMS-normalise the pre-activations (both streams together) before the activation. */
  rmsNorm: boolean;
  /** Offsets of the parameters in the flat vector, in `params` order. */
  offsets: number[];
}

/** Z / sqrt(mean(Z²) + ε) over every unit of `parts` together, in place (lib/nn/rms_norm.ts, K = Σ sizes). */
function rmsNormalize(parts: Float32Array[]): void {
  let sum = 0, count = 0;
  for (const z of parts) {
    for (let j = 0; j < z.length; j++) sum += z[j] * z[j];
    count += z.length;
  }
  const inv = 1 / Math.sqrt(sum / count + RMS_NORM_EPS);
  for (const z of parts) for (let j = 0; j < z.length; j++) z[j] *= inv;
}

/** Centered ranks in [−0.5, 0.5] (ties broken by index). */
export function centeredRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length, order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const out = new Float64Array(n);
  order.forEach((idx, rank) => (out[idx] = n > 1 ? rank / (n - 1) - 0.5 : 0));
  return out;
}

/**
 * OpenAI-ES over a policy net (module doc: antithetic pairs, fitness shaping, Adam). Each iteration runs
 * 2·populationSize episodes of `env`, one per perturbed policy, reset with a seed from the learner's RNG.
 *
 * @example Three ES iterations on CartPole with 4 antithetic pairs
 * ```ts
 * import { createBackend, EsLearner, esDefaults, makeVecEnv } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const defaults = esDefaults("cartpole");
 * const options = { ...defaults, populationSize: 4, policy: { ...defaults.policy, hidden: [8] } };
 * const es = new EsLearner(backend, makeVecEnv("cartpole"), options, 0);
 * for (let i = 0; i < 3; i++) {
 *   const m = await es.iteration(); // 8 episodes
 *   console.log(m.episodeReturn, m.maxReturn, m.gradNorm); // mean and best of the 8, ‖g‖
 * }
 * console.log(await es.evaluate(makeVecEnv("cartpole"), 4, 1, true)); // the unperturbed policy's mode
 * es.dispose();
 * ```
 */
export class EsLearner implements Learner<EsIterationMetrics> {
  /** The policy net whose parameters θ are perturbed; Adam updates it once per iteration. */
  readonly net: RlNet;
  /** Running observation statistics (the identity when `normalizeObservations` is off). */
  readonly normalizer: RunningNormalizer;
  /** Length K of the flat parameter vector θ (every weight and bias of the net). */
  readonly numParams: number;
  readonly #layers: HostLayer[];
  readonly #rng: Rng;
  #theta: Float32Array | null = null;
  #iteration = 0;
  #envSteps = 0;
  #counter = 0;
  readonly #flags: EpisodeFlagCounter;

  /**
   * Builds the policy on `backend` (dual-stream with the Dale clamp when `options.dualStream`, else a
   * single-stream MLP) seeded by `seed`, which also seeds the perturbations and the episodes' resets.
   */
  constructor(
    readonly backend: Backend,
    readonly env: VecEnv,
    readonly options: EsOptions,
    readonly seed: number,
  ) {
    const strategy = strategyFor(options.dualStream ? "ed-ppo" : "bp-ppo");
    this.net = new RlNet(backend, strategy, env.obsSize, policyOutputs(env.actionSpace), options.policy, {
      lr: options.learningRate,
    }, seed);
    let offset = 0;
    this.#layers = this.net.net.layers.map((layer) => {
      const w = layer.params[0].value;
      const offsets = layer.params.map((p) => {
        const o = offset;
        offset += p.value.size;
        return o;
      });
      return {
        dual: layer.dualStream,
        inputs: w.shape[0],
        units: w.shape[1],
        act: layer.activation,
        rmsNorm: layer.rmsNorm,
        offsets,
      };
    });
    this.numParams = offset;
    this.normalizer = new RunningNormalizer(env.obsSize, options.normalizeObservations);
    this.#rng = new Rng((seed ^ 0xe5) >>> 0);
    this.#flags = new EpisodeFlagCounter(env);
  }

  /** The current parameters as one flat host vector (read from the backend once per update). */
  async parameters(): Promise<Float32Array> {
    if (this.#theta) return this.#theta;
    const values = await readAll(this.net.params.map((p) => p.value));
    const theta = new Float32Array(this.numParams);
    let o = 0;
    for (const v of values) theta.set(v, o), o += v.length;
    return this.#theta = theta;
  }

  /** Host forward of member m's parameters (row m of `thetas`) on one observation. */
  forward(thetas: Float32Array, m: number, x: Float32Array, out: Float32Array): void {
    const base = m * this.numParams;
    let p: Float32Array = x, n: Float32Array = x;
    for (let l = 0; l < this.#layers.length; l++) {
      const L = this.#layers[l], last = l === this.#layers.length - 1;
      if (!L.dual) {
        const w = base + L.offsets[0], b = base + L.offsets[1], z = new Float32Array(L.units);
        for (let j = 0; j < L.units; j++) z[j] = thetas[b + j];
        for (let i = 0; i < L.inputs; i++) {
          const a = p[i], row = w + i * L.units;
          if (a !== 0) { for (let j = 0; j < L.units; j++) z[j] += a * thetas[row + j]; }
        }
        if (L.rmsNorm) rmsNormalize([z]);
        for (let j = 0; j < L.units; j++) z[j] = activate(L.act, z[j]);
        p = n = z;
      } else {
        const [wpp, wnp, wnn, wpn, bp, bn] = L.offsets.map((o) => base + o);
        const zp = new Float32Array(L.units), zn = new Float32Array(L.units);
        for (let j = 0; j < L.units; j++) zp[j] = thetas[bp + j], zn[j] = thetas[bn + j];
        for (let i = 0; i < L.inputs; i++) {
          const ap = p[i], an = n[i], r = i * L.units;
          for (let j = 0; j < L.units; j++) {
            zp[j] += ap * thetas[wpp + r + j] - an * thetas[wnp + r + j];
            zn[j] += an * thetas[wnn + r + j] - ap * thetas[wpn + r + j];
          }
        }
        if (L.rmsNorm) rmsNormalize([zp, zn]);
        for (let j = 0; j < L.units; j++) zp[j] = activate(L.act, zp[j]), zn[j] = activate(L.act, zn[j]);
        p = zp, n = zn;
      }
      if (last) {
        for (let j = 0; j < L.units; j++) out[j] = L.dual ? p[j] - n[j] : p[j];
      }
    }
  }

  /**
   * Writes member m's action for output `o` into `actions` (index or tanh-squashed vector): a sample drawn
   * from `rng`, or the mode when `rng` is null.
   */
  #act(
    space: ActionSpace,
    o: Float32Array,
    m: number,
    actions: Int32Array | Float32Array,
    rng: Rng | null,
  ): void {
    if (space.kind === "discrete") {
      let best = 0;
      if (rng) {
        let max = -Infinity;
        for (let j = 0; j < space.n; j++) max = Math.max(max, o[j]);
        let total = 0;
        for (let j = 0; j < space.n; j++) total += Math.exp(o[j] - max);
        let r = rng.uniform() * total;
        best = space.n - 1;
        for (let j = 0; j < space.n; j++) {
          r -= Math.exp(o[j] - max);
          if (r < 0) {
            best = j;
            break;
          }
        }
      } else {
        for (let j = 1; j < space.n; j++) if (o[j] > o[best]) best = j;
      }
      actions[m] = best;
    } else {
      const d = space.size;
      for (let j = 0; j < d; j++) {
        const loc = o[j];
        const u = rng ? loc + (softplus(o[d + j]) + 0.001) * rng.normal() : loc;
        actions[m * d + j] = Math.tanh(u);
      }
    }
  }

  /**
   * One episode per member (rows of `thetas`) in `env`, sampling actions from `rng` (null: the mode); returns
   * the undiscounted returns. With `observe`, the observations seen update the normaliser afterwards.
   */
  rollout(
    env: VecEnv,
    thetas: Float32Array,
    members: number,
    seed: number,
    rng: Rng | null,
    observe: boolean,
  ): Float64Array {
    const D = env.obsSize, C = policyOutputs(env.actionSpace);
    let obs = env.reset(seed, members);
    const returns = new Float64Array(members), done = new Uint8Array(members);
    const actions = env.actionSpace.kind === "discrete"
      ? new Int32Array(members)
      : new Float32Array(members * env.actionSpace.size);
    const normed = new Float32Array(obs.length), out = new Float32Array(C), seen: Float32Array[] = [];
    const flags = observe ? this.#flags : null;
    let alive = members;
    for (let t = 0; t < env.maxEpisodeSteps && alive > 0; t++) {
      this.normalizer.apply(obs, normed);
      if (observe) {
        const rows: number[] = [];
        for (let m = 0; m < members; m++) if (!done[m]) rows.push(m);
        const active = new Float32Array(rows.length * D);
        rows.forEach((m, r) => active.set(obs.subarray(m * D, (m + 1) * D), r * D));
        seen.push(active);
      }
      for (let m = 0; m < members; m++) {
        if (done[m]) continue;
        this.forward(thetas, m, normed.subarray(m * D, (m + 1) * D), out);
        this.#act(env.actionSpace, out, m, actions, rng);
      }
      const step = env.step(actions);
      for (let m = 0; m < members; m++) {
        if (done[m]) continue;
        returns[m] += step.rewards[m];
        if (observe) this.#envSteps++;
        if (step.dones[m]) done[m] = 1, alive--, flags?.recordOne(m);
      }
      obs = step.obs;
    }
    for (const batch of seen) this.normalizer.update(batch);
    return returns;
  }

  async iteration(): Promise<EsIterationMetrics> {
    const start = performance.now();
    const o = this.options, P = o.populationSize, K = this.numParams;
    const theta = await this.parameters();
    const eps = new Float32Array(P * K);
    fillNormal(eps, (this.seed * 977 + 3) >>> 0, this.#counter);
    this.#counter += Math.ceil((P * K) / 4) * 4;
    const thetas = new Float32Array(2 * P * K);
    for (let i = 0; i < P; i++) {
      for (let k = 0; k < K; k++) {
        const e = o.sigma * eps[i * K + k];
        thetas[2 * i * K + k] = theta[k] + e;
        thetas[(2 * i + 1) * K + k] = theta[k] - e;
      }
    }
    const envSeed = this.#rng.nextU32();
    const returns = this.rollout(
      this.env,
      thetas,
      2 * P,
      envSeed,
      o.stochasticActions ? this.#rng : null,
      true,
    );
    const weights = o.fitnessShaping === "centered-rank"
      ? centeredRanks(returns)
      : Float64Array.from(returns);
    const g = new Float64Array(K);
    for (let i = 0; i < P; i++) {
      const w = weights[2 * i] - weights[2 * i + 1];
      if (w === 0) continue;
      for (let k = 0; k < K; k++) g[k] += w * eps[i * K + k];
    }
    let norm = 0;
    for (let k = 0; k < K; k++) {
      g[k] = g[k] / (P * o.sigma) - o.weightDecay * theta[k];
      norm += g[k] * g[k];
    }
    this.#step(g);
    const next = await this.parameters();
    const params = this.net.params;
    let zeros = 0, count = 0, offset = 0;
    for (const p of params) {
      if (p.value.rank === 2) {
        for (let k = 0; k < p.value.size; k++) if (next[offset + k] === 0) zeros++;
        count += p.value.size;
      }
      offset += p.value.size;
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const flags = this.#flags.take();
    return {
      ...(this.#flags.names.length ? { episodeFlags: flags } : {}),
      iteration: ++this.#iteration,
      envSteps: this.#envSteps,
      episodeReturn: mean,
      maxReturn: Math.max(...returns),
      gradNorm: Math.sqrt(norm),
      zeroFraction: zeros / count,
      seconds: (performance.now() - start) / 1000,
    };
  }

  /** Adam ascent on g: the descent direction handed to the optimizer is −g. */
  #step(g: Float64Array): void {
    let offset = 0;
    const groups = this.net.net.layers.map((layer) => {
      const grads: Grad[] = layer.params.map((p) => {
        const part = new Float32Array(p.value.size);
        for (let k = 0; k < part.length; k++) part[k] = -g[offset + k];
        offset += part.length;
        return { tensor: ops.tensor(this.backend, part, p.value.shape), sign: 1 };
      });
      return { params: layer.params, grads, lrScale: 1 };
    });
    this.net.optimizer.step(groups);
    groups.forEach((x) => x.grads.forEach((g) => g.tensor.dispose()));
    this.#theta = null;
  }

  /**
   * The unperturbed policy acting in `rows` environments (host forward): its mode when `deterministic` or
   * when ES trains on the mode (`stochasticActions: false`), else samples from an RNG of its own.
   */
  actor(rows: number, deterministic: boolean, seed: number): Actor {
    const space = this.env.actionSpace, D = this.env.obsSize, C = policyOutputs(space);
    const rng = deterministic || !this.options.stochasticActions ? null : new Rng(actorNoiseSeed(seed));
    const normed = new Float32Array(rows * D), out = new Float32Array(C);
    return {
      rows,
      act: async (obs: Float32Array) => {
        const theta = await this.parameters();
        const actions = space.kind === "discrete"
          ? new Int32Array(rows)
          : new Float32Array(rows * space.size);
        this.normalizer.apply(obs, normed);
        for (let m = 0; m < rows; m++) {
          this.forward(theta, 0, normed.subarray(m * D, (m + 1) * D), out);
          this.#act(space, out, m, actions, rng);
        }
        return actions;
      },
      dispose: () => {},
    };
  }

  /** Mean return of the unperturbed policy over `episodes` episodes of `env` (see {@link actor}). */
  evaluate(env: VecEnv, episodes: number, seed: number, deterministic: boolean): Promise<number> {
    return evaluateActor(this.actor(episodes, deterministic, seed), env, seed);
  }

  get obsSize(): number {
    return this.env.obsSize;
  }

  /** The training environment's action space. */
  get actionSpace(): ActionSpace {
    return this.env.actionSpace;
  }

  describe(m: EsIterationMetrics): string {
    return `max ${m.maxReturn.toFixed(1)} zero ${m.zeroFraction.toFixed(3)}`;
  }

  async save(path: string): Promise<void> {
    await saveCheckpoint(path, this.net.checkpointTensors("policy."), {
      learner: "es",
      iteration: String(this.#iteration),
      envSteps: String(this.#envSteps),
      noiseCounter: String(this.#counter),
      rng: JSON.stringify(this.#rng.position),
      policySteps: String(this.net.optimizer.steps),
      normalizer: JSON.stringify(this.normalizer.state),
    });
  }

  async load(path: string): Promise<void> {
    const m = await loadCheckpoint(path, this.net.checkpointTensors("policy."));
    if (m.learner !== "es") throw new Error(`${path}: holds a ${m.algo ?? m.learner} learner, not es`);
    this.#iteration = Number(m.iteration);
    this.#envSteps = Number(m.envSteps);
    this.#counter = Number(m.noiseCounter);
    this.#rng.seek(JSON.parse(m.rng));
    this.net.optimizer.steps = Number(m.policySteps);
    this.normalizer.restore(JSON.parse(m.normalizer));
    this.#theta = null;
  }

  get iterations(): number {
    return this.#iteration;
  }

  /** Releases the policy net and its optimizer state. */
  dispose(): void {
    this.net.dispose();
  }
}
