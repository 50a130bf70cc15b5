/**
 * What every layer exposes to the learning rules. A layer maps input streams to output streams; a
 * single-stream layer uses only `p`. The rules never look inside a layer: they ask it for its cached
 * pre-activations, turn the output error into a drive U (the learning signal at the pre-activations), and
 * the layer turns the drive into parameter gradients (and, for backprop only, into the signal for the
 * layer below). A layer that RMS-normalises its pre-activations (./rms_norm.ts) also carries a drive at
 * φ's input through the normalisation (`throughNorm`) before taking gradients.
 *
 * @module
 */
import type { Activation } from "../backend/backend.ts";
import type { Tensor } from "../tensor.ts";

/** Activity of one layer: the positive (excitatory) stream and, in dual-stream nets, the negative one. */
export interface Streams {
  /** The positive (excitatory) stream, or the only one. */
  p: Tensor;
  /** The negative (inhibitory) stream of a dual-stream layer. */
  n?: Tensor;
}

/** A trainable tensor. `dalean` weights are kept non-negative (clamped to the floor after every update). */
export interface Param {
  /** Unique within the network (checkpoint key), e.g. `l0.wpp`. */
  name: string;
  /** The tensor, updated in place by the optimizer. */
  value: Tensor;
  /** Keep non-negative (Dale's principle): the optimizer clamps it to its floor. */
  dalean: boolean;
}

/** Descent direction for one parameter: the update is −lr · sign · grad. Shared tensors carry a sign. */
export interface Grad {
  /** The batch-mean gradient (shaped like the parameter). */
  tensor: Tensor;
  /** −1 when the tensor is shared with another parameter's gradient with the opposite sign. */
  sign: 1 | -1;
}

/** What a forward pass keeps for learning. */
export interface LayerCache {
  /** The input streams (owned by the layer below or the caller; not released with the cache). */
  input: Streams;
  /** Pre-activations per stream: what φ takes (Z, or Ẑ = Z / r when the layer normalises). */
  pre: Streams;
  /** Per-sample rms r [B] of Z, both streams together, when the layer normalises (./rms_norm.ts). */
  rms?: Tensor;
  /** Activations φ(Z) per stream (after pooling, for pooled conv layers). */
  out: Streams;
  /** Tensors the layer made for this pass (e.g. a flattened view of its input), released with the cache. */
  owned?: Tensor[];
}

/**
 * A layer as the learning rules see it (implemented by {@link DualStreamLayer} and {@link SingleStreamLayer}).
 */
export interface Layer {
  /** `dense` or `conv` (for messages and checkpoints). */
  readonly kind: string;
  /** True when the layer has p and n streams. */
  readonly dualStream: boolean;
  /** Width of the layer's output as the error router sees it (units, or channels for conv layers). */
  readonly units: number;
  /** φ, applied to the (normalised) pre-activations. */
  readonly activation: Activation;
  /** Whether φ takes the RMS-normalised pre-activations (./rms_norm.ts). */
  readonly rmsNorm: boolean;
  /** Trainable tensors, in checkpoint order. */
  readonly params: Param[];
  /** Computes the output streams and keeps what learning needs; dispose the cache with {@link disposeCache}. */
  forward(input: Streams): LayerCache;
  /** Parameter gradients (descent directions, batch means) from the drive U at this layer's pre-activations. */
  gradients(cache: LayerCache, drive: Streams): Grad[];
  /**
   * A drive at φ's input (φ'(Ẑ) ⊙ signal) carried to the pre-activations Z, where `gradients` and
   * `backward` take it: the drive itself without normalisation; with it, the normalisation's full Jacobian
   * (`exact`: backprop, output layers) or only its diagonal (`diagonal`: ED, DFA). Consumes `drive`.
   */
  throughNorm(cache: LayerCache, drive: Streams, jacobian: "exact" | "diagonal"): Streams;
  /** Backprop only: the gradient signal at this layer's input activations (before the previous φ'). */
  backward(cache: LayerCache, drive: Streams): Streams;
  /** A signal at this layer's output (pooled or flattened shape) mapped to its pre-activation shape. */
  outputToPre(cache: LayerCache, signal: Tensor): Tensor;
  /** A per-unit signal [B, units] shaped to broadcast over this layer's pre-activations (a view). */
  spread(signal: Tensor): Tensor;
  /** Routed copy of a per-class signal S [B, C] at this layer's output shape (modulo routing, broadcast). */
  route(signal: Tensor): Tensor;
  /** Releases the layer's own tensors other than its parameters (routing index, pooling kernel). */
  dispose(): void;
}

/** Disposes both streams (either may be absent). */
export function disposeStreams(s: Streams | undefined): void {
  s?.p.dispose();
  s?.n?.dispose();
}

/** Releases what a forward pass cached, except the input (owned by the layer below or the caller). */
export function disposeCache(cache: LayerCache): void {
  disposeStreams(cache.pre);
  disposeStreams(cache.out);
  cache.rms?.dispose();
  cache.owned?.forEach((t) => t.dispose());
}
