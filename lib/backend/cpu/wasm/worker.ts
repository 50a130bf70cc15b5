/**
 * A kernel worker thread (spawned by ./runtime.ts through node:worker_threads): instantiates the kernel
 * module on the shared memory, then sleeps in Atomics.wait on the generation word of the control block.
 * For each new job it claims chunks until none are left, computes them with its own scratch, and the one
 * that completes the last chunk wakes the main thread. No messages after start-up.
 */
import { workerData } from "node:worker_threads";
import { buildKernelModule, instantiateKernels } from "./kernel_module.ts";
import {
  claimChunk,
  controlBlock,
  CTL_DONE,
  CTL_ERROR,
  CTL_GEN,
  CTL_SHUTDOWN,
  CTL_WORKER_CHUNKS,
  CTL_WORKER_LIMIT,
  JOB_CHUNKS,
  runGemmChunk,
} from "./control_block.ts";

export interface WorkerSetup {
  memory: WebAssembly.Memory;
  relaxed: boolean;
  control: number;
  scratch: number;
  index: number;
}

const setup = workerData as WorkerSetup;
const kernels = instantiateKernels(new WebAssembly.Module(buildKernelModule(setup.relaxed)), setup.memory);
const ctl = controlBlock(setup.memory, setup.control);
const w = ctl.i32;

function serve(): void {
  let seen = Atomics.load(w, CTL_GEN);
  for (;;) {
    // Sleep until the generation moves on (a timeout only to re-check shutdown if a wake-up was missed).
    while (Atomics.load(w, CTL_GEN) === seen) Atomics.wait(w, CTL_GEN, seen, 1000);
    if (Atomics.load(w, CTL_SHUTDOWN)) return;
    seen = Atomics.load(w, CTL_GEN);
    if (setup.index >= Atomics.load(w, CTL_WORKER_LIMIT)) continue;
    for (let x = claimChunk(w, seen); x >= 0; x = claimChunk(w, seen)) {
      const chunks = Atomics.load(w, JOB_CHUNKS); // read while our chunk keeps the job alive
      try {
        runGemmChunk(ctl, kernels, x, setup.scratch);
      } catch (e) {
        Atomics.store(w, CTL_ERROR, 1);
        console.error("cpu wasm worker:", e);
      }
      Atomics.add(w, CTL_WORKER_CHUNKS, 1);
      if (Atomics.add(w, CTL_DONE, 1) + 1 === chunks) Atomics.notify(w, CTL_DONE);
    }
  }
}

serve();
