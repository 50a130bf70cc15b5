/**
 * The cpu backend's kernels in WebAssembly SIMD (./wasm/): the operations of the Backend contract that the
 * wasm path accelerates, on storages that live in the shared wasm memory. Each method returns the output
 * storage like the scalar kernels in ./backend.ts, which stay the reference (tests/cpu_wasm_test.ts
 * compares every kernel here against them).
 */
import type { Activation, MatmulOptions } from "../backend.ts";
import type { Tensor } from "../../tensor.ts";
import { activate } from "../activation.ts";
import type { CpuStorage, PooledAllocator } from "./storage.ts";
import type { WasmRuntime } from "./wasm/runtime.ts";
import { GEMM_BIAS_COLUMN, GEMM_TRANS_A, GEMM_TRANS_B } from "./wasm/gemm_module.ts";
import { ACTIVATION_CODES } from "./wasm/vector_math.ts";

/** Byte address of a tensor's storage in the wasm memory. */
export const addressOf = (t: Tensor): number => (t.storage as CpuStorage).address;

/** The activation's kernel code and parameter (−2/u0 for the width-scaled sigmoid). */
export function activationCode(act: Activation): { code: number; param: number } {
  return { code: ACTIVATION_CODES[act.kind], param: act.kind === "sigmoid" ? -2 / (act.width ?? 2) : 0 };
}

export class WasmKernels {
  constructor(
    readonly runtime: WasmRuntime,
    readonly allocator: PooledAllocator,
    readonly threads: () => number,
  ) {}

  matmul(a: Tensor, b: Tensor, m: number, n: number, k: number, o: MatmulOptions): CpuStorage {
    const out = this.allocator.alloc(m * n, "f32", k === 0);
    if (k === 0) {
      // Nothing to multiply: C = φ(bias) (or φ(0)); the kernels assume k ≥ 1.
      const bias = o.bias ? (o.bias.storage as CpuStorage).data : null, c = out.data;
      for (let i = 0; i < m * n; i++) c[i] = activate(o.activation, bias ? bias[i % n] : 0);
      return out;
    }
    const { code, param } = activationCode(o.activation);
    this.runtime.gemm({
      a: addressOf(a),
      b: addressOf(b),
      c: out.address,
      m,
      n,
      k,
      flags: (o.transA ? GEMM_TRANS_A : 0) | (o.transB ? GEMM_TRANS_B : 0) | (o.bias ? GEMM_BIAS_COLUMN : 0),
      scale: o.scale,
      bias: o.bias ? addressOf(o.bias) : 0,
      act: code,
      param,
    }, this.threads());
    return out;
  }
}
