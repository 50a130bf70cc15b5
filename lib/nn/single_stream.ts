/**
 * Single-stream layer, a = φ(x ∘ W + b) with signed weights: the DFA and backprop baselines, dense or
 * convolutional (the same `LinearMap` strategy as the dual-stream layers), with an optional average pool.
 * With `rmsNorm`, φ takes Z / r, r = sqrt(mean(Z²) + ε) over the sample's units (./rms_norm.ts):
 *
 *   a = φ( z / r ),   z = x ∘ W + b
 *
 * @module
 */
import type { Activation, Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Layer, LayerCache, Param, Streams } from "./layer.ts";
import { moduloIndex, symmetricUniformInit } from "./init.ts";
import { AvgPool, type ConvBiasReduction, ConvMap, DenseMap, type LinearMap } from "./linear_map.ts";
import { fitInput, outputToPre } from "./dual_stream.ts";
import { normalize, type NormJacobian, throughNorm } from "./rms_norm.ts";

/** Options of {@link SingleStreamLayer} (and of {@link Dense} / {@link Conv2d}). */
export interface SingleStreamOptions {
  /** φ. */
  activation: Activation;
  /** Weights ~ U[−s/√fan_in, s/√fan_in). */
  initScale: number;
  /** Initialisation seed. */
  seed: number;
  /** Number of classes (for modulo routing of a per-class signal, as DFA variants use). */
  classes: number;
  /** Average-pool window after the activation (conv layers); 1 or absent: none. */
  pool?: number;
  /** RMS-normalise the pre-activations (per sample) before φ. Default off. */
  rmsNorm?: boolean;
}

/**
 * A single-stream layer over any linear map (dense or convolution); use {@link Dense} or {@link Conv2d}.
 * Its parameters are `w` (signed) and `b`.
 */
export class SingleStreamLayer implements Layer {
  /** Always false. */
  readonly dualStream = false;
  readonly units: number;
  readonly activation: Activation;
  readonly rmsNorm: boolean;
  readonly params: Param[];
  readonly #routeIndex: Tensor;
  readonly #pool: AvgPool | null;

  /** Initialises W ~ U[−s/√fan_in, s/√fan_in) and a zero bias on `backend`. */
  constructor(
    backend: Backend,
    /** Layer kind for messages (`dense`, `conv2d`). */
    readonly kind: string,
    /** The linear map ∘. */
    readonly map: LinearMap,
    o: SingleStreamOptions,
  ) {
    this.units = map.units;
    this.activation = o.activation;
    this.rmsNorm = o.rmsNorm ?? false;
    const bound = o.initScale / Math.sqrt(map.fanIn);
    this.params = [
      { name: "w", value: symmetricUniformInit(backend, map.weightShape, bound, o.seed, 0), dalean: false },
      { name: "b", value: ops.zeros(backend, [map.units]), dalean: false },
    ];
    this.#routeIndex = moduloIndex(backend, map.units, o.classes);
    this.#pool = (o.pool ?? 1) > 1 ? new AvgPool(backend, o.pool!) : null;
  }

  forward(input: Streams): LayerCache {
    const [w, b] = this.params.map((p) => p.value), owned: Tensor[] = [];
    const x = fitInput(this.map, input.p, owned);
    const raw = { p: this.map.forward(x, w, b) };
    const { pre, rms } = this.rmsNorm ? normalize(raw) : { pre: raw, rms: undefined };
    let a = ops.activation(this.activation, pre.p);
    if (this.#pool) {
      using rate = a;
      a = this.#pool.forward(rate);
    }
    return { input: { p: x }, pre, rms, out: { p: a }, owned };
  }

  throughNorm(cache: LayerCache, drive: Streams, jacobian: NormJacobian): Streams {
    return throughNorm(cache, drive, jacobian);
  }

  gradients(cache: LayerCache, drive: Streams): Grad[] {
    const inv = -1 / drive.p.shape[0];
    return [
      { tensor: this.map.weightGrad(cache.input.p, drive.p, inv), sign: 1 },
      { tensor: this.map.biasGrad(drive.p, inv), sign: 1 },
    ];
  }

  backward(cache: LayerCache, drive: Streams): Streams {
    return { p: this.map.inputGrad(drive.p, this.params[0].value, cache.input.p.shape) };
  }

  outputToPre(cache: LayerCache, signal: Tensor): Tensor {
    return outputToPre(this.#pool, cache.pre.p.shape, signal);
  }

  dispose(): void {
    this.#routeIndex.dispose();
    this.#pool?.dispose();
  }

  route(signal: Tensor): Tensor {
    using routed = ops.gather(signal, this.#routeIndex, 1);
    return this.spread(routed);
  }

  spread(signal: Tensor): Tensor {
    return signal.reshape(this.map.broadcastShape(signal.shape[0]));
  }
}

/**
 * Single-stream dense layer, a = φ(x W + b).
 *
 * @example
 * ```ts
 * import { createBackend, Dense, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const layer = new Dense(backend, { inputs: 4, units: 3, classes: 3, seed: 0, initScale: 1, activation: { kind: "tanh" } });
 * const cache = layer.forward({ p: ops.zeros(backend, [2, 4]) });
 * console.log(await cache.out.p.read()); // tanh(b) = 0 for the zero bias
 * ```
 */
export class Dense extends SingleStreamLayer {
  /** A layer of `units` units on `inputs` inputs. */
  constructor(backend: Backend, o: SingleStreamOptions & { inputs: number; units: number }) {
    super(backend, "dense", new DenseMap(o.inputs, o.units), o);
  }
}

/** Single-stream convolutional layer, NCHW. */
export class Conv2d extends SingleStreamLayer {
  /** `input` is [channels, height, width] of one sample; `channels` output channels of `kernel`² kernels. */
  constructor(
    backend: Backend,
    o: SingleStreamOptions & {
      input: [number, number, number];
      channels: number;
      kernel: number;
      stride: number;
      padding: number;
      biasReduction?: ConvBiasReduction;
    },
  ) {
    super(backend, "conv2d", new ConvMap(o), o);
  }
}
