/**
 * A gemm worker (spawned by ./gemm.ts through node:worker_threads). For each posted GemmJob it claims chunks
 * of C from the shared control words until none are left, computes them, and counts them as done; the last
 * one to finish wakes the main thread, which is blocked in Atomics.wait. A job that is already over when it
 * arrives (the main thread did every chunk itself) fails its first claim and is dropped.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  claimChunk,
  CTL_DONE,
  CTL_ERROR,
  CTL_WORKER_CHUNKS,
  type GemmMessage,
  GemmScratch,
  runChunk,
} from "./gemm_kernel.ts";

const ctl = new Int32Array((workerData as { ctl: SharedArrayBuffer }).ctl);
const scratch = new GemmScratch();

parentPort!.on("message", (job: GemmMessage) => {
  const { m, n, k } = job;
  let a: Float32Array | undefined, b: Float32Array | undefined, c: Float32Array | undefined;
  for (;;) {
    const x = claimChunk(ctl, job.gen, job.nChunks);
    if (x < 0) return;
    try {
      a ??= new Float32Array(job.a, job.aOffset, m * k);
      b ??= new Float32Array(job.b, job.bOffset, k * n);
      c ??= new Float32Array(job.c, job.cOffset, m * n);
      runChunk(job, a, b, c, x, scratch);
    } catch (e) {
      Atomics.store(ctl, CTL_ERROR, 1);
      console.error("gemm worker:", e);
    }
    Atomics.add(ctl, CTL_WORKER_CHUNKS, 1);
    if (Atomics.add(ctl, CTL_DONE, 1) + 1 === job.nChunks) Atomics.notify(ctl, CTL_DONE);
  }
});
