/**
 * Direct Feedback Alignment (Nøkland 2016): each hidden layer receives the output error through a fixed
 * random matrix, U_l = (S B_l) ⊙ φ'(Z_l), B_l ~ U(−1/√H_l, 1/√H_l) of shape [C, H_l]. The output layer gets
 * its true error. On a dual-stream net the n stream receives −S B_l, as in ED. Conv layers get one feedback
 * value per channel, broadcast over positions (as ED's routing does).
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import { symmetricUniformInit } from "../nn/init.ts";
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";
import type { LearningRule, OutputError } from "./rule.ts";
import { directDrive, outputDrive } from "./rule.ts";

/**
 * Direct Feedback Alignment: hidden layer l is driven by S B_l through a fixed random matrix B_l [C, H_l].
 * Owns the matrices: call `dispose()` when done.
 *
 * @example
 * ```ts
 * import { createBackend, makeRule, Network, Sgd } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 4, hidden: [8], classes: 2, dualStream: true, seed: 0, excitatoryScale: 1, inhibitoryScale: 1,
 *   hiddenActivation: [{ kind: "sigmoid", width: 2 }], outputActivation: { kind: "sigmoid", width: 2 },
 * });
 * const rule = makeRule("dfa", backend, net, 0); // a DirectFeedbackAlignment instance; applyRule shows the training step
 * console.log(rule.name);
 * ```
 */
export class DirectFeedbackAlignment implements LearningRule {
  /** `dfa`. */
  readonly name = "dfa";
  /** B_l for every hidden layer, [classes, units_l]. */
  readonly feedback: Tensor[];

  /** Draws B_l ~ U(−1/√H_l, 1/√H_l) for every layer but the last from `seed`. */
  constructor(backend: Backend, layers: Layer[], classes: number, seed: number) {
    this.feedback = layers.slice(0, -1).map((layer, l) =>
      symmetricUniformInit(backend, [classes, layer.units], 1 / Math.sqrt(layer.units), seed ^ 0xdfa, l)
    );
  }

  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[] {
    const last = layers.length - 1;
    return layers.map((layer, l) => {
      if (l === last) return outputDrive(layer, caches[l], error, "opposite");
      using projected = ops.matmul(error.signal, this.feedback[l]);
      using spread = layer.spread(projected);
      return directDrive(layer, caches[l], spread);
    });
  }

  /** Frees the feedback matrices. */
  dispose(): void {
    this.feedback.forEach((b) => b.dispose());
  }
}
