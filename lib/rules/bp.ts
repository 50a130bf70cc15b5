/**
 * Backpropagation: exact gradients by weight transport, U_l = (U_{l+1} W_{l+1}ᵀ) ⊙ φ'(Z_l). On a
 * dual-stream net only the positive output stream is the prediction, so the output n stream gets no drive
 * and the layers' `backward` carries the signed pathways down. Through an RMS-normalised layer the drive
 * takes the normalisation's full Jacobian, U_l = J_lᵀ ((U_{l+1} W_{l+1}ᵀ) ⊙ φ'(Ẑ_l)), so it stays exact.
 *
 * @module
 */
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";
import type { LearningRule, OutputError } from "./rule.ts";
import { gate, outputDrive } from "./rule.ts";

/**
 * Backpropagation (exact gradients through the transposed weights), the reference the local rules are
 * compared with. Stateless.
 *
 * @example
 * ```ts
 * import { createBackend, makeRule, Network, Sgd } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 4, hidden: [8], classes: 2, dualStream: true, seed: 0, excitatoryScale: 1, inhibitoryScale: 1,
 *   hiddenActivation: [{ kind: "sigmoid", width: 2 }], outputActivation: { kind: "sigmoid", width: 2 },
 * });
 * const rule = makeRule("bp", backend, net, 0); // a Backprop instance; applyRule shows the training step
 * console.log(rule.name);
 * ```
 */
export class Backprop implements LearningRule {
  /** `bp`. */
  readonly name = "bp";

  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[] {
    const last = layers.length - 1;
    const drives: Streams[] = new Array(layers.length);
    drives[last] = outputDrive(layers[last], caches[last], error, "none");
    for (let l = last - 1; l >= 0; l--) {
      const upstream = layers[l + 1].backward(caches[l + 1], drives[l + 1]);
      using atPreP = layers[l].outputToPre(caches[l], upstream.p);
      const atPhi: Streams = { p: gate(layers[l], caches[l].pre.p, atPreP) };
      if (layers[l].dualStream) {
        using atPreN = layers[l].outputToPre(caches[l], upstream.n!);
        atPhi.n = gate(layers[l], caches[l].pre.n!, atPreN);
      }
      drives[l] = layers[l].throughNorm(caches[l], atPhi, "exact");
      upstream.p.dispose();
      upstream.n?.dispose();
    }
    return drives;
  }
}
