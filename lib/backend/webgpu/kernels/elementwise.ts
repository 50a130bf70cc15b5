/**
 * Elementwise kernels: unary maps, affine, clamp, activations and their derivatives (one input), and binary
 * ops with numpy broadcasting up to rank 4 (operand strides baked in, 0 on broadcast axes).
 */
import type { Activation, BinaryOp, UnaryOp } from "../../backend.ts";
import { activationWgsl, actKey, BUILTINS, grid1d, type Kernel, paramsDecl } from "./common.ts";

const UNARY: Record<UnaryOp, string> = {
  neg: "-x",
  exp: "exp(x)",
  log: "log(x)",
  sqrt: "sqrt(x)",
  abs: "abs(x)",
  square: "x * x",
  reciprocal: "1.0 / x",
  sign: "select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)",
};

// Comparisons give 0/1; max and min pick like the reference (`a > b ? a : b`).
const BINARY: Record<BinaryOp, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  max: "select(b, a, a > b)",
  min: "select(b, a, a < b)",
  gt: "select(0.0, 1.0, a > b)",
  ge: "select(0.0, 1.0, a >= b)",
  lt: "select(0.0, 1.0, a < b)",
  le: "select(0.0, 1.0, a <= b)",
  eq: "select(0.0, 1.0, a == b)",
};

/** y[i] = f(x[i]) where `expr` is WGSL over `x` (and `pf(..)` when `params`). */
function mapKernel(label: string, size: number, expr: string, extra = "", params = false): Kernel {
  const { grid, index } = grid1d(size);
  return {
    label: `${label} ${size}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${params ? paramsDecl(2) : ""}
${extra}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  let x = X[i];
  Y[i] = ${expr};
}
`,
  };
}

export const unaryKernel = (op: UnaryOp, size: number): Kernel => mapKernel(op, size, UNARY[op]);

/** Params: scale, shift. */
export const affineKernel = (size: number): Kernel =>
  mapKernel("affine", size, "x * pf(0u) + pf(1u)", "", true);

/** Params: lo, hi (either may be infinite). */
export const clampKernel = (size: number): Kernel =>
  mapKernel("clamp", size, "select(select(x, pf(1u), x > pf(1u)), pf(0u), x < pf(0u))", "", true);

export const activationKernel = (a: Activation, size: number, grad: boolean): Kernel =>
  mapKernel(
    `${grad ? "activationGrad" : "activation"} ${actKey(a)}`,
    size,
    grad ? "act_grad(x)" : "act(x)",
    activationWgsl(a),
  );

/** Row-major strides of `shape` right-aligned to `out`, 0 on broadcast axes, padded to rank 4. */
function strides4(shape: readonly number[], out: readonly number[]): number[] {
  const s = new Array(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = out.length - shape.length + i;
    s[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return [...new Array(4 - out.length).fill(0), ...s];
}

export function binaryKernel(
  op: BinaryOp,
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): Kernel {
  const size = outShape.reduce((p, d) => p * d, 1);
  const aSize = aShape.reduce((p, d) => p * d, 1), bSize = bShape.reduce((p, d) => p * d, 1);
  const { grid, index } = grid1d(size);
  let offsets: string;
  if (aSize === size && bSize === size) offsets = "let ia = i; let ib = i;";
  else if (aSize === size && bSize === 1) offsets = "let ia = i; let ib = 0u;";
  else if (aSize === 1 && bSize === size) offsets = "let ia = 0u; let ib = i;";
  else {
    // Decompose the output index into 4 coordinates and dot them with each operand's strides.
    const o = [...new Array(4 - outShape.length).fill(1), ...outShape];
    const sa = strides4(aShape, outShape), sb = strides4(bShape, outShape);
    offsets = `let c3 = i % ${o[3]}u; let r3 = i / ${o[3]}u;
  let c2 = r3 % ${o[2]}u; let r2 = r3 / ${o[2]}u;
  let c1 = r2 % ${o[1]}u; let c0 = r2 / ${o[1]}u;
  let ia = c0 * ${sa[0]}u + c1 * ${sa[1]}u + c2 * ${sa[2]}u + c3 * ${sa[3]}u;
  let ib = c0 * ${sb[0]}u + c1 * ${sb[1]}u + c2 * ${sb[2]}u + c3 * ${sb[3]}u;`;
  }
  return {
    label: `${op} [${aShape}] [${bShape}]`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  ${offsets}
  let a = A[ia]; let b = B[ib];
  Y[i] = ${BINARY[op]};
}
`,
  };
}
