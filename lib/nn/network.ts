/**
 * A feed-forward stack of layers. Dual-stream nets feed the input to both streams (p_0 = n_0 = x) and
 * predict with the positive stream of the last layer; single-stream nets are ordinary MLPs.
 */
import type { Activation, Backend } from "../backend/backend.ts";
import type { Tensor } from "../tensor.ts";
import { DualDense } from "./dual_dense.ts";
import { Dense } from "./dense.ts";
import type { Layer, LayerCache, Param } from "./layer.ts";
import { disposeCache } from "./layer.ts";

export interface NetworkSpec {
  inputs: number;
  hidden: number[];
  classes: number;
  dualStream: boolean;
  /** Activation of each hidden layer (same length as `hidden`) and of the output layer. */
  hiddenActivation: Activation[];
  outputActivation: Activation;
  /** Dual-stream init: hidden E and I scales (the output layer is symmetric, 1 and 1). */
  excitatoryScale: number;
  inhibitoryScale: number;
  seed: number;
}

export class Network {
  readonly layers: Layer[];

  constructor(readonly backend: Backend, readonly spec: NetworkSpec) {
    if (spec.hiddenActivation.length !== spec.hidden.length) {
      throw new Error(
        `Network: ${spec.hidden.length} hidden layers but ${spec.hiddenActivation.length} hidden activations`,
      );
    }
    const sizes = [spec.inputs, ...spec.hidden, spec.classes];
    this.layers = sizes.slice(1).map((units, l) => {
      const output = l === sizes.length - 2;
      const activation = output ? spec.outputActivation : spec.hiddenActivation[l];
      const common = {
        inputs: sizes[l],
        units,
        activation,
        seed: (spec.seed * 1000 + l) >>> 0,
        classes: spec.classes,
      };
      return spec.dualStream
        ? new DualDense(backend, {
          ...common,
          excitatoryScale: output ? 1 : spec.excitatoryScale,
          inhibitoryScale: output ? 1 : spec.inhibitoryScale,
        })
        : new Dense(backend, { ...common, initScale: 1 });
    });
  }

  get params(): Param[] {
    return this.layers.flatMap((l) => l.params);
  }

  /** Forward pass keeping every layer's cache (for learning). */
  forward(x: Tensor): LayerCache[] {
    const caches: LayerCache[] = [];
    let input = { p: x, n: this.spec.dualStream ? x : undefined };
    for (const layer of this.layers) {
      const cache = layer.forward(input);
      caches.push(cache);
      input = { p: cache.out.p, n: cache.out.n };
    }
    return caches;
  }

  /** Output activations only (evaluation). */
  predict(x: Tensor): Tensor {
    const caches = this.forward(x);
    const last = caches.pop()!;
    caches.forEach(disposeCache);
    last.pre.p.dispose();
    last.pre.n?.dispose();
    last.out.n?.dispose();
    return last.out.p;
  }

  dispose(): void {
    this.params.forEach((p) => p.value.dispose());
  }
}
