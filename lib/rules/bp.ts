/**
 * Backpropagation: exact gradients by weight transport, U_l = (U_{l+1} W_{l+1}ᵀ) ⊙ φ'(Z_l). On a
 * dual-stream net only the positive output stream is the prediction, so the output n stream gets no drive
 * and the layers' `backward` carries the signed pathways down.
 */
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";
import type { LearningRule, OutputError } from "./rule.ts";
import { gate, outputDrive } from "./rule.ts";

export class Backprop implements LearningRule {
  readonly name = "bp";

  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[] {
    const last = layers.length - 1;
    const drives: Streams[] = new Array(layers.length);
    drives[last] = outputDrive(layers[last], caches[last], error, "none");
    for (let l = last - 1; l >= 0; l--) {
      const upstream = layers[l + 1].backward(caches[l + 1], drives[l + 1]);
      using atPreP = layers[l].outputToPre(caches[l], upstream.p);
      drives[l] = { p: gate(layers[l], caches[l].pre.p, atPreP) };
      if (layers[l].dualStream) {
        using atPreN = layers[l].outputToPre(caches[l], upstream.n!);
        drives[l].n = gate(layers[l], caches[l].pre.n!, atPreN);
      }
      upstream.p.dispose();
      upstream.n?.dispose();
    }
    return drives;
  }
}
