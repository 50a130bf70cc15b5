/**
 * Kernel throughput beyond matmul, for the cpu backend and the webgpu backend (when an adapter exists):
 * a CIFAR-like conv2d layer (64→128 channels, 32×32, 3×3, padding 1) with its two companion products,
 * in GFLOP/s, and elementwise arithmetic (a + b over 4M floats) in GB/s. Each iteration records REPS ops and
 * syncs once; a table of the best iteration is printed at the end.
 *
 *   deno bench -A bench/kernels_bench.ts
 */
import type { Backend } from "../lib/backend/backend.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import * as ops from "../lib/ops.ts";
import type { Tensor } from "../lib/tensor.ts";

const backends: Backend[] = [new CpuBackend()];
const gpu = await navigator.gpu?.requestAdapter() ? await createWebGpuBackend() : null;
if (gpu) backends.push(gpu);

const BATCH = 8, CIN = 64, COUT = 128, SIDE = 32, K = 3;
const CONV_FLOP = 2 * BATCH * COUT * SIDE * SIDE * CIN * K * K;
const ELEMENTS = 1 << 22;
const best = new Map<string, number>();

function bench(backend: Backend, name: string, reps: number, work: number, op: () => Tensor) {
  Deno.bench({
    name: `${backend.name} ${name} ×${reps}`,
    group: name,
    baseline: backend.name === "cpu",
    warmup: 1,
    n: 3,
    async fn(t) {
      t.start();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) op().dispose();
      await backend.sync();
      const rate = (work * reps) / ((performance.now() - t0) * 1e6);
      t.end();
      const key = `${name}|${backend.name}`;
      best.set(key, Math.max(best.get(key) ?? 0, rate));
    },
  });
}

for (const backend of backends) {
  const x = ops.random(backend, [BATCH, CIN, SIDE, SIDE], "uniform", 1);
  const w = ops.random(backend, [COUT, CIN, K, K], "uniform", 2);
  const dy = ops.random(backend, [BATCH, COUT, SIDE, SIDE], "uniform", 3);
  const geo = { stride: 1, padding: 1 };
  const reps = backend.name === "cpu" ? 1 : 8;
  bench(backend, "conv2d forward", reps, CONV_FLOP, () => ops.conv2d(x, w, geo));
  bench(
    backend,
    "conv2d input grad",
    reps,
    CONV_FLOP,
    () => ops.conv2dInputGrad(dy, w, x.shape, geo),
  );
  bench(
    backend,
    "conv2d weight grad",
    reps,
    CONV_FLOP,
    () => ops.conv2dWeightGrad(x, dy, w.shape, geo),
  );
  const a = ops.random(backend, [ELEMENTS], "uniform", 4), b = ops.random(backend, [ELEMENTS], "uniform", 5);
  bench(
    backend,
    "add 4M floats",
    backend.name === "cpu" ? 4 : 32,
    12 * ELEMENTS,
    () => ops.add(a, b),
  );
}

globalThis.addEventListener("unload", () => {
  console.log(`\nkernel throughput (${backends.map((b) => `${b.name}: ${b.deviceName}`).join("; ")})`);
  for (const name of ["conv2d forward", "conv2d input grad", "conv2d weight grad", "add 4M floats"]) {
    const unit = name.startsWith("add") ? "GB/s" : "GFLOP/s";
    const cells = backends.map((b) =>
      `${b.name} ${(best.get(`${name}|${b.name}`) ?? NaN).toFixed(2).padStart(8)}`
    );
    console.log(`  ${name.padEnd(20)} ${cells.join("   ")} ${unit}`);
  }
});
