// Every op on the webgpu backend (lavapipe in CI) against the cpu reference, on awkward shapes, and the
// cpu broadcasting fast paths against the general path.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import type { Activation, Backend, BinaryOp, ReduceOp, UnaryOp } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { Rng } from "../lib/random.ts";
import type { Tensor } from "../lib/tensor.ts";

const cpu = new CpuBackend();
const gpu = await createWebGpuBackend({ allowSoftware: true });
const rng = new Rng(7);

function randomData(shape: number[], lo = -2, hi = 2): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

/** Runs `f` on both backends with the same host inputs and compares the outputs. */
async function parity(
  label: string,
  inputs: { data: Float32Array | Int32Array; shape: number[] }[],
  f: (b: Backend, xs: Tensor[]) => Tensor,
  tol = 1e-4,
): Promise<void> {
  const run = async (b: Backend) => {
    const xs = inputs.map((i) => ops.tensor(b, i.data, i.shape));
    const out = f(b, xs);
    const values = await out.read();
    xs.forEach((x) => x.dispose());
    out.dispose();
    return values;
  };
  const [want, got] = [await run(cpu), await run(gpu)];
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * Math.max(1, Math.abs(want[i])) || (Number.isNaN(want[i]) && Number.isNaN(got[i])))) {
      assert.fail(`${label}: element ${i} webgpu ${got[i]} vs cpu ${want[i]}`);
    }
  }
}

const SIZES = [1, 7, 63, 65, 130];

Deno.test("matmul parity, every transpose, awkward shapes, fused epilogue", async () => {
  for (const [m, n, k] of [[1, 7, 63], [65, 130, 7], [63, 65, 130], [130, 1, 65]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = { data: randomData([m * k]), shape: transA ? [k, m] : [m, k] };
        const b = { data: randomData([k * n]), shape: transB ? [n, k] : [k, n] };
        const bias = { data: randomData([n]), shape: [n] };
        await parity(
          `matmul ${m}x${n}x${k} ${transA}/${transB}`,
          [a, b, bias],
          (_, [x, y, c]) =>
            ops.matmul(x, y, {
              transA,
              transB,
              bias: c,
              scale: 0.5,
              activation: { kind: "sigmoid", width: 6 },
            }),
        );
      }
    }
  }
});

Deno.test("elementwise and broadcasting parity", async () => {
  const pairs: [number[], number[]][] = [[[65, 7], [65, 7]], [[65, 7], [7]], [[7], [63, 7]], [[63, 1], [
    63,
    5,
  ]], [
    [3, 1, 5],
    [1, 4, 1],
  ], [[130], [1]]];
  const binaries: BinaryOp[] = ["add", "sub", "mul", "div", "max", "min", "gt", "le"];
  for (const [sa, sb] of pairs) {
    for (const op of binaries) {
      await parity(`${op} [${sa}] [${sb}]`, [{ data: randomData(sa), shape: sa }, {
        data: randomData(sb, 0.5, 2),
        shape: sb,
      }], (_, [a, b]) => ops.binary(op, a, b));
    }
  }
  const unaries: UnaryOp[] = ["neg", "exp", "abs", "square", "sign"];
  for (const op of unaries) {
    await parity(op, [{ data: randomData([65, 7]), shape: [65, 7] }], (_, [x]) => ops.unary(op, x));
  }
  const acts: Activation[] = [
    { kind: "sigmoid", width: 6 },
    { kind: "sigmoid", width: 0.4 },
    { kind: "relu" },
    {
      kind: "tanh",
    },
    { kind: "silu" },
    { kind: "softplus" },
  ];
  for (const act of acts) {
    const x = [{ data: randomData([63, 65], -8, 8), shape: [63, 65] }];
    await parity(`act ${act.kind}`, x, (_, [z]) => ops.activation(act, z));
    await parity(`act' ${act.kind}`, x, (_, [z]) => ops.activationGrad(act, z));
  }
  await parity("clamp", [{ data: randomData([130]), shape: [130] }], (_, [x]) => ops.clampMin(x, 1e-4));
});

Deno.test("reductions, softmax, gather and one-hot parity", async () => {
  const reductions: ReduceOp[] = ["sum", "mean", "max", "min", "sumsq"];
  for (const rows of SIZES) {
    const x = [{ data: randomData([rows, 65]), shape: [rows, 65] }];
    for (const op of reductions) {
      for (const axis of [0, 1, null] as const) {
        await parity(`${op} ${rows} axis ${axis}`, x, (_, [t]) => ops.reduce(op, t, axis), 1e-4);
      }
    }
    await parity(`argmax ${rows}`, x, (_, [t]) => ops.argmax(t, 1));
    await parity(`softmax ${rows}`, x, (_, [t]) => ops.softmax(t));
    await parity(`logSoftmax ${rows}`, x, (_, [t]) => ops.logSoftmax(t));
    const idx = Int32Array.from({ length: 130 }, (_, i) => (i * 7) % rows);
    await parity(
      `gather rows ${rows}`,
      [...x, { data: idx, shape: [130] }],
      (_, [t, i]) => ops.gather(t, i, 0),
    );
    const cols = Int32Array.from({ length: 63 }, (_, i) => i % 10);
    await parity(
      `gather cols ${rows}`,
      [...x, { data: cols, shape: [63] }],
      (_, [t, i]) => ops.gather(t, i, 1),
    );
  }
  const labels = Int32Array.from({ length: 65 }, (_, i) => i % 10);
  await parity("oneHot", [{ data: labels, shape: [65] }], (_, [l]) => ops.oneHot(l, 10));
});

Deno.test("conv2d and its companion products parity", async () => {
  for (
    const { x, w, stride, padding } of [
      { x: [2, 3, 9, 7], w: [5, 3, 3, 3], stride: 1, padding: 1 },
      { x: [1, 2, 8, 8], w: [3, 2, 3, 2], stride: 2, padding: 0 },
      { x: [3, 4, 5, 5], w: [6, 4, 1, 1], stride: 1, padding: 0 },
    ]
  ) {
    const xs = { data: randomData(x), shape: x }, ws = { data: randomData(w), shape: w };
    const bias = { data: randomData([w[0]]), shape: [w[0]] };
    const label = `conv x[${x}] w[${w}] s${stride} p${padding}`;
    await parity(
      label,
      [xs, ws, bias],
      (_, [a, b, c]) => ops.conv2d(a, b, { stride, padding, bias: c, activation: { kind: "relu" } }),
    );
    const y = ops.conv2d(ops.tensor(cpu, xs.data, x), ops.tensor(cpu, ws.data, w), { stride, padding });
    const dy = { data: randomData(y.shape as number[]), shape: y.shape as number[] };
    await parity(
      `${label} input grad`,
      [dy, ws],
      (_, [d, b]) => ops.conv2dInputGrad(d, b, x, { stride, padding }),
    );
    await parity(
      `${label} weight grad`,
      [xs, dy],
      (_, [a, d]) => ops.conv2dWeightGrad(a, d, w, { stride, padding }),
    );
  }
});

Deno.test("random streams and optimizer steps parity", async () => {
  await parity("uniform", [], (b) => ops.random(b, [1031], "uniform", 42, 8), 0);
  await parity("normal", [], (b) => ops.random(b, [1031], "normal", 42, 2 ** 33), 1e-5);
  const p = { data: randomData([65, 7], 0, 1), shape: [65, 7] },
    g = { data: randomData([65, 7]), shape: [65, 7] };
  await parity("sgd with floor", [p, g], (b, [w, d]) => {
    const v = ops.zeros(b, w.shape);
    ops.sgdStep(w, d, v, { lr: 0.3, momentum: 0.9, weightDecay: 0.01, floor: 1e-4 });
    ops.sgdStep(w, d, v, { lr: 0.3, momentum: 0.9, weightDecay: 0.01, floor: 1e-4 });
    return ops.clone(w);
  });
  await parity("adam with floor", [p, g], (b, [w, d]) => {
    const m = ops.zeros(b, w.shape), v = ops.zeros(b, w.shape);
    for (let step = 1; step <= 3; step++) ops.adamStep(w, d, m, v, { lr: 0.01, step, floor: 0 });
    return ops.clone(w);
  });
});

Deno.test("an ED training run gives the same weights on both backends", async () => {
  const { Classifier } = await import("../lib/train/classifier.ts");
  const { variantSettings } = await import("../lib/train/variants.ts");
  const x = randomData([32, 20], 0, 1), labels = Int32Array.from({ length: 32 }, (_, i) => i % 10);
  const train = async (b: Backend) => {
    const clf = new Classifier(b, {
      inputs: 20,
      hidden: [23, 17],
      classes: 10,
      settings: variantSettings("proposed"),
      optimizer: { kind: "sgd", lr: 3 },
      seed: 3,
    });
    using xs = ops.tensor(b, x, [32, 20]);
    using ys = ops.tensor(b, labels, [32]);
    using targets = ops.oneHot(ys, 10);
    for (let s = 0; s < 20; s++) clf.trainStep(xs, targets);
    const metrics = await clf.takeTrainMetrics();
    const weights = await Promise.all(clf.net.params.map((p) => p.value.readF32()));
    clf.dispose();
    return { metrics, weights };
  };
  const a = await train(cpu), g = await train(gpu);
  assert.ok(Math.abs(a.metrics.loss - g.metrics.loss) < 1e-4, `loss ${a.metrics.loss} vs ${g.metrics.loss}`);
  a.weights.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) assert.ok(Math.abs(w[j] - g.weights[i][j]) < 1e-3, `param ${i}[${j}]`);
  });
});

// Last in the file: release the device before the process tears the adapter down.
Deno.test("parity: the webgpu device is released", () => {
  gpu.dispose();
});
