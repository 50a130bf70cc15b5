/**
 * The scalar reference loops of the cpu backend's elementwise ops: the unary and binary functions, a
 * same-shape binary loop and the broadcasting strides.
 */
import type { BinaryOp, UnaryOp } from "../backend.ts";

/** One-operand functions by op name. */
export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
};

/** Two-operand functions by op name (comparisons give 1 or 0). */
export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (a > b ? a : b),
  min: (a, b) => (a < b ? a : b),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};

/**
 * out[o + i] = a[o + i] (op) b[i] for i < n (defaults: the whole arrays, o = 0). The common ops get
 * their own loops: a shared loop calling BINARY[op] per element is several times slower.
 */
export function sameShapeBinary(
  op: BinaryOp,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  o = 0,
  n = out.length,
): void {
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) out[o + i] = a[o + i] + b[i];
      return;
    case "sub":
      for (let i = 0; i < n; i++) out[o + i] = a[o + i] - b[i];
      return;
    case "mul":
      for (let i = 0; i < n; i++) out[o + i] = a[o + i] * b[i];
      return;
    case "div":
      for (let i = 0; i < n; i++) out[o + i] = a[o + i] / b[i];
      return;
    default: {
      const fn = BINARY[op];
      for (let i = 0; i < n; i++) out[o + i] = fn(a[o + i], b[i]);
    }
  }
}

/** True when a shape is a plain row vector: [n] or [1, ..., 1, n]. */
export function isTrailing(shape: readonly number[]): boolean {
  return shape.slice(0, -1).every((d) => d === 1);
}

/** Row-major strides of `shape` aligned to `outShape`, with 0 on broadcast axes. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = outShape.length - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}
