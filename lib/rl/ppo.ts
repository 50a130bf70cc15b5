/**
 * PPO (Schulman et al. 2017) with the learning rule as a strategy: BP-PPO, DFA-PPO, ED-PPO (Dalean) and
 * ED-PPO non-Dalean differ only in how the policy's and the value net's output errors reach their hidden
 * layers (see ./nets.ts). Policy and value are separate nets with separate Adam optimizers.
 *
 * One iteration:
 *   rollout: `unrollLength` steps of `numEnvs` environments (one small read per step: the actions go to
 *            the host environments);
 *   targets: GAE on the host, then the batch is uploaded once;
 *   update:  `updateEpochs` × `numMinibatches` steps, all on the backend: minibatch gather, forward, the
 *            PPO output error S = −∂ℓ/∂(policy outputs), the value error vf·(target − V), rule drives,
 *            Adam (+ Dale clamp); loss sums accumulate on the device and are read once per iteration.
 *
 * Observation normalisation uses the statistics of the previous iterations (updated after each rollout),
 * so the update sees the same inputs as the rollout and the first ratio is exactly 1.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { readAll, Scope, type Tensor } from "../tensor.ts";
import { Rng } from "../random.ts";
import type { ActionSpace, VecEnv } from "./vec_env.ts";
import { EpisodeTracker, policyOutputs } from "./vec_env.ts";
import { type ActionDistribution, makeDistribution } from "./distributions.ts";
import { ppoLoss } from "./ppo_loss.ts";
import { type AdvantageKind, gae } from "./gae.ts";
import { RunningNormalizer } from "./normalizer.ts";
import { type NetOptions, type PpoAlgo, RlNet, strategyFor } from "./nets.ts";
import type { Actor, IterationMetrics, Learner } from "./learner.ts";
import { actorNoiseSeed, evaluateActor, resumeSeed } from "./learner.ts";
import { loadCheckpoint, saveCheckpoint } from "../io/checkpoint.ts";

export interface PpoOptions {
  algo: PpoAlgo;
  numEnvs: number;
  unrollLength: number;
  numMinibatches: number;
  updateEpochs: number;
  learningRate: number;
  /** Value-net learning rate (defaults to `learningRate`). */
  valueLearningRate?: number;
  gamma: number;
  gaeLambda: number;
  advantage: AdvantageKind;
  clip: number;
  entropyCost: number;
  vfCoef: number;
  normalizeAdvantage: boolean;
  normalizeObservations: boolean;
  rewardScaling: number;
  policy: NetOptions;
  value: NetOptions;
}

export interface PpoIterationMetrics extends IterationMetrics {
  /** Episodes completed during this iteration's rollout. */
  episodes: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** Fraction of policy / value weight-matrix entries exactly 0, and below 0. */
  policyZeroFraction: number;
  valueZeroFraction: number;
  policyNegativeFraction: number;
  valueNegativeFraction: number;
}

export class PpoLearner implements Learner<PpoIterationMetrics> {
  readonly policy: RlNet;
  readonly value: RlNet;
  readonly dist: ActionDistribution;
  readonly normalizer: RunningNormalizer;
  readonly tracker: EpisodeTracker;
  readonly #rng: Rng;
  readonly #noiseSeed: number;
  #counter = 0;
  #obs: Float32Array;
  #iteration = 0;
  #envSteps = 0;

  constructor(
    readonly backend: Backend,
    readonly env: VecEnv,
    readonly options: PpoOptions,
    readonly seed: number,
  ) {
    const o = options;
    if ((o.numEnvs * o.unrollLength) % o.numMinibatches !== 0) {
      throw new Error(
        `PpoLearner: batch ${o.numEnvs}·${o.unrollLength} is not divisible into ${o.numMinibatches} minibatches`,
      );
    }
    const strategy = strategyFor(o.algo);
    const outputs = policyOutputs(env.actionSpace);
    this.dist = makeDistribution(backend, env.actionSpace);
    this.policy = new RlNet(backend, strategy, env.obsSize, outputs, o.policy, { lr: o.learningRate }, seed);
    this.value = new RlNet(
      backend,
      strategy,
      env.obsSize,
      1,
      o.value,
      { lr: o.valueLearningRate ?? o.learningRate },
      (seed + 7919) >>> 0,
    );
    this.normalizer = new RunningNormalizer(env.obsSize, o.normalizeObservations);
    this.tracker = new EpisodeTracker(o.numEnvs);
    this.#rng = new Rng((seed ^ 0x5eed) >>> 0);
    this.#noiseSeed = (seed * 2654435761 + 12345) >>> 0;
    this.#obs = env.reset(seed, o.numEnvs);
    // No statistics from the reset states: Brax starts from the identity (mean 0, std 1) and learns them
    // from the first rollout. Reset states vary far less than visited ones (locomotion reset noise is
    // 0.01-0.1), so statistics from them alone blow the first rollout's inputs up by 10-100×.
  }

  #draw(size: number): number {
    const c = this.#counter;
    this.#counter += Math.ceil(size / 4) * 4;
    return c;
  }

  /** One rollout + update; returns the iteration's metrics (one metrics read-back). */
  async iteration(): Promise<PpoIterationMetrics> {
    const start = performance.now();
    const o = this.options, N = o.numEnvs, T = o.unrollLength, D = this.env.obsSize;
    const discrete = this.env.actionSpace.kind === "discrete";
    const actWidth = discrete ? 1 : (this.env.actionSpace as { size: number }).size;
    const obsBuf = new Float32Array(T * N * D);
    const actBuf = discrete ? new Int32Array(T * N) : new Float32Array(T * N * actWidth);
    const logpBuf = new Float32Array(T * N), valueBuf = new Float32Array(T * N);
    const rewardBuf = new Float32Array(T * N),
      doneBuf = new Uint8Array(T * N),
      truncBuf = new Uint8Array(T * N);
    const rawObs = new Float32Array(T * N * D);
    using obsT = ops.zeros(this.backend, [N, D]);

    for (let t = 0; t < T; t++) {
      const normed = obsBuf.subarray(t * N * D, (t + 1) * N * D);
      rawObs.set(this.#obs, t * N * D);
      this.normalizer.apply(this.#obs, normed);
      ops.write(obsT, normed);
      using out = this.policy.predict(obsT);
      const counter = this.#draw(this.dist.noiseSize(N));
      const sample = this.dist.sample(out, this.#noiseSeed, counter);
      using v = this.value.predict(obsT);
      const [stored, envAct, logp, values] = await readAll([sample.stored, sample.env, sample.logp, v]);
      sample.stored.dispose(), sample.env.dispose(), sample.logp.dispose();
      actBuf.set(stored, t * N * actWidth);
      logpBuf.set(logp, t * N);
      valueBuf.set(values, t * N);
      const step = this.env.step(envAct as Int32Array | Float32Array);
      for (let i = 0; i < N; i++) rewardBuf[t * N + i] = step.rewards[i] * o.rewardScaling;
      doneBuf.set(step.dones, t * N);
      if (step.truncations) truncBuf.set(step.truncations, t * N);
      this.tracker.record(step.rewards, step.dones);
      this.#obs = step.obs.slice();
    }
    ops.write(obsT, this.normalizer.apply(this.#obs));
    using bootstrapT = this.value.predict(obsT);
    const bootstrap = await bootstrapT.readF32();
    this.normalizer.update(rawObs);

    const targets = gae({
      steps: T,
      envs: N,
      rewards: rewardBuf,
      values: valueBuf,
      bootstrap,
      dones: doneBuf,
      truncations: truncBuf,
      gamma: o.gamma,
      lambda: o.gaeLambda,
      kind: o.advantage,
    });
    const metrics = this.#update(obsBuf, actBuf, logpBuf, targets.advantages, targets.targets, targets.mask);
    const weights = [this.policy.weightStats(), this.value.weightStats()];
    const values = await readAll([
      metrics.policyLoss,
      metrics.valueLoss,
      metrics.entropy,
      metrics.approxKl,
      metrics.clip,
      weights[0].zero,
      weights[0].negative,
      weights[1].zero,
      weights[1].negative,
    ]);
    Object.values(metrics).forEach((t) => t.dispose());
    weights.forEach((w) => (w.zero.dispose(), w.negative.dispose()));
    const samples = o.updateEpochs * T * N;
    this.#envSteps += T * N;
    const episodes = this.tracker.take();
    return {
      iteration: ++this.#iteration,
      envSteps: this.#envSteps,
      episodeReturn: this.tracker.recentMean(),
      episodes: episodes.returns.length,
      policyLoss: values[0][0] / samples,
      valueLoss: values[1][0] / samples,
      entropy: values[2][0] / samples,
      approxKl: values[3][0] / samples,
      clipFraction: values[4][0] / samples,
      policyZeroFraction: values[5][0] / weights[0].count,
      policyNegativeFraction: values[6][0] / weights[0].count,
      valueZeroFraction: values[7][0] / weights[1].count,
      valueNegativeFraction: values[8][0] / weights[1].count,
      seconds: (performance.now() - start) / 1000,
    };
  }

  /** All SGD epochs on the backend; returns the summed metrics as [1] tensors (no read-back). */
  #update(
    obs: Float32Array,
    actions: Int32Array | Float32Array,
    logpOld: Float32Array,
    advantages: Float32Array,
    targets: Float32Array,
    mask: Float32Array,
  ) {
    const o = this.options, total = logpOld.length, D = this.env.obsSize, M = total / o.numMinibatches;
    const b = this.backend;
    using obsAll = ops.tensor(b, obs, [total, D]);
    using actAll = ops.tensor(b, actions, [total, actions.length / total]);
    using logpAll = ops.tensor(b, logpOld, [total, 1]);
    using advAll = ops.tensor(b, advantages, [total, 1]);
    using targetAll = ops.tensor(b, targets, [total, 1]);
    using maskAll = ops.tensor(b, mask, [total, 1]);
    const sums = {
      policyLoss: ops.zeros(b, [1]),
      valueLoss: ops.zeros(b, [1]),
      entropy: ops.zeros(b, [1]),
      approxKl: ops.zeros(b, [1]),
      clip: ops.zeros(b, [1]),
    };
    const accumulate = (key: keyof typeof sums, x: Tensor) => {
      const next = ops.add(sums[key], x);
      sums[key].dispose();
      x.dispose();
      sums[key] = next;
    };
    for (let epoch = 0; epoch < o.updateEpochs; epoch++) {
      const perm = this.#rng.permutation(total);
      for (let mb = 0; mb < o.numMinibatches; mb++) {
        using s = new Scope();
        const idx = s.t(ops.tensor(b, perm.subarray(mb * M, (mb + 1) * M), [M]));
        const x = s.t(ops.gather(obsAll, idx, 0));
        const actRows = s.t(ops.gather(actAll, idx, 0));
        const act = this.dist.kind === "categorical" ? s.t(actRows.reshape([M])) : actRows;
        const logpMb = s.t(s.t(ops.gather(logpAll, idx, 0)).reshape([M]));
        const maskMb = s.t(ops.gather(maskAll, idx, 0));
        let adv = s.t(ops.gather(advAll, idx, 0));
        if (o.normalizeAdvantage) adv = s.t(ops.mul(normalizeColumn(adv, s), maskMb));
        const advMb = s.t(adv.reshape([M]));
        const noise = this.dist.entropyNoise(M, this.#noiseSeed, this.#draw(M * this.dist.outputs));
        if (noise) s.t(noise);

        const pol = this.policy.forward(x);
        s.t(pol.out);
        const terms = ppoLoss(this.dist, pol.out, { actions: act, logpOld: logpMb, advantages: advMb }, {
          clip: o.clip,
          entropyCost: o.entropyCost,
          noise,
        });
        s.t(terms.signal);
        this.policy.learn(pol.caches, terms.signal);
        accumulate("policyLoss", terms.policyLossSum);
        accumulate("entropy", terms.entropySum);
        accumulate("approxKl", terms.approxKlSum);
        accumulate("clip", terms.clipCount);

        const val = this.value.forward(x);
        s.t(val.out);
        const targetMb = s.t(ops.gather(targetAll, idx, 0));
        const err = s.t(ops.mul(s.t(ops.sub(targetMb, val.out)), maskMb));
        const signal = s.t(ops.scale(err, o.vfCoef)); // −∂ℓ/∂V for ℓ = ½·vf·(target − V)²
        this.value.learn(val.caches, signal);
        accumulate("valueLoss", ops.scale(s.t(ops.reduce("sumsq", err, null)), 0.5 * o.vfCoef));
      }
    }
    return sums;
  }

  /**
   * The policy acting in `rows` environments: observations normalised with the current statistics, then the
   * mode or a sample from the actor's own noise stream (its own seed and counter).
   */
  actor(rows: number, deterministic: boolean, seed: number): Actor {
    const noiseSeed = actorNoiseSeed(seed);
    let counter = 0;
    const obsT = ops.zeros(this.backend, [rows, this.env.obsSize]);
    return {
      rows,
      act: async (obs: Float32Array) => {
        ops.write(obsT, this.normalizer.apply(obs));
        using out = this.policy.predict(obsT);
        if (deterministic) {
          using a = this.dist.mode(out);
          return await a.read() as Int32Array | Float32Array;
        }
        const sample = this.dist.sample(out, noiseSeed, counter);
        counter += this.dist.noiseSize(rows);
        try {
          return await sample.env.read() as Int32Array | Float32Array;
        } finally {
          sample.stored.dispose(), sample.env.dispose(), sample.logp.dispose();
        }
      },
      dispose: () => obsT.dispose(),
    };
  }

  /** Mean return of one episode per env of a fresh env copy (see {@link Learner.evaluate}). */
  evaluate(env: VecEnv, episodes: number, seed: number, deterministic: boolean): Promise<number> {
    return evaluateActor(this.actor(episodes, deterministic, seed), env, seed);
  }

  get obsSize(): number {
    return this.env.obsSize;
  }

  get actionSpace(): ActionSpace {
    return this.env.actionSpace;
  }

  describe(m: PpoIterationMetrics): string {
    return `pl ${m.policyLoss.toFixed(3)} vl ${m.valueLoss.toFixed(3)} ent ${m.entropy.toFixed(3)} ` +
      `kl ${m.approxKl.toFixed(4)} zero ${m.policyZeroFraction.toFixed(3)}/${m.valueZeroFraction.toFixed(3)}`;
  }

  async save(path: string): Promise<void> {
    const tensors = new Map([
      ...this.policy.checkpointTensors("policy."),
      ...this.value.checkpointTensors("value."),
    ]);
    await saveCheckpoint(path, tensors, {
      learner: "ppo",
      algo: this.options.algo,
      iteration: String(this.#iteration),
      envSteps: String(this.#envSteps),
      noiseCounter: String(this.#counter),
      rng: JSON.stringify(this.#rng.position),
      policySteps: String(this.policy.optimizer.steps),
      valueSteps: String(this.value.optimizer.steps),
      normalizer: JSON.stringify(this.normalizer.state),
      recentReturns: JSON.stringify(this.tracker.recent),
    });
  }

  async load(path: string): Promise<void> {
    const tensors = new Map([
      ...this.policy.checkpointTensors("policy."),
      ...this.value.checkpointTensors("value."),
    ]);
    const m = await loadCheckpoint(path, tensors);
    if (m.learner !== "ppo" || m.algo !== this.options.algo) {
      throw new Error(`${path}: holds a ${m.algo ?? m.learner} learner, not ${this.options.algo}`);
    }
    this.#iteration = Number(m.iteration);
    this.#envSteps = Number(m.envSteps);
    this.#counter = Number(m.noiseCounter);
    this.#rng.seek(JSON.parse(m.rng));
    this.policy.optimizer.steps = Number(m.policySteps);
    this.value.optimizer.steps = Number(m.valueSteps);
    this.normalizer.restore(JSON.parse(m.normalizer));
    this.tracker.restart(JSON.parse(m.recentReturns).map(Number));
    this.#obs = this.env.reset(resumeSeed(this.seed, this.#iteration), this.options.numEnvs);
  }

  get iterations(): number {
    return this.#iteration;
  }

  dispose(): void {
    this.policy.dispose();
    this.value.dispose();
    this.dist.dispose();
  }
}

/** (x − mean)/(std + 1e-8) over the rows of a column [M, 1]. */
function normalizeColumn(x: Tensor, s: Scope): Tensor {
  const mean = s.t(ops.mean(x, 0));
  const centered = s.t(ops.sub(x, mean));
  const variance = s.t(ops.scale(s.t(ops.reduce("sumsq", centered, 0)), 1 / x.shape[0]));
  const std = s.t(ops.affine(s.t(ops.unary("sqrt", variance)), 1, 1e-8));
  return s.t(ops.div(centered, std));
}
