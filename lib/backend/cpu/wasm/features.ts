/**
 * What the engine's WebAssembly supports, found once at load by validating tiny probe modules: fixed-width
 * SIMD with threads (a shared memory and v128 ops; required by the wasm kernels) and relaxed SIMD (for
 * f32x4.relaxed_madd, a fused multiply-add where the hardware has one; otherwise f32x4.mul + f32x4.add).
 */
import { type Code, ModuleBuilder, V128 } from "./emit.ts";

function probe(body: (c: Code) => void): boolean {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", field: "memory", initialPages: 1, maximumPages: 1, shared: true });
  const f = m.function([], [V128]);
  body(f.code);
  m.export("probe", f);
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(m.build());
  } catch {
    return false;
  }
}

/** v128 arithmetic and memory access on a shared memory. */
export const HAS_SIMD: boolean = probe((c) => c.i32Const(0).v128Load().f32x4Const(1).f32x4Add());

/** f32x4.relaxed_madd (opcode 0xFD 0x105). */
export const HAS_RELAXED_SIMD: boolean = HAS_SIMD &&
  probe((c) => c.f32x4Const(1).f32x4Const(2).f32x4Const(3).f32x4RelaxedMadd());
