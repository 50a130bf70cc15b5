/**
 * Elementwise kernels in WebAssembly SIMD: unary maps (with affine and clamp), activations and their
 * derivatives, and binary ops with the common broadcasts (same shape, scalar, row vector, column vector).
 * Each follows the scalar loop in ../backend.ts element for element; comparisons give 1 or 0, and max/min
 * keep the scalar `a > b ? a : b` NaN behaviour by selecting on the comparison.
 */
import { type Code, F32, type FunctionBuilder, I32, type ModuleBuilder, V128 } from "./emit.ts";
import type { VectorMath } from "./vector_math.ts";
import { dispatch, vectorLoop } from "./vector_loop.ts";

/** Unary op codes of the `unary` export. */
export const UNARY_CODES = {
  neg: 0,
  exp: 1,
  sqrt: 2,
  abs: 3,
  square: 4,
  reciprocal: 5,
  sign: 6,
  /** x·p0 + p1. */
  affine: 7,
  /** x < p0 ? p0 : x > p1 ? p1 : x. */
  clamp: 8,
} as const;
export type WasmUnaryOp = keyof typeof UNARY_CODES;

/** Binary op codes of the `binary` export, in the order of `BINARY_OPS`. */
export const BINARY_OPS = ["add", "sub", "mul", "div", "max", "min", "gt", "ge", "lt", "le", "eq"] as const;

/** Pushes op(x) for a v128 local x; p0, p1 are f32x4 locals of the two parameters. */
function unaryValue(c: Code, op: number, x: number, p0: number, p1: number, math: VectorMath): void {
  switch (op) {
    case UNARY_CODES.neg:
      c.get(x).f32x4Neg();
      return;
    case UNARY_CODES.exp:
      c.get(x).call(math.exp.index);
      return;
    case UNARY_CODES.sqrt:
      c.get(x).f32x4Sqrt();
      return;
    case UNARY_CODES.abs:
      c.get(x).f32x4Abs();
      return;
    case UNARY_CODES.square:
      c.get(x).get(x).f32x4Mul();
      return;
    case UNARY_CODES.reciprocal:
      c.f32x4Const(1).get(x).f32x4Div();
      return;
    case UNARY_CODES.sign: // the two masks are disjoint, so OR-ing 1.0 and −1.0 under them is exact; NaN → 0
      c.f32x4Const(1).get(x).f32x4Const(0).f32x4Gt().v128And();
      c.f32x4Const(-1).get(x).f32x4Const(0).f32x4Lt().v128And().v128Or();
      return;
    case UNARY_CODES.affine:
      c.get(x).get(p0).f32x4Mul().get(p1).f32x4Add();
      return;
    case UNARY_CODES.clamp: // NaN compares false both ways and stays NaN, as in the scalar loop
      c.get(p0).get(x).get(x).get(p0).f32x4Lt().v128Bitselect().set(x);
      c.get(p1).get(x).get(x).get(p1).f32x4Gt().v128Bitselect();
      return;
  }
  throw new Error(`unaryValue: unknown op ${op}`);
}

/** Pushes a (op) b for v128 locals. */
function binaryValue(c: Code, op: typeof BINARY_OPS[number], a: number, b: number): void {
  const arithmetic = { add: "f32x4Add", sub: "f32x4Sub", mul: "f32x4Mul", div: "f32x4Div" } as const;
  const comparison = { gt: "f32x4Gt", ge: "f32x4Ge", lt: "f32x4Lt", le: "f32x4Le", eq: "f32x4Eq" } as const;
  if (op in arithmetic) {
    c.get(a).get(b)[arithmetic[op as keyof typeof arithmetic]]();
  } else if (op === "max" || op === "min") {
    c.get(a).get(b).get(a).get(b)[op === "max" ? "f32x4Gt" : "f32x4Lt"]().v128Bitselect();
  } else {
    // Comparisons: the lane mask AND 1.0.
    c.f32x4Const(1).get(a).get(b)[comparison[op as keyof typeof comparison]]().v128And();
  }
}

export interface ElementwiseKernels {
  unary: FunctionBuilder;
  activation: FunctionBuilder;
  activationGrad: FunctionBuilder;
  binary: FunctionBuilder;
}

export function emitElementwise(m: ModuleBuilder, math: VectorMath): ElementwiseKernels {
  // unary(op, x, out, count, p0, p1)
  const unary = m.function([I32, I32, I32, I32, F32, F32]);
  {
    const c = unary.code, [op, x, out, count, p0, p1] = [0, 1, 2, 3, 4, 5];
    const v = unary.local(V128), p0v = unary.local(V128), p1v = unary.local(V128);
    c.get(p0).f32x4Splat().set(p0v).get(p1).f32x4Splat().set(p1v);
    dispatch(c, op, Object.keys(UNARY_CODES).length, (code) =>
      vectorLoop(unary, out, count, (o) => {
        c.get(x).get(o).i32Add().v128Load().set(v);
        unaryValue(c, code, v, p0v, p1v, math);
      }));
  }
  // activation(x, out, count, kind, param) and its derivative.
  const pointwise = (fn: FunctionBuilder) => {
    const f = m.function([I32, I32, I32, I32, F32]);
    const c = f.code, [x, out, count, kind, param] = [0, 1, 2, 3, 4];
    vectorLoop(f, out, count, (o) => c.get(x).get(o).i32Add().v128Load().get(kind).get(param).call(fn.index));
    return f;
  };
  const activation = pointwise(math.activate), activationGrad = pointwise(math.activateGrad);

  // binary(op, a, b, out, rows, cols, aRowBytes, bRowBytes, aSplat, bSplat): out[r, j] = a[r, j] (op) b[r, j]
  // where an operand advances by its row stride in bytes per row (0 for a row vector or a scalar) and, when
  // `splat`, holds one value per row (scalar, column vector) instead of one per column.
  const binary = m.function([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  {
    const c = binary.code;
    const [op, a, b, out, rows, cols, aRow, bRow, aSplat, bSplat] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const av = binary.local(V128),
      bv = binary.local(V128),
      r = binary.local(I32),
      variant = binary.local(I32);
    const outRow = binary.local(I32);
    // variant = op·4 + aSplat·2 + bSplat
    c.get(op).i32Const(2).i32Shl().get(aSplat).i32Const(1).i32Shl().i32Add().get(bSplat).i32Add().set(
      variant,
    );
    dispatch(c, variant, BINARY_OPS.length * 4, (i) => {
      const name = BINARY_OPS[i >> 2], splatA = (i & 2) !== 0, splatB = (i & 1) !== 0;
      c.get(out).set(outRow);
      c.get(rows).set(r);
      c.block().get(r).i32Eqz().brIf(0).loop();
      vectorLoop(binary, outRow, cols, (o) => {
        if (splatA) c.get(a).v128Load32Splat().set(av);
        else c.get(a).get(o).i32Add().v128Load().set(av);
        if (splatB) c.get(b).v128Load32Splat().set(bv);
        else c.get(b).get(o).i32Add().v128Load().set(bv);
        binaryValue(c, name, av, bv);
      });
      c.get(a).get(aRow).i32Add().set(a);
      c.get(b).get(bRow).i32Add().set(b);
      c.get(outRow).get(cols).i32Const(2).i32Shl().i32Add().set(outRow);
      c.get(r).i32Const(1).i32Sub().tee(r).brIf(0);
      c.end().end();
    });
  }
  return { unary, activation, activationGrad, binary };
}
