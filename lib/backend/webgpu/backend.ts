/**
 * The webgpu backend: each op generates (or finds cached) a shape-specialised WGSL kernel, allocates its
 * output from the buffer pool and records one dispatch into the shared command encoder. Nothing waits on the
 * device except `read` and `sync`.
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
import { BufferPool, GpuStorage, READBACK_USAGE, STORAGE_USAGE } from "./buffer_pool.ts";
import type { GpuContext } from "./device.ts";
import { CommandBatcher } from "./encoder.ts";
import { PipelineCache } from "./pipelines.ts";
import { type Kernel, Params } from "./kernels/common.ts";
import { matmulKernel } from "./kernels/matmul.ts";
import { gemmTuning } from "./kernels/gemm.ts";
import {
  conv2dInputGradKernel,
  conv2dKernel,
  conv2dWeightGradKernel,
  type ConvShape,
  sumPartsKernel,
  weightGradSplit,
} from "./kernels/conv2d.ts";
import {
  activationKernel,
  affineKernel,
  binaryKernel,
  clampKernel,
  unaryKernel,
} from "./kernels/elementwise.ts";
import { reduceKernel, softmaxKernel } from "./kernels/reduce.ts";
import { rmsNormBackwardKernel, rmsNormKernel } from "./kernels/rms_norm.ts";
import { gatherKernel, INDEX_FAULT_OPS, oneHotKernel, transposeKernel } from "./kernels/indexing.ts";
import { randomKernel } from "./kernels/random.ts";
import { gaeKernel } from "./kernels/gae.ts";
import { adamKernel, sgdKernel } from "./kernels/optim.ts";

/** Smallest binding we make: a vec4 array needs 16 bytes even when the tensor is empty. */
const MIN_BINDING = 16;

export class WebGpuBackend implements Backend {
  readonly name = "webgpu" as const;
  readonly deviceName: string;
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly batcher: CommandBatcher;
  #readback: BufferPool;
  /** Backs every zero-size storage, so empty tensors need no allocation and can still be bound. */
  #empty: GPUBuffer;
  #maxBinding: number;
  #errors: Error[] = [];
  /** Index-fault record of gather and oneHot (kernels/indexing.ts), read with every read-back. */
  #faults: GpuStorage;
  #disposed = false;

  constructor(readonly context: GpuContext) {
    this.device = context.device;
    this.deviceName = context.name;
    this.batcher = new CommandBatcher(this.device);
    const retire = (buffer: GPUBuffer) => this.batcher.retire(buffer);
    this.pool = new BufferPool(this.device, STORAGE_USAGE, "storage", retire);
    this.#readback = new BufferPool(this.device, READBACK_USAGE, "readback", retire);
    this.pipelines = new PipelineCache(this.device);
    this.#empty = this.device.createBuffer({ size: MIN_BINDING, usage: STORAGE_USAGE, label: "empty" });
    this.#maxBinding = this.device.limits.maxStorageBufferBindingSize;
    this.#faults = new GpuStorage(
      this.device.createBuffer({ size: MIN_BINDING, usage: STORAGE_USAGE, label: "index faults" }),
      4,
      false,
    );
    gemmTuning.minBigTiles = context.software ? 16 : 128;
    this.device.addEventListener("uncapturederror", (e) => {
      this.#errors.push(new Error(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message}`));
    });
  }

  // ------------------------------------------------------------------ memory

  #new(size: number, zero: boolean): GpuStorage {
    if (this.#disposed) throw new Error("webgpu: backend used after dispose()");
    if (size === 0) return new GpuStorage(this.#empty, 0, false);
    const bytes = size * 4;
    if (bytes > this.#maxBinding) {
      throw new Error(
        `webgpu: a tensor of ${size} elements (${bytes} bytes) exceeds this device's storage binding limit ` +
          `of ${this.#maxBinding} bytes`,
      );
    }
    const { buffer, fresh } = this.pool.acquire(bytes);
    // A recycled buffer holds stale data; clearing it in the command stream keeps the order with prior use.
    if (zero && !fresh) this.batcher.clear(buffer, bytes);
    return new GpuStorage(buffer, size, true);
  }

  /** A fresh output whose every element the next kernel writes. */
  #out(size: number): GpuStorage {
    return this.#new(size, false);
  }

  upload(data: Float32Array | Int32Array): Storage {
    const s = this.#new(data.length, false);
    this.#writeInto(s, data);
    return s;
  }

  alloc(size: number, _dtype: DType): Storage {
    return this.#new(size, true);
  }

  write(dst: Storage, data: Float32Array | Int32Array): void {
    this.#writeInto(this.#check(dst), data);
  }

  #writeInto(s: GpuStorage, data: Float32Array | Int32Array): void {
    if (s.size === 0) return;
    // queue.writeBuffer runs before commands still unsubmitted: submit them first so the order holds.
    this.batcher.flush();
    // writeBuffer does not take views of a SharedArrayBuffer (cpu backend storages); copy those.
    const src = data.buffer instanceof SharedArrayBuffer ? data.slice() : data;
    this.device.queue.writeBuffer(s.buffer, 0, src.buffer as ArrayBuffer, src.byteOffset, src.byteLength);
  }

  copy(src: Storage, _dtype: DType): Storage {
    const s = this.#check(src);
    const out = this.#out(s.size);
    this.batcher.copy(s.buffer, 0, out.buffer, 0, s.bytes);
    return out;
  }

  release(s: Storage): void {
    const g = s as GpuStorage;
    if (g.released) throw new Error(`webgpu: storage of ${g.size} elements released twice`);
    g.released = true;
    if (g.pooled && !this.#disposed) this.pool.release(g.buffer);
  }

  async read(items: { storage: Storage; dtype: DType }[]): Promise<(Float32Array | Int32Array)[]> {
    // The index-fault record rides along with every read: a bad gather/oneHot index fails here, no extra sync.
    const [faults, ...out] = await this.#readStaged([{ storage: this.#faults, dtype: "i32" }, ...items]);
    if (faults[0] !== 0) {
      this.batcher.clear(this.#faults.buffer, 16);
      const op = INDEX_FAULT_OPS[faults[0]] ?? "indexing";
      throw new Error(
        `${op}: index ${faults[1]} at position ${faults[2]} is out of range [0, ${faults[3]}) ` +
          `(found on the device after the step; the cpu backend reports it at the call)`,
      );
    }
    return out;
  }

  async #readStaged(items: { storage: Storage; dtype: DType }[]): Promise<(Float32Array | Int32Array)[]> {
    const staged = items.map(({ storage }) => {
      const s = this.#check(storage);
      if (s.size === 0) return null;
      const { buffer } = this.#readback.acquire(s.bytes);
      this.batcher.copy(s.buffer, 0, buffer, 0, s.bytes);
      return buffer;
    });
    this.batcher.flush();
    // Every map in one await: one device round trip (~11 ms in Deno) however many tensors.
    await Promise.all(staged.map((b, i) => b?.mapAsync(GPUMapMode.READ, 0, items[i].storage.size * 4)));
    const out = items.map(({ storage, dtype }, i) => {
      const b = staged[i];
      const bytes = storage.size * 4;
      const data = b ? b.getMappedRange(0, bytes).slice(0) : new ArrayBuffer(0);
      if (b) {
        b.unmap();
        this.#readback.release(b);
      }
      return dtype === "i32" ? new Int32Array(data) : new Float32Array(data);
    });
    await this.#throwErrors();
    return out;
  }

  async sync(): Promise<void> {
    this.batcher.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.#throwErrors();
  }

  async #throwErrors(): Promise<void> {
    await this.pipelines.throwIfFailed();
    // One failure tends to cascade (invalid pipeline, then invalid dispatches): report the first, drop the rest.
    const [err] = this.#errors.splice(0);
    if (err) throw err;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.batcher.destroy();
    this.#disposed = true;
    this.pool.dispose();
    this.#readback.dispose();
    this.#empty.destroy();
    this.#faults.buffer.destroy();
    this.device.destroy();
  }

  /** Pool and pipeline statistics, for reports and leak checks. */
  stats(): {
    liveBytes: number;
    freeBytes: number;
    liveBuffers: number;
    pipelines: number;
    dispatches: number;
  } {
    return { ...this.pool.stats(), pipelines: this.pipelines.size, dispatches: this.batcher.dispatches };
  }

  // ------------------------------------------------------------------ dispatch

  #check(s: Storage): GpuStorage {
    const g = s as GpuStorage;
    if (!(g instanceof GpuStorage)) throw new Error("webgpu: storage belongs to another backend");
    if (g.released) throw new Error(`webgpu: storage of ${g.size} elements used after release`);
    return g;
  }

  #binding(s: GpuStorage): GPUBufferBinding {
    // Rounded up to 16 bytes for vec4 views, within the buffer and the device's binding limit.
    const size = Math.min(
      s.buffer.size,
      this.#maxBinding,
      Math.max(MIN_BINDING, Math.ceil(s.bytes / 16) * 16),
    );
    return { buffer: s.buffer, offset: 0, size };
  }

  #run(kernel: Kernel, storages: GpuStorage[], params: Params | null = null): void {
    const { pipeline, layout } = this.pipelines.get(kernel.code, kernel.label);
    this.batcher.dispatch(
      pipeline,
      layout,
      storages.map((s) => this.#binding(s)),
      params?.buffer ?? null,
      kernel.grid,
    );
  }

  #in(t: Tensor): GpuStorage {
    return this.#check(t.storage);
  }

  // ------------------------------------------------------------------ dense algebra

  matmul(a: Tensor, b: Tensor, m: number, n: number, k: number, o: MatmulOptions): Storage {
    const out = this.#out(m * n);
    if (m * n === 0) return out;
    const kernel = matmulKernel({
      m,
      n,
      k,
      transA: o.transA,
      transB: o.transB,
      bias: !!o.bias,
      activation: o.activation,
    });
    const bufs = [this.#in(a), this.#in(b), out];
    if (o.bias) bufs.push(this.#in(o.bias));
    this.#run(kernel, bufs, new Params().f(o.scale));
    return out;
  }

  transpose(x: Tensor, rows: number, cols: number): Storage {
    const out = this.#out(rows * cols);
    if (out.size) this.#run(transposeKernel(rows, cols), [this.#in(x), out]);
    return out;
  }

  // ------------------------------------------------------------------ elementwise

  #map(kernel: (size: number) => Kernel, x: Tensor, params: Params | null = null): Storage {
    const out = this.#out(x.size);
    if (out.size) this.#run(kernel(x.size), [this.#in(x), out], params);
    return out;
  }

  unary(op: UnaryOp, x: Tensor): Storage {
    return this.#map((size) => unaryKernel(op, size), x);
  }

  affine(x: Tensor, scale: number, shift: number): Storage {
    return this.#map(affineKernel, x, new Params().f(scale).f(shift));
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor, outShape: readonly number[]): Storage {
    const out = this.#out(outShape.reduce((p, d) => p * d, 1));
    if (out.size) this.#run(binaryKernel(op, a.shape, b.shape, outShape), [this.#in(a), this.#in(b), out]);
    return out;
  }

  clamp(x: Tensor, lo: number, hi: number): Storage {
    return this.#map(clampKernel, x, new Params().f(lo).f(hi));
  }

  activation(act: Activation, x: Tensor): Storage {
    return this.#map((size) => activationKernel(act, size, false), x);
  }

  activationGrad(act: Activation, z: Tensor): Storage {
    return this.#map((size) => activationKernel(act, size, true), z);
  }

  // ------------------------------------------------------------------ reductions

  reduce(op: ReduceOp, x: Tensor, rows: number, cols: number, axis: 0 | 1): Storage {
    const out = this.#out(axis === 0 ? cols : rows);
    if (out.size) this.#run(reduceKernel(op, rows, cols, axis), [this.#in(x), out]);
    return out;
  }

  softmax(x: Tensor, rows: number, cols: number, log: boolean): Storage {
    const out = this.#out(rows * cols);
    if (out.size) this.#run(softmaxKernel(rows, cols, log), [this.#in(x), out]);
    return out;
  }

  // ------------------------------------------------------------------ normalisation

  rmsNorm(parts: Tensor[], rows: number, cols: number, eps: number): { y: Storage[]; rms: Storage } {
    const y = parts.map(() => this.#out(rows * cols)), rms = this.#out(rows);
    if (rows * cols) {
      this.#run(rmsNormKernel(parts.length, rows, cols, eps), [...parts.map((t) => this.#in(t)), ...y, rms]);
    }
    return { y, rms };
  }

  rmsNormBackward(
    y: Tensor[],
    rms: Tensor,
    dy: Tensor[],
    rows: number,
    cols: number,
    diagonal: boolean,
  ): Storage[] {
    const dx = y.map(() => this.#out(rows * cols));
    if (rows * cols) {
      const inputs = [...y, rms, ...dy].map((t) => this.#in(t));
      this.#run(rmsNormBackwardKernel(y.length, rows, cols, diagonal), [...inputs, ...dx]);
    }
    return dx;
  }

  // ------------------------------------------------------------------ advantages

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
    const size = steps * envs,
      out = { advantages: this.#out(size), targets: this.#out(size), mask: this.#out(size) };
    if (size) {
      const inputs = [rewards, values, bootstrap, dones, truncations].map((t) => this.#in(t));
      this.#run(gaeKernel(steps, envs, o), [...inputs, out.advantages, out.targets, out.mask]);
    }
    return out;
  }

  // ------------------------------------------------------------------ indexing

  gather(x: Tensor, idx: Tensor, rows: number, cols: number, axis: 0 | 1): Storage {
    const count = idx.size;
    const out = this.#out(axis === 0 ? count * cols : rows * count);
    if (out.size) {
      this.#run(gatherKernel(rows, cols, count, axis), [this.#in(x), this.#in(idx), out, this.#faults]);
    }
    return out;
  }

  oneHot(labels: Tensor, classes: number): Storage {
    const out = this.#out(labels.size * classes);
    if (out.size) this.#run(oneHotKernel(labels.size, classes), [this.#in(labels), out, this.#faults]);
    return out;
  }

  // ------------------------------------------------------------------ convolution

  #geometry(xShape: readonly number[], wShape: readonly number[], g: Conv2dGeometry): ConvShape {
    const [n, cin, h, w] = xShape, [cout, , kh, kw] = wShape;
    const ho = Math.floor((h + 2 * g.padding - kh) / g.stride) + 1;
    const wo = Math.floor((w + 2 * g.padding - kw) / g.stride) + 1;
    return { n, cin, h, w, cout, kh, kw, stride: g.stride, padding: g.padding, ho, wo };
  }

  conv2d(x: Tensor, w: Tensor, o: Conv2dOptions): Storage {
    const g = this.#geometry(x.shape, w.shape, o);
    const out = this.#out(g.n * g.cout * g.ho * g.wo);
    if (!out.size) return out;
    const bufs = [this.#in(x), this.#in(w), out];
    if (o.bias) bufs.push(this.#in(o.bias));
    this.#run(conv2dKernel(g, !!o.bias, o.activation), bufs);
    return out;
  }

  conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: readonly number[], geo: Conv2dGeometry): Storage {
    const g = this.#geometry(inputShape, w.shape, geo);
    const out = this.#out(inputShape.reduce((p, d) => p * d, 1));
    if (out.size) this.#run(conv2dInputGradKernel(g), [this.#in(dy), this.#in(w), out]);
    return out;
  }

  conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: readonly number[], geo: Conv2dGeometry): Storage {
    const g = this.#geometry(x.shape, weightShape, geo);
    const size = weightShape.reduce((p, d) => p * d, 1);
    if (size === 0) return this.#out(0);
    if (g.n * g.ho * g.wo === 0) return this.#new(size, true);
    const split = weightGradSplit(g);
    if (split === 1) {
      const out = this.#out(size);
      this.#run(conv2dWeightGradKernel(g, 1), [this.#in(x), this.#in(dy), out]);
      return out;
    }
    const parts = this.#out(size * split);
    this.#run(conv2dWeightGradKernel(g, split), [this.#in(x), this.#in(dy), parts]);
    const out = this.#out(size);
    this.#run(sumPartsKernel(size, split), [parts, out]);
    this.release(parts); // safe: later reuse is ordered after these dispatches
    return out;
  }

  // ------------------------------------------------------------------ random

  random(size: number, dist: RandomDistribution, seed: number, counter: number): Storage {
    const out = this.#out(size);
    if (!size) return out;
    const params = new Params().u(seed).u(counter % 2 ** 32).u(Math.floor(counter / 2 ** 32));
    this.#run(randomKernel(size, dist), [out], params);
    return out;
  }

  // ------------------------------------------------------------------ optimizers

  /** A storage safe to bind next to `param`: WebGPU forbids aliasing a writable binding. */
  #distinct(t: Tensor, param: GpuStorage): GpuStorage {
    const s = this.#in(t);
    return s.buffer === param.buffer && s.size ? this.copy(s, "f32") as GpuStorage : s;
  }

  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions): void {
    const p = this.#in(param);
    if (!p.size) return;
    const g = this.#distinct(grad, p);
    const momentum = velocity !== null && o.momentum !== 0;
    const bufs = [p, g];
    if (momentum) bufs.push(this.#in(velocity!));
    const params = new Params().f(o.lr).f(o.momentum).f(o.weightDecay).f(o.floor ?? 0);
    this.#run(sgdKernel(p.size, momentum, o.floor !== null), bufs, params);
    if (g !== this.#in(grad)) this.release(g);
  }

  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void {
    const p = this.#in(param);
    if (!p.size) return;
    const g = this.#distinct(grad, p);
    const params = new Params()
      .f(o.lr).f(o.beta1).f(o.beta2).f(o.eps)
      .f(1 - o.beta1 ** o.step).f(1 - o.beta2 ** o.step)
      .f(o.weightDecay).f(o.floor ?? 0);
    this.#run(adamKernel(p.size, o.floor !== null), [p, g, this.#in(m), this.#in(v)], params);
    if (g !== this.#in(grad)) this.release(g);
  }
}
