/**
 * PPO (Schulman et al. 2017) with the learning rule as a strategy: BP-PPO, DFA-PPO, ED-PPO (Dalean) and
 * ED-PPO non-Dalean differ only in how the policy's and the value net's output errors reach their hidden
 * layers (see ./nets.ts). Policy and value are separate nets with separate Adam optimizers.
 *
 * The loop follows Brax's `ppo.train` and `compute_ppo_loss` (brax/training/agents/ppo/{train,losses}.py):
 *
 *   rollout:   U = batchSize·numMinibatches/numEnvs sequential unrolls of `unrollLength` (T) steps in each of
 *              `numEnvs` environments, S = batchSize·numMinibatches trajectories of T steps; the environments
 *              continue across unrolls and iterations. Actions come from the policy with the observation
 *              statistics of the previous iterations.
 *   normalise: the running observation statistics absorb the S·T observations *before* the update, and
 *              the update normalises with the new statistics (so the first ratio is not exactly 1).
 *   update:    `updateEpochs` epochs, each a fresh shuffle of the S trajectories into `numMinibatches`
 *              minibatches of `batchSize` trajectories. Per minibatch, with `recomputeAdvantages` (Brax):
 *              the value net's current parameters give V over the T steps and V(s_T) of every trajectory,
 *              GAE (./gae.ts) turns them into advantages and value targets, the advantages are normalised
 *              over the minibatch's unmasked (not truncated) steps, then one step of each net. Without
 *              `recomputeAdvantages` (CleanRL, PureJaxRL): V and GAE once per iteration with the
 *              parameters before the update, and minibatches of batchSize·T single steps.
 *              On a GPU the per-minibatch GAE runs on the device (`ops.gae`, `advantagesOn`), so an
 *              iteration reads back twice: the parameters for the rollout's host actor and the metrics.
 *   per step:  the PPO output error S = −∂ℓ/∂(policy outputs) (./ppo_loss.ts), the value error
 *              vf·(target − V)·mask, rule drives, Adam (+ Dale clamp); loss sums accumulate on the device
 *              and are read once per iteration.
 *
 * Where this differs from Brax: Brax normalises advantages over every row of the minibatch, truncated rows
 * (advantage 0 before normalisation) included, and those rows then enter the policy loss with a nonzero
 * normalised advantage; here they are left out of the statistics and carry no policy gradient. Truncations
 * are one step in 1,000 on locomotion, so the two agree closely.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { readAll, Scope, type Tensor } from "../tensor.ts";
import { Rng } from "../random.ts";
import type { ActionSpace, VecEnv } from "./vec_env.ts";
import { EpisodeFlagCounter, EpisodeTracker, policyOutputs } from "./vec_env.ts";
import { type ActionDistribution, makeDistribution } from "./distributions.ts";
import { ppoLoss } from "./ppo_loss.ts";
import { actsOnHost, HostPolicy } from "./host_policy.ts";
import {
  deviceTargets,
  hostTargets,
  minibatchRows,
  type Rollout,
  type Rows,
  type Targets,
  uploadTargets,
} from "./ppo_targets.ts";
import { RunningNormalizer } from "./normalizer.ts";
import { RlNet, strategyFor } from "./nets.ts";
import type { Actor, Learner } from "./learner.ts";
import { type PpoIterationMetrics, type PpoOptions, ppoShapeProblem } from "./ppo_options.ts";

export * from "./ppo_options.ts";
import { actorNoiseSeed, evaluateActor, resumeSeed } from "./learner.ts";
import { loadCheckpoint, saveCheckpoint } from "../io/checkpoint.ts";

/** Summed loss terms of an update, as [1] tensors. */
type Sums = Record<"policyLoss" | "valueLoss" | "entropy" | "approxKl" | "clip", Tensor>;

/** An iteration's batch on the device and the running loss sums. */
interface UpdateBatch {
  /** Normalised observations [S·(T + 1), D]. */
  obs: Tensor;
  /** Stored actions [S·T, 1 or d]. */
  actions: Tensor;
  /** Behaviour log-probabilities [S·T, 1]. */
  logp: Tensor;
  /** Scaled rewards, done and truncation flags (0/1) [S·T, 1], for GAE on the device. */
  rewards: Tensor;
  dones: Tensor;
  truncations: Tensor;
  sums: Sums;
  dispose(): void;
}

/**
 * PPO whose policy and value nets learn by the rule `options.algo` names (module doc: Brax's loop). It owns
 * `options.numEnvs` copies of `env`, reset with `seed`, and keeps them running across iterations.
 *
 * @example Two iterations of ED-PPO on CartPole at a tiny size
 * ```ts
 * import { createBackend, makeVecEnv, PpoLearner, ppoDefaults } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const defaults = ppoDefaults("cartpole", "ed-ppo");
 * const options = {
 *   ...defaults,
 *   numEnvs: 4, unrollLength: 16, batchSize: 2, numMinibatches: 2, // 4 trajectories of 16 steps
 *   policy: { ...defaults.policy, hidden: [16, 16] },
 *   value: { ...defaults.value, hidden: [16, 16] },
 * };
 * const learner = new PpoLearner(backend, makeVecEnv("cartpole"), options, 0);
 * for (let i = 0; i < 2; i++) {
 *   const m = await learner.iteration();
 *   console.log(m.envSteps, m.episodeReturn); // 64 then 128; NaN until an episode has ended
 *   console.log(m.policyNegativeFraction, learner.describe(m)); // 0: the Dale clamp; losses, KL, zeros
 * }
 * learner.dispose();
 * ```
 */
export class PpoLearner implements Learner<PpoIterationMetrics> {
  /** The policy net: observations in, action-distribution parameters out. */
  readonly policy: RlNet;
  /** The value net: observations in, V(s) out. */
  readonly value: RlNet;
  /** The action distribution over the policy's outputs (categorical or tanh-normal, per the action space). */
  readonly dist: ActionDistribution;
  /** Running observation statistics (identity when `normalizeObservations` is off); saved in checkpoints. */
  readonly normalizer: RunningNormalizer;
  /** Training episodes' returns and lengths (`episodeReturn` is its mean over the last 20). */
  readonly tracker: EpisodeTracker;
  /** Success rates of the environment's episode flags (Craftax's achievements), per iteration. */
  readonly flags: EpisodeFlagCounter;
  readonly #rng: Rng;
  readonly #noiseSeed: number;
  #counter = 0;
  #obs: Float32Array;
  /** The policy's cpu copy the rollout acts with, when the learner's backend is a GPU (see `actor`). */
  readonly #host: HostPolicy | null;
  /** Per-minibatch GAE on the learner's backend (`advantagesOn`), so a GPU update reads nothing back. */
  readonly #gaeOnDevice: boolean;
  #iteration = 0;
  #envSteps = 0;

  /**
   * Builds both nets on `backend` (policy seeded by `seed`, value by seed + 7919), the policy's cpu copy when
   * the rollout acts on the host (`options.actor`), and resets `numEnvs` copies of `env` with `seed`. Throws
   * when batchSize·numMinibatches is not a multiple of numEnvs.
   */
  constructor(
    readonly backend: Backend,
    readonly env: VecEnv,
    readonly options: PpoOptions,
    readonly seed: number,
  ) {
    const o = options;
    const problem = ppoShapeProblem(o);
    if (problem) throw new Error(`PpoLearner: ${problem}`);
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
    this.flags = new EpisodeFlagCounter(env);
    this.#rng = new Rng((seed ^ 0x5eed) >>> 0);
    this.#noiseSeed = (seed * 2654435761 + 12345) >>> 0;
    this.#obs = env.reset(seed, o.numEnvs);
    this.#host = actsOnHost(o.actor ?? "auto", backend)
      ? new HostPolicy(this.policy, o.policy, env.actionSpace)
      : null;
    const gaeAt = o.advantagesOn ?? "auto";
    this.#gaeOnDevice = gaeAt === "device" || (gaeAt === "auto" && backend.name !== "cpu");
    // No statistics from the reset states: Brax starts from the identity (mean 0, std 1) and learns them
    // from the first rollout. Reset states vary far less than visited ones (locomotion reset noise is
    // 0.01-0.1), so statistics from them alone blow the first rollout's inputs up by 10-100×.
  }

  #draw(size: number): number {
    const c = this.#counter;
    this.#counter += Math.ceil(size / 4) * 4;
    return c;
  }

  /** Trajectories per iteration. */
  get trajectories(): number {
    return this.options.batchSize * this.options.numMinibatches;
  }

  /** One rollout + update; returns the iteration's metrics (one metrics read-back). */
  async iteration(): Promise<PpoIterationMetrics> {
    const start = performance.now();
    const o = this.options, T = o.unrollLength, S = this.trajectories;
    const rollout = await this.#rollout();
    // Brax: the statistics take in the batch's observations before the update, which then uses them.
    const seen = new Float32Array(S * T * this.env.obsSize), D = this.env.obsSize;
    for (let s = 0; s < S; s++) {
      seen.set(rollout.obs.subarray(s * (T + 1) * D, (s * (T + 1) + T) * D), s * T * D);
    }
    this.normalizer.update(seen);
    const sums = o.recomputeAdvantages
      ? await this.#updatePerMinibatch(rollout)
      : await this.#updateOnce(rollout);
    const weights = [this.policy.weightStats(), this.value.weightStats()];
    const values = await readAll([
      sums.policyLoss,
      sums.valueLoss,
      sums.entropy,
      sums.approxKl,
      sums.clip,
      weights[0].zero,
      weights[0].negative,
      weights[1].zero,
      weights[1].negative,
    ]);
    Object.values(sums).forEach((t) => t.dispose());
    weights.forEach((w) => (w.zero.dispose(), w.negative.dispose()));
    const samples = o.updateEpochs * T * S;
    this.#envSteps += T * S;
    const episodes = this.tracker.take();
    const flags = this.flags.take();
    return {
      ...(this.flags.names.length ? { episodeFlags: flags } : {}),
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

  /** U sequential unrolls of T steps in every environment (see the module doc). */
  async #rollout(): Promise<Rollout> {
    const o = this.options, N = o.numEnvs, T = o.unrollLength, D = this.env.obsSize, S = this.trajectories;
    const discrete = this.env.actionSpace.kind === "discrete";
    const A = discrete ? 1 : (this.env.actionSpace as { size: number }).size;
    const r: Rollout = {
      obs: new Float32Array(S * (T + 1) * D),
      actions: discrete ? new Int32Array(S * T) : new Float32Array(S * T * A),
      logp: new Float32Array(S * T),
      rewards: new Float32Array(S * T),
      dones: new Uint8Array(S * T),
      truncations: new Uint8Array(S * T),
    };
    const normed = new Float32Array(N * D);
    // One read of the parameters per iteration instead of one read of the actions per env step on a GPU.
    if (this.#host) await this.#host.refresh(this.policy);
    const policy = this.#host?.net ?? this.policy, dist = this.#host?.dist ?? this.dist;
    using obsT = ops.zeros(policy.backend, [N, D]);
    const putObs = (s0: number, t: number) => {
      for (let i = 0; i < N; i++) {
        r.obs.set(this.#obs.subarray(i * D, (i + 1) * D), ((s0 + i) * (T + 1) + t) * D);
      }
    };
    for (let u = 0; u < S / N; u++) {
      const s0 = u * N;
      for (let t = 0; t < T; t++) {
        putObs(s0, t);
        ops.write(obsT, this.normalizer.apply(this.#obs, normed));
        using out = policy.predict(obsT);
        const sample = dist.sample(out, this.#noiseSeed, this.#draw(dist.noiseSize(N)));
        const [stored, envAct, logp] = await readAll([sample.stored, sample.env, sample.logp]);
        sample.stored.dispose(), sample.env.dispose(), sample.logp.dispose();
        const step = this.env.step(envAct as Int32Array | Float32Array);
        for (let i = 0; i < N; i++) {
          const k = (s0 + i) * T + t;
          r.actions.set(stored.subarray(i * A, (i + 1) * A), k * A);
          r.logp[k] = logp[i];
          r.rewards[k] = step.rewards[i] * o.rewardScaling;
          r.dones[k] = step.dones[i];
          r.truncations[k] = step.truncations?.[i] ?? 0;
        }
        this.tracker.record(step.rewards, step.dones);
        this.flags.record(step.dones);
        this.#obs = step.obs.slice();
      }
      putObs(s0, T);
    }
    return r;
  }

  /** Brax: every minibatch recomputes V and GAE with the value net's current parameters. */
  async #updatePerMinibatch(r: Rollout): Promise<Sums> {
    const o = this.options, B = o.batchSize, S = this.trajectories, T = o.unrollLength;
    const update = this.#uploadBatch(r);
    try {
      for (let epoch = 0; epoch < o.updateEpochs; epoch++) {
        const perm = this.#rng.permutation(S);
        for (let mb = 0; mb < o.numMinibatches; mb++) {
          using s = new Scope();
          const trajectories = perm.subarray(mb * B, (mb + 1) * B);
          const rows = minibatchRows(trajectories, T);
          const x = s.t(ops.gather(update.obs, s.t(ops.tensor(this.backend, rows.obs, [B * T])), 0));
          const bootRows = Int32Array.from(trajectories, (j) => j * (T + 1) + T);
          const xBoot = s.t(ops.gather(update.obs, s.t(ops.tensor(this.backend, bootRows, [B])), 0));
          const val = this.value.forward(x);
          s.t(val.out);
          const vBoot = s.t(this.value.predict(xBoot));
          const idx = s.t(ops.tensor(this.backend, rows.step, [B * T]));
          let targets: Targets;
          if (this.#gaeOnDevice) {
            targets = deviceTargets(update, idx, val.out, vBoot, this.options, s);
          } else {
            const [values, bootstrap] = await readAll([val.out, vBoot]);
            const host = hostTargets(
              r,
              rows,
              values as Float32Array,
              bootstrap as Float32Array,
              this.options,
            );
            targets = uploadTargets(this.backend, host, this.options.normalizeAdvantage, s);
          }
          this.#step(update, x, idx, val, targets, s);
        }
      }
      return update.sums;
    } finally {
      update.dispose();
    }
  }

  /** CleanRL / PureJaxRL: V and GAE once, with the parameters before the update; minibatches of single steps. */
  async #updateOnce(r: Rollout): Promise<Sums> {
    const o = this.options, S = this.trajectories, T = o.unrollLength, M = o.batchSize * T;
    const update = this.#uploadBatch(r);
    try {
      const all = Int32Array.from({ length: S }, (_, j) => j);
      const rows = minibatchRows(all, T);
      const bootRows = Int32Array.from(all, (j) => j * (T + 1) + T);
      const [values, bootstrap] = await (async () => {
        using s = new Scope();
        const x = s.t(ops.gather(update.obs, s.t(ops.tensor(this.backend, rows.obs, [S * T])), 0));
        const xBoot = s.t(ops.gather(update.obs, s.t(ops.tensor(this.backend, bootRows, [S])), 0));
        return await readAll([s.t(this.value.predict(x)), s.t(this.value.predict(xBoot))]);
      })();
      const full = hostTargets(r, rows, values as Float32Array, bootstrap as Float32Array, o);
      for (let epoch = 0; epoch < o.updateEpochs; epoch++) {
        const perm = this.#rng.permutation(S * T);
        for (let mb = 0; mb < o.numMinibatches; mb++) {
          using s = new Scope();
          const pick = perm.subarray(mb * M, (mb + 1) * M);
          const mbRows: Rows = {
            obs: Int32Array.from(pick, (k) => rows.obs[k]),
            step: Int32Array.from(pick, (k) => rows.step[k]),
          };
          const targets = uploadTargets(
            this.backend,
            {
              advantages: Float32Array.from(pick, (k) => full.advantages[k]),
              targets: Float32Array.from(pick, (k) => full.targets[k]),
              mask: Float32Array.from(pick, (k) => full.mask[k]),
            },
            o.normalizeAdvantage,
            s,
          );
          const x = s.t(ops.gather(update.obs, s.t(ops.tensor(this.backend, mbRows.obs, [M])), 0));
          const val = this.value.forward(x);
          s.t(val.out);
          const idx = s.t(ops.tensor(this.backend, mbRows.step, [M]));
          this.#step(update, x, idx, val, targets, s);
        }
      }
      return update.sums;
    } finally {
      update.dispose();
    }
  }

  /** The iteration's observations (normalised with the updated statistics), actions and log-probs on the device. */
  #uploadBatch(r: Rollout): UpdateBatch {
    const b = this.backend, D = this.env.obsSize, n = r.logp.length;
    const obs = ops.tensor(b, this.normalizer.apply(r.obs), [r.obs.length / D, D]);
    const actions = ops.tensor(b, r.actions, [n, r.actions.length / n]);
    const logp = ops.tensor(b, r.logp, [n, 1]);
    const rewards = ops.tensor(b, r.rewards, [n, 1]);
    const dones = ops.tensor(b, Float32Array.from(r.dones), [n, 1]);
    const truncations = ops.tensor(b, Float32Array.from(r.truncations), [n, 1]);
    const sums: Sums = {
      policyLoss: ops.zeros(b, [1]),
      valueLoss: ops.zeros(b, [1]),
      entropy: ops.zeros(b, [1]),
      approxKl: ops.zeros(b, [1]),
      clip: ops.zeros(b, [1]),
    };
    const owned = [obs, actions, logp, rewards, dones, truncations];
    return {
      obs,
      actions,
      logp,
      rewards,
      dones,
      truncations,
      sums,
      dispose: () => owned.forEach((t) => t.dispose()),
    };
  }

  /**
   * One SGD step of both nets on a minibatch: x [M, D] its normalised observations, `idx` [M] its indices in
   * the step arrays, `val` the value net's forward on x, `targets` its advantages, value targets and mask.
   */
  #step(
    update: UpdateBatch,
    x: Tensor,
    idx: Tensor,
    val: { caches: ReturnType<RlNet["forward"]>["caches"]; out: Tensor },
    targets: Targets,
    s: Scope,
  ): void {
    const o = this.options, M = idx.shape[0];
    const accumulate = (key: keyof Sums, t: Tensor) => {
      const next = ops.add(update.sums[key], t);
      update.sums[key].dispose();
      t.dispose();
      update.sums[key] = next;
    };
    const actRows = s.t(ops.gather(update.actions, idx, 0));
    const act = this.dist.kind === "categorical" ? s.t(actRows.reshape([M])) : actRows;
    const logpMb = s.t(s.t(ops.gather(update.logp, idx, 0)).reshape([M]));
    const advMb = targets.advantages, maskMb = targets.mask;
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

    const targetMb = targets.targets;
    const err = s.t(ops.mul(s.t(ops.sub(targetMb, val.out)), maskMb));
    const signal = s.t(ops.scale(err, o.vfCoef)); // −∂ℓ/∂V for ℓ = ½·vf·(target − V)²
    this.value.learn(val.caches, signal);
    accumulate("valueLoss", ops.scale(s.t(ops.reduce("sumsq", err, null)), 0.5 * o.vfCoef));
  }

  /**
   * The policy acting in `rows` environments: observations normalised with the current statistics, then the
   * mode or a sample from the actor's own noise stream (its own seed and counter).
   */
  actor(rows: number, deterministic: boolean, seed: number): Actor {
    const noiseSeed = actorNoiseSeed(seed);
    let counter = 0;
    // On a GPU learner the host copy acts (refreshed first), so an episode needs no read per step.
    const ready = this.#host?.refresh(this.policy);
    const policy = this.#host?.net ?? this.policy, dist = this.#host?.dist ?? this.dist;
    const obsT = ops.zeros(policy.backend, [rows, this.env.obsSize]);
    return {
      rows,
      act: async (obs: Float32Array) => {
        await ready;
        ops.write(obsT, this.normalizer.apply(obs));
        using out = policy.predict(obsT);
        if (deterministic) {
          using a = dist.mode(out);
          return await a.read() as Int32Array | Float32Array;
        }
        const sample = dist.sample(out, noiseSeed, counter);
        counter += dist.noiseSize(rows);
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

  /** The training environment's action space. */
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

  /** Releases both nets, their optimizer state, the distribution's tensors and the host copy. */
  dispose(): void {
    this.policy.dispose();
    this.value.dispose();
    this.dist.dispose();
    this.#host?.dispose();
  }
}
