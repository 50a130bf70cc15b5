/**
 * The RL networks and the learning-rule strategies. A policy or value net is a `Network` with a linear
 * output layer; dual-stream nets output the difference of the streams, o = p_L − n_L, so that ED's output
 * drive (S to the p stream, −S to the n stream) is the exact gradient at the output layer. Each algorithm
 * is one strategy: which net (single- or dual-stream), which rule turns the output error S into per-layer
 * drives, and whether Dalean weights are clamped at 0 after every optimizer step.
 *
 * @module
 */
import type { Activation, Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import { Network } from "../nn/network.ts";
import type { DaleanInit } from "../nn/init.ts";
import type { LayerCache, Param } from "../nn/layer.ts";
import { disposeCache } from "../nn/layer.ts";
import type { LearningRule } from "../rules/rule.ts";
import { applyRule, makeRule, type RuleName } from "../rules/step.ts";
import { Adam } from "../optim/optimizer.ts";
import { trainingTensors } from "../io/checkpoint.ts";

export const PPO_ALGOS = ["bp-ppo", "dfa-ppo", "ed-ppo", "ed-ppo-nondale"] as const;
export type PpoAlgo = typeof PPO_ALGOS[number];

export interface RuleStrategy {
  readonly algo: PpoAlgo;
  readonly rule: RuleName;
  readonly dualStream: boolean;
  /** Dale floor after every optimizer step (0), or null for no clamp. */
  readonly floor: number | null;
}

export function strategyFor(algo: PpoAlgo): RuleStrategy {
  switch (algo) {
    case "bp-ppo":
      return { algo, rule: "bp", dualStream: false, floor: null };
    case "dfa-ppo":
      return { algo, rule: "dfa", dualStream: false, floor: null };
    case "ed-ppo":
      return { algo, rule: "ed", dualStream: true, floor: 0 };
    case "ed-ppo-nondale":
      return { algo, rule: "ed", dualStream: true, floor: null };
  }
}

export interface NetOptions {
  hidden: number[];
  activation: Activation;
  /** RMS-normalise every hidden layer's pre-activations before φ (lib/nn/rms_norm.ts; never the output). */
  rmsNorm: boolean;
  /** Dual-stream weights: U[0, 1) or the paper's |N(0, 1)|, × the pathway's scale/√fan_in. */
  init: DaleanInit;
  /** Dual-stream hidden layers: scales of the excitatory and inhibitory pathways (× init/√fan_in). */
  excitatoryScale: number;
  inhibitoryScale: number;
  /** Multiplies the output layer's initial weights (small initial policy outputs). */
  outputScale: number;
}

export interface NetUpdateOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** A network with its rule and optimizer: forward, output error in, one optimizer step out. */
export class RlNet {
  readonly net: Network;
  readonly rule: LearningRule;
  readonly optimizer: Adam;

  constructor(
    readonly backend: Backend,
    readonly strategy: RuleStrategy,
    inputs: number,
    readonly outputs: number,
    options: NetOptions,
    update: NetUpdateOptions,
    seed: number,
  ) {
    this.net = new Network(backend, {
      inputs,
      hidden: options.hidden,
      classes: outputs,
      dualStream: strategy.dualStream,
      hiddenActivation: options.hidden.map(() => options.activation),
      outputActivation: { kind: "identity" },
      excitatoryScale: options.excitatoryScale,
      inhibitoryScale: options.inhibitoryScale,
      daleanInit: options.init,
      rmsNorm: options.rmsNorm,
      seed,
    });
    if (options.outputScale !== 1) {
      for (const p of this.net.layers[this.net.layers.length - 1].params) {
        if (p.value.rank !== 2) continue;
        const scaled = ops.scale(p.value, options.outputScale);
        p.value.dispose();
        p.value = scaled;
      }
    }
    this.rule = makeRule(strategy.rule, backend, this.net, seed);
    this.optimizer = new Adam({ ...update, floor: strategy.floor });
  }

  get params(): Param[] {
    return this.net.params;
  }

  /** The net's output from its caches: p_L, or p_L − n_L for dual-stream nets. */
  static output(caches: LayerCache[]): Tensor {
    const last = caches[caches.length - 1];
    return last.out.n ? ops.sub(last.out.p, last.out.n) : ops.clone(last.out.p);
  }

  /** Output only (acting, evaluation). */
  predict(x: Tensor): Tensor {
    const caches = this.net.forward(x);
    const out = RlNet.output(caches);
    caches.forEach(disposeCache);
    return out;
  }

  forward(x: Tensor): { caches: LayerCache[]; out: Tensor } {
    const caches = this.net.forward(x);
    return { caches, out: RlNet.output(caches) };
  }

  /**
   * One learning step from the per-sample output error S = −∂ℓ_b/∂o_b [B, C]: drives from the rule,
   * gradients from the drives, Adam with the Dale clamp. Disposes the caches.
   */
  learn(caches: LayerCache[], signal: Tensor, lrScale = 1): void {
    const { net, rule, optimizer } = this;
    applyRule({ net, rule, optimizer, caches, error: { signal, loss: "bce" }, lrScale });
  }

  /** Parameters and optimizer state by name (`<prefix>param.i.name`, `<prefix>opt.i.slot`). */
  checkpointTensors(prefix: string): Map<string, Tensor> {
    return trainingTensors(this.net.params, this.optimizer, prefix);
  }

  /** [weights at exactly 0, weights below 0, weight count] over the weight matrices, as [1] tensors. */
  weightStats(): { zero: Tensor; negative: Tensor; count: number } {
    let zero = ops.zeros(this.backend, [1]), negative = ops.zeros(this.backend, [1]), count = 0;
    using origin = ops.zeros(this.backend, [1]);
    for (const p of this.params) {
      if (p.value.rank !== 2) continue;
      using eq = ops.binary("eq", p.value, origin);
      using lt = ops.binary("lt", p.value, origin);
      using eqSum = ops.sum(eq, null);
      using ltSum = ops.sum(lt, null);
      const z = ops.add(zero, eqSum), n = ops.add(negative, ltSum);
      zero.dispose(), negative.dispose();
      zero = z, negative = n;
      count += p.value.size;
    }
    return { zero, negative, count };
  }

  dispose(): void {
    this.net.dispose();
    this.rule.dispose?.();
    this.optimizer.dispose();
  }
}
