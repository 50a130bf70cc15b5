/**
 * The linear part of a layer, z = x ∘ W + b, as a strategy: a dense product or a convolution. A layer's
 * pathway logic (dual streams, signs, routing) is written once against this interface, so dense and
 * convolutional layers share it. All products take and return batch-first tensors.
 *
 * Conv bias update. A conv channel's bias b_c is added at each of the P = H_out·W_out output positions, so
 * with a drive U[b, c, y, x] at the pre-activations the exact gradient (backprop's, and the one the
 * finite-difference tests check) sums over positions as well as over the batch:
 *
 *   sum  (default):  Δb_c ∝ (1/B) Σ_b Σ_{y,x} U[b, c, y, x]
 *   mean (option):   Δb_c ∝ (1/B) Σ_b (1/P) Σ_{y,x} U[b, c, y, x]  =  sum / P
 *
 * The default is the sum, for every rule. It is the exact gradient, so backprop stays exact; and for ED and
 * DFA it is the same local rule as the kernel's own update, ΔW[c, k] ∝ Σ_{y,x} x[k @ (y, x)] · U[c, y, x],
 * read with a presynaptic activity of 1 at every position (a bias is a weight on a constant input). The
 * mean would shrink only the bias step, by 1/P (1/1024 on a 32×32 map), against weights whose steps also
 * add P terms. The large common-mode step the sum gives on raw [0, 1] pixels is shared by every kernel
 * weight of the channel too (all inputs positive); per-channel input standardisation (lib/train/input.ts)
 * is what removes it. `model.convBias: mean` keeps the other reading available for comparison. Dense
 * layers have P = 1, where both agree.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";

/** How a conv layer's bias update reduces the drive over output positions (see the module doc). */
export const CONV_BIAS_REDUCTIONS = ["sum", "mean"] as const;
/** One of {@link CONV_BIAS_REDUCTIONS}. */
export type ConvBiasReduction = typeof CONV_BIAS_REDUCTIONS[number];

/** The linear part z = x ∘ W + b of a layer: {@link DenseMap} or {@link ConvMap}. */
export interface LinearMap {
  /** Shape of W ([inputs, units] dense; [cout, cin, k, k] conv). */
  readonly weightShape: number[];
  /** Fan-in of one output unit (for U[0,1)/√fan_in initialisation). */
  readonly fanIn: number;
  /** Units (dense) or channels (conv): what modulo routing and DFA feedback address. */
  readonly units: number;
  /** Output shape for a batch of `batch` samples. */
  outputShape(batch: number): number[];
  /** z = x ∘ W (+ bias). */
  forward(x: Tensor, w: Tensor, bias?: Tensor): Tensor;
  /** scale · (x ⋆ u): the weight-update correlation of presynaptic activity and a drive. */
  weightGrad(x: Tensor, u: Tensor, scale: number): Tensor;
  /** The input-side product uᵀ-through-W (backprop only). */
  inputGrad(u: Tensor, w: Tensor, inputShape: readonly number[]): Tensor;
  /** scale · Σ of a drive over the batch (and positions). */
  biasGrad(u: Tensor, scale: number): Tensor;
  /** Shape a per-unit signal [B, units] takes to broadcast against this map's output. */
  broadcastShape(batch: number): number[];
}

/** z = x W + b for x [B, inputs], W [inputs, units]. */
export class DenseMap implements LinearMap {
  /** [inputs, units]. */
  readonly weightShape: number[];
  /** = inputs. */
  readonly fanIn: number;
  /** A map from `inputs` to `units` features. */
  constructor(
    /** Input features. */
    readonly inputs: number,
    /** Output units. */
    readonly units: number,
  ) {
    this.weightShape = [inputs, units];
    this.fanIn = inputs;
  }
  outputShape(batch: number): number[] {
    return [batch, this.units];
  }
  forward(x: Tensor, w: Tensor, bias?: Tensor): Tensor {
    return ops.matmul(x, w, { bias });
  }
  weightGrad(x: Tensor, u: Tensor, scale: number): Tensor {
    return ops.matmul(x, u, { transA: true, scale });
  }
  inputGrad(u: Tensor, w: Tensor): Tensor {
    return ops.matmul(u, w, { transB: true });
  }
  biasGrad(u: Tensor, scale: number): Tensor {
    using total = ops.reduce("sum", u, 0);
    return ops.scale(total, scale);
  }
  broadcastShape(batch: number): number[] {
    return [batch, this.units];
  }
}

/** Shape of a convolutional layer. */
export interface ConvGeometry {
  /** Input [channels, height, width] of one sample. */
  input: [number, number, number];
  /** Output channels. */
  channels: number;
  /** Square kernel size. */
  kernel: number;
  /** Step between kernel positions. */
  stride: number;
  /** Zeros added on every side of the input. */
  padding: number;
  /** Bias update over positions: "sum" (exact gradient, default) or "mean" (sum / P). */
  biasReduction?: ConvBiasReduction;
}

/** z = conv2d(x, W) + b for NCHW x and W [channels, cin, kernel, kernel]. */
export class ConvMap implements LinearMap {
  /** [channels, cin, kernel, kernel]. */
  readonly weightShape: number[];
  /** cin · kernel². */
  readonly fanIn: number;
  /** = channels. */
  readonly units: number;
  /** Output height. */
  readonly outHeight: number;
  /** Output width. */
  readonly outWidth: number;
  /** Checks that the kernel fits the input; throws naming the sizes when it does not. */
  constructor(
    /** The layer's geometry. */
    readonly g: ConvGeometry,
  ) {
    const [cin, h, w] = g.input;
    this.weightShape = [g.channels, cin, g.kernel, g.kernel];
    this.fanIn = cin * g.kernel * g.kernel;
    this.units = g.channels;
    this.outHeight = Math.floor((h + 2 * g.padding - g.kernel) / g.stride) + 1;
    this.outWidth = Math.floor((w + 2 * g.padding - g.kernel) / g.stride) + 1;
    if (this.outHeight < 1 || this.outWidth < 1) {
      throw new Error(
        `conv layer: kernel ${g.kernel} does not fit input ${h}x${w} with padding ${g.padding}`,
      );
    }
  }
  outputShape(batch: number): number[] {
    return [batch, this.g.channels, this.outHeight, this.outWidth];
  }
  forward(x: Tensor, w: Tensor, bias?: Tensor): Tensor {
    return ops.conv2d(x, w, { stride: this.g.stride, padding: this.g.padding, bias });
  }
  weightGrad(x: Tensor, u: Tensor, scale: number): Tensor {
    using raw = ops.conv2dWeightGrad(x, u, this.weightShape, this.g);
    return ops.scale(raw, scale);
  }
  inputGrad(u: Tensor, w: Tensor, inputShape: readonly number[]): Tensor {
    return ops.conv2dInputGrad(u, w, inputShape, this.g);
  }
  biasGrad(u: Tensor, scale: number): Tensor {
    const [n, c, h, w] = u.shape;
    using perMap = u.reshape([n * c, h * w]);
    using sums = ops.reduce("sum", perMap, 1);
    using grid = sums.reshape([n, c]);
    using total = ops.reduce("sum", grid, 0);
    const positions = this.g.biasReduction === "mean" ? h * w : 1;
    return ops.scale(total, scale / positions);
  }
  broadcastShape(batch: number): number[] {
    return [batch, this.g.channels, 1, 1];
  }
}

/** Average pooling with a square window and stride `size`, as a fixed depthwise convolution. */
export class AvgPool {
  readonly #kernel: Tensor;
  /** A `size` × `size` window with stride `size`. */
  constructor(
    backend: Backend,
    /** Window side and stride. */
    readonly size: number,
  ) {
    this.#kernel = ops.full(backend, [1, 1, size, size], 1 / (size * size));
  }
  /** Window means of NCHW `x` → [N, C, ⌊H/size⌋, ⌊W/size⌋]. */
  forward(x: Tensor): Tensor {
    const [n, c, h, w] = x.shape;
    using planes = x.reshape([n * c, 1, h, w]);
    using pooled = ops.conv2d(planes, this.#kernel, { stride: this.size });
    return pooled.reshape([n, c, pooled.shape[2], pooled.shape[3]]);
  }
  /** Spreads a signal at the pooled output back over each window (the adjoint of `forward`). */
  backward(dy: Tensor, inputShape: readonly number[]): Tensor {
    const [n, c, h, w] = inputShape;
    using planes = dy.reshape([n * c, 1, dy.shape[2], dy.shape[3]]);
    using spread = ops.conv2dInputGrad(planes, this.#kernel, [n * c, 1, h, w], { stride: this.size });
    return spread.reshape([n, c, h, w]);
  }
  /** Frees the window kernel. */
  dispose(): void {
    this.#kernel.dispose();
  }
}
