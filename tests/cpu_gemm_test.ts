// lib/backend/cpu/gemm.ts against a naive f64 triple loop: all four transpose combinations, awkward shapes,
// scale, plain and SharedArrayBuffer-backed arrays (the latter large enough to use the worker threads).
import assert from "assert";
import {
  cpuThreads,
  gemm,
  setCpuThreads,
  shutdownCpuThreads,
  THREAD_MNK,
  workerChunksDone,
} from "../lib/backend/cpu/gemm.ts";

// A small deterministic generator keeps this test independent of the rest of the library.
let seed = 1234;
const uniform = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

function randomArray(len: number, shared: boolean, offset = 0): Float32Array {
  const x = shared
    ? new Float32Array(new SharedArrayBuffer((len + offset) * 4), offset * 4, len)
    : new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = uniform() * 2 - 1;
  return x;
}

/** |c − ref| ≤ 1e-5 · scale · Σ_p |op(a)_ip|·|op(b)_pj| (+ tiny), the usual relative bound for a dot product. */
function check(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  scale: number,
  shared: boolean,
) {
  // Offset views check that byteOffset is honoured on the worker side too.
  const a = randomArray(m * k, shared, 3), b = randomArray(k * n, shared, 5);
  const c = shared
    ? new Float32Array(new SharedArrayBuffer((m * n + 7) * 4), 28, m * n)
    : new Float32Array(m * n);
  c.fill(Number.NaN); // gemm overwrites c
  gemm(a, b, c, m, n, k, transA, transB, scale);
  const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} scale=${scale} shared=${shared}`;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, bound = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        s += x * y;
        bound += Math.abs(x * y);
      }
      const got = c[i * n + j], want = scale * s;
      if (!(Math.abs(got - want) <= 1e-5 * Math.abs(scale) * bound + 1e-30)) {
        assert.fail(`${label}: c[${i},${j}] = ${got}, want ${want} (bound ${bound})`);
      }
    }
  }
}

const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const SIZES = [1, 7, 63, 65, 130];

Deno.test("gemm: awkward shapes, every transpose, plain arrays (single thread)", () => {
  for (const [transA, transB] of TRANS) {
    for (const m of SIZES) {
      for (const n of SIZES) {
        for (const k of [1, 7, 65]) check(m, n, k, transA, transB, 1, false);
      }
    }
    check(130, 65, 300, transA, transB, 1, false); // k spans two packed k slices
    check(3, 9, 600, transA, transB, 0.5, false);
  }
});

Deno.test("gemm: scale, k = 0 and short arrays", () => {
  for (const [transA, transB] of TRANS) check(65, 63, 130, transA, transB, -0.37, false);
  const c = new Float32Array(6).fill(1);
  gemm(new Float32Array(0), new Float32Array(0), c, 2, 3, 0, false, false);
  assert.deepEqual([...c], [0, 0, 0, 0, 0, 0]);
  assert.throws(
    () => gemm(new Float32Array(5), new Float32Array(6), c, 2, 3, 3, false, false),
    /gemm: arrays/,
  );
});

Deno.test("gemm: SharedArrayBuffer operands, threaded, every transpose", async () => {
  const before = cpuThreads();
  try {
    for (const threads of [2, 3]) {
      setCpuThreads(threads);
      // Workers start asynchronously (the main thread does every chunk until they are up): wait until they
      // take part, so that the checks below really mix main-thread and worker chunks.
      const start = workerChunksDone(), deadline = Date.now() + 15000;
      const x = randomArray(256 * 256, true), y = new Float32Array(new SharedArrayBuffer(256 * 256 * 4));
      while (workerChunksDone() === start) {
        assert.ok(Date.now() < deadline, "gemm workers never took a chunk");
        gemm(x, x, y, 256, 256, 256, false, false);
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const [transA, transB] of TRANS) {
        // Row split (m ≥ n), column split (n > m), edge tiles everywhere, k over several slices.
        for (
          const [m, n, k] of [[130, 65, 300], [65, 130, 63], [257, 7, 513], [7, 1030, 80], [200, 200, 130]]
        ) {
          check(m, n, k, transA, transB, threads === 2 ? 1 : 1.5, true);
        }
      }
      // Many calls in a row reuse the same workers and control words.
      for (let r = 0; r < 20; r++) check(72, 100, 73 + r, r % 2 === 0, r % 3 === 0, 1, true);
      // (Whether the workers get chunks of these depends on how fast they wake, which a loaded machine
      // delays; the results must be right either way.)
      assert.ok(72 * 100 * 73 >= THREAD_MNK && 7 * 1030 * 80 >= THREAD_MNK); // these do take the threaded path
    }
  } finally {
    setCpuThreads(before);
    shutdownCpuThreads();
  }
});

Deno.test("gemm: a mix of shared and plain operands stays correct (single-thread path)", () => {
  try {
    setCpuThreads(2);
    const m = 96, n = 80, k = 70;
    const a = randomArray(m * k, true), b = randomArray(k * n, false);
    const c1 = new Float32Array(new SharedArrayBuffer(m * n * 4)), c2 = new Float32Array(m * n);
    gemm(a, b, c1, m, n, k, false, false);
    gemm(new Float32Array(a), b, c2, m, n, k, false, false);
    assert.deepEqual(Array.from(c1), Array.from(c2));
  } finally {
    shutdownCpuThreads();
  }
});
