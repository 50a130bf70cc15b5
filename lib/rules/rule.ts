/**
 * A learning rule turns the output error into a drive U_l for every layer: the learning signal at that
 * layer's pre-activations. Everything else (forward pass, the weight update from a drive, the optimizer and
 * the Dale clamp) is shared, so the three rules differ only in `drives`.
 *
 * On a layer that RMS-normalises its pre-activations (Ẑ = Z / r, ../nn/rms_norm.ts) φ' is taken at Ẑ and
 * the drive then crosses the normalisation: exactly where a true gradient is wanted (backprop, every output
 * layer), through the Jacobian's diagonal alone where the signal is delivered to the unit (ED, DFA), which
 * makes each unit's factor φ'(Ẑ_j) · (1 − Ẑ_j²/K) / r, Fujita's local rule. Without it both are no-ops.
 *
 * @module
 */
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";

/** The output error a rule distributes, and the loss it comes from. */
export interface OutputError {
  /** Per-class error S [B, C] (target − output, optionally batch-centered): what ED and DFA broadcast. */
  signal: Tensor;
  /** "mse": the output drive is φ'(Z_L) ⊙ S; "bce": S itself (cross-entropy cancels φ'). */
  loss: "mse" | "bce";
}

/**
 * A learning rule: output error → one drive per layer. Made by {@link makeRule}; used by {@link applyRule}.
 */
export interface LearningRule {
  /** `ed`, `dfa` or `bp`. */
  readonly name: string;
  /** One drive per layer, first layer first. The caller disposes them. */
  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[];
  /** Frees what the rule owns (DFA's feedback matrices). */
  dispose?(): void;
}

/** φ'(Z) ⊙ R for one stream (Z: what φ takes, `LayerCache.pre`). */
export function gate(layer: Layer, pre: Tensor, signal: Tensor): Tensor {
  using slope = ops.activationGrad(layer.activation, pre);
  return ops.mul(slope, signal);
}

/** The output layer's own drive: S through the output slope (p stream), and −S for a dual n stream. */
export function outputDrive(
  layer: Layer,
  cache: LayerCache,
  error: OutputError,
  negative: "opposite" | "none",
): Streams {
  const s = error.signal;
  const p = error.loss === "mse" ? gate(layer, cache.pre.p, s) : ops.clone(s);
  if (!layer.dualStream) return layer.throughNorm(cache, { p }, "exact");
  if (negative === "none") return layer.throughNorm(cache, { p, n: ops.zeros(s.backend, s.shape) }, "exact");
  using minus = ops.scale(s, -1);
  const n = error.loss === "mse" ? gate(layer, cache.pre.n!, minus) : ops.clone(minus);
  return layer.throughNorm(cache, { p, n }, "exact");
}

/**
 * Drive from a signal delivered straight to a hidden layer (ED routing, DFA projection): n stream gets −R.
 * Local: a normalised layer applies only the diagonal of its normalisation's Jacobian.
 */
export function directDrive(layer: Layer, cache: LayerCache, signal: Tensor): Streams {
  const p = gate(layer, cache.pre.p, signal);
  if (!layer.dualStream) return layer.throughNorm(cache, { p }, "diagonal");
  using minus = ops.scale(signal, -1);
  return layer.throughNorm(cache, { p, n: gate(layer, cache.pre.n!, minus) }, "diagonal");
}
