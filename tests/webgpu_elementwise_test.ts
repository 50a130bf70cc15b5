/**
 * Elementwise kernels on the webgpu backend: unary ops, affine and clamp; binary ops with numpy broadcasting
 * up to rank 4; activations and their gradients; the Philox random streams; and the in-place optimizer
 * steps (SGD, Adam).
 *
 * Tolerances: 1e-5 abs + 1e-5 rel (1e-4 rel for transcendental activations); Philox uniform exact,
 * normal 1e-5.
 */
import assert from "assert";
import type { Activation, BinaryOp, UnaryOp } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { readAll, type Tensor } from "../lib/tensor.ts";
import { fillNormal, fillUniform } from "../lib/random.ts";
import { actRef, be, close, rand, test } from "./webgpu_test_util.ts";

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

// ------------------------------------------------------------------ references

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

// Last in the file: release the device before the process tears the adapter down.
Deno.test("webgpu: the device of the elementwise tests is released", () => {
  be.dispose();
});
