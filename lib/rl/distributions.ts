/**
 * Action distributions over the policy network's outputs, evaluated on the backend: sampling, the mode,
 * log-probabilities, and the output error of a score-function loss with per-sample weights g,
 *   S = −∂/∂o_b [−g_b log π(a_b) − c·H_b] = g_b ∂log π(a_b)/∂o_b + c ∂H_b/∂o_b,
 * which is what PPO (lib/rl/ppo_loss.ts) hands to every learning rule (BP transports it, DFA projects it,
 * ED routes it modulo the output dimension).
 *
 * - `Categorical`: logits [B, A]; actions are indices.
 * - `TanhNormal`: Brax's NormalTanhDistribution. Outputs [B, 2d] = (loc, raw scale); scale = softplus(raw)
 *   + 0.001; the pre-tanh sample u ~ N(loc, scale) is stored and the ratio is computed on u; the action
 *   sent to the environment is tanh(u). log π(u) = Σ_j [log N(u_j; loc_j, scale_j) − log(1 − tanh² u_j)],
 *   and the entropy is the Gaussian entropy plus the log-det-Jacobian at a freshly sampled u' (a stochastic
 *   estimate, as in Brax), with its reparameterised gradient.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { Scope, type Tensor } from "../tensor.ts";

/** log √(2π) ≈ 0.919, the constant term of a unit Gaussian's negative log-density. */
export const LOG_SQRT_2PI: number = 0.5 * Math.log(2 * Math.PI);

/** One action per row, drawn by {@link ActionDistribution.sample}; the caller disposes the three tensors. */
export interface Sample {
  /** What the learner stores: i32 action indices [N] (categorical) or pre-tanh u [N, d] (tanh-normal). */
  stored: Tensor;
  /** What the environment receives: i32 indices [N] or tanh(u) [N, d] in (−1, 1). */
  env: Tensor;
  /** log π(stored) [N]. */
  logp: Tensor;
}

/** The output error of a score-function loss and the summed entropy (a [1] tensor). */
export interface ScoreError {
  /** S [B, C]. */
  signal: Tensor;
  /** Σ_b H_b. */
  entropySum: Tensor;
}

/**
 * A policy's action distribution over its network outputs [B, C], evaluated on the backend (see the module
 * doc for the equations); {@link makeDistribution} picks the one for an action space.
 */
export interface ActionDistribution {
  /** `categorical` for discrete actions, `tanh-normal` (Brax's NormalTanhDistribution) for continuous. */
  readonly kind: "categorical" | "tanh-normal";
  /** Network outputs per sample (C). */
  readonly outputs: number;
  /**
   * One action per row of `out` [N, C], drawn from the counter-based stream (`seed`, `counter`); advance the
   * counter by `noiseSize(N)` before the next draw from the same seed.
   */
  sample(out: Tensor, seed: number, counter: number): Sample;
  /** Deterministic action for evaluation (argmax, or tanh(loc)). */
  mode(out: Tensor): Tensor;
  /** log π(actions) [N] under outputs `out` [N, C], for actions as `sample` stores them. */
  logProb(out: Tensor, actions: Tensor): Tensor;
  /** Random draws per sample needed by `sample` (to advance the counter). */
  noiseSize(rows: number): number;
  /**
   * The tanh-normal's entropy-estimate noise ε' ~ N(0, 1) [rows, d] from (`seed`, `counter`); undefined for
   * the categorical, whose entropy is exact.
   */
  entropyNoise(rows: number, seed: number, counter: number): Tensor | undefined;
  /**
   * S = g ⊙ ∂log π(a)/∂o + c·∂H/∂o for per-sample weights g [B, 1] and entropy cost c; `noise` is the
   * tanh-normal entropy noise [B, d] (from `entropyNoise`), ignored by the categorical.
   */
  scoreError(out: Tensor, actions: Tensor, g: Tensor, entropyCost: number, noise?: Tensor): ScoreError;
  /** Releases the distribution's constant tensors. */
  dispose(): void;
}

const ceil4 = (n: number) => Math.ceil(n / 4) * 4;

/** Softmax over `outputs` logits per row; actions are i32 indices (sampled by the Gumbel-max trick). */
export class Categorical implements ActionDistribution {
  /** Always `categorical`. */
  readonly kind = "categorical";
  /** A categorical over `outputs` actions (the policy's logits) on `backend`. */
  constructor(readonly backend: Backend, readonly outputs: number) {}

  noiseSize(rows: number): number {
    return ceil4(rows * this.outputs);
  }

  /** argmax(log p − log(−log u)) with u ~ U(0, 1) per logit: the stored and the sent action are the index. */
  sample(out: Tensor, seed: number, counter: number): Sample {
    using s = new Scope();
    const logp = s.t(ops.logSoftmax(out));
    const u = s.t(ops.random(this.backend, out.shape, "uniform", seed, counter));
    // Gumbel-max: argmax(log p − log(−log u)) is a sample of the categorical.
    const gumbel = s.t(
      ops.unary("neg", s.t(ops.unary("log", s.t(ops.unary("neg", s.t(ops.unary("log", u))))))),
    );
    const index = ops.argmax(s.t(ops.add(logp, gumbel)), 1);
    const picked = s.t(ops.oneHot(index, this.outputs));
    const lp = ops.sum(s.t(ops.mul(picked, logp)), 1);
    return { stored: index, env: index, logp: lp };
  }

  mode(out: Tensor): Tensor {
    return ops.argmax(out, 1);
  }

  /** log softmax(out)[a] per row, for i32 indices `actions` [N]. */
  logProb(out: Tensor, actions: Tensor): Tensor {
    using s = new Scope();
    const logp = s.t(ops.logSoftmax(out));
    const picked = s.t(ops.oneHot(actions, this.outputs));
    return ops.sum(s.t(ops.mul(picked, logp)), 1);
  }

  /** None: the categorical's entropy is exact. */
  entropyNoise(): undefined {
    return undefined;
  }

  /** S = g·(onehot(a) − p) − c·p ⊙ (log p + H). */
  scoreError(out: Tensor, actions: Tensor, g: Tensor, entropyCost: number): ScoreError {
    using s = new Scope();
    const rows = out.shape[0];
    const logp = s.t(ops.logSoftmax(out));
    const p = s.t(ops.unary("exp", logp));
    const picked = s.t(ops.oneHot(actions, this.outputs));
    const negEntropy = s.t(ops.sum(s.t(ops.mul(p, logp)), 1)); // −H [B]
    const policyPart = s.t(ops.mul(g, s.t(ops.sub(picked, p))));
    const shifted = s.t(ops.sub(logp, s.t(negEntropy.reshape([rows, 1])))); // log p + H
    const entropyPart = s.t(ops.scale(s.t(ops.mul(p, shifted)), -entropyCost));
    return {
      signal: ops.add(policyPart, entropyPart),
      entropySum: ops.scale(s.t(ops.sum(negEntropy, null)), -1),
    };
  }

  /** Nothing to release. */
  dispose(): void {}
}

/**
 * Brax's NormalTanhDistribution over `size` continuous actions: outputs (loc, raw) [B, 2·size], scale =
 * softplus(raw) + `minScale`, u ~ N(loc, scale) stored, tanh(u) sent to the environment.
 */
export class TanhNormal implements ActionDistribution {
  /** Always `tanh-normal`. */
  readonly kind = "tanh-normal";
  readonly outputs: number;
  readonly #locIndex: Tensor;
  readonly #rawIndex: Tensor;
  /** Placement matrices [d, 2d] that put loc- and scale-columns back into the output layout. */
  readonly #placeLoc: Tensor;
  readonly #placeRaw: Tensor;

  /** A tanh-normal over `size` action dimensions; `minScale` (Brax: 0.001) keeps every scale positive. */
  constructor(readonly backend: Backend, readonly size: number, readonly minScale = 0.001) {
    const d = size;
    this.outputs = 2 * d;
    this.#locIndex = ops.tensor(backend, Int32Array.from({ length: d }, (_, j) => j), [d]);
    this.#rawIndex = ops.tensor(backend, Int32Array.from({ length: d }, (_, j) => d + j), [d]);
    const place = (offset: number) => {
      const m = new Float32Array(d * 2 * d);
      for (let j = 0; j < d; j++) m[j * 2 * d + offset + j] = 1;
      return ops.tensor(backend, m, [d, 2 * d]);
    };
    this.#placeLoc = place(0);
    this.#placeRaw = place(d);
  }

  noiseSize(rows: number): number {
    return ceil4(rows * this.size);
  }

  /** loc [B, d], raw [B, d] and scale = softplus(raw) + minScale [B, d]. */
  params(out: Tensor, s: Scope): { loc: Tensor; raw: Tensor; scale: Tensor } {
    const loc = s.t(ops.gather(out, this.#locIndex, 1));
    const raw = s.t(ops.gather(out, this.#rawIndex, 1));
    const scale = s.t(ops.affine(s.t(ops.activation({ kind: "softplus" }, raw)), 1, this.minScale));
    return { loc, raw, scale };
  }

  /** log |d tanh(u)/du| = 2(log 2 − u − softplus(−2u)), elementwise. */
  static logJacobian(u: Tensor, s: Scope): Tensor {
    const sp = s.t(ops.activation({ kind: "softplus" }, s.t(ops.scale(u, -2))));
    return s.t(ops.affine(s.t(ops.add(u, sp)), -2, 2 * Math.LN2));
  }

  #logProb(loc: Tensor, scale: Tensor, u: Tensor, s: Scope): Tensor {
    const z = s.t(ops.div(s.t(ops.sub(u, loc)), scale));
    const quad = s.t(ops.scale(s.t(ops.unary("square", z)), -0.5));
    const perDim = s.t(
      ops.sub(s.t(ops.sub(quad, s.t(ops.unary("log", scale)))), TanhNormal.logJacobian(u, s)),
    );
    return s.t(ops.affine(s.t(ops.sum(perDim, 1)), 1, -this.size * LOG_SQRT_2PI));
  }

  /** u = loc + scale·ε with ε ~ N(0, 1): stores u [N, d], sends tanh(u) ∈ (−1, 1). */
  sample(out: Tensor, seed: number, counter: number): Sample {
    using s = new Scope();
    const { loc, scale } = this.params(out, s);
    const eps = s.t(ops.random(this.backend, loc.shape, "normal", seed, counter));
    const u = ops.add(loc, s.t(ops.mul(scale, eps)));
    const logp = ops.clone(this.#logProb(loc, scale, u, s));
    return { stored: u, env: ops.activation({ kind: "tanh" }, u), logp };
  }

  mode(out: Tensor): Tensor {
    using loc = ops.gather(out, this.#locIndex, 1);
    return ops.activation({ kind: "tanh" }, loc);
  }

  /** log π(u) [N] = Σ_j [log N(u_j; loc_j, scale_j) − log(1 − tanh² u_j)] for pre-tanh `actions` u [N, d]. */
  logProb(out: Tensor, actions: Tensor): Tensor {
    using s = new Scope();
    const { loc, scale } = this.params(out, s);
    return ops.clone(this.#logProb(loc, scale, actions, s));
  }

  /** ε' ~ N(0, 1) [rows, size] for the entropy's log-det-Jacobian estimate at u' = loc + scale·ε'. */
  entropyNoise(rows: number, seed: number, counter: number): Tensor {
    return ops.random(this.backend, [rows, this.size], "normal", seed, counter);
  }

  /**
   * With z = (u − loc)/σ, u' = loc + σε' (ε' the entropy noise), t' = tanh(u'):
   *   S_loc = g·z/σ − 2c·t'
   *   S_raw = softplus'(raw) · [g·(z² − 1)/σ + c·(1/σ − 2t'ε')]
   */
  scoreError(out: Tensor, actions: Tensor, g: Tensor, entropyCost: number, noise?: Tensor): ScoreError {
    using s = new Scope();
    const rows = out.shape[0], c = entropyCost;
    if (!noise) throw new Error("TanhNormal.scoreError: needs entropy noise (see entropyNoise)");
    const { loc, raw, scale } = this.params(out, s);
    const u = actions;
    const invScale = s.t(ops.unary("reciprocal", scale));
    const z = s.t(ops.mul(s.t(ops.sub(u, loc)), invScale));
    const uPrime = s.t(ops.add(loc, s.t(ops.mul(scale, noise))));
    const tPrime = s.t(ops.activation({ kind: "tanh" }, uPrime));
    const sLoc = s.t(ops.sub(s.t(ops.mul(g, s.t(ops.mul(z, invScale)))), s.t(ops.scale(tPrime, 2 * c))));
    const zz = s.t(ops.affine(s.t(ops.unary("square", z)), 1, -1));
    const policyScale = s.t(ops.mul(g, s.t(ops.mul(zz, invScale))));
    const jacScale = s.t(ops.mul(tPrime, noise));
    const entropyScale = s.t(ops.scale(s.t(ops.sub(invScale, s.t(ops.scale(jacScale, 2)))), c));
    const sScale = s.t(ops.add(policyScale, entropyScale));
    const sRaw = s.t(ops.mul(sScale, s.t(ops.activationGrad({ kind: "softplus" }, raw))));
    const signal = ops.add(
      s.t(ops.matmul(sLoc, this.#placeLoc)),
      s.t(ops.matmul(sRaw, this.#placeRaw)),
    );
    // H_b = Σ_j (½ + log √(2π) + log σ_j + log-det-Jacobian at u'_j)
    const perDim = s.t(ops.add(s.t(ops.unary("log", scale)), TanhNormal.logJacobian(uPrime, s)));
    const entropySum = s.t(ops.sum(perDim, null));
    return { signal, entropySum: ops.affine(entropySum, 1, rows * this.size * (0.5 + LOG_SQRT_2PI)) };
  }

  /** Releases the index and placement tensors. */
  dispose(): void {
    [this.#locIndex, this.#rawIndex, this.#placeLoc, this.#placeRaw].forEach((t) => t.dispose());
  }
}

/**
 * The action distribution of an action space: {@link Categorical} over `n` logits for a discrete space,
 * {@link TanhNormal} over (loc, raw scale) for a continuous one (2·size outputs, as Brax's PPO networks).
 *
 * @example Sampling and scoring a few actions
 * ```ts
 * import { createBackend, makeDistribution, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const dist = makeDistribution(backend, { kind: "continuous", size: 2 }); // dist.outputs = 4
 * using out = ops.zeros(backend, [3, dist.outputs]); // loc 0, scale softplus(0) + 0.001 ≈ 0.694
 * const { stored, env, logp } = dist.sample(out, 42, 0); // next draw from seed 42: counter dist.noiseSize(3)
 * using again = dist.logProb(out, stored); // equals logp: the ratio of PPO is computed on the stored u
 * console.log(await env.read(), await logp.read(), await again.read()); // 3 × 2 actions in (−1, 1)
 * [stored, env, logp].forEach((t) => t.dispose());
 * dist.dispose();
 *
 * const cat = makeDistribution(backend, { kind: "discrete", n: 3 });
 * using logits = ops.tensor(backend, [0, 0, Math.log(2)], [1, 3]); // p = (¼, ¼, ½)
 * using mode = cat.mode(logits);
 * console.log(await mode.read()); // Int32Array(1) [2]
 * ```
 */
export function makeDistribution(
  backend: Backend,
  space: { kind: "discrete"; n: number } | { kind: "continuous"; size: number },
): ActionDistribution {
  return space.kind === "discrete" ? new Categorical(backend, space.n) : new TanhNormal(backend, space.size);
}

/** Host reference (f64) of log π(u) for one tanh-normal dimension set: used by tests and ES. */
export function tanhNormalLogProb(loc: number[], raw: number[], u: number[], minScale = 0.001): number {
  let total = 0;
  for (let j = 0; j < loc.length; j++) {
    const scale = softplus(raw[j]) + minScale;
    const z = (u[j] - loc[j]) / scale;
    total += -0.5 * z * z - Math.log(scale) - LOG_SQRT_2PI - 2 * (Math.LN2 - u[j] - softplus(-2 * u[j]));
  }
  return total;
}

/** softplus(x) = log(1 + eˣ) in f64, without overflow for large |x|: the tanh-normal's raw → scale map. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
