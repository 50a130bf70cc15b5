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

/**
 * The paper's four PPO variants: backprop (the baseline), DFA (Nøkland 2016) and ED on single- or
 * dual-stream nets, ED with and without the Dale clamp (see {@link strategyFor}).
 */
export const PPO_ALGOS = ["bp-ppo", "dfa-ppo", "ed-ppo", "ed-ppo-nondale"] as const;
/** One of {@link PPO_ALGOS}. */
export type PpoAlgo = typeof PPO_ALGOS[number];

/** How a PPO variant learns: its rule, its kind of network, and whether Dale's principle is enforced. */
export interface RuleStrategy {
  /** The variant this strategy implements. */
  readonly algo: PpoAlgo;
  /** The rule that turns the output error into hidden-layer drives (lib/rules). */
  readonly rule: RuleName;
  /** Dual-stream E/I layers with output p_L − n_L, or ordinary single-stream layers. */
  readonly dualStream: boolean;
  /** Dale floor after every optimizer step (0), or null for no clamp. */
  readonly floor: number | null;
}

/**
 * The strategy of a PPO variant: `bp-ppo` and `dfa-ppo` on single-stream nets; `ed-ppo` on dual-stream nets
 * with every Dalean weight clamped at 0 after each Adam step; `ed-ppo-nondale` the same without the clamp.
 *
 * @example
 * ```ts
 * import { strategyFor } from "@diffusing-blame/ed";
 * console.log(strategyFor("ed-ppo")); // { algo: "ed-ppo", rule: "ed", dualStream: true, floor: 0 }
 * ```
 */
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

/** The shape and initialisation of a policy or value net (per learning rule: {@link netDefaults}). */
export interface NetOptions {
  /** Hidden layer widths, e.g. Brax's policy [32, 32, 32, 32]. */
  hidden: number[];
  /** Activation φ of every hidden layer (the output layer is linear). */
  activation: Activation;
  /** RMS-normalise every hidden layer's pre-activations before φ (lib/nn/rms_norm.ts; never the output). */
  rmsNorm: boolean;
  /** Dual-stream weights: U[0, 1) or the paper's |N(0, 1)|, × the pathway's scale/√fan_in. */
  init: DaleanInit;
  /** Dual-stream hidden layers: scales of the excitatory and inhibitory pathways (× init/√fan_in). */
  excitatoryScale: number;
  /** Scale of the inhibitory (cross-stream) pathways W_np, W_pn; see `excitatoryScale`. */
  inhibitoryScale: number;
  /** Multiplies the output layer's initial weights (small initial policy outputs). */
  outputScale: number;
}

/** Adam's settings for one net (the Dale floor comes from the {@link RuleStrategy}). */
export interface NetUpdateOptions {
  /** Learning rate. */
  lr: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator epsilon (default 1e-8). */
  eps?: number;
}

/** A network with its rule and optimizer: forward, output error in, one optimizer step out. */
export class RlNet {
  /** The layers: single- or dual-stream per the strategy, with a linear output layer. */
  readonly net: Network;
  /** The strategy's rule, which turns the output error into per-layer drives. */
  readonly rule: LearningRule;
  /** Adam over every parameter, clamping Dalean weights at the strategy's floor (0 for ED-PPO). */
  readonly optimizer: Adam;

  /**
   * A net from `inputs` observations to `outputs` values (policy: distribution parameters, value: 1), seeded
   * by `seed`, with its initial output weights × `options.outputScale`.
   */
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

  /** Every trainable parameter of the net, in layer order (the optimizer's and checkpoints' order). */
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

  /** Output [B, C] for observations `x` [B, D], with the caches that {@link learn} needs (and disposes). */
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

  /** Releases the net's parameters, the rule's feedback matrices and the optimizer's state. */
  dispose(): void {
    this.net.dispose();
    this.rule.dispose?.();
    this.optimizer.dispose();
  }
}
