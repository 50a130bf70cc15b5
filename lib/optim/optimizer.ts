/**
 * Optimizers apply a layer's gradients with one fused kernel per parameter, and the Dale clamp in the same
 * kernel: Dalean parameters end every step at or above `floor` (1e-4 for classification, 0 for RL).
 * Shared gradients carry a sign (W_pp and W_np of a first layer); both optimizers are odd in the gradient,
 * so the sign is folded into the learning rate (and into weight decay, which must not flip).
 *
 * @module
 */
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Param } from "../nn/layer.ts";

/** One layer's share of an update: its parameters, their descent directions, its learning-rate scale. */
export interface ParamGroup {
  /** The layer's parameters. */
  params: Param[];
  /** One descent direction per parameter, in the same order. */
  grads: Grad[];
  /** Multiplies the base rate (per-layer multipliers, schedules). */
  lrScale: number;
}

/** An optimizer over parameter groups: {@link Sgd} or {@link Adam}. */
export interface Optimizer {
  /** Which algorithm. */
  readonly kind: "sgd" | "adam";
  /**
   * Applies one update to every group. One call is one optimizer step: Adam's bias correction counts
   * calls, not layers, so all layers of a network must be updated in the same call.
   */
  step(groups: ParamGroup[]): void;
  /** Optimizer state tensors of `params` (created if missing), keyed `<param index>.<slot>` for checkpoints. */
  state(params: Param[]): Map<string, Tensor>;
  /** Count of steps taken (Adam's bias correction); restored from checkpoints. */
  steps: number;
  /** Frees the state tensors. */
  dispose(): void;
}

/** Settings of {@link Sgd}. */
export interface SgdConfig {
  /** Base learning rate (times each group's lrScale). */
  lr: number;
  /** Classical momentum (default 0: none). */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Dale floor; null disables clamping even for Dalean parameters (the non-Dalean ablation). */
  floor: number | null;
}

function keyedState(params: Param[], slots: string[], get: (p: Param) => Tensor[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  params.forEach((p, i) => get(p).forEach((t, k) => out.set(`${i}.${slots[k]}`, t)));
  return out;
}

/**
 * Stochastic gradient descent with optional momentum and weight decay, and the Dale clamp.
 *
 * @example
 * ```ts
 * import { Sgd } from "@diffusing-blame/ed";
 * const sgd = new Sgd({ lr: 3, floor: 1e-4 }); // the paper's ED setting on MNIST
 * console.log(sgd.kind, sgd.steps); // "sgd" 0
 * ```
 */
export class Sgd implements Optimizer {
  /** `sgd`. */
  readonly kind = "sgd";
  /** Steps taken. */
  steps = 0;
  readonly #velocity = new Map<Param, Tensor[]>();
  /** An optimizer with no state yet (velocities are created on first use). */
  constructor(
    /** The settings. */
    readonly config: SgdConfig,
  ) {}

  step(groups: ParamGroup[]): void {
    for (const { params, grads, lrScale } of groups) this.#stepGroup(params, grads, lrScale);
    this.steps++;
  }

  #stepGroup(params: Param[], grads: Grad[], lrScale: number): void {
    const momentum = this.config.momentum ?? 0, wd = this.config.weightDecay ?? 0;
    params.forEach((param, i) => {
      const g = grads[i];
      let velocity: Tensor | null = null;
      if (momentum !== 0) {
        if (!this.#velocity.has(param)) {
          this.#velocity.set(param, [ops.zeros(param.value.backend, param.value.shape)]);
        }
        velocity = this.#velocity.get(param)![0];
      }
      ops.sgdStep(param.value, g.tensor, velocity, {
        lr: this.config.lr * lrScale * g.sign,
        momentum,
        weightDecay: wd * g.sign,
        floor: param.dalean ? this.config.floor : null,
      });
    });
  }

  #slots(param: Param): Tensor[] {
    if (!this.#velocity.has(param)) {
      this.#velocity.set(param, [ops.zeros(param.value.backend, param.value.shape)]);
    }
    return this.#velocity.get(param)!;
  }

  state(params: Param[]): Map<string, Tensor> {
    if ((this.config.momentum ?? 0) === 0) return new Map();
    return keyedState(params, ["velocity"], (p) => this.#slots(p));
  }

  dispose(): void {
    for (const ts of this.#velocity.values()) ts.forEach((t) => t.dispose());
  }
}

/** Settings of {@link Adam}. */
export interface AdamConfig {
  /** Base learning rate (times each group's lrScale). */
  lr: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator epsilon (default 1e-8). */
  eps?: number;
  /** Decoupled (AdamW-style) weight decay (default 0). */
  weightDecay?: number;
  /** Dale floor; null disables clamping even for Dalean parameters. */
  floor: number | null;
}

/**
 * Adam with bias correction, optional decoupled weight decay, and the Dale clamp.
 *
 * @example
 * ```ts
 * import { Adam } from "@diffusing-blame/ed";
 * const adam = new Adam({ lr: 3e-4, floor: 0 }); // RL setting: Dalean weights stay ≥ 0
 * console.log(adam.kind); // "adam"
 * ```
 */
export class Adam implements Optimizer {
  /** `adam`. */
  readonly kind = "adam";
  /** Steps taken (the bias-correction count). */
  steps = 0;
  readonly #moments = new Map<Param, Tensor[]>();
  /** An optimizer with no state yet (moments are created on first use). */
  constructor(
    /** The settings. */
    readonly config: AdamConfig,
  ) {}

  step(groups: ParamGroup[]): void {
    this.steps++;
    for (const { params, grads, lrScale } of groups) this.#stepGroup(params, grads, lrScale);
  }

  #stepGroup(params: Param[], grads: Grad[], lrScale: number): void {
    const wd = this.config.weightDecay ?? 0;
    params.forEach((param, i) => {
      const g = grads[i];
      const [m, v] = this.#slots(param);
      ops.adamStep(param.value, g.tensor, m, v, {
        lr: this.config.lr * lrScale * g.sign,
        beta1: this.config.beta1,
        beta2: this.config.beta2,
        eps: this.config.eps,
        step: this.steps,
        weightDecay: wd * g.sign,
        floor: param.dalean ? this.config.floor : null,
      });
    });
  }

  #slots(param: Param): Tensor[] {
    if (!this.#moments.has(param)) {
      const { backend, shape } = param.value;
      this.#moments.set(param, [ops.zeros(backend, shape), ops.zeros(backend, shape)]);
    }
    return this.#moments.get(param)!;
  }

  state(params: Param[]): Map<string, Tensor> {
    return keyedState(params, ["m", "v"], (p) => this.#slots(p));
  }

  dispose(): void {
    for (const ts of this.#moments.values()) ts.forEach((t) => t.dispose());
  }
}
