// The cpu backend's WebAssembly SIMD kernels against its scalar reference kernels (same CpuBackend class,
// `kernels: "scalar"` vs `"wasm"`), on awkward shapes, plus the emitter's encodings, determinism across
// thread counts, and the memory pool. Tolerances are stated per test: SIMD summation order and FMA change
// the last bits, and the wasm exp is single precision where the scalar loops use Math.exp in double.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import type { Activation, Backend } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { Rng } from "../lib/random.ts";
import type { Tensor } from "../lib/tensor.ts";
import { signedLeb128, unsignedLeb128 } from "../lib/backend/cpu/wasm/emit.ts";
import { HAS_RELAXED_SIMD, HAS_SIMD } from "../lib/backend/cpu/wasm/features.ts";
import { wasmRuntime } from "../lib/backend/cpu/wasm/runtime.ts";
import { MAX_BYTES } from "../lib/backend/cpu/wasm/memory_pool.ts";

const scalar = new CpuBackend({ kernels: "scalar", threads: 1 });
const wasm = new CpuBackend({ kernels: "wasm", threads: 1 });
const rng = new Rng(5);

function randomData(size: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * rng.uniform());
}

/** Runs `f` on a backend with fresh tensors of the host inputs; returns the output values. */
async function run(
  b: Backend,
  inputs: { data: Float32Array | Int32Array; shape: number[] }[],
  f: (xs: Tensor[]) => Tensor,
): Promise<Float32Array | Int32Array> {
  const xs = inputs.map((i) => ops.tensor(b, i.data, i.shape));
  const out = f(xs);
  const values = await out.read();
  xs.forEach((x) => x.dispose());
  out.dispose();
  return values;
}

const ACTIVATIONS: Activation[] = [
  { kind: "identity" },
  { kind: "sigmoid", width: 2 },
  { kind: "sigmoid", width: 0.4 },
  { kind: "relu" },
  { kind: "tanh" },
  { kind: "silu" },
  { kind: "softplus" },
];
const SIZES = [1, 7, 63, 65, 130];

Deno.test("emitter: LEB128 encodings", () => {
  const u = (v: number) => {
    const out: number[] = [];
    unsignedLeb128(out, v);
    return out;
  };
  const s = (v: number) => {
    const out: number[] = [];
    signedLeb128(out, v);
    return out;
  };
  assert.deepEqual(u(0), [0]);
  assert.deepEqual(u(127), [127]);
  assert.deepEqual(u(128), [0x80, 0x01]);
  assert.deepEqual(u(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(u(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(s(0), [0]);
  assert.deepEqual(s(-1), [0x7f]);
  assert.deepEqual(s(63), [0x3f]);
  assert.deepEqual(s(64), [0xc0, 0x00]);
  assert.deepEqual(s(-64), [0x40]);
  assert.deepEqual(s(-65), [0xbf, 0x7f]);
  assert.deepEqual(s(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(s(0x80000000), s(-0x80000000)); // same i32 bits
  assert.throws(() => u(-1), /unsigned 32-bit/);
});

Deno.test("features: SIMD is available here (relaxed SIMD reported)", () => {
  assert.ok(HAS_SIMD, "this engine lacks wasm SIMD: the wasm kernel tests below would not run");
  assert.equal(wasm.kernels, "wasm");
  assert.match(wasm.deviceName, HAS_RELAXED_SIMD ? /wasm relaxed simd/ : /wasm simd/);
});

/**
 * Matmul tolerance: |wasm − scalar| ≤ 1.5·(2e-5·|scale|·Σ_p |op(A)_ip·op(B)_pj|) + 4e-6·max(1, |scalar|).
 * The first term bounds a float32 dot product's rounding (either order, with or without FMA) carried through
 * an activation of slope ≤ 1.5 (the sigmoid of width 0.4 has slope ≤ 1.25); the second covers the wasm
 * single-precision exp/tanh/log (a few ulp) against the double-precision scalar ones.
 */
Deno.test("matmul: awkward shapes, every transpose, bias and every activation, against scalar", async () => {
  let checked = 0;
  for (const m of SIZES) {
    for (const n of SIZES) {
      for (const k of [1, 7, 65, 300]) {
        for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
          // Each shape once with a plain product, and once with bias, scale and an activation (rotating).
          const act = ACTIVATIONS[checked % ACTIVATIONS.length];
          for (const epilogue of [false, true]) {
            const a = randomData(m * k), b = randomData(k * n), bias = randomData(n, -2, 2);
            const scale = epilogue ? -0.75 : 1;
            const inputs = [
              { data: a, shape: transA ? [k, m] : [m, k] },
              { data: b, shape: transB ? [n, k] : [k, n] },
              { data: bias, shape: [n] },
            ];
            const f = ([x, y, c]: Tensor[]) =>
              ops.matmul(
                x,
                y,
                epilogue ? { transA, transB, scale, bias: c, activation: act } : { transA, transB },
              );
            const want = await run(scalar, inputs, f), got = await run(wasm, inputs, f);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let bound = 0;
                for (let p = 0; p < k; p++) {
                  bound += Math.abs(
                    (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]),
                  );
                }
                const w = want[i * n + j], g = got[i * n + j];
                const tol = 1.5 * 2e-5 * Math.abs(scale) * bound + 4e-6 * Math.max(1, Math.abs(w));
                if (!(Math.abs(g - w) <= tol)) {
                  assert.fail(
                    `matmul m=${m} n=${n} k=${k} transA=${transA} transB=${transB} ` +
                      `${
                        epilogue ? act.kind + (act.width ?? "") : "plain"
                      }: [${i},${j}] wasm ${g} vs scalar ${w}`,
                  );
                }
              }
            }
            checked++;
          }
        }
      }
    }
  }
  assert.equal(checked, SIZES.length * SIZES.length * 4 * 4 * 2);
});

Deno.test("matmul: k = 0 gives φ(bias); empty outputs are fine", async () => {
  const bias = randomData(5);
  const inputs = [
    { data: new Float32Array(0), shape: [3, 0] },
    { data: new Float32Array(0), shape: [0, 5] },
    {
      data: bias,
      shape: [5],
    },
  ];
  const f = ([x, y, c]: Tensor[]) => ops.matmul(x, y, { bias: c, activation: { kind: "tanh" } });
  assert.deepEqual(Array.from(await run(wasm, inputs, f)), Array.from(await run(scalar, inputs, f)));
  const empty = await run(wasm, [{ data: new Float32Array(0), shape: [0, 4] }, {
    data: randomData(12),
    shape: [4, 3],
  }], ([x, y]) => ops.matmul(x, y));
  assert.equal(empty.length, 0);
});

/** Waits until worker threads take chunks (they start asynchronously), so later checks mix threads. */
async function warmWorkers(b: CpuBackend): Promise<void> {
  const rt = wasmRuntime(), start = rt.stats().workerChunks, deadline = Date.now() + 20000;
  using x = ops.random(b, [256, 256], "uniform", 1);
  while (rt.stats().workerChunks === start) {
    assert.ok(Date.now() < deadline, "wasm workers never took a chunk");
    ops.matmul(x, x).dispose();
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("matmul: bit-identical results for 1, 2 and 3 threads (rows and columns split)", async () => {
  const shapes = [[300, 257, 200], [65, 700, 130], [1030, 9, 300], [128, 256, 784]];
  const results = new Map<string, Float32Array[]>();
  for (const threads of [1, 2, 3]) {
    const b = new CpuBackend({ kernels: "wasm", threads });
    if (threads > 1) await warmWorkers(b);
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of [[false, false], [true, true]]) {
        const seeded = new Rng(m + n + k);
        const a = Float32Array.from({ length: m * k }, () => seeded.uniform() - 0.5);
        const c = Float32Array.from({ length: k * n }, () => seeded.uniform() - 0.5);
        const bias = Float32Array.from({ length: n }, () => seeded.uniform());
        const out = await run(
          b,
          [
            { data: a, shape: transA ? [k, m] : [m, k] },
            { data: c, shape: transB ? [n, k] : [k, n] },
            { data: bias, shape: [n] },
          ],
          ([x, y, z]) =>
            ops.matmul(x, y, { transA, transB, bias: z, activation: { kind: "sigmoid", width: 3 } }),
        );
        const key = `${m}x${n}x${k} ${transA}`;
        results.set(key, [...(results.get(key) ?? []), out as Float32Array]);
      }
    }
  }
  for (const [key, [one, ...others]] of results) {
    for (const other of others) {
      const bits = (x: Float32Array) => new Int32Array(x.buffer, x.byteOffset, x.length);
      assert.deepEqual(bits(other), bits(one), `${key}: results differ between thread counts`);
    }
  }
  wasmRuntime().shutdownWorkers();
});

Deno.test("pool: disposing gives every block back; reuse; the 4 GiB limit names the size", () => {
  const before = wasm.memoryStats()!;
  const tensors = [ops.zeros(wasm, [1000]), ops.random(wasm, [33, 65], "normal", 3), ops.zeros(wasm, [0])];
  const mid = wasm.memoryStats()!;
  assert.equal(mid.liveBlocks - before.liveBlocks, 2); // the empty tensor takes no block
  assert.ok(mid.liveBytes - before.liveBytes >= 4000 + 33 * 65 * 4);
  const view = tensors[0].reshape([10, 100]); // shares the block: one release when both are gone
  tensors.forEach((t) => t.dispose());
  assert.equal(wasm.memoryStats()!.liveBlocks, before.liveBlocks + 1);
  view.dispose();
  const after = wasm.memoryStats()!;
  assert.equal(after.liveBlocks, before.liveBlocks);
  assert.equal(after.liveBytes, before.liveBytes);
  // A reused block is zeroed for zeros().
  const dirty = ops.full(wasm, [1000], 7);
  dirty.dispose();
  using clean = ops.zeros(wasm, [1000]);
  assert.ok((clean.storage as unknown as { data: Float32Array }).data.every((v) => v === 0));
  assert.throws(
    () => wasmRuntime().pool.alloc(MAX_BYTES + 4, false),
    /cannot allocate 4294967300 bytes.*4 GiB/,
  );
  assert.throws(() => ops.zeros(wasm, [1500, 1000, 1000]), /cannot allocate 6000000000 bytes/);
  assert.equal(wasm.memoryStats()!.reclaimedByGc, 0);
});
