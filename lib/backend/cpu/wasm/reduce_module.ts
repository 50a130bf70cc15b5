/**
 * Reductions over a 2-D view [rows, cols] in WebAssembly SIMD: sum, mean, max, min, sumsq, argmax along axis 1 (one
 * value per row: four lanes across the row, then the lanes combined) or axis 0 (one value per column: the
 * rows combined into a vector of columns at a time). max/min select on `v > acc` as the scalar loop does, so
 * NaNs are skipped the same way; sums differ from the scalar order in the last bits.
 */
import { type Code, type FunctionBuilder, I32, type ModuleBuilder, V128 } from "./emit.ts";
import { dispatch, vectorLoop } from "./vector_loop.ts";

/** Op codes of the reduce exports. */
export const REDUCE_CODES = { sum: 0, mean: 1, max: 2, min: 3, sumsq: 4 } as const;
export type WasmReduceOp = keyof typeof REDUCE_CODES;

const IDENTITY = [0, 0, -Infinity, Infinity, 0];

/** acc ← combine(acc, v) on v128 locals. */
function combineVector(c: Code, op: number, acc: number, v: number): void {
  if (op === REDUCE_CODES.max || op === REDUCE_CODES.min) {
    c.get(v).get(acc).get(v).get(acc)[op === REDUCE_CODES.max ? "f32x4Gt" : "f32x4Lt"]().v128Bitselect();
  } else if (op === REDUCE_CODES.sumsq) {
    c.get(acc).get(v).get(v).f32x4Mul().f32x4Add();
  } else {
    c.get(acc).get(v).f32x4Add();
  }
  c.set(acc);
}

export interface ReduceKernels {
  /** reduceRows(op, x, out, rows, cols): axis 1. */
  reduceRows: FunctionBuilder;
  /** reduceCols(op, x, out, rows, cols): axis 0. */
  reduceCols: FunctionBuilder;
  /** argmaxRows(x, out, rows, cols): axis 1, i32 indices. */
  argmaxRows: FunctionBuilder;
  /** argmaxCols(x, out, rows, cols): axis 0, i32 indices. */
  argmaxCols: FunctionBuilder;
}

export function emitReduce(m: ModuleBuilder): ReduceKernels {
  const ops = Object.keys(REDUCE_CODES).length;
  const reduceRows = m.function([I32, I32, I32, I32, I32]);
  {
    const f = reduceRows, c = f.code, [op, x, out, rows, cols] = [0, 1, 2, 3, 4];
    const acc = f.local(V128), v = f.local(V128), r = f.local(I32), o = f.local(I32), end = f.local(I32);
    const total = f.local(0x7d), lane = f.local(0x7d);
    dispatch(c, op, ops, (code) => {
      c.i32Const(0).set(r);
      c.block().loop();
      c.get(r).get(rows).i32GeS().brIf(1);
      c.f32x4Const(IDENTITY[code]).set(acc);
      c.get(cols).i32Const(-4).i32And().i32Const(2).i32Shl().get(x).i32Add().set(end);
      c.get(x).set(o);
      c.block().loop();
      c.get(o).get(end).i32GeU().brIf(1);
      c.get(o).v128Load().set(v);
      combineVector(c, code, acc, v);
      c.get(o).i32Const(16).i32Add().set(o).br(0);
      c.end().end();
      // Tail: the lanes past the row take the identity, so they cannot change the result.
      c.get(cols).i32Const(3).i32And().if();
      c.get(o).v128Load().f32x4Const(IDENTITY[code]);
      c.i32x4Const(0, 1, 2, 3).get(cols).i32Const(3).i32And().i32x4Splat().i32x4LtS().v128Bitselect().set(v);
      combineVector(c, code, acc, v);
      c.end();
      // Lanes combined in a fixed order: ((l0 ∘ l1) ∘ l2) ∘ l3.
      c.get(acc).f32x4ExtractLane(0).set(total);
      for (let l = 1; l < 4; l++) {
        c.get(acc).f32x4ExtractLane(l).set(lane);
        if (code === REDUCE_CODES.max || code === REDUCE_CODES.min) {
          c.get(lane).get(total).get(lane).get(total)[code === REDUCE_CODES.max ? "f32Gt" : "f32Lt"]()
            .select();
        } else {
          c.get(total).get(lane).f32Add();
        }
        c.set(total);
      }
      c.get(out).get(r).i32Const(2).i32Shl().i32Add().get(total);
      if (code === REDUCE_CODES.mean) c.get(cols).f32ConvertI32S().f32Div();
      c.f32Store();
      c.get(x).get(cols).i32Const(2).i32Shl().i32Add().set(x);
      c.get(r).i32Const(1).i32Add().set(r).br(0);
      c.end().end();
    });
  }
  const reduceCols = m.function([I32, I32, I32, I32, I32]);
  {
    const f = reduceCols, c = f.code, [op, x, out, rows, cols] = [0, 1, 2, 3, 4];
    const acc = f.local(V128), v = f.local(V128), r = f.local(I32), row = f.local(I32);
    dispatch(c, op, ops, (code) => {
      // out ← identity, then out ← combine(out, row) for each row, a vector of columns at a time.
      vectorLoop(f, out, cols, () => c.f32x4Const(IDENTITY[code]));
      c.get(x).set(row);
      c.i32Const(0).set(r);
      c.block().loop();
      c.get(r).get(rows).i32GeS().brIf(1);
      vectorLoop(f, out, cols, (o) => {
        c.get(out).get(o).i32Add().v128Load().set(acc);
        c.get(row).get(o).i32Add().v128Load().set(v);
        combineVector(c, code, acc, v);
        c.get(acc);
      });
      c.get(row).get(cols).i32Const(2).i32Shl().i32Add().set(row);
      c.get(r).i32Const(1).i32Add().set(r).br(0);
      c.end().end();
      if (code === REDUCE_CODES.mean) {
        vectorLoop(f, out, cols, (o) => {
          c.get(out).get(o).i32Add().v128Load().get(rows).f32ConvertI32S().f32x4Splat().f32x4Div();
        });
      }
    });
  }
  // argmaxRows(x, out, rows, cols): out[r] = first j with the largest x[r, j] (`v > best`, so NaNs are skipped
  // and ties keep the first), as an i32; a row of NaNs gives 0.
  const argmaxRows = m.function([I32, I32, I32, I32]);
  {
    const f = argmaxRows, c = f.code, [x, out, rows, cols] = f.params.keys();
    const r = f.local(I32),
      j = f.local(I32),
      bestIndex = f.local(I32),
      best = f.local(0x7d),
      v = f.local(0x7d);
    c.i32Const(0).set(r);
    c.block().loop();
    c.get(r).get(rows).i32GeS().brIf(1);
    c.f32Const(-Infinity).set(best).i32Const(0).set(bestIndex).i32Const(0).set(j);
    c.block().loop();
    c.get(j).get(cols).i32GeS().brIf(1);
    c.get(x).get(j).i32Const(2).i32Shl().i32Add().f32Load().tee(v).get(best).f32Gt().if();
    c.get(v).set(best).get(j).set(bestIndex);
    c.end();
    c.get(j).i32Const(1).i32Add().set(j).br(0);
    c.end().end();
    c.get(out).get(r).i32Const(2).i32Shl().i32Add().get(bestIndex).i32Store();
    c.get(x).get(cols).i32Const(2).i32Shl().i32Add().set(x);
    c.get(r).i32Const(1).i32Add().set(r).br(0);
    c.end().end();
  }
  // argmaxCols(x, out, rows, cols): per column, four columns at a time: the best values and their row
  // indices as vectors, replaced where a row is strictly greater.
  const argmaxCols = m.function([I32, I32, I32, I32]);
  {
    const f = argmaxCols, c = f.code, [x, out, rows, cols] = f.params.keys();
    const r = f.local(I32),
      row = f.local(I32),
      best = f.local(V128),
      index = f.local(V128),
      v = f.local(V128);
    const mask = f.local(V128), o = f.local(I32), end = f.local(I32), rest = f.local(I32), dst = f.local(I32);
    /** Best row of the 4 columns at byte offset o into `index` (lanes past the matrix are dropped later). */
    const columnBlock = () => {
      c.f32x4Const(-Infinity).set(best).i32x4Const(0).set(index);
      c.get(x).get(o).i32Add().set(row);
      c.i32Const(0).set(r);
      c.block().loop();
      c.get(r).get(rows).i32GeS().brIf(1);
      c.get(row).v128Load().set(v);
      c.get(v).get(best).f32x4Gt().set(mask);
      c.get(v).get(best).get(mask).v128Bitselect().set(best);
      c.get(r).i32x4Splat().get(index).get(mask).v128Bitselect().set(index);
      c.get(row).get(cols).i32Const(2).i32Shl().i32Add().set(row);
      c.get(r).i32Const(1).i32Add().set(r).br(0);
      c.end().end();
    };
    c.get(cols).i32Const(-4).i32And().i32Const(2).i32Shl().set(end);
    c.i32Const(0).set(o);
    c.block().loop();
    c.get(o).get(end).i32GeU().brIf(1);
    columnBlock();
    c.get(out).get(o).i32Add().get(index).v128Store();
    c.get(o).i32Const(16).i32Add().set(o).br(0);
    c.end().end();
    c.get(cols).i32Const(3).i32And().tee(rest).if();
    columnBlock();
    c.get(out).get(o).i32Add().set(dst);
    c.get(dst).get(index).i32x4ExtractLane(0).i32Store();
    c.get(rest).i32Const(1).i32GtS().if().get(dst).get(index).i32x4ExtractLane(1).i32Store(4).end();
    c.get(rest).i32Const(2).i32GtS().if().get(dst).get(index).i32x4ExtractLane(2).i32Store(8).end();
    c.end();
  }
  return { reduceRows, reduceCols, argmaxRows, argmaxCols };
}
