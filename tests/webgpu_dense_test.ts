/**
 * Dense algebra on the webgpu backend: matmul (every transpose combination, the fused scale/bias/activation
 * epilogue, empty operands), transpose, and conv2d's three implicit-GEMM products (forward, input grad,
 * weight grad), against f64 CPU references.
 *
 * Tolerances: matmul/conv |Δ| ≤ 1e-4·max(1, |ref|) (rel 1e-4).
 */
import assert from "assert";
import type { Activation } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { readAll } from "../lib/tensor.ts";
import { actRef, be, close, rand, test } from "./webgpu_test_util.ts";

// ------------------------------------------------------------------ references

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

// Last in the file: release the device before the process tears the adapter down.
Deno.test("webgpu: the device of the dense algebra tests is released", () => {
  be.dispose();
});
