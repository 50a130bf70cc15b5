/**
 * Error Diffusion with modulo routing (the paper's Eqs. 1-3):
 *   (1) R = S Mᵀ, M[i, c] = 1 iff i mod C = c     every hidden unit hears the error of one class
 *   (2) U_p = φ'(Z_p) ⊙ R,  U_n = φ'(Z_n) ⊙ (−R)  the negative stream receives the opposite sign
 *   (3) ΔW ∝ A_{l−1}ᵀ U with the pathway signs    done by the layer (`Layer.gradients`)
 * The output layer gets S itself (identity routing). No weight transport, no feedback matrices.
 * On RMS-normalised layers φ'(Z) in (2) is Fujita's local factor φ'(Ẑ) · (1 − Ẑ²/K) / r (`directDrive`).
 */
import type { LearningRule, OutputError } from "./rule.ts";
import { directDrive, outputDrive } from "./rule.ts";
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";

export class ErrorDiffusion implements LearningRule {
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
