/**
 * The cpu backend's kernels in WebAssembly SIMD (./wasm/): the operations of the Backend contract that the
 * wasm path accelerates, on storages that live in the shared wasm memory. Each method returns the output
 * storage like the scalar kernels in ./backend.ts, which stay the reference (tests/cpu_wasm_test.ts
 * compares every kernel here against them). Methods that return null have no wasm kernel for that case
 * (log, general N-d broadcasting): the backend then runs its scalar loop.
 */
import type {
  Activation,
  AdamOptions,
  BinaryOp,
  Conv2dGeometry,
  Conv2dOptions,
  MatmulOptions,
  ReduceOp,
  SgdOptions,
  UnaryOp,
} from "../backend.ts";
import type { Tensor } from "../../tensor.ts";
import { activate } from "../activation.ts";
import type { CpuStorage, PooledAllocator } from "./storage.ts";
import type { WasmRuntime } from "./wasm/runtime.ts";
import {
  GEMM_ACCUMULATE,
  GEMM_BIAS_COLUMN,
  GEMM_BIAS_ROW,
  GEMM_TRANS_A,
  GEMM_TRANS_B,
} from "./wasm/gemm_module.ts";
import { ACTIVATION_CODES } from "./wasm/vector_math.ts";
import { BINARY_OPS, UNARY_CODES, type WasmUnaryOp } from "./wasm/elementwise_module.ts";
import { REDUCE_CODES, type WasmReduceOp } from "./wasm/reduce_module.ts";

/** Byte address of a tensor's storage in the wasm memory. */
export const addressOf = (t: Tensor): number => (t.storage as CpuStorage).address;

/** The activation's kernel code and parameter (−2/u0 for the width-scaled sigmoid). */
export function activationCode(act: Activation): { code: number; param: number } {
  return { code: ACTIVATION_CODES[act.kind], param: act.kind === "sigmoid" ? -2 / (act.width ?? 2) : 0 };
}

/**
 * Scratch budget of one convolution group, in floats (16 MiB): im2col columns of G images [kk, G·hw] and,
 * when there are several output channels, their product in channel-major order [cout, G·hw].
 */
const CONV_GROUP_FLOATS = 1 << 22;

interface ConvShape {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  ho: number;
  wo: number;
  /** Patch size cin·kh·kw. */
  kk: number;
  /** Output positions ho·wo. */
  hw: number;
  /** Images per GEMM. */
  group: number;
}

function convShape(input: readonly number[], weight: readonly number[], g: Conv2dGeometry): ConvShape {
  const [n, cin, h, w] = input, [cout, , kh, kw] = weight;
  const ho = Math.floor((h + 2 * g.padding - kh) / g.stride) + 1;
  const wo = Math.floor((w + 2 * g.padding - kw) / g.stride) + 1;
  const kk = cin * kh * kw, hw = ho * wo;
  // As many images per GEMM as the scratch budget allows: one big product instead of n small ones.
  const group = Math.max(1, Math.min(n, Math.floor(CONV_GROUP_FLOATS / Math.max(kk * hw, cout * hw, 1))));
  return { n, cin, h, w, cout, kh, kw, stride: g.stride, pad: g.padding, ho, wo, kk, hw, group };
}

/** The trailing arguments of the im2col/col2im kernels. */
function patchGeometry(
  s: ConvShape,
): [number, number, number, number, number, number, number, number, number] {
  return [s.cin, s.h, s.w, s.kh, s.kw, s.stride, s.pad, s.ho, s.wo];
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

  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): CpuStorage {
    if (op === "argmax") {
      const out = this.allocator.alloc(axis === 0 ? cols : rows, "i32", false);
      if (axis === 0) this.runtime.kernels.argmaxCols(addressOf(x), out.address, rows, cols);
      else this.runtime.kernels.argmaxRows(addressOf(x), out.address, rows, cols);
      return out;
    }
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

  /**
   * Convolution as GEMM over groups of images: im2col of G images side by side into cols [kk, G·hw], one
   * product W [cout, kk] · cols with the bias (per row) and activation fused, then the [cout, G, hw] result
   * swapped into the output's [G, cout, hw] (written directly when cout = 1 or G = 1, where the two agree).
   */
  conv2d(x: Tensor, w: Tensor, o: Conv2dOptions): CpuStorage {
    const s = convShape(x.shape, w.shape, o), k = this.runtime.kernels;
    const out = this.allocator.alloc(s.n * s.cout * s.hw, "f32", false);
    if (out.size === 0) return out;
    const cols = this.#scratch(s.kk * s.group * s.hw);
    const regroup = s.cout > 1 && s.group > 1 ? this.#scratch(s.cout * s.group * s.hw) : null;
    const { code, param } = activationCode(o.activation);
    try {
      for (let b0 = 0; b0 < s.n; b0 += s.group) {
        const g = Math.min(s.group, s.n - b0), dst = out.address + b0 * s.cout * s.hw * 4;
        this.#im2colGroup(addressOf(x), cols.address, b0, g, s);
        this.runtime.gemm({
          a: addressOf(w),
          b: cols.address,
          c: regroup ? regroup.address : dst,
          m: s.cout,
          n: g * s.hw,
          k: s.kk,
          flags: o.bias ? GEMM_BIAS_ROW : 0,
          scale: 1,
          bias: o.bias ? addressOf(o.bias) : 0,
          act: code,
          param,
        }, this.threads());
        if (regroup) k.swapAxes(regroup.address, dst, s.cout, g, s.hw);
      }
    } finally {
      this.allocator.release(cols);
      if (regroup) this.allocator.release(regroup);
    }
    return out;
  }

  /** dx: per group, cols = Wᵀ · dy (dy regrouped channel-major), then col2im of each image's columns. */
  conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: readonly number[], geo: Conv2dGeometry): CpuStorage {
    const s = convShape(inputShape, w.shape, geo), k = this.runtime.kernels;
    const out = this.allocator.alloc(s.n * s.cin * s.h * s.w, "f32", true);
    if (out.size === 0 || s.hw === 0) return out;
    const cols = this.#scratch(s.kk * s.group * s.hw);
    const regroup = s.cout > 1 && s.group > 1 ? this.#scratch(s.cout * s.group * s.hw) : null;
    try {
      for (let b0 = 0; b0 < s.n; b0 += s.group) {
        const g = Math.min(s.group, s.n - b0), src = addressOf(dy) + b0 * s.cout * s.hw * 4;
        if (regroup) k.swapAxes(src, regroup.address, g, s.cout, s.hw);
        this.#gemm(
          addressOf(w),
          regroup ? regroup.address : src,
          cols.address,
          s.kk,
          g * s.hw,
          s.cout,
          GEMM_TRANS_A,
        );
        for (let i = 0; i < g; i++) {
          const image = out.address + (b0 + i) * s.cin * s.h * s.w * 4;
          k.col2im(cols.address + i * s.hw * 4, g * s.hw * 4, image, ...patchGeometry(s));
        }
      }
    } finally {
      this.allocator.release(cols);
      if (regroup) this.allocator.release(regroup);
    }
    return out;
  }

  /** dw = Σ_groups dy_G [cout, G·hw] · cols_Gᵀ, the groups accumulated in a fixed order. */
  conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: readonly number[], geo: Conv2dGeometry): CpuStorage {
    const s = convShape(x.shape, weightShape, geo), k = this.runtime.kernels;
    const out = this.allocator.alloc(s.cout * s.kk, "f32", true);
    if (out.size === 0 || s.n * s.hw === 0) return out;
    const cols = this.#scratch(s.kk * s.group * s.hw);
    const regroup = s.cout > 1 && s.group > 1 ? this.#scratch(s.cout * s.group * s.hw) : null;
    try {
      for (let b0 = 0; b0 < s.n; b0 += s.group) {
        const g = Math.min(s.group, s.n - b0), src = addressOf(dy) + b0 * s.cout * s.hw * 4;
        this.#im2colGroup(addressOf(x), cols.address, b0, g, s);
        if (regroup) k.swapAxes(src, regroup.address, g, s.cout, s.hw);
        const flags = GEMM_TRANS_B | (b0 > 0 ? GEMM_ACCUMULATE : 0);
        this.#gemm(regroup ? regroup.address : src, cols.address, out.address, s.cout, s.kk, g * s.hw, flags);
      }
    } finally {
      this.allocator.release(cols);
      if (regroup) this.allocator.release(regroup);
    }
    return out;
  }

  /** im2col of images b0..b0+g−1 side by side: cols [kk, g·hw]. */
  #im2colGroup(x: number, cols: number, b0: number, g: number, s: ConvShape): void {
    for (let i = 0; i < g; i++) {
      const image = x + (b0 + i) * s.cin * s.h * s.w * 4;
      this.runtime.kernels.im2col(image, cols + i * s.hw * 4, g * s.hw * 4, ...patchGeometry(s));
    }
  }

  /** A plain product (no epilogue) on addresses. */
  #gemm(a: number, b: number, c: number, m: number, n: number, k: number, flags: number): void {
    if (k === 0) return; // only reached with accumulate-free outputs that start zeroed
    this.runtime.gemm({ a, b, c, m, n, k, flags, scale: 1, bias: 0, act: 0, param: 0 }, this.threads());
  }

  /** A pooled scratch block (released by the caller). */
  #scratch(floats: number): CpuStorage {
    return this.allocator.alloc(floats, "f32", false);
  }
}
