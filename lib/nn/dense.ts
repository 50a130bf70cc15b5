/** Single-stream dense layer, a = φ(x W + b), with signed weights: the DFA and backprop baselines. */
import type { Activation, Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Layer, LayerCache, Param, Streams } from "./layer.ts";
import { moduloIndex, symmetricUniformInit } from "./init.ts";

export interface DenseOptions {
  inputs: number;
  units: number;
  activation: Activation;
  /** Weights ~ U[−s/√fan_in, s/√fan_in). */
  initScale: number;
  seed: number;
  classes: number;
}

export class Dense implements Layer {
  readonly kind = "dense";
  readonly dualStream = false;
  readonly units: number;
  readonly activation: Activation;
  readonly params: Param[];
  readonly #routeIndex: Tensor;

  constructor(backend: Backend, o: DenseOptions) {
    this.units = o.units;
    this.activation = o.activation;
    this.params = [
      {
        name: "w",
        value: symmetricUniformInit(
          backend,
          [o.inputs, o.units],
          o.initScale / Math.sqrt(o.inputs),
          o.seed,
          0,
        ),
        dalean: false,
      },
      { name: "b", value: ops.zeros(backend, [o.units]), dalean: false },
    ];
    this.#routeIndex = moduloIndex(backend, o.units, o.classes);
  }

  forward(input: Streams): LayerCache {
    const [w, b] = this.params.map((p) => p.value);
    const z = ops.matmul(input.p, w, { bias: b });
    return { input: { p: input.p }, pre: { p: z }, out: { p: ops.activation(this.activation, z) } };
  }

  gradients(cache: LayerCache, drive: Streams): Grad[] {
    const inv = -1 / drive.p.shape[0];
    using bias = ops.reduce("sum", drive.p, 0);
    return [
      { tensor: ops.matmul(cache.input.p, drive.p, { transA: true, scale: inv }), sign: 1 },
      { tensor: ops.scale(bias, inv), sign: 1 },
    ];
  }

  backward(_cache: LayerCache, drive: Streams): Streams {
    return { p: ops.matmul(drive.p, this.params[0].value, { transB: true }) };
  }

  route(signal: Tensor): Tensor {
    return ops.gather(signal, this.#routeIndex, 1);
  }
}
