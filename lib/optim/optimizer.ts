/**
 * Optimizers apply a layer's gradients with one fused kernel per parameter, and the Dale clamp in the same
 * kernel: Dalean parameters end every step at or above `floor` (1e-4 for classification, 0 for RL).
 * Shared gradients carry a sign (W_pp and W_np of a first layer); both optimizers are odd in the gradient,
 * so the sign is folded into the learning rate (and into weight decay, which must not flip).
 */
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Param } from "../nn/layer.ts";

/** One layer's share of an update: its parameters, their descent directions, its learning-rate scale. */
export interface ParamGroup {
  params: Param[];
  grads: Grad[];
  /** Multiplies the base rate (per-layer multipliers, schedules). */
  lrScale: number;
}

export interface Optimizer {
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
  dispose(): void;
}

export interface SgdConfig {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  /** Dale floor; null disables clamping even for Dalean parameters (the non-Dalean ablation). */
  floor: number | null;
}

function keyedState(params: Param[], slots: string[], get: (p: Param) => Tensor[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  params.forEach((p, i) => get(p).forEach((t, k) => out.set(`${i}.${slots[k]}`, t)));
  return out;
}

export class Sgd implements Optimizer {
  readonly kind = "sgd";
  steps = 0;
  readonly #velocity = new Map<Param, Tensor[]>();
  constructor(readonly config: SgdConfig) {}

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

export interface AdamConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  floor: number | null;
}

export class Adam implements Optimizer {
  readonly kind = "adam";
  steps = 0;
  readonly #moments = new Map<Param, Tensor[]>();
  constructor(readonly config: AdamConfig) {}

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
