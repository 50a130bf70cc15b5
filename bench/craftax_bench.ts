/**
 * Craftax throughput: batched env steps with symbolic observations on one core, uniform random
 * actions (Classic episodes then last ~150 steps, full ones ~280, so world generation is included).
 *   deno bench -A bench/craftax_bench.ts   (each iteration = 16 batched steps of 256 envs)
 *   deno run -A bench/craftax_bench.ts     (steps/s summary at 1/64/256/1024 envs, by wall clock
 *                                           and by process CPU time; CPU time, which also counts
 *                                           V8's GC and compiler threads, is the conservative figure
 *                                           on a shared host)
 * A single env is slower than a batch: the batched key schedule advances two envs at a time.
 */

import process from "node:process";
import { CraftaxClassic } from "../envs/craftax/classic/env.ts";
import { CraftaxFull } from "../envs/craftax/full/env.ts";

const NUM_ENVS = 256;
const STEPS_PER_ITER = 16;

function makeActions(numEnvs: number, count: number, seed: number): Int32Array[] {
  // Fixed pseudo-random action tape (xorshift), uniform over the 17 actions.
  let x = seed | 1;
  return Array.from({ length: count }, () =>
    Int32Array.from({ length: numEnvs }, () => {
      x ^= x << 13, x ^= x >>> 17, x ^= x << 5;
      return (x >>> 0) % 17;
    }));
}

const tape = makeActions(NUM_ENVS, 64, 12345);
const env = new CraftaxClassic();
env.reset(0, NUM_ENVS);
let cursor = 0;

Deno.bench({
  name: `craftax classic: ${STEPS_PER_ITER} batched steps x ${NUM_ENVS} envs (symbolic obs)`,
  n: 200,
  fn() {
    for (let i = 0; i < STEPS_PER_ITER; i++) env.step(tape[cursor++ & 63]);
  },
});

const fullEnv = new CraftaxFull();
fullEnv.reset(0, 64);
const fullTape = Array.from(
  { length: 64 },
  (_, t) => Int32Array.from(tape[t].subarray(0, 64), (a, i) => (a * 7 + i + t) % CraftaxFull.NUM_ACTIONS),
);
let fullCursor = 0;

Deno.bench({
  name: `craftax full: ${STEPS_PER_ITER} batched steps x 64 envs (symbolic obs)`,
  n: 100,
  fn() {
    for (let i = 0; i < STEPS_PER_ITER; i++) fullEnv.step(fullTape[fullCursor++ & 63]);
  },
});

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

if (import.meta.main) {
  for (const n of [1, 64, 256, 1024]) {
    const e = new CraftaxClassic();
    e.reset(1, n);
    const acts = makeActions(n, 64, 99);
    const steps = Math.max(1, Math.floor(400_000 / n));
    for (let i = 0; i < Math.min(steps, 100); i++) e.step(acts[i & 63]); // warm-up
    let dones = 0;
    const t0 = performance.now(), c0 = cpuMs();
    for (let i = 0; i < steps; i++) {
      const r = e.step(acts[i & 63]);
      for (let k = 0; k < n; k++) dones += r.dones[k];
    }
    const wall = (performance.now() - t0) / 1000, cpu = (cpuMs() - c0) / 1000;
    const total = steps * n;
    console.log(
      `numEnvs=${n}: ${(total / wall / 1000).toFixed(1)}k steps/s wall, ${
        (total / cpu / 1000).toFixed(1)
      }k steps/s CPU` +
        ` (mean episode ${(total / Math.max(1, dones)).toFixed(0)} steps)`,
    );
  }
  const n = 64, full = new CraftaxFull();
  full.reset(1, n);
  const acts = makeActions(n, 64, 7).map((a) => a.map((v, i) => (v * 5 + i) % CraftaxFull.NUM_ACTIONS));
  for (let i = 0; i < 50; i++) full.step(acts[i & 63]);
  const steps = 1500;
  let dones = 0;
  const t0 = performance.now(), c0 = cpuMs();
  for (let i = 0; i < steps; i++) {
    const r = full.step(acts[i & 63]);
    for (let k = 0; k < n; k++) dones += r.dones[k];
  }
  const wall = (performance.now() - t0) / 1000, cpu = (cpuMs() - c0) / 1000;
  console.log(
    `full Craftax numEnvs=${n}: ${(steps * n / wall / 1000).toFixed(1)}k steps/s wall, ${
      (steps * n / cpu / 1000).toFixed(1)
    }k steps/s CPU (mean episode ${(steps * n / Math.max(1, dones)).toFixed(0)} steps)`,
  );
}
