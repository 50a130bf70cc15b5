/**
 * The process-wide WebAssembly runtime of the cpu backend: one shared WebAssembly.Memory, its pool
 * allocator, the kernel module instantiated on it by the main thread, and the worker threads that
 * instantiate the same module on the same memory.
 *
 * Memory layout: addresses [0, 64) stay unused (0 is "no pointer"), the control block follows, then the
 * pool's heap (per-thread GEMM scratch is a permanent reservation in it).
 *
 * Threads. Workers are node:worker_threads Workers (Deno's web Worker has no unref), spawned on the first
 * threaded call and unref()'d so they never keep the process alive. A call is split into chunks of rows (or
 * columns) of C; the main thread publishes the job in the control block, wakes the workers with
 * Atomics.notify, claims chunks itself alongside them and blocks in Atomics.wait until all are done. A
 * worker that is still starting, or descheduled on a busy machine, just gets fewer chunks.
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "../worker_entry.ts";
import { HAS_RELAXED_SIMD, HAS_SIMD } from "./features.ts";
import { buildKernelModule, gemmShapeFor, instantiateKernels, type KernelExports } from "./kernel_module.ts";
import { gemmScratchBytes, type GemmShape } from "./gemm_module.ts";
import { MAX_PAGES, MemoryPool, type PoolStats } from "./memory_pool.ts";
import {
  claimChunk,
  type ControlBlock,
  controlBlock,
  CTL_BYTES,
  CTL_CLAIM,
  CTL_DONE,
  CTL_ERROR,
  CTL_GEN,
  CTL_SHUTDOWN,
  CTL_WORKER_CHUNKS,
  CTL_WORKER_LIMIT,
  JOB_A,
  JOB_ACT,
  JOB_B,
  JOB_BIAS,
  JOB_C,
  JOB_CHUNK_SIZE,
  JOB_CHUNKS,
  JOB_FLAGS,
  JOB_K,
  JOB_M,
  JOB_N,
  JOB_PARAM,
  JOB_SCALE,
  JOB_SPLIT_ROWS,
  runGemmChunk,
} from "./control_block.ts";
import type { WorkerSetup } from "./worker.ts";

const CONTROL_ADDRESS = 64;
const HEAP_BASE = 4096;

/**
 * Products with at least this many multiply-adds are split across threads. Measured on the 2-core build
 * machine (load ~1.8), square products, 1 vs 2 threads: 96³ (2^19.8) 39 vs 49 µs, 112³ (2^20.4) 64 vs 59 µs,
 * 128³ (2^21) 96 vs 66 µs, 160³ 183 vs 110 µs. Publishing a job and waking a worker costs some 10–20 µs.
 */
export const WASM_THREAD_MNK = 1 << 21;
/** Chunks per participating thread: more balances a noisy machine better, fewer repack shared panels less. */
const CHUNKS_PER_THREAD = 2;

/** One GEMM call as the kernels see it (byte addresses into the shared memory). */
export interface GemmCall {
  a: number;
  b: number;
  c: number;
  m: number;
  n: number;
  k: number;
  flags: number;
  scale: number;
  /** 0: none. */
  bias: number;
  act: number;
  param: number;
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly pool: MemoryPool;
  readonly kernels: KernelExports;
  readonly shape: GemmShape;
  readonly #module: WebAssembly.Module;
  readonly #ctl: ControlBlock;
  readonly #mainScratch: number;
  #workers: Worker[] = [];
  #gen = 0;

  constructor(readonly relaxed: boolean) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    this.pool = new MemoryPool(this.memory, HEAP_BASE);
    this.shape = gemmShapeFor(relaxed);
    this.#module = new WebAssembly.Module(buildKernelModule(relaxed));
    this.kernels = instantiateKernels(this.#module, this.memory);
    if (CONTROL_ADDRESS + CTL_BYTES > HEAP_BASE) {
      throw new Error("WasmRuntime: control block overlaps the heap");
    }
    this.#ctl = controlBlock(this.memory, CONTROL_ADDRESS);
    this.#mainScratch = this.pool.reserve(gemmScratchBytes(this.shape));
  }

  /** A Float32Array over [address, address + 4·length) of the current memory. */
  f32(address: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, address, length);
  }
  i32(address: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, address, length);
  }

  stats(): PoolStats & { workers: number; workerChunks: number } {
    return {
      ...this.pool.stats(),
      workers: this.#workers.length,
      workerChunks: Atomics.load(this.#ctl.i32, CTL_WORKER_CHUNKS),
    };
  }

  /** C = act(scale·op(A)op(B) + bias) (or C += ...) over `threads` threads (1: the main thread alone). */
  gemm(call: GemmCall, threads: number): void {
    const { m, n, k } = call;
    if (m === 0 || n === 0) return;
    const splitRows = m >= n;
    const dim = splitRows ? m : n, unit = splitRows ? this.shape.mr : this.shape.nr;
    let chunkSize = Math.ceil(dim / (threads * CHUNKS_PER_THREAD));
    chunkSize = Math.max(unit, Math.ceil(chunkSize / unit) * unit);
    const chunks = Math.ceil(dim / chunkSize);
    if (threads < 2 || m * n * k < WASM_THREAD_MNK || chunks < 2) {
      this.#gemmRange(call, 0, m, 0, n);
      return;
    }
    this.#ensureWorkers(threads - 1);
    const w = this.#ctl.i32, f = this.#ctl.f32;
    this.#gen = (this.#gen + 1) | 0;
    w[JOB_A] = call.a, w[JOB_B] = call.b, w[JOB_C] = call.c;
    w[JOB_M] = m, w[JOB_N] = n, w[JOB_K] = k, w[JOB_FLAGS] = call.flags;
    f[JOB_SCALE] = call.scale, w[JOB_BIAS] = call.bias, w[JOB_ACT] = call.act, f[JOB_PARAM] = call.param;
    w[JOB_SPLIT_ROWS] = splitRows ? 1 : 0, w[JOB_CHUNK_SIZE] = chunkSize, w[JOB_CHUNKS] = chunks;
    Atomics.store(w, CTL_DONE, 0);
    Atomics.store(w, CTL_ERROR, 0);
    Atomics.store(w, CTL_WORKER_LIMIT, threads - 1);
    Atomics.store(w, CTL_CLAIM, (this.#gen & 0x7fff) << 16);
    // The seq-cst store of the generation publishes every job word written above.
    Atomics.store(w, CTL_GEN, this.#gen);
    Atomics.notify(w, CTL_GEN);
    let failure: unknown = null;
    for (let x = claimChunk(w, this.#gen); x >= 0; x = claimChunk(w, this.#gen)) {
      try {
        runGemmChunk(this.#ctl, this.kernels, x, this.#mainScratch);
      } catch (e) {
        failure ??= e;
      }
      Atomics.add(w, CTL_DONE, 1);
    }
    // Wait for the workers' chunks even after a failure here, so no worker still counts chunks of this job
    // when the next one resets the words.
    for (let d = Atomics.load(w, CTL_DONE); d < chunks; d = Atomics.load(w, CTL_DONE)) {
      Atomics.wait(w, CTL_DONE, d);
    }
    if (failure !== null) throw failure;
    if (Atomics.load(w, CTL_ERROR)) throw new Error(`cpu wasm gemm: a worker failed (m=${m} n=${n} k=${k})`);
  }

  #gemmRange(call: GemmCall, i0: number, i1: number, j0: number, j1: number): void {
    this.kernels.gemm(
      call.a,
      call.b,
      call.c,
      call.m,
      call.n,
      call.k,
      call.flags,
      call.scale,
      call.bias,
      call.act,
      call.param,
      i0,
      i1,
      j0,
      j1,
      this.#mainScratch,
    );
  }

  #ensureWorkers(count: number): void {
    while (this.#workers.length < count) {
      const setup: WorkerSetup = {
        memory: this.memory,
        relaxed: this.relaxed,
        control: CONTROL_ADDRESS,
        scratch: this.pool.reserve(gemmScratchBytes(this.shape)),
        index: this.#workers.length,
      };
      const worker = new Worker(workerEntry(new URL("./worker.ts", import.meta.url)), { workerData: setup });
      worker.unref();
      if (this.#workers.length === 0) globalThis.addEventListener("unload", () => this.shutdownWorkers());
      this.#workers.push(worker);
    }
  }

  /** Stops the workers (tests that want to leave nothing running); later threaded calls start new ones. */
  shutdownWorkers(): void {
    if (this.#workers.length === 0) return;
    const w = this.#ctl.i32;
    Atomics.store(w, CTL_SHUTDOWN, 1);
    this.#gen = (this.#gen + 1) | 0;
    Atomics.store(w, CTL_GEN, this.#gen);
    Atomics.notify(w, CTL_GEN);
    for (const worker of this.#workers) void worker.terminate();
    this.#workers = [];
    // New workers read the generation at start-up; clearing the flag now cannot wake the old ones.
    Atomics.store(w, CTL_SHUTDOWN, 0);
  }
}

let runtime: WasmRuntime | null = null;

/** Whether this engine can run the wasm kernels (SIMD with a shared memory). */
export const WASM_KERNELS_AVAILABLE = HAS_SIMD;

/** The process's runtime, created on first use. */
export function wasmRuntime(): WasmRuntime {
  if (!HAS_SIMD) {
    throw new Error("cpu wasm kernels: this engine lacks WebAssembly SIMD with shared memory");
  }
  return runtime ??= new WasmRuntime(HAS_RELAXED_SIMD);
}
