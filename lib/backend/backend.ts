/**
 * The backend contract: every tensor kernel the library needs, implemented once on typed arrays (cpu, the
 * reference) and once in WGSL (webgpu). Front-end functions in `lib/ops.ts` validate shapes and dtypes and
 * then call these methods, so a backend may assume its inputs are well formed.
 *
 * Kernels are synchronous from the caller's point of view: cpu computes at once, webgpu records a dispatch
 * into the current command encoder. Only `read` is asynchronous; that is the one GPU->CPU sync point.
 *
 * @module
 */
import type { Tensor } from "../tensor.ts";

/** Element type of a tensor: 32-bit float or 32-bit signed integer. */
export type DType = "f32" | "i32";
/** The typed array that holds a tensor of dtype `D` on the host. */
export type TypedArrayFor<D extends DType> = D extends "f32" ? Float32Array : Int32Array;

/** Pointwise nonlinearities. `sigmoid` is width-scaled: φ(z) = 1 / (1 + exp(−2z/u0)), u0 = `width` (2 → logistic). */
export type ActivationKind = "identity" | "sigmoid" | "relu" | "tanh" | "silu" | "softplus";
/**
 * A pointwise nonlinearity with its parameter.
 *
 * @example
 * ```ts
 * const act: Activation = { kind: "sigmoid", width: 2 };
 * ```
 */
export interface Activation {
  /** Which function. */
  kind: ActivationKind;
  /** Sigmoid width u0 (Kaneko's notation); ignored by the other kinds. Default 2 (the logistic function). */
  width?: number;
}

/** Elementwise one-operand operations (`sign` gives −1, 0 or 1). */
export type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "abs" | "square" | "reciprocal" | "sign";
/** Elementwise two-operand operations, broadcast numpy-style; comparisons give 1 or 0 (f32). */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min" | "gt" | "ge" | "lt" | "le" | "eq";
/** Reductions along one axis of a 2-D view; `argmax` gives i32 indices. */
export type ReduceOp = "sum" | "mean" | "max" | "min" | "sumsq" | "argmax";

/** Which advantage GAE gives: Schulman's (`gae`) or Brax's V-trace-style one (`brax`); see lib/rl/gae.ts. */
export type AdvantageKind = "gae" | "brax";

/** Discounting of {@link Backend.gae}. */
export interface GaeSettings {
  /** Discount γ in [0, 1]. */
  gamma: number;
  /** GAE λ in [0, 1]. */
  lambda: number;
  /** Advantage estimator. */
  kind: AdvantageKind;
}

/** The advantages, value targets and truncation mask of {@link Backend.gae}, each [T·N]. */
export interface GaeStorages {
  /** A_t [T·N]. */
  advantages: Storage;
  /** Value targets vs_t [T·N]. */
  targets: Storage;
  /** 1 for steps that count, 0 for truncated ones [T·N]. */
  mask: Storage;
}

/** Options of {@link Backend.matmul}: C = act(scale · op(A) op(B) + bias). */
export interface MatmulOptions {
  /** Use Aᵀ: A is stored [k, m]. */
  transA: boolean;
  /** Use Bᵀ: B is stored [n, k]. */
  transB: boolean;
  /** Multiplies the product before the bias: C = act(scale · op(A) op(B) + bias). */
  scale: number;
  /** Row vector [n] added to every row. */
  bias?: Tensor;
  /** Applied after the bias (identity for a plain product). */
  activation: Activation;
}

/** Stride and zero padding of a 2-D convolution (the same along both spatial axes). */
export interface Conv2dGeometry {
  /** Step between kernel positions. */
  stride: number;
  /** Zeros added on every side of the input. */
  padding: number;
}

/** Options of {@link Backend.conv2d}: geometry, optional bias and the fused activation. */
export interface Conv2dOptions extends Conv2dGeometry {
  /** Per output channel [cout]. */
  bias?: Tensor;
  /** Applied after the bias. */
  activation: Activation;
}

/** One fused SGD step: s = g + weightDecay · p (with momentum: v ← momentum · v + s, s = v), p ← max(floor, p − lr · s). */
export interface SgdOptions {
  /** Learning rate. */
  lr: number;
  /** Classical momentum; requires a velocity tensor. 0 disables it. */
  momentum: number;
  /** L2 penalty added to the gradient: g + weightDecay · p. */
  weightDecay: number;
  /** After the step, clamp every weight to at least this value (Dale's principle). null: no clamp. */
  floor: number | null;
}

/** One fused Adam step (Kingma & Ba), with optional weight decay and Dale clamp. */
export interface AdamOptions {
  /** Learning rate. */
  lr: number;
  /** Decay of the first-moment average. */
  beta1: number;
  /** Decay of the second-moment average. */
  beta2: number;
  /** Added to √v̂ in the denominator. */
  eps: number;
  /** 1-based step count for bias correction. */
  step: number;
  /** Decoupled (AdamW-style) weight decay: p ← p − lr · (m̂ / (√v̂ + eps) + weightDecay · p). */
  weightDecay: number;
  /** After the step, clamp every weight to at least this value (Dale's principle). null: no clamp. */
  floor: number | null;
}

/** Distribution of {@link Backend.random}: uniform in [0, 1) or standard normal. */
export type RandomDistribution = "uniform" | "normal";

/** Opaque per-backend memory; `size` counts elements. */
export interface Storage {
  /** Number of elements. */
  readonly size: number;
}

/**
 * A compute device: allocation, transfer and every kernel. Made by `createBackend`; used through `ops`.
 *
 * @example
 * ```ts
 * import { createBackend, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const x = ops.tensor(backend, new Float32Array([1, 2, 3, 4]), [2, 2]);
 * console.log(await ops.matmul(x, x).read()); // Float32Array [7, 10, 15, 22]
 * backend.dispose();
 * ```
 */
export interface Backend {
  /** Which implementation. */
  readonly name: "cpu" | "webgpu";
  /** Human-readable device: "cpu (2 threads)", "llvmpipe (LLVM 15.0.6, 256 bits)", ... */
  readonly deviceName: string;

  /** Copies host data into fresh device storage. */
  upload(data: Float32Array | Int32Array): Storage;
  /** Zero-filled storage of `size` elements. */
  alloc(size: number, dtype: DType): Storage;
  /** Overwrites a storage with host data of the same length. */
  write(dst: Storage, data: Float32Array | Int32Array): void;
  /** Copies `src` into a fresh storage. */
  copy(src: Storage, dtype: DType): Storage;
  /** Frees a storage (it must not be used afterwards). */
  release(s: Storage): void;
  /** Reads several storages with a single device synchronisation. */
  read(items: { storage: Storage; dtype: DType }[]): Promise<(Float32Array | Int32Array)[]>;
  /** Waits until all recorded work has finished (benchmarks only). */
  sync(): Promise<void>;
  /** Frees every resource of the backend. */
  dispose(): void;

  // Dense algebra. Shapes are those of the operands as stored; `m, n, k` describe the product.
  /** C[m, n] = act(scale · op(A) op(B) + bias), op = transpose when the option says so. */
  matmul(a: Tensor, b: Tensor, m: number, n: number, k: number, o: MatmulOptions): Storage;
  /** Transpose of a [rows, cols] matrix. */
  transpose(x: Tensor, rows: number, cols: number): Storage;

  // Elementwise. `outShape` is the broadcast shape; operands are broadcast numpy-style.
  /** y = op(x) elementwise. */
  unary(op: UnaryOp, x: Tensor): Storage;
  /** y = x · scale + shift. */
  affine(x: Tensor, scale: number, shift: number): Storage;
  /** out = op(a, b) elementwise with broadcasting to `outShape`. */
  binary(op: BinaryOp, a: Tensor, b: Tensor, outShape: readonly number[]): Storage;
  /** y = min(hi, max(lo, x)). */
  clamp(x: Tensor, lo: number, hi: number): Storage;
  /** y = φ(x) elementwise. */
  activation(act: Activation, x: Tensor): Storage;
  /** φ'(z) evaluated at the pre-activation z. */
  activationGrad(act: Activation, z: Tensor): Storage;

  // Reductions over a 2-D view [rows, cols]; axis 0 gives [cols], axis 1 gives [rows]. argmax gives i32.
  /** Reduces a [rows, cols] view along `axis`. */
  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): Storage;
  /** Row-wise softmax (or log-softmax when `log`) of a [rows, cols] view. */
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

  // Generalised advantage estimation over a time-major rollout [T, N] (step t of env i at t·N + i), so a PPO
  // update on a GPU needs no read-back between its minibatches.
  /**
   * Advantages, λ-return value targets and the truncation mask by lib/rl/gae.ts's recursion, from rewards,
   * values, dones and truncations [T·N] (flags as f32 0/1) and the bootstrap values V(s_T) [N].
   */
  gae(
    rewards: Tensor,
    values: Tensor,
    bootstrap: Tensor,
    dones: Tensor,
    truncations: Tensor,
    steps: number,
    envs: number,
    o: GaeSettings,
  ): GaeStorages;

  // Indexing over a 2-D view [rows, cols].
  /** axis 0: out[i, :] = x[idx[i], :]; axis 1: out[:, j] = x[:, idx[j]]. */
  gather(x: Tensor, idx: Tensor, rows: number, cols: number, axis: 0 | 1): Storage;
  /** [n, classes] f32 rows with a 1 at each i32 label. */
  oneHot(labels: Tensor, classes: number): Storage;

  // Convolution, NCHW activations and [cout, cin, kh, kw] kernels, as implicit GEMM.
  /** y = act(conv(x, w) + bias): NCHW input, [cout, cin, kh, kw] kernel. */
  conv2d(x: Tensor, w: Tensor, o: Conv2dOptions): Storage;
  /** dx = correlation of dy with the flipped kernel: the input-side product. */
  conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: readonly number[], g: Conv2dGeometry): Storage;
  /** dw[co, ci, i, j] = Σ_{n, y, x} dy[n, co, y, x] · xpad[n, ci, y·s + i, x·s + j]. */
  conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: readonly number[], g: Conv2dGeometry): Storage;

  /** Counter-based Philox-4x32-10 stream: element i depends only on (seed, counter + i). */
  random(size: number, dist: RandomDistribution, seed: number, counter: number): Storage;

  // Fused in-place optimizer steps (one kernel per parameter).
  /** In place: one SGD step on `param` (and its velocity when momentum is on). */
  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions): void;
  /** In place: one Adam step on `param` and its moment estimates `m`, `v`. */
  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void;
}
