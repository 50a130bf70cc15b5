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

Deno.test("matmul and conv: bit-identical results for 1, 2 and 3 threads (rows and columns split)", async () => {
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
    // Convolutions are grouped GEMMs over the same threads: forward (fused bias, sigmoid) and weight grad.
    const seeded = new Rng(99);
    const xd = Float32Array.from({ length: 8 * 16 * 20 * 20 }, () => seeded.uniform());
    const wd = Float32Array.from({ length: 32 * 16 * 9 }, () => seeded.uniform() - 0.5);
    const dy = Float32Array.from({ length: 8 * 32 * 20 * 20 }, () => seeded.uniform() - 0.5);
    const geo = { stride: 1, padding: 1 };
    const conv = await run(
      b,
      [{ data: xd, shape: [8, 16, 20, 20] }, { data: wd, shape: [32, 16, 3, 3] }],
      ([x, w]) => ops.conv2d(x, w, { ...geo, activation: { kind: "sigmoid", width: 3 } }),
    );
    const weightGrad = await run(b, [{ data: xd, shape: [8, 16, 20, 20] }, {
      data: dy,
      shape: [8, 32, 20, 20],
    }], ([x, d]) => ops.conv2dWeightGrad(x, d, [32, 16, 3, 3], geo));
    results.set("conv2d", [...(results.get("conv2d") ?? []), conv as Float32Array]);
    results.set("conv2dWeightGrad", [...(results.get("conv2dWeightGrad") ?? []), weightGrad as Float32Array]);
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

/** Compares element by element with |wasm − scalar| ≤ tol(scalar value, index). */
function assertClose(
  label: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: (w: number, i: number) => number,
): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue; // also covers equal infinities
    if (!(Math.abs(g - w) <= tol(w, i))) assert.fail(`${label}: element ${i} wasm ${g} vs scalar ${w}`);
  }
}

/** Awkward lengths: below one vector, one vector and a tail, many vectors and a tail. */
const LENGTHS = [1, 3, 7, 63, 65, 130, 1031];

Deno.test("unary, affine, clamp: exact where the double-then-round scalar is, else a few ulp", async () => {
  for (const n of LENGTHS) {
    const x = randomData(n, -3, 3);
    x[0] = n > 3 ? NaN : x[0]; // NaN passes through every op (clamp included)
    const inputs = [{ data: x, shape: [n] }];
    // f32 +, ×, ÷, √ of f32 operands round once in either precision: these must match bit for bit.
    for (const op of ["neg", "abs", "square", "reciprocal", "sign", "sqrt"] as const) {
      const f = ([t]: Tensor[]) => ops.unary(op, t);
      assertClose(`${op} n=${n}`, await run(wasm, inputs, f), await run(scalar, inputs, f), () => 0);
    }
    // exp: ≤ 4 ulp (relative 4·2^-23).
    const e = ([t]: Tensor[]) => ops.unary("exp", t);
    assertClose(
      `exp n=${n}`,
      await run(wasm, inputs, e),
      await run(scalar, inputs, e),
      (w) => 4.8e-7 * Math.abs(w),
    );
    // affine: two roundings (mul, add) against one: ≤ 1 ulp of the larger term.
    const aff = ([t]: Tensor[]) => ops.affine(t, -1.7, 0.3);
    assertClose(
      `affine n=${n}`,
      await run(wasm, inputs, aff),
      await run(scalar, inputs, aff),
      (_, i) => 1.2e-7 * (Math.abs(1.7 * x[i]) + 0.3),
    );
    for (const [lo, hi] of [[-1, 0.5], [1e-4, Infinity], [-Infinity, 0]]) {
      const cl = ([t]: Tensor[]) => ops.clamp(t, lo, hi);
      assertClose(`clamp n=${n}`, await run(wasm, inputs, cl), await run(scalar, inputs, cl), () => 0);
    }
  }
  // exp's range: overflow to Inf, underflow towards 0, across the whole float range.
  const wide = Float32Array.from({ length: 400 }, (_, i) => -100 + i * 0.5);
  const e = ([t]: Tensor[]) => ops.unary("exp", t);
  const inputs = [{ data: wide, shape: [400] }];
  assertClose(
    "exp wide",
    await run(wasm, inputs, e),
    await run(scalar, inputs, e),
    (w) => 4.8e-7 * w + 1.2e-38,
  );
});

/**
 * Activations and derivatives: |wasm − scalar| ≤ 2e-6·max(1, |scalar|)... more precisely a few float32 ulp of
 * the result plus the ulp of its inputs' rounding; tanh near 0 uses its odd polynomial, so small values keep
 * their relative accuracy (covered by the 2e-6 floor in absolute terms).
 */
Deno.test("activation and activationGrad: every kind against scalar", async () => {
  for (const n of LENGTHS) {
    const z = randomData(n, -12, 12);
    if (n > 7) z.set([0, -0, 1e-6, -1e-3, 90, -90, 50], 0);
    const inputs = [{ data: z, shape: [n] }];
    for (const act of ACTIVATIONS) {
      const f = ([t]: Tensor[]) => ops.activation(act, t), g = ([t]: Tensor[]) => ops.activationGrad(act, t);
      const label = `${act.kind}${act.width ?? ""} n=${n}`;
      const tol = (w: number) => 2e-6 * Math.max(1, Math.abs(w));
      assertClose(`φ ${label}`, await run(wasm, inputs, f), await run(scalar, inputs, f), tol);
      assertClose(`φ' ${label}`, await run(wasm, inputs, g), await run(scalar, inputs, g), tol);
    }
  }
});

Deno.test("binary ops: same shape and every covered broadcast, exact; others fall back", async () => {
  const ops11 = ["add", "sub", "mul", "div", "max", "min", "gt", "ge", "lt", "le", "eq"] as const;
  const pairs: [number[], number[]][] = [
    [[130], [130]],
    [[65, 7], [65, 7]],
    [[65, 7], [7]],
    [[7], [65, 7]],
    [[63, 5], [1, 5]],
    [[63, 5], [63, 1]],
    [[63, 1], [63, 5]],
    [[130, 3], [1]],
    [[1], [130, 3]],
    [[3, 1, 5], [1, 4, 1]], // general broadcasting: the scalar path
    [[1, 1], [1, 1]],
  ];
  for (const [sa, sb] of pairs) {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const a = randomData(size(sa), -2, 2), b = randomData(size(sb), -2, 2);
    b[0] = a[0]; // an equal pair for eq/ge/le
    if (b.length > 2) b[1] = NaN; // max/min keep the scalar NaN choice
    for (const op of ops11) {
      const inputs = [{ data: a, shape: sa }, { data: b, shape: sb }];
      const f = ([x, y]: Tensor[]) => ops.binary(op, x, y);
      assertClose(`${op} [${sa}] [${sb}]`, await run(wasm, inputs, f), await run(scalar, inputs, f), () => 0);
    }
  }
});

/** Sums: |Δ| ≤ 1e-6·Σ|x| over the reduced values (another summation order); max/min exact. */
Deno.test("reductions over axis 0, axis 1 and everything, against scalar", async () => {
  for (const rows of SIZES) {
    for (const cols of [1, 3, 4, 7, 65, 130]) {
      const x = randomData(rows * cols, -2, 2);
      if (rows * cols > 5) x[3] = NaN; // max/min skip it as the scalar loop does; sums turn NaN
      const inputs = [{ data: x, shape: [rows, cols] }];
      for (const op of ["sum", "mean", "max", "min", "sumsq", "argmax"] as const) {
        for (const axis of [0, 1, null] as const) {
          if (op === "argmax" && axis === null) continue;
          const f = ([t]: Tensor[]) => ops.reduce(op, t, axis);
          const want = await run(scalar, inputs, f), got = await run(wasm, inputs, f);
          const count = axis === 0 ? rows : axis === 1 ? cols : rows * cols;
          const norm = (i: number) => {
            let s = 0;
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < cols; c++) {
                if (axis === null || (axis === 0 ? c === i : r === i)) {
                  s += op === "sumsq" ? x[r * cols + c] ** 2 : Math.abs(x[r * cols + c]);
                }
              }
            }
            return op === "mean" ? s / count : s;
          };
          const exact = op === "max" || op === "min" || op === "argmax";
          assertClose(
            `${op} [${rows},${cols}] axis ${axis}`,
            got,
            want,
            (_, i) => exact ? 0 : 1e-6 * norm(i),
          );
        }
      }
    }
  }
});

/** Optimizer steps: |Δ| ≤ 1e-6·max(1, |p|) after several steps (single vs double intermediates). */
Deno.test("sgd and adam steps with the floor, against scalar", async () => {
  for (const n of LENGTHS) {
    const p = randomData(n, 0, 1), g = randomData(n);
    const inputs = [{ data: p, shape: [n] }, { data: g, shape: [n] }];
    const tol = (w: number) => 1e-6 * Math.max(1, Math.abs(w));
    for (const momentum of [0, 0.9]) {
      for (const floor of [null, 1e-4]) {
        const f = (b: Backend) => ([w, d]: Tensor[]) => {
          const v = ops.zeros(b, w.shape);
          for (let s = 0; s < 3; s++) ops.sgdStep(w, d, v, { lr: 0.3, momentum, weightDecay: 0.01, floor });
          v.dispose();
          return ops.clone(w);
        };
        assertClose(
          `sgd n=${n} μ=${momentum} floor=${floor}`,
          await run(wasm, inputs, f(wasm)),
          await run(scalar, inputs, f(scalar)),
          tol,
        );
      }
    }
    for (const floor of [null, 0]) {
      const f = (b: Backend) => ([w, d]: Tensor[]) => {
        const m = ops.zeros(b, w.shape), v = ops.zeros(b, w.shape);
        for (let step = 1; step <= 3; step++) {
          ops.adamStep(w, d, m, v, { lr: 0.01, step, weightDecay: 0.1, floor });
        }
        m.dispose(), v.dispose();
        return ops.clone(w);
      };
      assertClose(
        `adam n=${n} floor=${floor}`,
        await run(wasm, inputs, f(wasm)),
        await run(scalar, inputs, f(scalar)),
        tol,
      );
    }
  }
});

for (const conv of [false, true]) {
  Deno.test(`pool: an ED training step takes nothing it does not give back (${conv ? "conv" : "dense"})`, async () => {
    const { Classifier } = await import("../lib/train/classifier.ts");
    const { variantSettings } = await import("../lib/train/variants.ts");
    const before = wasm.memoryStats()!;
    const inputs = conv ? 3 * 8 * 8 : 20;
    const clf = new Classifier(wasm, {
      inputs,
      hidden: [23, 17],
      classes: 10,
      ...(conv ? { image: [3, 8, 8] as [number, number, number] } : {}),
      ...(conv ? { conv: [{ channels: 4, kernel: 3, stride: 1, padding: 1, pool: 2 }] } : {}),
      settings: variantSettings("proposed"),
      optimizer: { kind: "adam", lr: 0.01 },
      seed: 3,
    });
    const xs = ops.tensor(wasm, randomData(32 * inputs, 0, 1), [32, inputs]);
    const ys = ops.tensor(wasm, Int32Array.from({ length: 32 }, (_, i) => i % 10), [32]);
    const targets = ops.oneHot(ys, 10);
    clf.trainStep(xs, targets);
    const afterOne = wasm.memoryStats()!;
    for (let s = 0; s < 5; s++) clf.trainStep(xs, targets);
    assert.equal(wasm.memoryStats()!.liveBlocks, afterOne.liveBlocks, "live blocks grew between steps");
    await clf.takeTrainMetrics();
    clf.dispose();
    xs.dispose(), ys.dispose(), targets.dispose();
    const after = wasm.memoryStats()!;
    assert.equal(after.liveBlocks, before.liveBlocks, "blocks left after disposing the classifier");
    assert.equal(after.liveBytes, before.liveBytes);
    assert.equal(after.reclaimedByGc, 0);
  });
}

/**
 * conv2d and its two companion products. Tolerance: |wasm − scalar| ≤ 2e-5·B + 4e-6·max(1, |scalar|), where
 * B is the same product computed on |inputs| (Σ of |terms|, the float32 dot-product bound), which the test
 * gets from the scalar kernel itself.
 */
Deno.test("conv2d, input grad and weight grad against scalar (padding, stride, 1x1, several image groups)", async () => {
  const cases = [
    { x: [2, 3, 9, 7], w: [5, 3, 3, 3], stride: 1, padding: 1 },
    { x: [1, 2, 8, 8], w: [3, 2, 3, 2], stride: 2, padding: 0 },
    { x: [3, 4, 5, 5], w: [6, 4, 1, 1], stride: 1, padding: 0 },
    { x: [2, 1, 7, 9], w: [1, 1, 2, 2], stride: 2, padding: 0 }, // the average pool's shape (cout = 1)
    { x: [3, 2, 6, 5], w: [4, 2, 5, 3], stride: 3, padding: 2 },
    { x: [12, 16, 40, 40], w: [8, 16, 5, 5], stride: 1, padding: 2 }, // 2 groups of 6 images
  ];
  const abs = (d: Float32Array) => d.map(Math.abs);
  for (const { x, w, stride, padding } of cases) {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const xd = randomData(size(x)), wd = randomData(size(w)), bias = randomData(w[0]);
    const geo = { stride, padding };
    const ho = Math.floor((x[2] + 2 * padding - w[2]) / stride) + 1,
      wo = Math.floor((x[3] + 2 * padding - w[3]) / stride) + 1;
    const yShape = [x[0], w[0], ho, wo], dy = randomData(size(yShape));
    const label = `x[${x}] w[${w}] s${stride} p${padding}`;
    const check = async (
      name: string,
      inputs: { data: Float32Array; shape: number[] }[],
      f: (xs: Tensor[]) => Tensor,
      plain: (xs: Tensor[]) => Tensor,
    ) => {
      const want = await run(scalar, inputs, f), got = await run(wasm, inputs, f);
      const bound = await run(scalar, inputs.map((i) => ({ data: abs(i.data), shape: i.shape })), plain);
      assertClose(`${name} ${label}`, got, want, (v, i) => 2e-5 * bound[i] + 4e-6 * Math.max(1, Math.abs(v)));
    };
    const xs = { data: xd, shape: x }, ws = { data: wd, shape: w }, bs = { data: bias, shape: [w[0]] };
    const ds = { data: dy, shape: yShape };
    await check(
      "conv2d",
      [xs, ws, bs],
      ([a, b, c]) => ops.conv2d(a, b, { ...geo, bias: c, activation: { kind: "relu" } }),
      ([a, b, c]) => ops.conv2d(a, b, { ...geo, bias: c }),
    );
    const inputGrad = ([d, b]: Tensor[]) => ops.conv2dInputGrad(d, b, x, geo);
    await check("input grad", [ds, ws], inputGrad, inputGrad);
    const weightGrad = ([a, d]: Tensor[]) => ops.conv2dWeightGrad(a, d, w, geo);
    await check("weight grad", [xs, ds], weightGrad, weightGrad);
  }
});

Deno.test("matmul without relaxed SIMD (the mul + add fallback, 4x8 tiles) matches too", async () => {
  const { WasmRuntime } = await import("../lib/backend/cpu/wasm/runtime.ts");
  const { GEMM_BIAS_COLUMN, GEMM_TRANS_A, GEMM_TRANS_B } = await import(
    "../lib/backend/cpu/wasm/gemm_module.ts"
  );
  const plain = new WasmRuntime(false); // its own memory and module: the engine's relaxed SIMD left unused
  assert.equal(plain.shape.mr, 4);
  for (const threads of [1, 2]) {
    for (const [m, n, k] of [[7, 65, 63], [130, 9, 300], [200, 180, 150]]) {
      for (const [transA, transB] of [[false, false], [true, true], [true, false]]) {
        const a = randomData(m * k), b = randomData(k * n), bias = randomData(n);
        const [pa, pb, pc, pbias] = [m * k, k * n, m * n, n].map((len) => plain.pool.alloc(len * 4, false));
        plain.f32(pa, m * k).set(a), plain.f32(pb, k * n).set(b), plain.f32(pbias, n).set(bias);
        plain.gemm({
          a: pa,
          b: pb,
          c: pc,
          m,
          n,
          k,
          flags: (transA ? GEMM_TRANS_A : 0) | (transB ? GEMM_TRANS_B : 0) | GEMM_BIAS_COLUMN,
          scale: 0.5,
          bias: pbias,
          act: 0,
          param: 0,
        }, threads);
        const got = plain.f32(pc, m * n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0, bound = 0;
            for (let p = 0; p < k; p++) {
              const t = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
              s += t, bound += Math.abs(t);
            }
            const want = 0.5 * s + bias[j];
            if (!(Math.abs(got[i * n + j] - want) <= 1e-5 * bound + 1e-6)) {
              assert.fail(`fallback m=${m} n=${n} k=${k} [${i},${j}]: ${got[i * n + j]} vs ${want}`);
            }
          }
        }
        [pa, pb, pc, pbias].forEach((p, i) => plain.pool.free(p, [m * k, k * n, m * n, n][i] * 4));
      }
    }
  }
  assert.equal(plain.pool.stats().liveBlocks, 0);
  plain.shutdownWorkers();
});
