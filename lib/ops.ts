/**
 * The tensor operations, backend-independent. Each function checks shapes, dtypes and liveness at the call
 * and throws an error that names the op and the shapes, so a mistake never surfaces later as a NaN or a
 * WebGPU validation message. Then it dispatches to the tensor's backend. Every op returns a new tensor that
 * the caller disposes (the optimizer steps work in place).
 *
 * @example
 * ```ts
 * import { createBackend, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const x = ops.tensor(backend, [1, 2, 3, 4, 5, 6], [2, 3]);
 * const w = ops.tensor(backend, [1, 0, 0, 1, 1, 1], [3, 2]);
 * const y = ops.matmul(x, w, { activation: { kind: "relu" } }); // [2, 2]
 * const p = ops.softmax(y);
 * console.log(await y.read(), await ops.argmax(p).read()); // [4, 5, 10, 11], Int32Array [1, 1]
 * ```
 *
 * @module
 */
import type {
  Activation,
  AdamOptions,
  Backend,
  BinaryOp,
  DType,
  RandomDistribution,
  ReduceOp,
  SgdOptions,
  UnaryOp,
} from "./backend/backend.ts";
import type { Tensor } from "./tensor.ts";

export type { Activation, GaeSettings } from "./backend/backend.ts";

import { asView2d, checkActivation, fail, finite, live, need, sameShape, wrap } from "./ops/checks.ts";

export * from "./ops/conv.ts";
export * from "./ops/gae.ts";

// ---------------------------------------------------------------- creation

/** Copies host data to the backend. */
export function tensor(
  backend: Backend,
  data: Float32Array | Int32Array | number[],
  shape: readonly number[],
  dtype?: DType,
): Tensor {
  const kind: DType = dtype ?? (data instanceof Int32Array ? "i32" : "f32");
  const array = Array.isArray(data)
    ? (kind === "i32" ? Int32Array.from(data) : Float32Array.from(data))
    : data;
  if ((kind === "i32") !== (array instanceof Int32Array)) {
    throw new Error(`tensor: data is ${array.constructor.name} but dtype is ${kind}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`tensor: invalid shape [${shape}]`);
  if (array.length !== size) {
    throw new Error(`tensor: ${array.length} values do not fill shape [${shape}] (${size} elements)`);
  }
  return wrap(backend, backend.upload(array), shape, kind);
}

/** A zero-filled tensor. */
export function zeros(backend: Backend, shape: readonly number[], dtype: DType = "f32"): Tensor {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`zeros: invalid shape [${shape}]`);
  return wrap(backend, backend.alloc(shape.reduce((a, b) => a * b, 1), dtype), shape, dtype);
}

/** A tensor with every element equal to `value` (f32). */
export function full(backend: Backend, shape: readonly number[], value: number): Tensor {
  const z = zeros(backend, shape);
  const out = affine(z, 0, value);
  z.dispose();
  return out;
}

/** Overwrites `dst` with host data of the same size (e.g. a fresh minibatch). */
export function write(dst: Tensor, data: Float32Array | Int32Array): void {
  live("write", dst);
  if (data.length !== dst.size) fail("write", `${data.length} values for ${dst.size} elements`, dst);
  if ((dst.dtype === "i32") !== (data instanceof Int32Array)) {
    fail("write", `data is ${data.constructor.name}`, dst);
  }
  dst.backend.write(dst.storage, data);
}

/** A copy of `x` in fresh storage. */
export function clone(x: Tensor): Tensor {
  live("clone", x);
  return wrap(x.backend, x.backend.copy(x.storage, x.dtype), x.shape, x.dtype);
}

/**
 * Counter-based random numbers (Philox-4x32-10): the same (seed, counter) gives the same values on every
 * backend. Advance `counter` by the size drawn to get an independent stream.
 */
export function random(
  backend: Backend,
  shape: readonly number[],
  dist: RandomDistribution,
  seed: number,
  counter = 0,
): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`random: seed must be a 32-bit unsigned integer, got ${seed}`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter % 4 !== 0 || counter + size > 2 ** 40) {
    throw new Error(`random: counter must be a non-negative multiple of 4 below 2^40, got ${counter}`);
  }
  return wrap(backend, backend.random(size, dist, seed, counter), shape);
}

// ---------------------------------------------------------------- dense algebra

/** Options of {@link matmul}. */
export interface MatmulArgs {
  /** Use Aᵀ: A is stored [k, m] (default false). */
  transA?: boolean;
  /** Use Bᵀ: B is stored [n, k] (default false). */
  transB?: boolean;
  /** Multiplies the product before the bias (default 1). */
  scale?: number;
  /** Row vector [n] added to every row. */
  bias?: Tensor;
  /** Fused nonlinearity applied last (default identity). */
  activation?: Activation;
}

/** C = act(scale · op(A) · op(B) + bias), op = optional transpose. A, B 2-D f32; bias [n]. */
export function matmul(a: Tensor, b: Tensor, args: MatmulArgs = {}): Tensor {
  const op = "matmul";
  live(op, a, b, args.bias);
  need(op, a, 2, "f32", "A");
  need(op, b, 2, "f32", "B");
  const transA = args.transA ?? false, transB = args.transB ?? false;
  const [m, ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  const label = `A${transA ? "ᵀ" : ""}·B${transB ? "ᵀ" : ""}`;
  if (ka !== kb) fail(op, `inner dimensions differ for ${label}: ${ka} vs ${kb}`, a, b);
  if (args.bias) {
    need(op, args.bias, 1, "f32", "bias");
    if (args.bias.shape[0] !== n) fail(op, `bias must have ${n} elements`, a, b, args.bias);
  }
  const activation = args.activation ?? { kind: "identity" };
  checkActivation(op, activation);
  const storage = a.backend.matmul(a, b, m, n, ka, {
    transA,
    transB,
    scale: args.scale ?? 1,
    bias: args.bias,
    activation,
  });
  return wrap(a.backend, storage, [m, n]);
}

/** Transpose of a 2-D tensor. */
export function transpose(x: Tensor): Tensor {
  live("transpose", x);
  need("transpose", x, 2, null, "x");
  return wrap(x.backend, x.backend.transpose(x, x.shape[0], x.shape[1]), [x.shape[1], x.shape[0]], x.dtype);
}

// ---------------------------------------------------------------- elementwise

/** Elementwise `op(x)` of an f32 tensor. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  live(op, x);
  need(op, x, null, "f32", "x");
  return wrap(x.backend, x.backend.unary(op, x), x.shape);
}

/** y = x · scale + shift. */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  live("affine", x);
  need("affine", x, null, "f32", "x");
  if (!Number.isFinite(scale) || !Number.isFinite(shift)) {
    fail("affine", `non-finite scale ${scale} or shift ${shift}`);
  }
  return wrap(x.backend, x.backend.affine(x, scale, shift), x.shape);
}

/** y = s · x. */
export const scale = (x: Tensor, s: number): Tensor => affine(x, s, 0);

/** numpy broadcasting of two shapes; throws naming the op on mismatch. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes [${a}] and [${b}] cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Elementwise `op(a, b)` of f32 tensors with numpy broadcasting (rank ≤ 4). */
export function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  live(op, a, b);
  need(op, a, null, "f32", "a");
  need(op, b, null, "f32", "b");
  if (Math.max(a.rank, b.rank) > 4) fail(op, "broadcasting supports rank <= 4", a, b);
  const outShape = broadcastShapes(op, a.shape, b.shape);
  return wrap(a.backend, a.backend.binary(op, a, b, outShape), outShape);
}

/** a + b, broadcast. */
export const add = (a: Tensor, b: Tensor): Tensor => binary("add", a, b);
/** a − b, broadcast. */
export const sub = (a: Tensor, b: Tensor): Tensor => binary("sub", a, b);
/** a ⊙ b, broadcast. */
export const mul = (a: Tensor, b: Tensor): Tensor => binary("mul", a, b);
/** a / b, broadcast. */
export const div = (a: Tensor, b: Tensor): Tensor => binary("div", a, b);

/** Clamps to [lo, hi]; `clampMin(x, 1e-4)` is the Dale floor. */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  live("clamp", x);
  need("clamp", x, null, "f32", "x");
  if (!(lo <= hi)) fail("clamp", `lo ${lo} must be <= hi ${hi}`, x);
  return wrap(x.backend, x.backend.clamp(x, lo, hi), x.shape);
}

/** max(x, floor) elementwise (the Dale floor). */
export const clampMin = (x: Tensor, floor: number): Tensor => clamp(x, floor, Infinity);

/** φ(x) elementwise. */
export function activation(act: Activation, x: Tensor): Tensor {
  live("activation", x);
  need("activation", x, null, "f32", "x");
  checkActivation("activation", act);
  return wrap(x.backend, x.backend.activation(act, x), x.shape);
}

/** φ'(z) at the pre-activation z. */
export function activationGrad(act: Activation, z: Tensor): Tensor {
  live("activationGrad", z);
  need("activationGrad", z, null, "f32", "z");
  checkActivation("activationGrad", act);
  return wrap(z.backend, z.backend.activationGrad(act, z), z.shape);
}

// ---------------------------------------------------------------- reductions

/**
 * Reduces a 1-D or 2-D tensor. axis 0 reduces over rows (one value per column), axis 1 over columns
 * (one per row), `null` over everything (a 1-element tensor). argmax returns i32.
 */
export function reduce(op: ReduceOp, x: Tensor, axis: 0 | 1 | null): Tensor {
  live(op, x);
  need(op, x, null, "f32", "x");
  if (x.size === 0) fail(op, "cannot reduce an empty tensor", x);
  if (axis !== null && axis !== 0 && axis !== 1) {
    fail(op, `axis ${axis} is out of range for a rank-${x.rank} tensor (use 0, 1 or null)`, x);
  }
  const [rows, cols] = axis === null ? [1, x.size] : asView2d(op, x);
  const ax = axis ?? 1;
  const outShape = ax === 0 ? [cols] : [rows];
  return wrap(x.backend, x.backend.reduce(op, x, rows, cols, ax), outShape, op === "argmax" ? "i32" : "f32");
}

/** Sum along `axis` (null: all elements). */
export const sum = (x: Tensor, axis: 0 | 1 | null = null): Tensor => reduce("sum", x, axis);
/** Mean along `axis` (null: all elements). */
export const mean = (x: Tensor, axis: 0 | 1 | null = null): Tensor => reduce("mean", x, axis);
/** Index of the maximum along `axis` (default 1: per row), as i32. */
export const argmax = (x: Tensor, axis: 0 | 1 = 1): Tensor => reduce("argmax", x, axis);

/** Row-wise softmax (or log-softmax) of a 2-D tensor. */
export function softmax(x: Tensor, log = false): Tensor {
  const op = log ? "logSoftmax" : "softmax";
  live(op, x);
  need(op, x, 2, "f32", "x");
  return wrap(x.backend, x.backend.softmax(x, x.shape[0], x.shape[1], log), x.shape);
}

/** Row-wise log-softmax of a 2-D tensor. */
export const logSoftmax = (x: Tensor): Tensor => softmax(x, true);

// ---------------------------------------------------------------- normalisation

/** Checks the parts of an RMS-normalised row: one or two sample-first f32 tensors of one shape. */
function rowParts(op: string, parts: Tensor[], role: string): [number, number] {
  if (parts.length < 1 || parts.length > 2) fail(op, `takes one or two ${role} parts, got ${parts.length}`);
  live(op, ...parts);
  const [first] = parts;
  for (const t of parts) {
    need(op, t, null, "f32", role);
    if (t.rank < 2) fail(op, `${role} must be sample-first with rank >= 2`, t);
    if (!sameShape(t, first)) fail(op, `${role} parts must have one shape`, ...parts);
  }
  const rows = first.shape[0], cols = rows > 0 ? first.size / rows : 0;
  if (cols < 1) fail(op, `${role} must have at least one row and one value per row`, first);
  return [rows, cols];
}

/** The normalised parts (shapes kept) and the per-row rms [rows]. */
export interface RmsNormResult {
  /** The normalised parts, each shaped like its input. */
  y: Tensor[];
  /** Per-row root mean square [rows]. */
  rms: Tensor;
}

/**
 * RMS normalisation of every sample (row of the view [shape[0], rest]): y = x / rms with
 * rms = sqrt(mean(x²) + eps). Two parts are normalised together, as one row [x_0 | x_1] of K = 2 · cols
 * values (the p and n streams of a dual-stream layer).
 */
export function rmsNorm(parts: Tensor[], eps = 1e-5): RmsNormResult {
  const op = "rmsNorm";
  const [rows, cols] = rowParts(op, parts, "x");
  if (!(eps > 0) || !Number.isFinite(eps)) fail(op, `eps must be finite and > 0, got ${eps}`);
  const out = parts[0].backend.rmsNorm(parts, rows, cols, eps);
  return {
    y: out.y.map((s) => wrap(parts[0].backend, s, parts[0].shape)),
    rms: wrap(parts[0].backend, out.rms, [rows]),
  };
}

/**
 * Carries dy at rmsNorm's output back to its input, from the outputs y and rms of the forward pass:
 * "exact" is the vector-Jacobian product dx = (dy − y · mean(y ⊙ dy)) / rms; "diagonal" keeps only the
 * Jacobian's diagonal, dx = dy ⊙ (1 − y²/K) / rms (what a local learning rule can use).
 */
export function rmsNormBackward(
  y: Tensor[],
  rms: Tensor,
  dy: Tensor[],
  jacobian: "exact" | "diagonal",
): Tensor[] {
  const op = "rmsNormBackward";
  const [rows, cols] = rowParts(op, y, "y");
  rowParts(op, dy, "dy");
  live(op, y[0], rms, ...dy);
  need(op, rms, 1, "f32", "rms");
  if (rms.shape[0] !== rows) fail(op, `rms must be [${rows}], one value per row of y`, y[0], rms);
  if (dy.length !== y.length || !sameShape(dy[0], y[0])) {
    fail(op, `dy must be ${y.length} part(s) shaped like y`, ...y, ...dy);
  }
  const out = y[0].backend.rmsNormBackward(y, rms, dy, rows, cols, jacobian === "diagonal");
  return out.map((s) => wrap(y[0].backend, s, y[0].shape));
}

// ---------------------------------------------------------------- indexing

/** axis 0: rows x[idx[i], :] (minibatch sampling); axis 1: columns x[:, idx[j]] (modulo routing). */
export function gather(x: Tensor, idx: Tensor, axis: 0 | 1): Tensor {
  const op = "gather";
  live(op, x, idx);
  need(op, x, 2, null, "x");
  need(op, idx, 1, "i32", "index");
  const [rows, cols] = x.shape;
  const out = axis === 0 ? [idx.shape[0], cols] : [rows, idx.shape[0]];
  return wrap(x.backend, x.backend.gather(x, idx, rows, cols, axis), out, x.dtype);
}

/** Checks host-side indices before they are uploaded; the cheap way to reject bad indices at the call. */
export function checkIndices(op: string, indices: Int32Array, bound: number): void {
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] < 0 || indices[i] >= bound) {
      throw new Error(`${op}: index ${indices[i]} at position ${i} is out of range [0, ${bound})`);
    }
  }
}

/** [n, classes] f32 rows with a 1 at each i32 label of a 1-D tensor. */
export function oneHot(labels: Tensor, classes: number): Tensor {
  live("oneHot", labels);
  need("oneHot", labels, 1, "i32", "labels");
  if (!Number.isInteger(classes) || classes < 1) {
    fail("oneHot", `classes must be a positive integer, got ${classes}`);
  }
  return wrap(labels.backend, labels.backend.oneHot(labels, classes), [labels.shape[0], classes]);
}

// ---------------------------------------------------------------- optimizer kernels

function checkSameShape(op: string, a: Tensor, b: Tensor, role: string): void {
  if (a.size !== b.size || a.shape.some((d, i) => d !== b.shape[i])) fail(op, `${role} shape differs`, a, b);
}

/** In place: param ← param − lr·(grad + wd·param) with optional momentum, then the optional floor clamp. */
export function sgdStep(
  param: Tensor,
  grad: Tensor,
  velocity: Tensor | null,
  o: Partial<SgdOptions> & { lr: number },
): void {
  const op = "sgdStep";
  live(op, param, grad, velocity);
  checkSameShape(op, param, grad, "grad");
  if (velocity) checkSameShape(op, param, velocity, "velocity");
  const momentum = o.momentum ?? 0;
  if (momentum !== 0 && !velocity) fail(op, "momentum needs a velocity tensor", param);
  finite(op, { lr: o.lr, momentum, weightDecay: o.weightDecay, floor: o.floor ?? undefined });
  param.backend.sgdStep(param, grad, velocity, {
    lr: o.lr,
    momentum,
    weightDecay: o.weightDecay ?? 0,
    floor: o.floor ?? null,
  });
}

/** In place Adam (decoupled weight decay, AdamW-style when weightDecay > 0), then the optional floor clamp. */
export function adamStep(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  o: Partial<AdamOptions> & { lr: number; step: number },
): void {
  const op = "adamStep";
  live(op, param, grad, m, v);
  for (const [t, role] of [[grad, "grad"], [m, "m"], [v, "v"]] as const) checkSameShape(op, param, t, role);
  if (!Number.isInteger(o.step) || o.step < 1) fail(op, `step must be an integer >= 1, got ${o.step}`);
  finite(op, {
    lr: o.lr,
    beta1: o.beta1,
    beta2: o.beta2,
    eps: o.eps,
    weightDecay: o.weightDecay,
    floor: o.floor ?? undefined,
  });
  param.backend.adamStep(param, grad, m, v, {
    lr: o.lr,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    eps: o.eps ?? 1e-8,
    step: o.step,
    weightDecay: o.weightDecay ?? 0,
    floor: o.floor ?? null,
  });
}
