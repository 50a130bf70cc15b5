/**
 * lib/backend/cpu/gemm.ts GFLOP/s at n = 256, 512, 1024 (A·B on SharedArrayBuffer-backed square matrices),
 * with 1 thread and with all threads (cpuThreads(): navigator.hardwareConcurrency or env CPU_THREADS), plus
 * the transposed variants at 512. A GFLOP/s table (best iteration) is printed when the run ends.
 *
 *   deno bench -A bench/cpu_gemm_bench.ts
 */
import { cpuThreads, gemm, setCpuThreads, shutdownCpuThreads } from "../lib/backend/cpu/gemm.ts";

const SIZES = [256, 512, 1024];
const ALL = cpuThreads();
const THREADS = ALL > 1 ? [1, ALL] : [1];
const reps = (n: number) => Math.max(1, Math.round(2 ** 27 / n ** 3));

function shared(len: number, seed: number): Float32Array {
  const x = new Float32Array(new SharedArrayBuffer(len * 4));
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
  return x;
}

const best = new Map<string, number>();
const cases: [number, boolean, boolean][] = [
  ...SIZES.map((n): [number, boolean, boolean] => [n, false, false]),
  [512, true, false],
  [512, false, true],
  [512, true, true],
];

for (const [n, transA, transB] of cases) {
  const a = shared(n * n, 1), b = shared(n * n, 2), c = shared(n * n, 3);
  const r = reps(n);
  const op = `${transA ? "Aᵀ" : "A"}·${transB ? "Bᵀ" : "B"}`;
  for (const threads of THREADS) {
    Deno.bench({
      name: `cpu gemm ${op} ${n}³ ×${r}, ${threads} thread${threads > 1 ? "s" : ""}`,
      group: `gemm ${op} ${n}`,
      baseline: threads === 1,
      warmup: 2,
      n: n >= 1024 ? 4 : 10,
      fn(t) {
        setCpuThreads(threads);
        t.start();
        const t0 = performance.now();
        for (let i = 0; i < r; i++) gemm(a, b, c, n, n, n, transA, transB);
        const gflops = (2 * n ** 3 * r) / ((performance.now() - t0) * 1e6);
        t.end();
        const key = `${op} ${n} ${threads}`;
        best.set(key, Math.max(best.get(key) ?? 0, gflops));
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  shutdownCpuThreads();
  console.log(`\ncpu gemm GFLOP/s (best iteration; ${navigator.hardwareConcurrency} cores reported)`);
  for (const [n, transA, transB] of cases) {
    const op = `${transA ? "Aᵀ" : "A"}·${transB ? "Bᵀ" : "B"}`;
    const cells = THREADS.map((t) =>
      `${t} thr ${(best.get(`${op} ${n} ${t}`) ?? NaN).toFixed(2).padStart(6)}`
    );
    console.log(`  ${op.padEnd(5)} n=${String(n).padEnd(5)} ${cells.join("   ")}`);
  }
});
