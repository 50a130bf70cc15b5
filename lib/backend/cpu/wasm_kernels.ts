/**
 * The cpu backend's kernels in WebAssembly SIMD (./wasm/): the operations of the Backend contract that the
 * wasm path accelerates, on storages that live in the shared wasm memory. Each method returns the output
 * storage like the scalar kernels in ./backend.ts, which stay the reference (tests/cpu_wasm_test.ts
 * compares every kernel here against them). Methods that return null have no wasm kernel for that case
 * (log, argmax, general N-d broadcasting): the backend then runs its scalar loop.
 */
import type {
  Activation,
  AdamOptions,
  BinaryOp,
  MatmulOptions,
  ReduceOp,
  SgdOptions,
  UnaryOp,
} from "../backend.ts";
import type { Tensor } from "../../tensor.ts";
import { activate } from "../activation.ts";
import type { CpuStorage, PooledAllocator } from "./storage.ts";
import type { WasmRuntime } from "./wasm/runtime.ts";
import { GEMM_BIAS_COLUMN, GEMM_TRANS_A, GEMM_TRANS_B } from "./wasm/gemm_module.ts";
import { ACTIVATION_CODES } from "./wasm/vector_math.ts";
import { BINARY_OPS, UNARY_CODES, type WasmUnaryOp } from "./wasm/elementwise_module.ts";
import { REDUCE_CODES, type WasmReduceOp } from "./wasm/reduce_module.ts";

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

  unary(op: UnaryOp, x: Tensor): CpuStorage | null {
    if (!(op in UNARY_CODES)) return null;
    return this.#map(UNARY_CODES[op as WasmUnaryOp], x, 0, 0);
  }
  affine(x: Tensor, scale: number, shift: number): CpuStorage {
    return this.#map(UNARY_CODES.affine, x, scale, shift);
  }
  clamp(x: Tensor, lo: number, hi: number): CpuStorage {
    return this.#map(UNARY_CODES.clamp, x, lo, hi);
  }
  #map(code: number, x: Tensor, p0: number, p1: number): CpuStorage {
    const out = this.allocator.alloc(x.size, "f32", false);
    if (x.size > 0) this.runtime.kernels.unary(code, addressOf(x), out.address, x.size, p0, p1);
    return out;
  }

  activation(act: Activation, x: Tensor): CpuStorage {
    const out = this.allocator.alloc(x.size, "f32", false), { code, param } = activationCode(act);
    if (x.size > 0) this.runtime.kernels.activation(addressOf(x), out.address, x.size, code, param);
    return out;
  }
  activationGrad(act: Activation, z: Tensor): CpuStorage {
    const out = this.allocator.alloc(z.size, "f32", false), { code, param } = activationCode(act);
    if (z.size > 0) this.runtime.kernels.activationGrad(addressOf(z), out.address, z.size, code, param);
    return out;
  }

  /**
   * The broadcasts the wasm kernel covers: equal sizes, and a full operand against a scalar, a row vector
   * ([n] or [1, ..., 1, n]) or a column vector ([rows, 1] of a 2-D output), either way round.
   */
  binary(op: BinaryOp, a: Tensor, b: Tensor, outShape: readonly number[]): CpuStorage | null {
    const size = outShape.reduce((p, d) => p * d, 1);
    const cols = outShape[outShape.length - 1] ?? 1, rows = cols === 0 ? 0 : size / cols;
    const layout = (t: Tensor): { rowBytes: number; splat: number } | null => {
      if (t.size === size) return { rowBytes: cols * 4, splat: 0 };
      if (t.size === 1) return { rowBytes: 0, splat: 1 };
      if (t.size === cols && t.shape.slice(0, -1).every((d) => d === 1)) return { rowBytes: 0, splat: 0 };
      if (outShape.length === 2 && t.rank === 2 && t.shape[1] === 1 && t.shape[0] === rows) {
        return { rowBytes: 4, splat: 1 };
      }
      return null;
    };
    const la = layout(a), lb = layout(b);
    if (!la || !lb || (a.size !== size && b.size !== size)) return null;
    const out = this.allocator.alloc(size, "f32", false);
    if (size === 0) return out;
    this.runtime.kernels.binary(
      BINARY_OPS.indexOf(op),
      addressOf(a),
      addressOf(b),
      out.address,
      rows,
      cols,
      la.rowBytes,
      lb.rowBytes,
      la.splat,
      lb.splat,
    );
    return out;
  }

  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): CpuStorage | null {
    if (op === "argmax") return null;
    const out = this.allocator.alloc(axis === 0 ? cols : rows, "f32", false);
    const code = REDUCE_CODES[op as WasmReduceOp];
    if (axis === 0) this.runtime.kernels.reduceCols(code, addressOf(x), out.address, rows, cols);
    else this.runtime.kernels.reduceRows(code, addressOf(x), out.address, rows, cols);
    return out;
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions): void {
    if (param.size === 0) return;
    const useVelocity = velocity !== null && o.momentum !== 0;
    this.runtime.kernels.sgd(
      addressOf(param),
      addressOf(grad),
      useVelocity ? addressOf(velocity) : 0,
      param.size,
      o.lr,
      o.momentum,
      o.weightDecay,
      o.floor ?? -Infinity,
      useVelocity ? 1 : 0,
    );
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void {
    if (param.size === 0) return;
    this.runtime.kernels.adam(
      addressOf(param),
      addressOf(grad),
      addressOf(m),
      addressOf(v),
      param.size,
      o.lr,
      o.beta1,
      o.beta2,
      o.eps,
      1 - o.beta1 ** o.step,
      1 - o.beta2 ** o.step,
      o.weightDecay,
      o.floor ?? -Infinity,
    );
  }
}
