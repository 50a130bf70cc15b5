/**
 * CPU matrix product for the cpu backend: cache-blocked, register-blocked Float32Array GEMM (./gemm_kernel.ts),
 * split across worker threads when the operands live in SharedArrayBuffers.
 *
 * Threading. `gemm` is synchronous. When a, b and c are all views of SharedArrayBuffers and the product is
 * large (m·n·k ≥ THREAD_MNK), C is cut into chunks of rows (or of columns when n > m). The main thread posts
 * the call to each worker, then claims chunks itself from a shared counter (Atomics.compareExchange) alongside
 * the workers, and finally blocks in Atomics.wait until every chunk is done (the worker that finishes the last
 * one calls Atomics.notify). Dynamic claiming balances the load and never depends on a worker being awake: a
 * worker still starting up, or descheduled on a busy machine, simply gets fewer chunks.
 *
 * One message per worker per call, carrying the raw SharedArrayBuffers and byte offsets: ~20 µs to post here
 * and ~10–50 µs until the worker has it, which the main thread does not wait for. Caching buffers per worker
 * (an id per SharedArrayBuffer, waking workers with Atomics.notify alone: ~2.4 µs round trip) would save about
 * those 20 µs, but the cpu backend allocates a fresh output buffer for every product, so it would need a
 * message for c on most calls anyway (and a blocked worker cannot receive one without a second wake-up).
 * Posting the Float32Array views instead of their buffers is a trap on Deno 2.9.6: ~80 µs per post, and
 * delivery only after ~45 ms while the main thread blocks in Atomics.wait.
 *
 * Workers are node:worker_threads Workers (Deno's web Worker has no unref): spawned lazily on the first
 * threaded call and unref()'d, so they never keep a process alive (nor, in our runs, trip `deno test`'s op
 * sanitizer). shutdownCpuThreads() terminates them, for tests that want to leave nothing behind.
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "./worker_entry.ts";
import {
  claimChunk,
  CTL_CLAIM,
  CTL_DONE,
  CTL_ERROR,
  CTL_GEN,
  CTL_WORDS,
  CTL_WORKER_CHUNKS,
  type GemmJob,
  type GemmMessage,
  gemmRange,
  GemmScratch,
  MR,
  NR,
  runChunk,
} from "./gemm_kernel.ts";

/**
 * Products with at least this many multiply-adds are split across threads (when the arrays are shared). Measured
 * on the 2-core build machine: at 2^18 (64³, ~0.1 ms) two threads were ~10% slower than one (the ~20 µs
 * postMessage and the worker's wake-up), at 2^19 (80³) ~20% faster, at 2^21 (128³) 1.6× faster.
 */
export const THREAD_MNK = 1 << 19;
/** Chunks per thread: more balances better, fewer repacks op(B) (row split) or op(A) (column split) less. */
const CHUNKS_PER_THREAD = 2;
/** Smallest chunk, in rows or columns. */
const MIN_CHUNK = 16;

const scratch = new GemmScratch();
const ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
let workers: Worker[] = [];
let threads = defaultThreads();
let gen = 0;

function defaultThreads(): number {
  let env: string | undefined;
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "CPU_THREADS" }).state === "granted") {
      env = Deno.env.get("CPU_THREADS");
    }
  } catch {
    env = undefined;
  }
  const n = env ? Number(env) : navigator.hardwareConcurrency;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Number of threads used (main + workers); set with setCpuThreads or env CPU_THREADS. */
export function cpuThreads(): number {
  return threads;
}

/** Use n threads (main + n−1 workers) from now on; extra workers are terminated. */
export function setCpuThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setCpuThreads: need an integer ≥ 1, got ${n}`);
  threads = n;
  while (workers.length > n - 1) void workers.pop()!.terminate();
}

/** Terminates workers so a process/test can exit cleanly; later threaded calls spawn them again. */
export function shutdownCpuThreads(): void {
  for (const w of workers) void w.terminate();
  workers = [];
}

function ensureWorkers(count: number): void {
  while (workers.length < count) {
    const w = new Worker(workerEntry(new URL("./gemm_worker.ts", import.meta.url)), {
      workerData: { ctl: ctl.buffer },
    });
    w.unref();
    if (workers.length === 0) globalThis.addEventListener("unload", shutdownCpuThreads);
    workers.push(w);
  }
}

/** Chunks of threaded calls that workers (not the main thread) computed so far: shows the workers take part. */
export function workerChunksDone(): number {
  return Atomics.load(ctl, CTL_WORKER_CHUNKS);
}

const isShared = (x: Float32Array) => x.buffer instanceof SharedArrayBuffer;

/** c[m×n] = scale · op(a) · op(b) (overwrites c). a is [m,k] (or [k,m] when transA), b is [k,n] (or [n,k] when transB). Row-major. */
export function gemm(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  scale = 1,
): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new Error(
      `gemm: arrays too short for m=${m} n=${n} k=${k} (a ${a.length}, b ${b.length}, c ${c.length})`,
    );
  }
  const mnk = m * n * k;
  const splitRows = m >= n;
  const dim = splitRows ? m : n;
  const unit = splitRows ? MR : NR;
  let chunkSize = Math.ceil(dim / (threads * CHUNKS_PER_THREAD));
  chunkSize = Math.max(MIN_CHUNK, Math.ceil(chunkSize / unit) * unit);
  const nChunks = Math.ceil(dim / chunkSize);
  if (threads < 2 || mnk < THREAD_MNK || nChunks < 2 || !isShared(a) || !isShared(b) || !isShared(c)) {
    gemmRange(a, b, c, m, n, k, transA, transB, scale, 0, m, 0, n, scratch);
    return;
  }
  ensureWorkers(threads - 1);
  gen = (gen + 1) | 0;
  const job: GemmJob = { gen, m, n, k, transA, transB, scale, splitRows, chunkSize, nChunks };
  const message: GemmMessage = {
    ...job,
    a: a.buffer as SharedArrayBuffer,
    aOffset: a.byteOffset,
    b: b.buffer as SharedArrayBuffer,
    bOffset: b.byteOffset,
    c: c.buffer as SharedArrayBuffer,
    cOffset: c.byteOffset,
  };
  Atomics.store(ctl, CTL_DONE, 0);
  Atomics.store(ctl, CTL_ERROR, 0);
  Atomics.store(ctl, CTL_GEN, gen);
  Atomics.store(ctl, CTL_CLAIM, (gen & 0x7fff) << 16);
  for (const w of workers) w.postMessage(message);
  let failure: unknown = null;
  for (let x = claimChunk(ctl, gen, nChunks); x >= 0; x = claimChunk(ctl, gen, nChunks)) {
    try {
      runChunk(job, a, b, c, x, scratch);
    } catch (e) {
      failure ??= e;
    }
    Atomics.add(ctl, CTL_DONE, 1);
  }
  // Always wait for the workers' chunks, even after a failure here, so that no worker is still counting
  // chunks of this call when the next one resets the control words.
  for (let d = Atomics.load(ctl, CTL_DONE); d < nChunks; d = Atomics.load(ctl, CTL_DONE)) {
    Atomics.wait(ctl, CTL_DONE, d);
  }
  if (failure !== null) throw failure;
  if (Atomics.load(ctl, CTL_ERROR)) throw new Error(`gemm: a worker failed (m=${m} n=${n} k=${k})`);
}
