/**
 * The fused optimizer steps in WebAssembly SIMD, in place, with the Dale clamp (floor) in the same pass:
 *
 *   sgd:  s = g + wd·p; with momentum v ← μ·v + s, s = v;  p ← max-floor(p − lr·s)
 *   adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;  p ← max-floor(p − lr·((m/c1)/(√(v/c2) + ε) + wd·p))
 *
 * in single precision (the scalar reference keeps its intermediates in double and rounds only the stored
 * moments). The clamp selects on `next < floor` like the scalar loop, so a NaN is kept, not clamped; no floor
 * is −Infinity.
 */
import { F32, type FunctionBuilder, I32, type ModuleBuilder, V128 } from "./emit.ts";
import { vectorLoop } from "./vector_loop.ts";

export interface OptimizerKernels {
  /** sgd(p, g, v, count, lr, momentum, weightDecay, floor, useVelocity). */
  sgd: FunctionBuilder;
  /** adam(p, g, m, v, count, lr, beta1, beta2, eps, c1, c2, weightDecay, floor). */
  adam: FunctionBuilder;
}

export function emitOptimizers(mb: ModuleBuilder): OptimizerKernels {
  const sgd = mb.function([I32, I32, I32, I32, F32, F32, F32, F32, I32]);
  {
    const f = sgd,
      c = f.code,
      [p, g, v, count, lr, momentum, wd, floor, useVelocity] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const pv = f.local(V128), step = f.local(V128), next = f.local(V128);
    const lrV = f.local(V128), muV = f.local(V128), wdV = f.local(V128), floorV = f.local(V128);
    c.get(lr).f32x4Splat().set(lrV).get(momentum).f32x4Splat().set(muV);
    c.get(wd).f32x4Splat().set(wdV).get(floor).f32x4Splat().set(floorV);
    for (const withVelocity of [true, false]) {
      if (withVelocity) c.get(useVelocity).if();
      else c.else();
      vectorLoop(f, p, count, (o) => {
        c.get(p).get(o).i32Add().v128Load().set(pv);
        c.get(g).get(o).i32Add().v128Load().get(wdV).get(pv).f32x4Mul().f32x4Add().set(step);
        if (withVelocity) {
          // The whole vector is stored even in the tail: lanes past `count` are the block's unused padding.
          c.get(muV).get(v).get(o).i32Add().v128Load().f32x4Mul().get(step).f32x4Add().set(step);
          c.get(v).get(o).i32Add().get(step).v128Store();
        }
        c.get(pv).get(lrV).get(step).f32x4Mul().f32x4Sub().set(next);
        c.get(floorV).get(next).get(next).get(floorV).f32x4Lt().v128Bitselect();
      });
    }
    c.end();
  }
  const adam = mb.function([I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32]);
  {
    const f = adam, c = f.code;
    const [p, g, mm, vv, count, lr, beta1, beta2, eps, c1, c2, wd, floor] = f.params.keys();
    const splat = (x: number) => {
      const l = f.local(V128);
      c.get(x).f32x4Splat().set(l);
      return l;
    };
    const lrV = splat(lr), b1 = splat(beta1), b2 = splat(beta2), epsV = splat(eps), c1V = splat(c1);
    const c2V = splat(c2), wdV = splat(wd), floorV = splat(floor);
    const oneMinus = (b: number) => {
      const l = f.local(V128);
      c.f32x4Const(1).get(b).f32x4Sub().set(l);
      return l;
    };
    const nb1 = oneMinus(b1), nb2 = oneMinus(b2);
    const pv = f.local(V128),
      gv = f.local(V128),
      mv = f.local(V128),
      vvv = f.local(V128),
      next = f.local(V128);
    vectorLoop(f, p, count, (o) => {
      c.get(p).get(o).i32Add().v128Load().set(pv);
      c.get(g).get(o).i32Add().v128Load().set(gv);
      c.get(b1).get(mm).get(o).i32Add().v128Load().f32x4Mul().get(nb1).get(gv).f32x4Mul().f32x4Add().set(mv);
      c.get(b2).get(vv).get(o).i32Add().v128Load().f32x4Mul();
      c.get(nb2).get(gv).f32x4Mul().get(gv).f32x4Mul().f32x4Add().set(vvv);
      c.get(mm).get(o).i32Add().get(mv).v128Store(); // full vectors in the tail too: block padding
      c.get(vv).get(o).i32Add().get(vvv).v128Store();
      c.get(mv).get(c1V).f32x4Div();
      c.get(vvv).get(c2V).f32x4Div().f32x4Sqrt().get(epsV).f32x4Add().f32x4Div();
      c.get(wdV).get(pv).f32x4Mul().f32x4Add();
      c.set(next);
      c.get(pv).get(lrV).get(next).f32x4Mul().f32x4Sub().set(next);
      c.get(floorV).get(next).get(next).get(floorV).f32x4Lt().v128Bitselect();
    });
  }
  return { sgd, adam };
}
