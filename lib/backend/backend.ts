/**
 * The backend contract: every tensor kernel the library needs, implemented once on typed arrays (cpu, the
 * reference) and once in WGSL (webgpu). Front-end functions in `lib/ops.ts` validate shapes and dtypes and
 * then call these methods, so a backend may assume its inputs are well formed.
 *
 * Kernels are synchronous from the caller's point of view: cpu computes at once, webgpu records a dispatch
 * into the current command encoder. Only `read` is asynchronous; that is the one GPU->CPU sync point.
 */
import type { Tensor } from "../tensor.ts";

export type DType = "f32" | "i32";
export type TypedArrayFor<D extends DType> = D extends "f32" ? Float32Array : Int32Array;

/** Pointwise nonlinearities. `sigmoid` is width-scaled: φ(z) = 1 / (1 + exp(−2z/u0)), u0 = `width` (2 → logistic). */
export type ActivationKind = "identity" | "sigmoid" | "relu" | "tanh" | "silu" | "softplus";
export interface Activation {
  kind: ActivationKind;
  /** Sigmoid width u0 (Kaneko's notation); ignored by the other kinds. Default 2 (the logistic function). */
  width?: number;
}

export type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "abs" | "square" | "reciprocal" | "sign";
export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min" | "gt" | "ge" | "lt" | "le" | "eq";
export type ReduceOp = "sum" | "mean" | "max" | "min" | "sumsq" | "argmax";

export interface MatmulOptions {
  /** Use Aᵀ: A is stored [k, m]. */
  transA: boolean;
  /** Use Bᵀ: B is stored [n, k]. */
  transB: boolean;
  /** Multiplies the product before the bias: C = act(scale · op(A) op(B) + bias). */
  scale: number;
  /** Row vector [n] added to every row. */
  bias?: Tensor;
  activation: Activation;
}

export interface Conv2dGeometry {
  stride: number;
  padding: number;
}

export interface Conv2dOptions extends Conv2dGeometry {
  /** Per output channel [cout]. */
  bias?: Tensor;
  activation: Activation;
}

export interface SgdOptions {
  lr: number;
  /** Classical momentum; requires a velocity tensor. 0 disables it. */
  momentum: number;
  weightDecay: number;
  /** After the step, clamp every weight to at least this value (Dale's principle). null: no clamp. */
  floor: number | null;
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count for bias correction. */
  step: number;
  weightDecay: number;
  floor: number | null;
}

export type RandomDistribution = "uniform" | "normal";

/** Opaque per-backend memory; `size` counts elements. */
export interface Storage {
  readonly size: number;
}

export interface Backend {
  readonly name: "cpu" | "webgpu";
  /** Human-readable device: "cpu (2 threads)", "llvmpipe (LLVM 15.0.6, 256 bits)", ... */
  readonly deviceName: string;

  upload(data: Float32Array | Int32Array): Storage;
  /** Zero-filled storage of `size` elements. */
  alloc(size: number, dtype: DType): Storage;
  /** Overwrites a storage with host data of the same length. */
  write(dst: Storage, data: Float32Array | Int32Array): void;
  /** Copies `src` into a fresh storage. */
  copy(src: Storage, dtype: DType): Storage;
  release(s: Storage): void;
  /** Reads several storages with a single device synchronisation. */
  read(items: { storage: Storage; dtype: DType }[]): Promise<(Float32Array | Int32Array)[]>;
  /** Waits until all recorded work has finished (benchmarks only). */
  sync(): Promise<void>;
  dispose(): void;

  // Dense algebra. Shapes are those of the operands as stored; `m, n, k` describe the product.
  matmul(a: Tensor, b: Tensor, m: number, n: number, k: number, o: MatmulOptions): Storage;
  transpose(x: Tensor, rows: number, cols: number): Storage;

  // Elementwise. `outShape` is the broadcast shape; operands are broadcast numpy-style.
  unary(op: UnaryOp, x: Tensor): Storage;
  /** y = x · scale + shift. */
  affine(x: Tensor, scale: number, shift: number): Storage;
  binary(op: BinaryOp, a: Tensor, b: Tensor, outShape: readonly number[]): Storage;
  clamp(x: Tensor, lo: number, hi: number): Storage;
  activation(act: Activation, x: Tensor): Storage;
  /** φ'(z) evaluated at the pre-activation z. */
  activationGrad(act: Activation, z: Tensor): Storage;

  // Reductions over a 2-D view [rows, cols]; axis 0 gives [cols], axis 1 gives [rows]. argmax gives i32.
  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): Storage;
  softmax(x: Tensor, rows: number, cols: number, log: boolean): Storage;

  // RMS normalisation of the rows of a 2-D view. `parts` (one or two [rows, cols] tensors) are normalised
  // together, as if concatenated into rows [x_0 | x_1] of K = parts · cols values (a dual-stream layer's p|n).
  /** y = x / rms, rms = sqrt(mean over the K values of x² + eps) per row: the normalised parts and rms [rows]. */
  rmsNorm(parts: Tensor[], rows: number, cols: number, eps: number): { y: Storage[]; rms: Storage };
  /**
   * dx from dy, given rmsNorm's outputs y and rms: the exact vector-Jacobian product
   * dx = (dy − y · mean(y ⊙ dy)) / rms (mean over the row's K values), or with `diagonal` only the Jacobian's
   * diagonal, dx = dy ⊙ (1 − y²/K) / rms. One storage per part.
   */
  rmsNormBackward(
    y: Tensor[],
    rms: Tensor,
    dy: Tensor[],
    rows: number,
    cols: number,
    diagonal: boolean,
  ): Storage[];

  // Indexing over a 2-D view [rows, cols].
  /** axis 0: out[i, :] = x[idx[i], :]; axis 1: out[:, j] = x[:, idx[j]]. */
  gather(x: Tensor, idx: Tensor, rows: number, cols: number, axis: 0 | 1): Storage;
  oneHot(labels: Tensor, classes: number): Storage;

  // Convolution, NCHW activations and [cout, cin, kh, kw] kernels, as implicit GEMM.
  conv2d(x: Tensor, w: Tensor, o: Conv2dOptions): Storage;
  /** dx = correlation of dy with the flipped kernel: the input-side product. */
  conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: readonly number[], g: Conv2dGeometry): Storage;
  /** dw[co, ci, i, j] = Σ_{n, y, x} dy[n, co, y, x] · xpad[n, ci, y·s + i, x·s + j]. */
  conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: readonly number[], g: Conv2dGeometry): Storage;

  /** Counter-based Philox-4x32-10 stream: element i depends only on (seed, counter + i). */
  random(size: number, dist: RandomDistribution, seed: number, counter: number): Storage;

  // Fused in-place optimizer steps (one kernel per parameter).
  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions): void;
  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void;
}
