/**
 * Error Diffusion with modulo routing (the paper's Eqs. 1-3):
 *   (1) R = S Mᵀ, M[i, c] = 1 iff i mod C = c     every hidden unit hears the error of one class
 *   (2) U_p = φ'(Z_p) ⊙ R,  U_n = φ'(Z_n) ⊙ (−R)  the negative stream receives the opposite sign
 *   (3) ΔW ∝ A_{l−1}ᵀ U with the pathway signs    done by the layer (`Layer.gradients`)
 * The output layer gets S itself (identity routing). No weight transport, no feedback matrices.
 * On RMS-normalised layers φ'(Z) in (2) is Fujita's local factor φ'(Ẑ) · (1 − Ẑ²/K) / r (`directDrive`).
 *
 * @module
 */
import type { LearningRule, OutputError } from "./rule.ts";
import { directDrive, outputDrive } from "./rule.ts";
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";

/**
 * Error Diffusion: each hidden unit i is driven by the output error of class i mod C, with the opposite sign
 * on the n stream. Stateless.
 *
 * @example
 * ```ts
 * import { createBackend, makeRule, Network, Sgd } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 4, hidden: [8], classes: 2, dualStream: true, seed: 0, excitatoryScale: 1, inhibitoryScale: 1,
 *   hiddenActivation: [{ kind: "sigmoid", width: 2 }], outputActivation: { kind: "sigmoid", width: 2 },
 * });
 * const rule = makeRule("ed", backend, net, 0); // a ErrorDiffusion instance; applyRule shows the training step
 * console.log(rule.name);
 * ```
 */
export class ErrorDiffusion implements LearningRule {
  /** `ed`. */
  readonly name = "ed";

  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[] {
    const last = layers.length - 1;
    return layers.map((layer, l) => {
      if (l === last) return outputDrive(layer, caches[l], error, "opposite");
      using routed = layer.route(error.signal);
      return directDrive(layer, caches[l], routed);
    });
  }
}
