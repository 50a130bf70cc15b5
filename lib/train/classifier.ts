/**
 * One classification learner: a network, a learning rule and an optimizer. Its training step forms the
 * output error S (one-vs-all, optionally batch-centered) and hands it to the step every learner shares
 * (`applyRule`: drives U_l = rule(S, caches) → gradients from drives → optimizer step with the Dale clamp).
 *
 * Metrics accumulate on the device and are read back once per epoch.
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import { readAll, type Tensor } from "../tensor.ts";
import { Network } from "../nn/network.ts";
import { disposeCache, disposeStreams } from "../nn/layer.ts";
import type { LearningRule } from "../rules/rule.ts";
import { applyRule, makeRule } from "../rules/step.ts";
import { Adam, type Optimizer, Sgd } from "../optim/optimizer.ts";
import type { RuleSettings } from "./variants.ts";
import type { ConvBiasReduction } from "../nn/linear_map.ts";

/** Rows start .. end − 1 of a host image array as the network takes them (e.g. standardised). */
export type PrepareRows = (images: Float32Array, start: number, end: number) => Float32Array;

/** The architecture, learning rule and optimizer of a {@link Classifier}. */
export interface ClassifierOptions {
  /** Features per example: the flattened image size (784 for MNIST, 3072 for CIFAR-10). */
  inputs: number;
  /** Widths of the hidden dense layers, first first (the classification config's default: [256, 256]). */
  hidden: number[];
  /** Output units, one per class; the training targets are one-hot over them. */
  classes: number;
  /** Image shape [channels, height, width]; needed when `conv` layers are given. */
  image?: [number, number, number];
  /** Conv layers before the dense ones (each followed by an average pool of `pool`). */
  conv?: { channels: number; kernel: number; stride: number; padding: number; pool: number }[];
  /** Conv bias update over positions: "sum" (exact gradient, default) or "mean" (lib/nn/linear_map.ts). */
  convBias?: ConvBiasReduction;
  /** Learning rule, stream layout, sigmoid widths, centring, init and Dale floor: {@link variantSettings}. */
  settings: RuleSettings;
  /**
   * The optimizer: `lr` is the base learning rate (scaled by the schedule and `lrMultipliers`), `momentum`
   * SGD's (default 0), `weightDecay` an L2 term (SGD: added to the gradient; Adam: decoupled; default 0),
   * `beta1`, `beta2`, `eps` Adam's (defaults 0.9, 0.999, 1e-8). Dual-stream nets clamp to `settings.floor`.
   */
  optimizer: {
    kind: "sgd" | "adam";
    lr: number;
    momentum?: number;
    weightDecay?: number;
    beta1?: number;
    beta2?: number;
    eps?: number;
  };
  /** Learning-rate multiplier per layer (conv, then hidden, then output); defaults to 1 each. */
  lrMultipliers?: number[];
  /** Seeds every layer's initialisation and DFA's fixed feedback matrices: same seed, same network. */
  seed: number;
}

/**
 * The batch-centred error S of the one-vs-all error E [B, C]. "class" (the paper's): S[b, k] = E[b, k] −
 * mean_b E[·, k], each class's batch mean removed. "global": S = E − mean over b and k, one mean for the whole
 * batch; it cancels the common 9:1 push-down of one-vs-all targets as well, but keeps the differences between
 * the class means, so an over-predicted class is still pushed back (per-class centring leaves each class's
 * output level without a restoring force, and on CIFAR-10 one class can come to take most predictions).
 */
export function centerError(error: Tensor, scope: "class" | "global"): Tensor {
  using mean = ops.mean(error, scope === "global" ? null : 0);
  return ops.sub(error, mean);
}

/** Sums kept on the device over an epoch. */
interface Accumulators {
  loss: Tensor;
  correct: Tensor;
  drive: Tensor[];
  /** Smallest step index whose loss was NaN or Inf (1e30 while none). */
  firstNonFinite: Tensor;
  steps: number;
  samples: number;
}

/** Training metrics of the steps since the last {@link Classifier.takeTrainMetrics} (normally one epoch). */
export interface EpochTrainMetrics {
  /** Mean over examples of ½ Σ_c (t_c − y_c)², the one-vs-all error before centring (NaN: no steps). */
  loss: number;
  /** Fraction in [0, 1] of examples whose output argmax was the target, each before its step's update. */
  accuracy: number;
  /** Mean |U_p| per layer, first layer first: the gradient attenuation measure. */
  meanDrive: number[];
  /** Index (within the epoch) of the first minibatch whose loss was NaN or Inf; null when all were finite. */
  firstNonFiniteStep: number | null;
}

/**
 * A classification learner: a {@link Network} trained by a learning rule (ED, DFA or BP) and an optimizer,
 * with training metrics kept on the device until {@link Classifier.takeTrainMetrics} reads them back.
 *
 * @example A few ED steps on random data
 * ```ts
 * import { Classifier, CpuBackend, ops, Rng, variantSettings } from "@diffusing-blame/ed";
 * const backend = new CpuBackend();
 * const clf = new Classifier(backend, {
 *   inputs: 16, hidden: [32], classes: 4,
 *   settings: variantSettings("proposed"), optimizer: { kind: "sgd", lr: 3 }, seed: 0,
 * });
 * const rng = new Rng(1);
 * using x = ops.tensor(backend, Float32Array.from({ length: 64 * 16 }, () => rng.uniform()), [64, 16]);
 * using labels = ops.tensor(backend, Int32Array.from({ length: 64 }, () => rng.int(4)), [64]);
 * using y = ops.oneHot(labels, 4);
 * for (let step = 0; step < 5; step++) clf.trainStep(x, y);
 * const m = await clf.takeTrainMetrics(); // one read-back for the 5 steps
 * console.log(m.loss, m.accuracy, m.meanDrive); // meanDrive: one mean |U_p| per layer (2 here)
 * clf.dispose();
 * ```
 */
export class Classifier {
  /** The network being trained: its layers, parameters and forward pass. */
  readonly net: Network;
  /** Turns the output error into each layer's drive (`settings.rule`: ED, DFA or BP). */
  readonly rule: LearningRule;
  /** SGD or Adam over every layer's parameters, with the Dale clamp at `settings.floor` on dual streams. */
  readonly optimizer: Optimizer;
  /** Learning-rate multiplier per layer (conv, hidden, output): `options.lrMultipliers`, or 1 each. */
  readonly lrMultipliers: number[];
  #acc: Accumulators | null = null;
  #flt: Tensor | null = null;

  /**
   * Builds the network from `options` (sigmoid widths and E/I init scales from `options.settings`), its rule
   * and its optimizer on `backend`. Throws when `settings.widths` or `lrMultipliers` do not have one entry
   * per layer.
   */
  constructor(readonly backend: Backend, readonly options: ClassifierOptions) {
    const s = options.settings;
    const layerCount = options.hidden.length + 1;
    if (s.widths && s.widths.length !== layerCount) {
      throw new Error(
        `Classifier: ${s.widths.length} sigmoid widths for ${layerCount} layers (hidden then output)`,
      );
    }
    const width = (l: number) =>
      s.uniformWidth ?? s.widths?.[l] ?? (l === layerCount - 1 ? s.outputWidth : s.hiddenWidth);
    const hiddenActivation = options.hidden.map((_, l) =>
      s.hiddenKind === "sigmoid" ? { kind: "sigmoid" as const, width: width(l) } : { kind: s.hiddenKind }
    );
    const convActivation = s.hiddenKind === "sigmoid"
      ? { kind: "sigmoid" as const, width: s.uniformWidth ?? s.convWidth }
      : { kind: s.hiddenKind };
    this.net = new Network(backend, {
      inputs: options.inputs,
      image: options.image,
      conv: options.conv?.map((c) => ({ ...c, activation: convActivation, biasReduction: options.convBias })),
      hidden: options.hidden,
      classes: options.classes,
      dualStream: s.dualStream,
      hiddenActivation,
      outputActivation: { kind: "sigmoid", width: width(layerCount - 1) },
      excitatoryScale: s.asymmetricInit ? 1.5 : 1,
      inhibitoryScale: s.asymmetricInit ? 0.5 : 1,
      seed: options.seed,
    });
    this.rule = makeRule(s.rule, backend, this.net, options.seed);
    const floor = s.dualStream ? s.floor : null;
    const o = options.optimizer;
    this.optimizer = o.kind === "adam"
      ? new Adam({ lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, floor })
      : new Sgd({ lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, floor });
    const layers = this.net.layers.length;
    this.lrMultipliers = options.lrMultipliers ?? new Array(layers).fill(1);
    if (this.lrMultipliers.length !== layers) {
      throw new Error(
        `rule.lrMultipliers has ${this.lrMultipliers.length} values but the network has ${layers} layers ` +
          `(conv, then hidden, then output): give one multiplier per layer`,
      );
    }
  }

  /** One minibatch: x [B, inputs], targets one-hot [B, C]. `lrScale` carries the schedule. */
  trainStep(x: Tensor, targets: Tensor, lrScale = 1): void {
    const { net, rule, optimizer } = this;
    const caches = net.forward(x);
    const output = caches[caches.length - 1].out.p;
    const error = ops.sub(targets, output); // one-vs-all: target − output
    const signal = this.#signal(error);
    applyRule({
      net,
      rule,
      optimizer,
      caches,
      error: { signal, loss: this.options.settings.loss },
      lrScale: this.lrMultipliers.map((m) => lrScale * m),
      inspect: (drives) => this.#accumulate(error, output, targets, drives.map((d) => d.p)),
    });
    if (signal !== error) signal.dispose();
    error.dispose();
  }

  /** The error the rule sees: batch-centred when the settings ask for it (else `error` itself). */
  #signal(error: Tensor): Tensor {
    const s = this.options.settings;
    return s.centering ? centerError(error, s.centeringScope ?? "class") : error;
  }

  /**
   * Mean |ΔW| per weight of each layer's weight tensors (biases left out) for the minibatch x, targets, as
   * the rule would step them at learning rate 1, without changing anything: the per-weight reading of the
   * surrogate-gradient magnitude (./paper_figures.ts). One read-back.
   */
  async updateMagnitudes(x: Tensor, targets: Tensor): Promise<number[]> {
    const { net, rule } = this;
    const caches = net.forward(x);
    using error = ops.sub(targets, caches[caches.length - 1].out.p);
    const signal = this.#signal(error);
    const drives = rule.drives(net.layers, caches, { signal, loss: this.options.settings.loss });
    const means: Tensor[] = [], counts: number[] = [];
    net.layers.forEach((layer, l) => {
      const grads = layer.gradients(caches[l], drives[l]);
      const weights = grads.filter((_, k) => layer.params[k].name.startsWith("w"));
      for (const g of weights) {
        using magnitude = ops.unary("abs", g.tensor);
        means.push(ops.mean(magnitude, null));
      }
      counts.push(weights.length);
      new Set(grads.map((g) => g.tensor)).forEach((t) => t.dispose());
    });
    if (signal !== error) signal.dispose();
    drives.forEach(disposeStreams);
    caches.forEach(disposeCache);
    const values = (await readAll(means)).map((v) => v[0]);
    means.forEach((t) => t.dispose());
    let k = 0;
    return counts.map((n) => values.slice(k, k += n).reduce((a, b) => a + b, 0) / n);
  }

  #accumulate(error: Tensor, output: Tensor, targets: Tensor, drives: Tensor[]): void {
    const acc = this.#acc ??= {
      loss: ops.zeros(this.backend, [1]),
      correct: ops.zeros(this.backend, [1]),
      drive: drives.map(() => ops.zeros(this.backend, [1])),
      firstNonFinite: ops.full(this.backend, [1], NO_STEP),
      steps: 0,
      samples: 0,
    };
    const swap = (old: Tensor, next: Tensor) => (old.dispose(), next);
    using sq = ops.reduce("sumsq", error, null);
    acc.loss = swap(acc.loss, ops.add(acc.loss, sq));
    // NaN fails every comparison, so "finite" is sq <= FLT_MAX; a bad step records its index, others 1e30.
    using finite = ops.binary("le", sq, this.#maxFloat());
    using candidate = ops.affine(finite, NO_STEP - acc.steps, acc.steps);
    acc.firstNonFinite = swap(acc.firstNonFinite, ops.binary("min", acc.firstNonFinite, candidate));
    using hits = countCorrect(output, targets);
    acc.correct = swap(acc.correct, ops.add(acc.correct, hits));
    drives.forEach((u, l) => {
      using magnitude = ops.unary("abs", u);
      using m = ops.mean(magnitude, null);
      acc.drive[l] = swap(acc.drive[l], ops.add(acc.drive[l], m));
    });
    acc.steps++;
    acc.samples += output.shape[0];
  }

  #maxFloat(): Tensor {
    return this.#flt ??= ops.full(this.backend, [1], 3.4028234e38);
  }

  /** Reads the running loss and accuracy without resetting them (for live progress; null before any step). */
  async peekTrainMetrics(): Promise<{ loss: number; accuracy: number } | null> {
    const acc = this.#acc;
    if (!acc) return null;
    const samples = acc.samples;
    const [loss, correct] = await readAll([acc.loss, acc.correct]);
    return { loss: loss[0] / (2 * samples), accuracy: correct[0] / samples };
  }

  /** Reads and resets the epoch's training metrics (one device synchronisation). */
  async takeTrainMetrics(): Promise<EpochTrainMetrics> {
    const acc = this.#acc;
    if (!acc) return { loss: NaN, accuracy: NaN, meanDrive: [], firstNonFiniteStep: null };
    this.#acc = null;
    const tensors = [acc.loss, acc.correct, acc.firstNonFinite, ...acc.drive];
    const values = await readAll(tensors);
    tensors.forEach((t) => t.dispose());
    return {
      loss: values[0][0] / (2 * acc.samples),
      accuracy: values[1][0] / acc.samples,
      firstNonFiniteStep: values[2][0] < NO_STEP ? values[2][0] : null,
      meanDrive: values.slice(3).map((v) => v[0] / acc.steps),
    };
  }

  /**
   * Accuracy on a whole dataset kept on the host, evaluated in chunks with one read at the end; `prepare`
   * turns raw rows into network inputs (the run's input pipeline; default: as they are).
   */
  async evaluate(
    images: Float32Array,
    labels: Int32Array,
    prepare?: PrepareRows,
    batch = 1000,
  ): Promise<number> {
    const n = labels.length, d = this.options.inputs;
    let correct = ops.zeros(this.backend, [1]);
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(n, start + batch);
      const rows = prepare ? prepare(images, start, end) : images.subarray(start * d, end * d);
      using x = ops.tensor(this.backend, rows, [end - start, d]);
      using y = ops.tensor(this.backend, labels.subarray(start, end), [end - start]);
      using targets = ops.oneHot(y, this.options.classes);
      using output = this.net.predict(x);
      using hits = countCorrect(output, targets);
      const next = ops.add(correct, hits);
      correct.dispose();
      correct = next;
    }
    const total = (await correct.read())[0];
    correct.dispose();
    return total / n;
  }

  /** Releases the network, the rule's and the optimizer's tensors (not the backend). */
  dispose(): void {
    this.net.dispose();
    this.rule.dispose?.();
    this.optimizer.dispose();
    this.#flt?.dispose();
  }
}

const NO_STEP = 1e30;

/**
 * Number of rows whose argmax (first index on ties, as `argmax`) is the target class. A saturated network
 * whose outputs all tie therefore scores like a constant guess, not 100%.
 */
export function countCorrect(output: Tensor, targets: Tensor): Tensor {
  using predicted = ops.argmax(output, 1);
  using chosen = ops.oneHot(predicted, output.shape[1]);
  using hits = ops.mul(chosen, targets);
  return ops.sum(hits, null);
}
