/**
 * Code shapes the streaming kernels share. The vector loop: walk `count` floats four at a time, the last 1–3 as one
 * more vector whose extra lanes are computed and dropped. Reading the whole last vector is safe: pool
 * blocks are powers of two of at least 64 bytes, so a vector that starts inside a block ends inside it.
 */
import { type Code, type FunctionBuilder, I32 } from "./emit.ts";

/**
 * Emits: for (o = 0; o < 4·count; o += 16) out[o] ← value, where `value(o)` pushes the f32x4 for byte
 * offset `o` (a local). Whole vectors are stored with v128.store, the tail lane by lane.
 */
export function vectorLoop(
  f: FunctionBuilder,
  out: number,
  count: number,
  value: (offset: number) => void,
): void {
  const c = f.code, offset = f.local(I32), end = f.local(I32), rest = f.local(I32), dst = f.local(I32);
  c.get(count).i32Const(-4).i32And().i32Const(2).i32Shl().set(end); // bytes in whole vectors
  c.i32Const(0).set(offset);
  c.block().loop();
  c.get(offset).get(end).i32GeU().brIf(1);
  c.get(out).get(offset).i32Add();
  value(offset);
  c.v128Store();
  c.get(offset).i32Const(16).i32Add().set(offset).br(0);
  c.end().end();
  c.get(count).i32Const(3).i32And().tee(rest).if();
  c.get(out).get(offset).i32Add().set(dst);
  const lane = f.local(0x7b);
  value(offset);
  c.set(lane);
  storeLanes(c, dst, lane, rest);
  c.end();
}

/** Stores lanes 0..rest−1 (rest in 1..3) of a v128 local at dst. */
export function storeLanes(c: Code, dst: number, lane: number, rest: number): void {
  c.get(dst).get(lane).f32x4ExtractLane(0).f32Store();
  c.get(rest).i32Const(1).i32GtS().if().get(dst).get(lane).f32x4ExtractLane(1).f32Store(4).end();
  c.get(rest).i32Const(2).i32GtS().if().get(dst).get(lane).f32x4ExtractLane(2).f32Store(8).end();
}

/**
 * Emits a dispatcher (selector: i32 first parameter) over `count` variants: a br_table into one block per
 * variant, each emitted by `body(i)` and ending in a return.
 */
export function dispatch(c: Code, selector: number, count: number, body: (i: number) => void): void {
  for (let i = 0; i <= count; i++) c.block();
  c.get(selector).brTable(Array.from({ length: count }, (_, i) => i), count);
  for (let i = 0; i < count; i++) {
    c.end();
    body(i);
    c.return();
  }
  c.end(); // out-of-range selector: nothing
}
