/**
 * Front-end convolution ops: NCHW activations, [cout, cin, kh, kw] kernels, checked here and run by the
 * backend as implicit GEMM (re-exported from lib/ops.ts).
 *
 * @module
 */
import type { Activation, Conv2dGeometry } from "../backend/backend.ts";
import type { Tensor } from "../tensor.ts";
import { checkActivation, fail, live, need, wrap } from "./checks.ts";

function convOut(op: string, size: number, k: number, g: Conv2dGeometry): number {
  const out = Math.floor((size + 2 * g.padding - k) / g.stride) + 1;
  if (out < 1) fail(op, `kernel ${k} with padding ${g.padding} does not fit input ${size}`);
  return out;
}

function checkGeometry(op: string, g: Conv2dGeometry): void {
  if (!Number.isInteger(g.stride) || g.stride < 1) {
    fail(op, `stride must be a positive integer, got ${g.stride}`);
  }
  if (!Number.isInteger(g.padding) || g.padding < 0) fail(op, `padding must be >= 0, got ${g.padding}`);
}

/** Options of {@link conv2d}. */
export interface Conv2dArgs {
  /** Step between kernel positions (default 1). */
  stride?: number;
  /** Zeros added on every side (default 0). */
  padding?: number;
  /** Per output channel [cout]. */
  bias?: Tensor;
  /** Fused nonlinearity applied last (default identity). */
  activation?: Activation;
}

/** y = act(conv2d(x, w) + bias): x [N, Cin, H, W], w [Cout, Cin, KH, KW] → [N, Cout, Ho, Wo]. */
export function conv2d(x: Tensor, w: Tensor, args: Conv2dArgs = {}): Tensor {
  const op = "conv2d";
  live(op, x, w, args.bias);
  need(op, x, 4, "f32", "input");
  need(op, w, 4, "f32", "kernel");
  const g = { stride: args.stride ?? 1, padding: args.padding ?? 0 };
  checkGeometry(op, g);
  if (x.shape[1] !== w.shape[1]) {
    fail(op, `input has ${x.shape[1]} channels, kernel expects ${w.shape[1]}`, x, w);
  }
  if (args.bias && (args.bias.rank !== 1 || args.bias.shape[0] !== w.shape[0])) {
    fail(op, `bias must be [${w.shape[0]}]`, x, w, args.bias);
  }
  const activation = args.activation ?? { kind: "identity" };
  checkActivation(op, activation);
  const ho = convOut(op, x.shape[2], w.shape[2], g), wo = convOut(op, x.shape[3], w.shape[3], g);
  const storage = x.backend.conv2d(x, w, { ...g, bias: args.bias, activation });
  return wrap(x.backend, storage, [x.shape[0], w.shape[0], ho, wo]);
}

/** Input-side product of conv2d: the gradient with respect to its input. */
export function conv2dInputGrad(
  dy: Tensor,
  w: Tensor,
  inputShape: readonly number[],
  geometry: Partial<Conv2dGeometry> = {},
): Tensor {
  const op = "conv2dInputGrad";
  live(op, dy, w);
  need(op, dy, 4, "f32", "dy");
  need(op, w, 4, "f32", "kernel");
  const g = { stride: geometry.stride ?? 1, padding: geometry.padding ?? 0 };
  checkGeometry(op, g);
  if (inputShape.length !== 4) fail(op, `input shape must have rank 4, got [${inputShape}]`);
  const [n, cin, h, wd] = inputShape;
  const expected = [n, w.shape[0], convOut(op, h, w.shape[2], g), convOut(op, wd, w.shape[3], g)];
  if (cin !== w.shape[1] || expected.some((d, i) => d !== dy.shape[i])) {
    fail(op, `dy must be [${expected}] for input [${inputShape}]`, dy, w);
  }
  return wrap(dy.backend, dy.backend.conv2dInputGrad(dy, w, inputShape, g), inputShape);
}

/** Weight-update correlation of conv2d: the gradient with respect to its kernel. */
export function conv2dWeightGrad(
  x: Tensor,
  dy: Tensor,
  weightShape: readonly number[],
  geometry: Partial<Conv2dGeometry> = {},
): Tensor {
  const op = "conv2dWeightGrad";
  live(op, x, dy);
  need(op, x, 4, "f32", "input");
  need(op, dy, 4, "f32", "dy");
  const g = { stride: geometry.stride ?? 1, padding: geometry.padding ?? 0 };
  checkGeometry(op, g);
  if (weightShape.length !== 4) fail(op, `weight shape must have rank 4, got [${weightShape}]`);
  const [cout, cin, kh, kw] = weightShape;
  const expected = [x.shape[0], cout, convOut(op, x.shape[2], kh, g), convOut(op, x.shape[3], kw, g)];
  if (cin !== x.shape[1] || expected.some((d, i) => d !== dy.shape[i])) {
    fail(op, `dy must be [${expected}] for kernel [${weightShape}]`, x, dy);
  }
  return wrap(x.backend, x.backend.conv2dWeightGrad(x, dy, weightShape, g), weightShape);
}
