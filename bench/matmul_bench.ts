/**
 * Matmul GFLOP/s at n = 256, 512, 1024 (2048 and 4096 too when MATMUL_BENCH_BIG=1, for a real GPU), for the
 * webgpu backend (when an adapter exists) and the cpu backend. Each iteration records REPS products and
 * syncs once, so the ~11 ms Deno read-back latency is amortised instead of measured. A GFLOP/s table is
 * printed when the run ends (best iteration; `deno bench` itself reports time per iteration).
 *
 *   deno bench -A bench/matmul_bench.ts
 */
import type { Backend } from "../lib/backend/backend.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import * as ops from "../lib/ops.ts";

const SIZES = Deno.env.get("MATMUL_BENCH_BIG") === "1" ? [256, 512, 1024, 2048, 4096] : [256, 512, 1024];
const reps = (n: number) => Math.max(2, Math.round(2 ** 28 / n ** 3) * 2);

const backends: Backend[] = [new CpuBackend()];
const gpu = await navigator.gpu?.requestAdapter() ? await createWebGpuBackend() : null;
if (gpu) backends.push(gpu);

const best = new Map<string, number>();

for (const n of SIZES) {
  for (const backend of backends) {
    if (backend.name === "cpu" && n > 1024) continue;
    const a = ops.random(backend, [n, n], "uniform", 1), b = ops.random(backend, [n, n], "uniform", 2);
    const r = reps(n);
    Deno.bench({
      name: `${backend.name} matmul ${n}³ ×${r}`,
      group: `matmul ${n}`,
      baseline: backend.name === "cpu",
      warmup: 1,
      n: backend.name === "cpu" && n >= 1024 ? 2 : 5,
      async fn(t) {
        t.start();
        const t0 = performance.now();
        for (let i = 0; i < r; i++) ops.matmul(a, b).dispose();
        await backend.sync();
        const gflops = (2 * n ** 3 * r) / ((performance.now() - t0) * 1e6);
        t.end();
        const key = `${backend.name} ${n}`;
        best.set(key, Math.max(best.get(key) ?? 0, gflops));
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  console.log(`\nmatmul GFLOP/s (${backends.map((b) => `${b.name}: ${b.deviceName}`).join("; ")})`);
  for (const n of SIZES) {
    const cells = backends.map((b) =>
      `${b.name} ${(best.get(`${b.name} ${n}`) ?? NaN).toFixed(2).padStart(8)}`
    );
    console.log(`  n=${String(n).padEnd(5)} ${cells.join("   ")}`);
  }
});
