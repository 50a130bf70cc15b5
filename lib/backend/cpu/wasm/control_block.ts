/**
 * The control words through which the main thread hands a kernel call to the worker threads: a few i32s at a
 * fixed address of the shared WebAssembly.Memory, read and written with Atomics by every thread. No message is
 * posted per call: the main thread writes the job, bumps the generation word and Atomics.notify-s it; each
 * waiting worker wakes, claims chunks of the job with compare-and-swap alongside the main thread, counts them
 * as done, and the one that finishes the last chunk notifies the main thread.
 *
 * A chunk is a block of rows or of columns of C, never of k, so each element of C is computed by one thread
 * with the same instruction sequence whatever the thread count: results are bit-identical for any number of
 * threads.
 */
import type { KernelExports } from "./kernel_module.ts";

/** Generation of the current job; workers wait on this word. */
export const CTL_GEN = 0;
/** ((gen & 0x7fff) << 16) | next unclaimed chunk. */
export const CTL_CLAIM = 1;
/** Chunks finished in the current job; the main thread waits on this word. */
export const CTL_DONE = 2;
/** Set when a worker's chunk threw. */
export const CTL_ERROR = 3;
/** Workers with an index below this take part in the current job (threads − 1). */
export const CTL_WORKER_LIMIT = 4;
/** Set (with a generation bump) to make the workers return. */
export const CTL_SHUTDOWN = 5;
/** Chunks computed by workers since start-up (a statistic: shows the workers take part). */
export const CTL_WORKER_CHUNKS = 6;
// The GEMM job: addresses, shape, epilogue and how C is cut.
export const JOB_A = 8;
export const JOB_B = 9;
export const JOB_C = 10;
export const JOB_M = 11;
export const JOB_N = 12;
export const JOB_K = 13;
export const JOB_FLAGS = 14;
/** f32 (read through a Float32Array over the same words). */
export const JOB_SCALE = 15;
export const JOB_BIAS = 16;
export const JOB_ACT = 17;
/** f32. */
export const JOB_PARAM = 18;
/** 1: chunks are rows of C; 0: columns. */
export const JOB_SPLIT_ROWS = 19;
export const JOB_CHUNK_SIZE = 20;
export const JOB_CHUNKS = 21;
export const CTL_WORDS = 32;
export const CTL_BYTES = CTL_WORDS * 4;

/** Views of the control words (the block never moves, so views made once stay valid as the memory grows). */
export interface ControlBlock {
  i32: Int32Array;
  f32: Float32Array;
}

export function controlBlock(memory: WebAssembly.Memory, address: number): ControlBlock {
  return {
    i32: new Int32Array(memory.buffer, address, CTL_WORDS),
    f32: new Float32Array(memory.buffer, address, CTL_WORDS),
  };
}

/**
 * Claims the next chunk of job `gen`, or −1 when none is left or the job is over. Reading the job's words
 * after a successful claim is safe: the job cannot finish (and be overwritten) while a chunk is unfinished.
 */
export function claimChunk(ctl: Int32Array, gen: number): number {
  const tag = gen & 0x7fff;
  for (;;) {
    if (Atomics.load(ctl, CTL_GEN) !== gen) return -1;
    const v = Atomics.load(ctl, CTL_CLAIM);
    if (v >>> 16 !== tag || (v & 0xffff) >= Atomics.load(ctl, JOB_CHUNKS)) return -1;
    if (Atomics.compareExchange(ctl, CTL_CLAIM, v, v + 1) === v) return v & 0xffff;
  }
}

/** Computes chunk x of the GEMM job in the control block, with this thread's scratch. */
export function runGemmChunk(ctl: ControlBlock, kernels: KernelExports, x: number, scratch: number): void {
  const w = ctl.i32;
  const m = w[JOB_M], n = w[JOB_N], size = w[JOB_CHUNK_SIZE], lo = x * size;
  const [i0, i1, j0, j1] = w[JOB_SPLIT_ROWS]
    ? [lo, Math.min(m, lo + size), 0, n]
    : [0, m, lo, Math.min(n, lo + size)];
  kernels.gemm(
    w[JOB_A],
    w[JOB_B],
    w[JOB_C],
    m,
    n,
    w[JOB_K],
    w[JOB_FLAGS],
    ctl.f32[JOB_SCALE],
    w[JOB_BIAS],
    w[JOB_ACT],
    ctl.f32[JOB_PARAM],
    i0,
    i1,
    j0,
    j1,
    scratch,
  );
}
