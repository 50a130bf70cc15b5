/**
 * The cpu backend: typed arrays, deterministic (same inputs, same bits, for any thread count).
 *
 * Two kernel sets, chosen per backend (`new CpuBackend({ kernels })`, default "wasm" when the engine has
 * WebAssembly SIMD):
 * - "scalar": the TypeScript loops in this file and ./gemm.ts, the reference every other kernel is tested
 *   against. Storages are SharedArrayBuffers so the matrix product can be split across worker threads.
 * - "wasm": WebAssembly SIMD kernels (./wasm_kernels.ts, generated at load by ./wasm/) on storages pooled in
 *   one shared WebAssembly.Memory, released through the tensors' reference counts. Operations without a wasm
 *   kernel run the scalar loops below over those same storages.
 */
import type {
  Activation,
  AdamOptions,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  Conv2dOptions,
  DType,
  GaeSettings,
  GaeStorages,
  MatmulOptions,
  RandomDistribution,
  ReduceOp,
  SgdOptions,
  Storage,
  UnaryOp,
} from "../backend.ts";
import type { Tensor } from "../../tensor.ts";
import { fillNormal, fillUniform } from "../../random.ts";
import { cpuThreads, gemm } from "./gemm.ts";
import { activate, activateGrad } from "../activation.ts";
import { rmsNormBackwardRows, rmsNormRows } from "./rms_norm.ts";
import { gaeColumns } from "./gae.ts";
import { BINARY, broadcastStrides, isTrailing, sameShapeBinary, UNARY } from "./elementwise.ts";
import { col2im, convGeometry, im2col } from "./im2col.ts";
import { type CpuStorage, PooledAllocator, SharedArrayAllocator, type StorageAllocator } from "./storage.ts";
import { WasmKernels } from "./wasm_kernels.ts";
import { WASM_KERNELS_AVAILABLE, wasmRuntime } from "./wasm/runtime.ts";
import { HAS_RELAXED_SIMD } from "./wasm/features.ts";
import type { PoolStats } from "./wasm/memory_pool.ts";

export { CpuStorage } from "./storage.ts";

/** The cpu backend's kernel sets: the scalar TypeScript reference, or WebAssembly SIMD over one shared, pooled memory. */
export type CpuKernels = "scalar" | "wasm";

/** Options of {@link CpuBackend}. */
export interface CpuBackendOptions {
  /** Kernel set; default "wasm" when the engine supports WebAssembly SIMD, else "scalar". */
  kernels?: CpuKernels;
  /** Threads for the matrix products; default cpuThreads() (env CPU_THREADS or the core count) at each call. */
  threads?: number;
}

let warnedNoSimd = false;

function chooseKernels(requested: CpuKernels | undefined): CpuKernels {
  if (requested === "wasm" && !WASM_KERNELS_AVAILABLE) {
    throw new Error('CpuBackend: kernels "wasm" requested but this engine lacks WebAssembly SIMD');
  }
  if (requested) return requested;
  if (WASM_KERNELS_AVAILABLE) return "wasm";
  if (!warnedNoSimd) {
    warnedNoSimd = true;
    console.log("cpu backend: WebAssembly SIMD unavailable, using the scalar TypeScript kernels");
  }
  return "scalar";
}

const f32 = (t: Tensor): Float32Array => (t.storage as CpuStorage).data as Float32Array;
const i32 = (t: Tensor): Int32Array => (t.storage as CpuStorage).data as Int32Array;
/** Scratch for the scalar kernels: shared so ./gemm.ts may thread over it, collected by the GC. */
const sharedF32 = (size: number) => new Float32Array(new SharedArrayBuffer(Math.max(4, size * 4)));

/**
 * The cpu backend: WebAssembly SIMD kernels (GEMM, convolution, elementwise, reductions, optimizer steps)
 * over one shared, pooled memory and worker threads by default, with the scalar TypeScript loops kept as the
 * reference the tests compare against. Same inputs, same kernel set and thread count: same bits.
 *
 * ```ts
 * import { CpuBackend, ops } from "@diffusing-blame/ed";
 * const cpu = new CpuBackend(); // { kernels: "scalar" } for the reference loops
 * const a = ops.tensor(cpu, new Float32Array([1, 2, 3, 4]), [2, 2]);
 * console.log(await ops.matmul(a, a).read()); // [7, 10, 15, 22]
 * ```
 */
export class CpuBackend implements Backend {
  readonly name = "cpu" as const;
  /** The kernel set in use. */
  readonly kernels: CpuKernels;
  readonly #allocator: StorageAllocator;
  readonly #wasm: WasmKernels | null = null;
  readonly #threads: number | undefined;

  /** Options: kernel set and thread count (see {@link CpuBackendOptions}). */
  constructor(options: CpuBackendOptions = {}) {
    this.kernels = chooseKernels(options.kernels);
    if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
      throw new Error(`CpuBackend: threads must be an integer >= 1, got ${options.threads}`);
    }
    this.#threads = options.threads;
    if (this.kernels === "wasm") {
      const pooled = new PooledAllocator(wasmRuntime());
      this.#allocator = pooled;
      this.#wasm = new WasmKernels(pooled.runtime, pooled, () => this.threads);
    } else {
      this.#allocator = new SharedArrayAllocator();
    }
  }

  /** Threads the matrix products use. */
  get threads(): number {
    return this.#threads ?? cpuThreads();
  }

  get deviceName(): string {
    const simd = HAS_RELAXED_SIMD ? "wasm relaxed simd" : "wasm simd";
    const threads = `${this.threads} thread${this.threads === 1 ? "" : "s"}`;
    return `cpu (${this.kernels === "wasm" ? `${simd}, ` : ""}${threads})`;
  }

  /**
   * Live blocks and bytes of the wasm memory pool (shared by every wasm cpu backend in the process), plus
   * the blocks the garbage collector had to reclaim from unreleased storages; null for scalar kernels.
   */
  memoryStats(): (PoolStats & { reclaimedByGc: number }) | null {
    if (!this.#wasm) return null;
    return {
      ...this.#wasm.runtime.pool.stats(),
      reclaimedByGc: (this.#allocator as PooledAllocator).reclaimedByGc,
    };
  }

  #new(size: number, dtype: DType, zero = true): CpuStorage {
    return this.#allocator.alloc(size, dtype, zero);
  }
  #newF32(size: number, zero = true): [CpuStorage, Float32Array] {
    const s = this.#allocator.alloc(size, "f32", zero);
    return [s, s.data as Float32Array];
  }

  upload(data: Float32Array | Int32Array): Storage {
    const out = this.#new(data.length, data instanceof Int32Array ? "i32" : "f32", false);
    out.data.set(data);
    return out;
  }
  alloc(size: number, dtype: DType): Storage {
    return this.#new(size, dtype);
  }
  write(dst: Storage, data: Float32Array | Int32Array): void {
    (dst as CpuStorage).data.set(data);
  }
  copy(src: Storage, dtype: DType): Storage {
    const out = this.#new(src.size, dtype, false);
    out.data.set((src as CpuStorage).data);
    return out;
  }
  release(s: Storage): void {
    this.#allocator.release(s as CpuStorage);
  }
  read(items: { storage: Storage; dtype: DType }[]): Promise<(Float32Array | Int32Array)[]> {
    // slice() copies into a fresh, unshared ArrayBuffer: the caller's copy outlives the pooled block.
    return Promise.resolve(items.map(({ storage }) => (storage as CpuStorage).data.slice()));
  }
  sync(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {}

  matmul(a: Tensor, b: Tensor, m: number, n: number, k: number, o: MatmulOptions): Storage {
    if (this.#wasm) return this.#wasm.matmul(a, b, m, n, k, o);
    const [store, out] = this.#newF32(m * n, false);
    gemm(f32(a), f32(b), out, m, n, k, o.transA, o.transB, o.scale);
    const bias = o.bias ? f32(o.bias) : null;
    if (bias || o.activation.kind !== "identity") {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const z = out[i * n + j] + (bias ? bias[j] : 0);
          out[i * n + j] = activate(o.activation, z);
        }
      }
    }
    return store;
  }

  transpose(x: Tensor, rows: number, cols: number): Storage {
    const src = (x.storage as CpuStorage).data;
    const store = this.#new(rows * cols, x.dtype, false), out = store.data;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
    return store;
  }

  unary(op: UnaryOp, x: Tensor): Storage {
    const fast = this.#wasm?.unary(op, x);
    if (fast) return fast;
    return this.#map(x, UNARY[op]);
  }
  affine(x: Tensor, scale: number, shift: number): Storage {
    if (this.#wasm) return this.#wasm.affine(x, scale, shift);
    return this.#map(x, (v) => v * scale + shift);
  }
  clamp(x: Tensor, lo: number, hi: number): Storage {
    if (this.#wasm) return this.#wasm.clamp(x, lo, hi);
    return this.#map(x, (v) => (v < lo ? lo : v > hi ? hi : v));
  }
  activation(act: Activation, x: Tensor): Storage {
    if (this.#wasm) return this.#wasm.activation(act, x);
    const src = f32(x), [store, out] = this.#newF32(src.length, false), n = src.length;
    // The hot activations get their own loops (same expressions as `activate`).
    if (act.kind === "sigmoid") {
      const w = act.width ?? 2;
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp((-2 * src[i]) / w));
    } else if (act.kind === "relu") {
      for (let i = 0; i < n; i++) out[i] = src[i] > 0 ? src[i] : 0;
    } else {
      for (let i = 0; i < n; i++) out[i] = activate(act, src[i]);
    }
    return store;
  }
  activationGrad(act: Activation, z: Tensor): Storage {
    if (this.#wasm) return this.#wasm.activationGrad(act, z);
    const src = f32(z), [store, out] = this.#newF32(src.length, false), n = src.length;
    if (act.kind === "sigmoid") {
      const u0 = act.width ?? 2;
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + Math.exp((-2 * src[i]) / u0));
        out[i] = (2 / u0) * s * (1 - s);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = activateGrad(act, src[i]);
    }
    return store;
  }
  #map(x: Tensor, fn: (v: number) => number): Storage {
    const src = f32(x), [store, out] = this.#newF32(src.length, false);
    for (let i = 0; i < src.length; i++) out[i] = fn(src[i]);
    return store;
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor, outShape: readonly number[]): Storage {
    const fast = this.#wasm?.binary(op, a, b, outShape);
    if (fast) return fast;
    const fn = BINARY[op];
    const av = f32(a), bv = f32(b);
    const size = outShape.reduce((p, d) => p * d, 1);
    const [store, out] = this.#newF32(size, false);
    if (av.length === size && bv.length === size) {
      sameShapeBinary(op, av, bv, out);
      return store;
    }
    // Fast paths for the common broadcasts: a scalar, a row vector or a column vector against a matrix.
    const cols = outShape[outShape.length - 1] ?? 1;
    if (av.length === size) {
      if (bv.length === 1) {
        for (let i = 0; i < size; i++) out[i] = fn(av[i], bv[0]);
        return store;
      }
      if (bv.length === cols && isTrailing(b.shape)) {
        for (let i = 0; i < size; i += cols) sameShapeBinary(op, av, bv, out, i, cols);
        return store;
      }
      if (outShape.length === 2 && b.shape.length === 2 && b.shape[1] === 1) {
        for (let i = 0, r = 0; i < size; i += cols, r++) {
          for (let j = 0; j < cols; j++) out[i + j] = fn(av[i + j], bv[r]);
        }
        return store;
      }
    }
    if (bv.length === size && av.length === cols && isTrailing(a.shape)) {
      for (let i = 0; i < size; i += cols) for (let j = 0; j < cols; j++) out[i + j] = fn(av[j], bv[i + j]);
      return store;
    }
    // General broadcasting: walk the output index and advance each operand by its (possibly 0) stride.
    const rank = outShape.length;
    const sa = broadcastStrides(a.shape, outShape), sb = broadcastStrides(b.shape, outShape);
    const index = new Array(rank).fill(0);
    let ia = 0, ib = 0;
    for (let i = 0; i < size; i++) {
      out[i] = fn(av[ia], bv[ib]);
      for (let d = rank - 1; d >= 0; d--) {
        index[d]++;
        ia += sa[d], ib += sb[d];
        if (index[d] < outShape[d]) break;
        ia -= sa[d] * outShape[d], ib -= sb[d] * outShape[d];
        index[d] = 0;
      }
    }
    return store;
  }

  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): Storage {
    if (this.#wasm) return this.#wasm.reduce(op, x, rows, cols, axis);
    const src = f32(x);
    const outer = axis === 0 ? cols : rows, inner = axis === 0 ? rows : cols;
    const at = axis === 0
      ? (o: number, i: number) => src[i * cols + o]
      : (o: number, i: number) => src[o * cols + i];
    const store = this.#new(outer, op === "argmax" ? "i32" : "f32", false), out = store.data;
    for (let o = 0; o < outer; o++) {
      let acc = op === "max" || op === "argmax" ? -Infinity : op === "min" ? Infinity : 0;
      let best = 0;
      for (let i = 0; i < inner; i++) {
        const v = at(o, i);
        if (op === "sum" || op === "mean") acc += v;
        else if (op === "sumsq") acc += v * v;
        else if (op === "max") acc = v > acc ? v : acc;
        else if (op === "min") acc = v < acc ? v : acc;
        else if (v > acc) acc = v, best = i;
      }
      out[o] = op === "argmax" ? best : op === "mean" ? acc / inner : acc;
    }
    return store;
  }

  softmax(x: Tensor, rows: number, cols: number, log: boolean): Storage {
    const src = f32(x), [store, out] = this.#newF32(rows * cols, false);
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, src[r * cols + c]);
      let total = 0;
      for (let c = 0; c < cols; c++) total += Math.exp(src[r * cols + c] - max);
      const logTotal = Math.log(total);
      for (let c = 0; c < cols; c++) {
        const shifted = src[r * cols + c] - max;
        out[r * cols + c] = log ? shifted - logTotal : Math.exp(shifted) / total;
      }
    }
    return store;
  }

  rmsNorm(parts: Tensor[], rows: number, cols: number, eps: number): { y: Storage[]; rms: Storage } {
    const ys = parts.map(() => this.#newF32(rows * cols, false)), [rmsStore, rms] = this.#newF32(rows, false);
    rmsNormRows(parts.map(f32), ys.map(([, y]) => y), rms, rows, cols, eps);
    return { y: ys.map(([store]) => store), rms: rmsStore };
  }

  rmsNormBackward(
    y: Tensor[],
    rms: Tensor,
    dy: Tensor[],
    rows: number,
    cols: number,
    diagonal: boolean,
  ): Storage[] {
    const dxs = y.map(() => this.#newF32(rows * cols, false));
    rmsNormBackwardRows(y.map(f32), f32(rms), dy.map(f32), dxs.map(([, dx]) => dx), rows, cols, diagonal);
    return dxs.map(([store]) => store);
  }

  gae(
    rewards: Tensor,
    values: Tensor,
    bootstrap: Tensor,
    dones: Tensor,
    truncations: Tensor,
    steps: number,
    envs: number,
    o: GaeSettings,
  ): GaeStorages {
    const [advantages, a] = this.#newF32(steps * envs, false),
      [targets, t] = this.#newF32(steps * envs, false);
    const [mask, m] = this.#newF32(steps * envs, false);
    const input = [rewards, values, bootstrap, dones, truncations].map(f32);
    gaeColumns(
      { rewards: input[0], values: input[1], bootstrap: input[2], dones: input[3], truncations: input[4] },
      steps,
      envs,
      o,
      { advantages: a, targets: t, mask: m },
    );
    return { advantages, targets, mask };
  }

  gather(x: Tensor, idx: Tensor, rows: number, cols: number, axis: 0 | 1): Storage {
    const src = (x.storage as CpuStorage).data, index = i32(idx), count = index.length;
    const bound = axis === 0 ? rows : cols;
    for (let i = 0; i < count; i++) {
      if (index[i] < 0 || index[i] >= bound) {
        throw new Error(`gather: index ${index[i]} at position ${i} is out of range [0, ${bound})`);
      }
    }
    if (axis === 0) {
      const store = this.#new(count * cols, x.dtype, false), out = store.data;
      for (let i = 0; i < count; i++) {
        out.set(src.subarray(index[i] * cols, index[i] * cols + cols), i * cols);
      }
      return store;
    }
    const store = this.#new(rows * count, x.dtype, false), out = store.data;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < count; j++) out[r * count + j] = src[r * cols + index[j]];
    }
    return store;
  }

  oneHot(labels: Tensor, classes: number): Storage {
    const l = i32(labels), [store, out] = this.#newF32(l.length * classes);
    for (let i = 0; i < l.length; i++) {
      if (l[i] < 0 || l[i] >= classes) {
        throw new Error(`oneHot: label ${l[i]} at ${i} is outside [0, ${classes})`);
      }
      out[i * classes + l[i]] = 1;
    }
    return store;
  }

  // Convolution as GEMM over im2col columns, one image at a time to bound memory.
  conv2d(x: Tensor, w: Tensor, o: Conv2dOptions): Storage {
    if (this.#wasm) return this.#wasm.conv2d(x, w, o);
    const [n, cin, h, wd] = x.shape, [cout, , kh, kw] = w.shape;
    const geo = convGeometry(h, wd, kh, kw, o);
    const kk = cin * kh * kw, hw = geo.ho * geo.wo;
    const cols = sharedF32(kk * hw), [store, out] = this.#newF32(n * cout * hw, false);
    const bias = o.bias ? f32(o.bias) : null;
    for (let b = 0; b < n; b++) {
      im2col(f32(x).subarray(b * cin * h * wd), cols, cin, h, wd, kh, kw, geo);
      const y = out.subarray(b * cout * hw, (b + 1) * cout * hw);
      gemm(f32(w), cols, y, cout, hw, kk, false, false, 1);
      if (bias || o.activation.kind !== "identity") {
        for (let c = 0; c < cout; c++) {
          for (let p = 0; p < hw; p++) {
            y[c * hw + p] = activate(o.activation, y[c * hw + p] + (bias ? bias[c] : 0));
          }
        }
      }
    }
    return store;
  }

  conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: readonly number[], g: Conv2dGeometry): Storage {
    if (this.#wasm) return this.#wasm.conv2dInputGrad(dy, w, inputShape, g);
    const [n, cin, h, wd] = inputShape, [cout, , kh, kw] = w.shape;
    const geo = convGeometry(h, wd, kh, kw, g);
    const kk = cin * kh * kw, hw = geo.ho * geo.wo;
    const cols = sharedF32(kk * hw), [store, out] = this.#newF32(n * cin * h * wd);
    for (let b = 0; b < n; b++) {
      gemm(f32(w), f32(dy).subarray(b * cout * hw, (b + 1) * cout * hw), cols, kk, hw, cout, true, false, 1);
      col2im(cols, out.subarray(b * cin * h * wd), cin, h, wd, kh, kw, geo);
    }
    return store;
  }

  conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: readonly number[], g: Conv2dGeometry): Storage {
    if (this.#wasm) return this.#wasm.conv2dWeightGrad(x, dy, weightShape, g);
    const [cout, cin, kh, kw] = weightShape, [n, , h, wd] = x.shape;
    const geo = convGeometry(h, wd, kh, kw, g);
    const kk = cin * kh * kw, hw = geo.ho * geo.wo;
    const cols = sharedF32(kk * hw), part = sharedF32(cout * kk), [store, out] = this.#newF32(cout * kk);
    for (let b = 0; b < n; b++) {
      im2col(f32(x).subarray(b * cin * h * wd), cols, cin, h, wd, kh, kw, geo);
      gemm(f32(dy).subarray(b * cout * hw, (b + 1) * cout * hw), cols, part, cout, kk, hw, false, true, 1);
      for (let i = 0; i < part.length; i++) out[i] += part[i];
    }
    return store;
  }

  random(size: number, dist: RandomDistribution, seed: number, counter: number): Storage {
    const [store, out] = this.#newF32(size, false);
    (dist === "uniform" ? fillUniform : fillNormal)(out, seed, counter);
    return store;
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions): void {
    if (this.#wasm) return this.#wasm.sgdStep(param, grad, velocity, o);
    const p = f32(param), g = f32(grad), v = velocity ? f32(velocity) : null;
    const floor = o.floor ?? -Infinity;
    for (let i = 0; i < p.length; i++) {
      let step = g[i] + o.weightDecay * p[i];
      if (v && o.momentum !== 0) step = v[i] = o.momentum * v[i] + step;
      const next = p[i] - o.lr * step;
      p[i] = next < floor ? floor : next;
    }
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void {
    if (this.#wasm) return this.#wasm.adamStep(param, grad, m, v, o);
    const p = f32(param), g = f32(grad), mv = f32(m), vv = f32(v);
    const { beta1, beta2, eps, lr, weightDecay } = o;
    const c1 = 1 - beta1 ** o.step, c2 = 1 - beta2 ** o.step;
    const floor = o.floor ?? -Infinity;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      // Rounded as the stored float32 moments are (the value of `a[i] = x` would be the unrounded x).
      const mi = Math.fround(beta1 * mv[i] + (1 - beta1) * gi);
      const vi = Math.fround(beta2 * vv[i] + (1 - beta2) * gi * gi);
      mv[i] = mi, vv[i] = vi;
      const update = mi / c1 / (Math.sqrt(vi / c2) + eps) + weightDecay * p[i];
      const next = p[i] - lr * update;
      p[i] = next < floor ? floor : next;
    }
  }
}
