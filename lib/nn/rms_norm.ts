/**
 * RMS normalisation of a layer's pre-activations (the `rmsNorm` layer option), placed as in Fujita's
 * EDLA_RMS: between the linear map and the nonlinearity. Per sample, over the layer's K units taken together
 * (dual-stream: p and n, K = 2H; single-stream: K = H; conv: every channel at every position before the
 * pool, K = 2·C·H·W or C·H·W):
 *
 *   Z = the linear map's output (E − I + b)             raw pre-activations, both streams
 *   r = sqrt( (1/K) Σ_k Z_k² + ε ),  ε = 1e-5           one rms per sample, shared by the two streams
 *   Ẑ = Z / r,   A = φ(Ẑ)                               φ sees Ẑ; the next layer sees A
 *
 * A drive is always the learning signal at Z, so `Layer.gradients` (ΔW ∝ A_{l−1}ᵀ U) and `Layer.backward`
 * are unchanged. From a signal G at A, with J = ∂Ẑ/∂Z, J_jk = (δ_jk − Ẑ_j Ẑ_k / K) / r (symmetric):
 *
 *   backprop (exact):  U = J (φ'(Ẑ) ⊙ G) = (V − Ẑ · (1/K) Σ_k Ẑ_k V_k) / r,    V = φ'(Ẑ) ⊙ G
 *   ED, DFA (local):   U_j = φ'(Ẑ_j) · (1 − Ẑ_j²/K) / r · R_j
 *                          = φ'(Ẑ_j) · (1/r) · (1 − Z_j² / (K r²)) · R_j         Fujita's postsynaptic factor
 *
 * The local rules keep only J's diagonal: each unit scales its own drive by a factor it can compute from its
 * own value and the one shared r, so ED stays U = factor ⊙ R. The cache keeps Ẑ (as `pre`) and r.
 */
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import { disposeStreams, type LayerCache, type Streams } from "./layer.ts";

/** Fujita's ε inside the square root. */
export const RMS_NORM_EPS = 1e-5;

/** How much of the normalisation's Jacobian a drive passes through. */
export type NormJacobian = "exact" | "diagonal";

const parts = (s: Streams): Tensor[] => (s.n ? [s.p, s.n] : [s.p]);

/** Ẑ and r from the raw pre-activations Z (both streams together). Consumes `raw`. */
export function normalize(raw: Streams): { pre: Streams; rms: Tensor } {
  const { y, rms } = ops.rmsNorm(parts(raw), RMS_NORM_EPS);
  disposeStreams(raw);
  return { pre: { p: y[0], n: y[1] }, rms };
}

/**
 * A drive at φ's input carried to Z through the normalisation (`exact` or its `diagonal`), from the cached
 * Ẑ and r; without normalisation (no r cached) the drive itself. Consumes `drive`.
 */
export function throughNorm(cache: LayerCache, drive: Streams, jacobian: NormJacobian): Streams {
  if (!cache.rms) return drive;
  const dx = ops.rmsNormBackward(parts(cache.pre), cache.rms, parts(drive), jacobian);
  disposeStreams(drive);
  return { p: dx[0], n: dx[1] };
}
