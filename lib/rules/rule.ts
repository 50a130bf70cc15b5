/**
 * A learning rule turns the output error into a drive U_l for every layer: the learning signal at that
 * layer's pre-activations. Everything else (forward pass, the weight update from a drive, the optimizer and
 * the Dale clamp) is shared, so the three rules differ only in `drives`.
 */
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Layer, LayerCache, Streams } from "../nn/layer.ts";

export interface OutputError {
  /** Per-class error S [B, C] (target − output, optionally batch-centered): what ED and DFA broadcast. */
  signal: Tensor;
  /** "mse": the output drive is φ'(Z_L) ⊙ S; "bce": S itself (cross-entropy cancels φ'). */
  loss: "mse" | "bce";
}

export interface LearningRule {
  readonly name: string;
  /** One drive per layer, first layer first. The caller disposes them. */
  drives(layers: Layer[], caches: LayerCache[], error: OutputError): Streams[];
  dispose?(): void;
}

/** φ'(Z) ⊙ R for one stream. */
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
) {
  const s = error.signal;
  const p = error.loss === "mse" ? gate(layer, cache.pre.p, s) : ops.clone(s);
  if (!layer.dualStream) return { p };
  if (negative === "none") return { p, n: ops.zeros(s.backend, s.shape) };
  using minus = ops.scale(s, -1);
  const n = error.loss === "mse" ? gate(layer, cache.pre.n!, minus) : ops.clone(minus);
  return { p, n };
}

/** Drive from a signal delivered straight to a hidden layer (ED routing, DFA projection): n stream gets −R. */
export function directDrive(layer: Layer, cache: LayerCache, signal: Tensor): Streams {
  const p = gate(layer, cache.pre.p, signal);
  if (!layer.dualStream) return { p };
  using minus = ops.scale(signal, -1);
  return { p, n: gate(layer, cache.pre.n!, minus) };
}
