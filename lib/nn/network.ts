/**
 * A feed-forward stack of layers: optional conv layers (each with an average pool), then dense layers.
 * Dual-stream nets feed the input to both streams (p_0 = n_0 = x) and predict with the positive stream of
 * the last layer; single-stream nets are ordinary MLPs / CNNs. With `rmsNorm`, every layer but the output
 * layer RMS-normalises its pre-activations before φ (./rms_norm.ts), as in Fujita's EDLA_RMS.
 *
 * @module
 */
import type { Activation, Backend } from "../backend/backend.ts";
import type { Tensor } from "../tensor.ts";
import { DualConv2d, DualDense } from "./dual_stream.ts";
import { Conv2d, Dense } from "./single_stream.ts";
import type { Layer, LayerCache, Param } from "./layer.ts";
import type { ConvBiasReduction } from "./linear_map.ts";
import { disposeCache, disposeStreams } from "./layer.ts";
import type { DaleanInit } from "./init.ts";

/** One convolutional layer of a {@link NetworkSpec}. */
export interface ConvSpec {
  /** Output channels. */
  channels: number;
  /** Square kernel size. */
  kernel: number;
  /** Step between kernel positions. */
  stride: number;
  /** Zeros added on every side. */
  padding: number;
  /** Average-pool window after the activation (1 = none). */
  pool: number;
  /** φ of the layer. */
  activation: Activation;
  /** Bias update over positions (./linear_map.ts): "sum" (exact gradient, default) or "mean". */
  biasReduction?: ConvBiasReduction;
}

/** The architecture of a {@link Network}. */
export interface NetworkSpec {
  /** Features per sample (the flattened size for image inputs). */
  inputs: number;
  /** Image shape [channels, height, width] when `conv` layers come first. */
  image?: [number, number, number];
  /** Convolutional layers before the dense ones (each followed by its average pool). */
  conv?: ConvSpec[];
  /** Widths of the hidden dense layers. */
  hidden: number[];
  /** Output units (one per class). */
  classes: number;
  /** Dual-stream (Dalean E/I) layers, or ordinary single-stream ones. */
  dualStream: boolean;
  /** Activation of each hidden layer (same length as `hidden`) and of the output layer. */
  hiddenActivation: Activation[];
  /** Activation of the output layer. */
  outputActivation: Activation;
  /** Dual-stream init: hidden E and I scales (the output layer is symmetric, 1 and 1). */
  excitatoryScale: number;
  /** Dual-stream init: hidden cross-stream (inhibitory) scale. */
  inhibitoryScale: number;
  /** Dual-stream init distribution, × scale/√fan_in (./init.ts): U[0, 1) (default) or |N(0, 1)|. */
  daleanInit?: DaleanInit;
  /** Initialisation seed (each layer derives its own). */
  seed: number;
  /** RMS-normalise the pre-activations of every hidden layer, conv and dense (never the output). Default off. */
  rmsNorm?: boolean;
}

/**
 * A feed-forward network of dual-stream or single-stream layers. {@link Classifier} builds one and trains it;
 * use it directly to run a custom learning loop with {@link makeRule} and {@link applyRule}.
 *
 * @example
 * ```ts
 * import { createBackend, Network, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 784, hidden: [64], classes: 10, dualStream: true, seed: 0,
 *   hiddenActivation: [{ kind: "sigmoid", width: 2 }], outputActivation: { kind: "sigmoid", width: 2 },
 *   excitatoryScale: 1, inhibitoryScale: 1,
 * });
 * const y = net.predict(ops.zeros(backend, [8, 784])); // [8, 10]
 * console.log(y.shape, net.params.map((p) => p.name));
 * net.dispose();
 * ```
 */
export class Network {
  /** Conv layers first, then dense layers; the last is the output layer. */
  readonly layers: Layer[];

  /** Builds and initialises the layers on `backend`; throws naming the mismatch for an inconsistent spec. */
  constructor(
    /** Where the parameters live. */
    readonly backend: Backend,
    /** The architecture. */
    readonly spec: NetworkSpec,
  ) {
    if (spec.hiddenActivation.length !== spec.hidden.length) {
      throw new Error(
        `Network: ${spec.hidden.length} hidden layers but ${spec.hiddenActivation.length} hidden activations`,
      );
    }
    const convLayers = (spec.conv ?? []).map((c, i) => this.#convLayer(backend, c, i));
    const flat = convLayers.length ? this.#convOutputSize : spec.inputs;
    const sizes = [flat, ...spec.hidden, spec.classes];
    const denseLayers = sizes.slice(1).map((units, l): Layer => {
      const output = l === sizes.length - 2;
      const activation = output ? spec.outputActivation : spec.hiddenActivation[l];
      const common = {
        inputs: sizes[l],
        units,
        activation,
        seed: (spec.seed * 1000 + l) >>> 0,
        classes: spec.classes,
        rmsNorm: !output && (spec.rmsNorm ?? false),
      };
      return spec.dualStream
        ? new DualDense(backend, {
          ...common,
          excitatoryScale: output ? 1 : spec.excitatoryScale,
          inhibitoryScale: output ? 1 : spec.inhibitoryScale,
          init: spec.daleanInit,
        })
        : new Dense(backend, { ...common, initScale: 1 });
    });
    this.layers = [...convLayers, ...denseLayers];
  }

  #convOutputSize = 0;
  #shape: [number, number, number] = [0, 0, 0];

  #convLayer(backend: Backend, c: ConvSpec, i: number): Layer {
    const spec = this.spec;
    if (!spec.image) throw new Error("Network: conv layers need `image` [channels, height, width]");
    if (i === 0) this.#shape = [...spec.image];
    const options = {
      input: this.#shape,
      channels: c.channels,
      kernel: c.kernel,
      stride: c.stride,
      padding: c.padding,
      pool: c.pool,
      activation: c.activation,
      biasReduction: c.biasReduction,
      seed: (spec.seed * 1000 + 500 + i) >>> 0,
      classes: spec.classes,
      rmsNorm: spec.rmsNorm ?? false,
    };
    const layer = spec.dualStream
      ? new DualConv2d(backend, {
        ...options,
        excitatoryScale: spec.excitatoryScale,
        inhibitoryScale: spec.inhibitoryScale,
        init: spec.daleanInit,
      })
      : new Conv2d(backend, { ...options, initScale: 1 });
    const [, , h, w] = layer.map.outputShape(1);
    this.#shape = [c.channels, Math.floor(h / c.pool), Math.floor(w / c.pool)];
    if (this.#shape[1] < 1 || this.#shape[2] < 1) {
      throw new Error(`Network: conv layer ${i + 1} pools below 1x1`);
    }
    this.#convOutputSize = this.#shape[0] * this.#shape[1] * this.#shape[2];
    return layer;
  }

  /** Every layer's parameters, in layer order (the checkpoint order). */
  get params(): Param[] {
    return this.layers.flatMap((l) => l.params);
  }

  /** Forward pass keeping every layer's cache (for learning). */
  forward(x: Tensor): LayerCache[] {
    const caches: LayerCache[] = [];
    const image = this.spec.conv?.length && x.rank === 2
      ? x.reshape([x.shape[0], ...this.spec.image!])
      : null;
    const first = image ?? x;
    let input = { p: first, n: this.spec.dualStream ? first : undefined };
    for (const layer of this.layers) {
      const cache = layer.forward(input);
      caches.push(cache);
      input = { p: cache.out.p, n: cache.out.n };
    }
    if (image) (caches[0].owned ??= []).push(image);
    return caches;
  }

  /** Output activations only (evaluation). */
  predict(x: Tensor): Tensor {
    const caches = this.forward(x);
    const last = caches.pop()!;
    caches.forEach(disposeCache);
    // Everything of the last cache but the prediction itself.
    disposeStreams(last.pre);
    last.out.n?.dispose();
    last.rms?.dispose();
    last.owned?.forEach((t) => t.dispose());
    return last.out.p;
  }

  /** Frees the parameters. */
  dispose(): void {
    this.params.forEach((p) => p.value.dispose());
    this.layers.forEach((layer) => layer.dispose());
  }
}
