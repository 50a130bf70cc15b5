/**
 * The webgpu backend against straightforward CPU computations written here (f64 accumulation), on random
 * inputs with awkward shapes (1, 7, 63, 65, 130, ...), every transpose combination, broadcasting, empty
 * tensors and grids past 65535 workgroups. Runs on lavapipe in CI.
 *
 * Tolerances: matmul/conv |Δ| ≤ 1e-4·max(1, |ref|) (rel 1e-4); elementwise and reductions 1e-5 abs +
 * 1e-5 rel (1e-4 rel for transcendental activations); Philox uniform exact, normal 1e-5.
 */
import assert from "assert";
import type { Activation, BinaryOp, ReduceOp, UnaryOp } from "../lib/backend/backend.ts";
import { createWebGpuBackend, type WebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import * as ops from "../lib/ops.ts";
import { readAll, type Tensor } from "../lib/tensor.ts";
import { fillNormal, fillUniform, Rng } from "../lib/random.ts";

// No adapter is a failure, not a skip: CI runs these kernels on lavapipe (apt-get install mesa-vulkan-drivers).
const be: WebGpuBackend = await createWebGpuBackend({ allowSoftware: true });

function test(name: string, fn: (b: WebGpuBackend) => Promise<void>): void {
  Deno.test({
    name: `webgpu: ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => fn(be),
  });
}

const rng = new Rng(1234);
const rand = (n: number, lo = -1, hi = 1) =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  abs: number,
  rel: number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (w === g) continue; // covers infinities
    const tol = abs + rel * Math.abs(w);
    if (!(Math.abs(g - w) <= tol)) assert.fail(`${what}: element ${i}: got ${g}, want ${w} (tol ${tol})`);
  }
}

// ------------------------------------------------------------------ references

function actRef(a: Activation, z: number): number {
  const u0 = a.width ?? 2;
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  switch (a.kind) {
    case "identity":
      return z;
    case "sigmoid":
      return sig((2 * z) / u0);
    case "relu":
      return Math.max(z, 0);
    case "tanh":
      return Math.tanh(z);
    case "silu":
      return z * sig(z);
    case "softplus":
      return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
}

function actGradRef(a: Activation, z: number): number {
  const u0 = a.width ?? 2;
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  switch (a.kind) {
    case "identity":
      return 1;
    case "sigmoid": {
      const s = sig((2 * z) / u0);
      return (2 / u0) * s * (1 - s);
    }
    case "relu":
      return z > 0 ? 1 : 0;
    case "tanh":
      return 1 - Math.tanh(z) ** 2;
    case "silu": {
      const s = sig(z);
      return s * (1 + z * (1 - s));
    }
    case "softplus":
      return sig(z);
  }
}

function matmulRef(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      }
      c[i * n + j] = s;
    }
  }
  return c;
}

interface Geo {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
}
const outDim = (g: Geo) => [
  Math.floor((g.h + 2 * g.padding - g.kh) / g.stride) + 1,
  Math.floor((g.w + 2 * g.padding - g.kw) / g.stride) + 1,
];

/** Calls fn(b, co, ci, oy, ox, i, j, inputIndex) for every tap of the convolution that hits the input. */
function eachTap(g: Geo, fn: (yi: number, xi: number, wi: number) => void): void {
  const [ho, wo] = outDim(g);
  for (let b = 0; b < g.n; b++) {
    for (let co = 0; co < g.cout; co++) {
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          for (let ci = 0; ci < g.cin; ci++) {
            for (let i = 0; i < g.kh; i++) {
              for (let j = 0; j < g.kw; j++) {
                const y = oy * g.stride + i - g.padding, x = ox * g.stride + j - g.padding;
                if (y < 0 || y >= g.h || x < 0 || x >= g.w) continue;
                fn(
                  ((b * g.cout + co) * ho + oy) * wo + ox,
                  ((b * g.cin + ci) * g.h + y) * g.w + x,
                  ((co * g.cin + ci) * g.kh + i) * g.kw + j,
                );
              }
            }
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------ dense algebra

const MATMUL_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 5, 3],
  [1, 130, 65],
  [63, 65, 7],
  [65, 130, 63],
  [130, 7, 65],
  [130, 260, 33], // 64×64 tiles, ragged edges
  [136, 68, 44], // 64×64 tiles, vec4 loads with K not a multiple of the k-slice
  [520, 516, 37], // 128×128 tiles, ragged edges, vec4 output
];

test("matmul: every transpose combination on awkward shapes (rel 1e-4)", async (b) => {
  for (const [m, n, k] of MATMUL_SHAPES) {
    const checks: Promise<void>[] = [];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = rand(m * k), bb = rand(k * n);
        const A = ops.tensor(b, a, ta ? [k, m] : [m, k]), B = ops.tensor(b, bb, tb ? [n, k] : [k, n]);
        const C = ops.matmul(A, B, { transA: ta, transB: tb });
        checks.push(
          C.readF32().then((c) => {
            close(
              c,
              matmulRef(a, bb, m, n, k, ta, tb),
              1e-4,
              1e-4,
              `matmul ${m}x${n}x${k} ta=${ta} tb=${tb}`,
            );
            A.dispose(), B.dispose(), C.dispose();
          }),
        );
      }
    }
    await Promise.all(checks);
  }
});

test("matmul: fused scale, bias and every activation", async (b) => {
  const acts: Activation[] = [
    { kind: "identity" },
    { kind: "sigmoid", width: 0.5 },
    { kind: "relu" },
    { kind: "tanh" },
    { kind: "silu" },
    { kind: "softplus" },
  ];
  for (const [m, n, k, ta, tb] of [[65, 63, 130, false, true], [520, 516, 37, true, false]] as const) {
    for (const act of acts) {
      const a = rand(m * k), bb = rand(k * n), bias = rand(n);
      const A = ops.tensor(b, a, ta ? [k, m] : [m, k]), B = ops.tensor(b, bb, tb ? [n, k] : [k, n]);
      const Bias = ops.tensor(b, bias, [n]);
      const C = ops.matmul(A, B, { transA: ta, transB: tb, scale: 0.75, bias: Bias, activation: act });
      const ref = matmulRef(a, bb, m, n, k, ta, tb).map((v, i) => actRef(act, 0.75 * v + bias[i % n]));
      close(await C.readF32(), ref, 1e-4, 1e-4, `matmul ${m}x${n}x${k} ${act.kind}`);
      for (const t of [A, B, Bias, C]) t.dispose();
    }
  }
});

test("matmul: empty operands (k = 0 gives act(bias), m = 0 gives an empty result)", async (b) => {
  const A = ops.zeros(b, [3, 0]), B = ops.zeros(b, [0, 5]), bias = ops.tensor(b, [1, -2, 3, -4, 5], [5]);
  const C = ops.matmul(A, B, { bias, activation: { kind: "relu" } });
  assert.deepEqual([...await C.readF32()], [1, 0, 3, 0, 5, 1, 0, 3, 0, 5, 1, 0, 3, 0, 5]);
  const E = ops.matmul(ops.zeros(b, [0, 4]), ops.zeros(b, [4, 6]));
  assert.deepEqual(E.shape, [0, 6]);
  assert.equal((await E.readF32()).length, 0);
});

test("transpose: f32 and i32 on awkward shapes", async (b) => {
  for (const [r, c] of [[1, 1], [7, 65], [130, 63], [1, 130]]) {
    const x = rand(r * c);
    const xi = Int32Array.from(x, (v) => Math.round(v * 1e6));
    const X = ops.tensor(b, x, [r, c]), XI = ops.tensor(b, xi, [r, c]);
    const [t, ti] = await readAll([ops.transpose(X), ops.transpose(XI)]);
    const want = new Float32Array(r * c), wantI = new Int32Array(r * c);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) want[j * r + i] = x[i * c + j], wantI[j * r + i] = xi[i * c + j];
    }
    assert.deepEqual(t, want);
    assert.deepEqual(ti, wantI);
  }
});

// ------------------------------------------------------------------ elementwise

test("unary, affine and clamp", async (b) => {
  const x = rand(130, -3, 3), pos = rand(130, 0.01, 5);
  const X = ops.tensor(b, x, [130]), POS = ops.tensor(b, pos, [2, 65]);
  const cases: [UnaryOp, Tensor, Float32Array, (v: number) => number][] = [
    ["neg", X, x, (v) => -v],
    ["exp", X, x, Math.exp],
    ["log", POS, pos, Math.log],
    ["sqrt", POS, pos, Math.sqrt],
    ["abs", X, x, Math.abs],
    ["square", X, x, (v) => v * v],
    ["reciprocal", POS, pos, (v) => 1 / v],
    ["sign", X, Float32Array.from([...x.slice(0, 10), 0, -0]), Math.sign],
  ];
  for (const [op, t, data, fn] of cases) {
    const src = op === "sign" ? ops.tensor(b, data, [data.length]) : t;
    const y = await ops.unary(op, src).readF32();
    close(y, Array.from(data, fn), 1e-6, 1e-5, op);
  }
  close(
    await ops.affine(X, -1.5, 0.25).readF32(),
    Array.from(x, (v) => v * -1.5 + 0.25),
    1e-6,
    1e-6,
    "affine",
  );
  close(
    await ops.clamp(X, -1, 2).readF32(),
    Array.from(x, (v) => Math.min(Math.max(v, -1), 2)),
    0,
    0,
    "clamp",
  );
  close(
    await ops.clampMin(X, 1e-4).readF32(),
    Array.from(x, (v) => Math.max(v, Math.fround(1e-4))),
    0,
    0,
    "clampMin",
  );
});

test("binary: every op, same shapes and numpy broadcasting up to rank 4", async (b) => {
  const pairs: [number[], number[]][] = [
    [[130], [130]],
    [[7, 65], [65]],
    [[7, 1], [1, 65]],
    [[2, 3, 4, 5], [3, 1, 5]],
    [[1], [63]],
    [[130, 1], [1]],
    [[2, 1, 7, 1], [1, 3, 1, 5]],
  ];
  const ops2: [BinaryOp, (a: number, b: number) => number][] = [
    ["add", (p, q) => p + q],
    ["sub", (p, q) => p - q],
    ["mul", (p, q) => p * q],
    ["div", (p, q) => p / q],
    ["max", Math.max],
    ["min", Math.min],
    ["gt", (p, q) => +(p > q)],
    ["ge", (p, q) => +(p >= q)],
    ["lt", (p, q) => +(p < q)],
    ["le", (p, q) => +(p <= q)],
    ["eq", (p, q) => +(p === q)],
  ];
  for (const [sa, sb] of pairs) {
    // Few distinct values, so eq/ge/le see ties.
    const a = Float32Array.from(rand(size(sa)), (v) => Math.round(v * 3) + 0.5);
    const bb = Float32Array.from(rand(size(sb)), (v) => Math.round(v * 3) + 0.5);
    const A = ops.tensor(b, a, sa), B = ops.tensor(b, bb, sb);
    const out = ops.broadcastShapes("test", sa, sb);
    const results = await readAll(ops2.map(([op]) => ops.binary(op, A, B)));
    ops2.forEach(([op, fn], r) => {
      const want = new Float32Array(size(out));
      const o4 = [...new Array(4 - out.length).fill(1), ...out];
      const idx = (shape: number[], c: number[]) => {
        const s4 = [...new Array(4 - shape.length).fill(1), ...shape];
        return ((Math.min(c[0], s4[0] - 1) * s4[1] + Math.min(c[1], s4[1] - 1)) * s4[2] +
              Math.min(c[2], s4[2] - 1)) *
            s4[3] + Math.min(c[3], s4[3] - 1);
      };
      let i = 0;
      for (let c0 = 0; c0 < o4[0]; c0++) {
        for (let c1 = 0; c1 < o4[1]; c1++) {
          for (let c2 = 0; c2 < o4[2]; c2++) {
            for (let c3 = 0; c3 < o4[3]; c3++) {
              const c = [c0, c1, c2, c3];
              want[i++] = fn(a[idx(sa, c)], bb[idx(sb, c)]);
            }
          }
        }
      }
      close(results[r], want, 0, 1e-6, `${op} [${sa}] [${sb}]`);
    });
  }
});

test("activation and activationGrad, every kind, including large |z|", async (b) => {
  const z = Float32Array.from([...rand(123, -6, 6), -80, -30, -1e-3, 0, 1e-3, 30, 80]);
  const Z = ops.tensor(b, z, [z.length]);
  const acts: Activation[] = [
    { kind: "identity" },
    { kind: "sigmoid" },
    { kind: "sigmoid", width: 0.4 },
    { kind: "relu" },
    { kind: "tanh" },
    { kind: "silu" },
    { kind: "softplus" },
  ];
  for (const act of acts) {
    const [y, g] = await readAll([ops.activation(act, Z), ops.activationGrad(act, Z)]);
    const name = `${act.kind}(${act.width ?? ""})`;
    close(y, Array.from(z, (v) => actRef(act, v)), 1e-6, 1e-5, name);
    close(g, Array.from(z, (v) => actGradRef(act, v)), 1e-6, 1e-4, `${name}'`);
  }
});

// ------------------------------------------------------------------ reductions

test("reduce: every op along both axes, argmax first-index ties", async (b) => {
  const ops6: ReduceOp[] = ["sum", "mean", "max", "min", "sumsq", "argmax"];
  for (const [r, c] of [[1, 1], [7, 65], [130, 63], [65, 300], [1, 1000]]) {
    // Rounded values make ties for argmax.
    const x = Float32Array.from(rand(r * c), (v) => Math.round(v * 4) / 4);
    const X = ops.tensor(b, x, [r, c]);
    for (const axis of [0, 1] as const) {
      const results = await readAll(ops6.map((op) => ops.reduce(op, X, axis)));
      const outer = axis === 0 ? c : r, inner = axis === 0 ? r : c;
      const at = (o: number, i: number) => (axis === 0 ? x[i * c + o] : x[o * c + i]);
      ops6.forEach((op, k) => {
        const want = Array.from({ length: outer }, (_, o) => {
          const v = Array.from({ length: inner }, (_, i) => at(o, i));
          switch (op) {
            case "sum":
              return v.reduce((p, q) => p + q, 0);
            case "mean":
              return v.reduce((p, q) => p + q, 0) / inner;
            case "max":
              return Math.max(...v);
            case "min":
              return Math.min(...v);
            case "sumsq":
              return v.reduce((p, q) => p + q * q, 0);
            case "argmax":
              return v.indexOf(Math.max(...v));
          }
        });
        if (op === "argmax") {
          assert.ok(results[k] instanceof Int32Array, "argmax gives i32");
          assert.deepEqual([...results[k]], want, `argmax [${r},${c}] axis ${axis}`);
        } else close(results[k], want, 1e-5, 1e-5, `${op} [${r},${c}] axis ${axis}`);
      });
    }
  }
  const all = await ops.sum(ops.tensor(b, rand(10007), [10007])).readF32();
  assert.equal(all.length, 1);
});

test("softmax and log-softmax are row-wise and stable", async (b) => {
  for (const [r, c] of [[1, 1], [7, 65], [63, 300], [3, 10]]) {
    const x = rand(r * c, -100, 100);
    const X = ops.tensor(b, x, [r, c]);
    const [s, ls] = await readAll([ops.softmax(X), ops.logSoftmax(X)]);
    const want = new Float64Array(r * c), wantLog = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      const row = x.subarray(i * c, (i + 1) * c), mx = Math.max(...row);
      const lse = Math.log(row.reduce((p, v) => p + Math.exp(v - mx), 0));
      for (let j = 0; j < c; j++) {
        wantLog[i * c + j] = row[j] - mx - lse, want[i * c + j] = Math.exp(wantLog[i * c + j]);
      }
    }
    close(s, want, 1e-6, 1e-5, `softmax [${r},${c}]`);
    close(ls, wantLog, 1e-5, 1e-5, `logSoftmax [${r},${c}]`);
  }
});

// ------------------------------------------------------------------ indexing

test("gather rows and columns (f32 and i32), oneHot", async (b) => {
  const [r, c] = [65, 7];
  const x = rand(r * c), xi = Int32Array.from(x, (v) => Math.round(v * 1000));
  const X = ops.tensor(b, x, [r, c]), XI = ops.tensor(b, xi, [r, c]);
  const rowsIdx = Int32Array.from([64, 0, 3, 3, 17, 1, 63, 2, 9]),
    colsIdx = Int32Array.from([6, 0, 0, 5, 1, 6]);
  const RI = ops.tensor(b, rowsIdx, [rowsIdx.length]), CI = ops.tensor(b, colsIdx, [colsIdx.length]);
  const [g0, g1, gi] = await readAll([ops.gather(X, RI, 0), ops.gather(X, CI, 1), ops.gather(XI, RI, 0)]);
  assert.deepEqual(
    g0,
    Float32Array.from({ length: rowsIdx.length * c }, (_, i) => x[rowsIdx[Math.floor(i / c)] * c + (i % c)]),
  );
  const n1 = colsIdx.length;
  assert.deepEqual(
    g1,
    Float32Array.from({ length: r * n1 }, (_, i) => x[Math.floor(i / n1) * c + colsIdx[i % n1]]),
  );
  assert.deepEqual(
    gi,
    Int32Array.from({ length: rowsIdx.length * c }, (_, i) => xi[rowsIdx[Math.floor(i / c)] * c + (i % c)]),
  );

  const labels = Int32Array.from([3, 0, 9, 9, 1, 5, 7]);
  const oh = await ops.oneHot(ops.tensor(b, labels, [7]), 10).readF32();
  assert.deepEqual(
    oh,
    Float32Array.from({ length: 70 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0)),
  );
});

// ------------------------------------------------------------------ convolution

const CONVS: Geo[] = [
  { n: 2, cin: 3, h: 7, w: 9, cout: 5, kh: 3, kw: 3, stride: 1, padding: 1 },
  { n: 1, cin: 2, h: 8, w: 8, cout: 4, kh: 3, kw: 3, stride: 2, padding: 0 },
  { n: 3, cin: 4, h: 5, w: 6, cout: 7, kh: 2, kw: 3, stride: 2, padding: 1 },
  { n: 4, cin: 16, h: 12, w: 12, cout: 32, kh: 3, kw: 3, stride: 1, padding: 1 }, // tiled, split-K weight grad
  { n: 2, cin: 8, h: 16, w: 16, cout: 130, kh: 1, kw: 1, stride: 1, padding: 0 }, // 1×1, wide output
];

test("conv2d (bias + activation), conv2dInputGrad and conv2dWeightGrad", async (b) => {
  for (const g of CONVS) {
    const [ho, wo] = outDim(g);
    const x = rand(g.n * g.cin * g.h * g.w), w = rand(g.cout * g.cin * g.kh * g.kw), bias = rand(g.cout);
    const dy = rand(g.n * g.cout * ho * wo);
    const X = ops.tensor(b, x, [g.n, g.cin, g.h, g.w]), W = ops.tensor(b, w, [g.cout, g.cin, g.kh, g.kw]);
    const DY = ops.tensor(b, dy, [g.n, g.cout, ho, wo]);
    const geo = { stride: g.stride, padding: g.padding };
    const act: Activation = { kind: "silu" };
    const Y = ops.conv2d(X, W, { ...geo, bias: ops.tensor(b, bias, [g.cout]), activation: act });
    const DX = ops.conv2dInputGrad(DY, W, X.shape, geo);
    const DW = ops.conv2dWeightGrad(X, DY, W.shape, geo);
    const [y, dx, dw] = await readAll([Y, DX, DW]);
    const wantY = new Float64Array(y.length),
      wantDx = new Float64Array(dx.length),
      wantDw = new Float64Array(dw.length);
    eachTap(g, (yi, xi, wi) => {
      wantY[yi] += w[wi] * x[xi];
      wantDx[xi] += w[wi] * dy[yi];
      wantDw[wi] += dy[yi] * x[xi];
    });
    const hw = ho * wo;
    const label =
      `[${g.n},${g.cin},${g.h},${g.w}] k${g.kh}x${g.kw} s${g.stride} p${g.padding} cout ${g.cout}`;
    close(
      y,
      wantY.map((v, i) => actRef(act, v + bias[Math.floor(i / hw) % g.cout])),
      1e-4,
      1e-4,
      `conv2d ${label}`,
    );
    close(dx, wantDx, 1e-4, 1e-4, `conv2dInputGrad ${label}`);
    close(dw, wantDw, 1e-4, 1e-4, `conv2dWeightGrad ${label}`);
  }
});

// ------------------------------------------------------------------ random

test("random: Philox streams equal lib/random.ts (uniform exact, normal 1e-5)", async (b) => {
  for (
    const [n, seed, counter] of [[1, 7, 0], [130, 42, 0], [1001, 0xffffffff, 2 ** 32 - 8], [
      65,
      3,
      2 ** 36 + 4,
    ]]
  ) {
    const [u, z] = await readAll([
      ops.random(b, [n], "uniform", seed, counter),
      ops.random(b, [n], "normal", seed, counter),
    ]);
    const wantU = new Float32Array(n), wantZ = new Float32Array(n);
    fillUniform(wantU, seed, counter);
    fillNormal(wantZ, seed, counter);
    assert.deepEqual(u, wantU, `uniform n=${n} seed=${seed} counter=${counter}`);
    close(z, wantZ, 1e-5, 1e-5, `normal n=${n} seed=${seed} counter=${counter}`);
  }
});

// ------------------------------------------------------------------ optimizers

test("sgdStep (plain, momentum, weight decay, floor) and adamStep in place", async (b) => {
  const n = 130;
  const p0 = rand(n), g0 = rand(n), v0 = rand(n, 0, 0.1);
  for (
    const o of [
      { lr: 0.1, momentum: 0, weightDecay: 0, floor: null },
      { lr: 0.05, momentum: 0.9, weightDecay: 1e-3, floor: 1e-4 },
    ]
  ) {
    const P = ops.tensor(b, p0.slice(), [n]), G = ops.tensor(b, g0, [n]), V = ops.tensor(b, v0.slice(), [n]);
    ops.sgdStep(P, G, V, o);
    ops.sgdStep(P, G, V, o);
    const [p, v] = await readAll([P, V]);
    const wantP = Float64Array.from(p0), wantV = Float64Array.from(v0);
    for (let s = 0; s < 2; s++) {
      for (let i = 0; i < n; i++) {
        let step = g0[i] + o.weightDecay * wantP[i];
        if (o.momentum) step = wantV[i] = o.momentum * wantV[i] + step;
        wantP[i] -= o.lr * step;
        if (o.floor !== null) wantP[i] = Math.max(wantP[i], o.floor);
      }
    }
    close(p, wantP, 1e-6, 1e-5, `sgd ${JSON.stringify(o)}`);
    close(v, wantV, 1e-6, 1e-5, "sgd velocity");
  }
  const P = ops.tensor(b, p0.slice(), [n]), G = ops.tensor(b, g0, [n]);
  const M = ops.zeros(b, [n]), V = ops.zeros(b, [n]);
  const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, floor: 0 };
  for (let step = 1; step <= 3; step++) ops.adamStep(P, G, M, V, { ...o, step });
  const [p, m, v] = await readAll([P, M, V]);
  const wp = Float64Array.from(p0), wm = new Float64Array(n), wv = new Float64Array(n);
  for (let t = 1; t <= 3; t++) {
    for (let i = 0; i < n; i++) {
      wm[i] = o.beta1 * wm[i] + (1 - o.beta1) * g0[i];
      wv[i] = o.beta2 * wv[i] + (1 - o.beta2) * g0[i] ** 2;
      const upd = wm[i] / (1 - o.beta1 ** t) / (Math.sqrt(wv[i] / (1 - o.beta2 ** t)) + o.eps) +
        o.weightDecay * wp[i];
      wp[i] = Math.max(wp[i] - o.lr * upd, o.floor);
    }
  }
  close(p, wp, 1e-6, 1e-4, "adam param");
  close(m, wm, 1e-7, 1e-5, "adam m");
  close(v, wv, 1e-8, 1e-5, "adam v");
});

// ------------------------------------------------------------------ memory, empty tensors, big grids

test("memory: pooled buffers come back zeroed, copy/write/read batching, empty tensors, no leaks", async (b) => {
  const before = b.stats().liveBuffers;
  const a = ops.tensor(b, rand(65), [65]);
  a.dispose();
  const z = ops.zeros(b, [65]); // likely reuses a's buffer: must still read as zeros
  assert.deepEqual(await z.readF32(), new Float32Array(65));
  const src = ops.tensor(b, [1, 2, 3], [3]);
  const c = ops.clone(src);
  ops.write(src, Float32Array.from([4, 5, 6]));
  const [s, cc, zz] = await readAll([src, c, z]);
  assert.deepEqual([...s], [4, 5, 6]);
  assert.deepEqual([...cc], [1, 2, 3]);
  assert.equal(zz.length, 65);
  const e = ops.zeros(b, [0, 7]);
  const outs = [
    ops.affine(e, 2, 1),
    ops.unary("exp", e),
    ops.transpose(e),
    ops.clone(e),
    ops.random(b, [0], "normal", 1),
  ];
  for (const r of await readAll(outs)) assert.equal(r.length, 0);
  for (const t of [z, src, c, e, ...outs]) t.dispose();
  await b.sync();
  assert.equal(b.stats().liveBuffers, before, "every buffer went back to the pool");
});

test("grids beyond 65535 workgroups are split in 2-D", async (b) => {
  const n = 65536 * 256 + 7; // one more workgroup than fits in x
  const X = ops.random(b, [n], "uniform", 9);
  const Y = ops.affine(X, 2, -1);
  const rows = 70001;
  const R = ops.random(b, [rows, 3], "uniform", 11);
  const [y, s, mx, sm] = await readAll([Y, ops.sum(R, 1), ops.argmax(R, 1), ops.softmax(R)]);
  const x = new Float32Array(n);
  fillUniform(x, 9, 0);
  for (const i of [0, 1, 65535 * 256, n - 8, n - 1]) assert.equal(y[i], x[i] * 2 - 1);
  const r = new Float32Array(rows * 3);
  fillUniform(r, 11, 0);
  for (const i of [0, 65534, 65535, 65536, rows - 1]) {
    const row = r.subarray(i * 3, i * 3 + 3);
    close([s[i]], [row[0] + row[1] + row[2]], 1e-6, 1e-6, `sum row ${i}`);
    assert.equal(mx[i], row.indexOf(Math.max(...row)));
    const e = Array.from(row, (v) => Math.exp(v - Math.max(...row))), t = e[0] + e[1] + e[2];
    close(sm.subarray(i * 3, i * 3 + 3), e.map((v) => v / t), 1e-6, 1e-5, `softmax row ${i}`);
  }
});

test("a shader error surfaces at the next read with the WGSL source", async (b) => {
  b.pipelines.get("@compute @workgroup_size(1) fn main() { let x: f32 = undefined_name; }", "broken");
  const origError = console.error;
  console.error = () => {}; // the cache also logs the failure; keep the test output clean
  try {
    await assert.rejects(b.sync(), /broken[\s\S]*undefined_name/);
  } finally {
    console.error = origError;
  }
});

test("a missing adapter gives an error naming the fix; allowSoftware: false refuses lavapipe", async (b) => {
  const mod = new URL("../lib/backend/webgpu/mod.ts", import.meta.url).href;
  const code = `import { createWebGpuBackend } from "${mod}";` +
    "try { await createWebGpuBackend(); console.log('created'); } catch (e) { console.log(String(e)); }";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { DENO_WEBGPU_BACKEND: "no-such-backend" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.match(new TextDecoder().decode(out.stdout), /no WebGPU adapter[\s\S]*mesa-vulkan-drivers/);
  if (b.context.software) {
    await assert.rejects(createWebGpuBackend({ allowSoftware: false }), /software adapter/);
  }
});

// Last in the file: release the device before the process tears the adapter down.
Deno.test("webgpu: the backend disposes its device and refuses further use", () => {
  be.dispose();
  assert.throws(() => be.alloc(4, "f32"), /used after dispose/);
});
