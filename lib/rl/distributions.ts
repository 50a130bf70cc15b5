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

export const LOG_SQRT_2PI: number = 0.5 * Math.log(2 * Math.PI);

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

export interface ActionDistribution {
  readonly kind: "categorical" | "tanh-normal";
  /** Network outputs per sample (C). */
  readonly outputs: number;
  sample(out: Tensor, seed: number, counter: number): Sample;
  /** Deterministic action for evaluation (argmax, or tanh(loc)). */
  mode(out: Tensor): Tensor;
  logProb(out: Tensor, actions: Tensor): Tensor;
  /** Random draws per sample needed by `sample` (to advance the counter). */
  noiseSize(rows: number): number;
  entropyNoise(rows: number, seed: number, counter: number): Tensor | undefined;
  /**
   * S = g ⊙ ∂log π(a)/∂o + c·∂H/∂o for per-sample weights g [B, 1] and entropy cost c; `noise` is the
   * tanh-normal entropy noise [B, d] (from `entropyNoise`), ignored by the categorical.
   */
  scoreError(out: Tensor, actions: Tensor, g: Tensor, entropyCost: number, noise?: Tensor): ScoreError;
  dispose(): void;
}

const ceil4 = (n: number) => Math.ceil(n / 4) * 4;

export class Categorical implements ActionDistribution {
  readonly kind = "categorical";
  constructor(readonly backend: Backend, readonly outputs: number) {}

  noiseSize(rows: number): number {
    return ceil4(rows * this.outputs);
  }

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

  logProb(out: Tensor, actions: Tensor): Tensor {
    using s = new Scope();
    const logp = s.t(ops.logSoftmax(out));
    const picked = s.t(ops.oneHot(actions, this.outputs));
    return ops.sum(s.t(ops.mul(picked, logp)), 1);
  }

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

  dispose(): void {}
}

export class TanhNormal implements ActionDistribution {
  readonly kind = "tanh-normal";
  readonly outputs: number;
  readonly #locIndex: Tensor;
  readonly #rawIndex: Tensor;
  /** Placement matrices [d, 2d] that put loc- and scale-columns back into the output layout. */
  readonly #placeLoc: Tensor;
  readonly #placeRaw: Tensor;

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

  logProb(out: Tensor, actions: Tensor): Tensor {
    using s = new Scope();
    const { loc, scale } = this.params(out, s);
    return ops.clone(this.#logProb(loc, scale, actions, s));
  }

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

  dispose(): void {
    [this.#locIndex, this.#rawIndex, this.#placeLoc, this.#placeRaw].forEach((t) => t.dispose());
  }
}

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

export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
