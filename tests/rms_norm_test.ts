// The `rmsNorm` layer option (lib/nn/rms_norm.ts): backprop through a normalised net is the exact gradient
// (finite differences through both streams, dense and conv), ED's drive carries Fujita's diagonal factor,
// the backend op agrees on cpu and webgpu on awkward shapes, and a deep ReLU net keeps O(1) activations
// on large inputs only with the normalisation.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import type { Activation, Backend } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { Network, type NetworkSpec } from "../lib/nn/network.ts";
import { disposeCache, disposeStreams } from "../lib/nn/layer.ts";
import { RMS_NORM_EPS } from "../lib/nn/rms_norm.ts";
import { Backprop } from "../lib/rules/bp.ts";
import { ErrorDiffusion } from "../lib/rules/ed.ts";
import { DirectFeedbackAlignment } from "../lib/rules/dfa.ts";
import { Rng } from "../lib/random.ts";
import type { Tensor } from "../lib/tensor.ts";

// Without an explicit choice wgpu also probes GL, which can crash at exit (see tests/webgpu_test_util.ts).
if (Deno.build.os === "linux" && !Deno.env.get("DENO_WEBGPU_BACKEND")) {
  Deno.env.set("DENO_WEBGPU_BACKEND", "vulkan");
}

const cpu = new CpuBackend();

function net(
  backend: Backend,
  o: { dualStream: boolean; conv?: boolean; rmsNorm: boolean; hidden?: Activation },
): Network {
  const hidden = o.hidden ?? { kind: "tanh" };
  const spec: NetworkSpec = {
    inputs: 5,
    hidden: [7, 6],
    classes: 3,
    dualStream: o.dualStream,
    hiddenActivation: [hidden, hidden],
    outputActivation: { kind: "sigmoid", width: 6 },
    excitatoryScale: 1.5,
    inhibitoryScale: 0.5,
    seed: 3,
    rmsNorm: o.rmsNorm,
  };
  if (o.conv) {
    spec.inputs = 60;
    spec.image = [2, 6, 5];
    spec.conv = [{ channels: 4, kernel: 3, stride: 1, padding: 1, pool: 2, activation: hidden }];
  }
  return new Network(backend, spec);
}

function batch(backend: Backend, rows: number, features: number, scale = 1) {
  const rng = new Rng(11);
  const x = Float32Array.from({ length: rows * features }, () => scale * (2 * rng.uniform() - 1));
  const labels = Int32Array.from({ length: rows }, () => rng.int(3));
  using index = ops.tensor(backend, labels, [rows]);
  return { x: ops.tensor(backend, x, [rows, features]), y: ops.oneHot(index, 3) };
}

async function loss(model: Network, x: Tensor, y: Tensor): Promise<number> {
  using out = model.predict(x);
  using e = ops.sub(y, out);
  using sq = ops.reduce("sumsq", e, null);
  return (await sq.read())[0] / (2 * x.shape[0]);
}

// ------------------------------------------------------------------ backprop is exact

for (const [dualStream, conv] of [[true, false], [false, false], [true, true], [false, true]]) {
  const label = `${dualStream ? "dual" : "single"} stream${conv ? ", conv + pool" : ""}`;
  Deno.test(`rmsNorm: backprop gradients match finite differences (${label})`, async () => {
    const model = net(cpu, { dualStream, conv, rmsNorm: true });
    assert.deepEqual(
      model.layers.map((l) => l.rmsNorm),
      conv ? [true, true, true, false] : [true, true, false],
    );
    const { x, y } = batch(cpu, 4, conv ? 60 : 5);
    const caches = model.forward(x);
    using out = ops.clone(caches[caches.length - 1].out.p);
    using signal = ops.sub(y, out);
    const drives = new Backprop().drives(model.layers, caches, { signal, loss: "mse" });
    let checked = 0;
    for (const [l, layer] of model.layers.entries()) {
      const grads = layer.gradients(caches[l], drives[l]);
      for (const [k, param] of layer.params.entries()) {
        const all = await grads[k].tensor.readF32();
        const data = await param.value.readF32();
        // The first element and one in the middle: the norm couples every unit of a sample.
        for (const i of new Set([0, Math.floor(data.length / 2)])) {
          const analytic = all[i] * grads[k].sign;
          const at = async (h: number) => {
            ops.write(param.value, Float32Array.from(data, (v, j) => (j === i ? v + h : v)));
            return await loss(model, x, y);
          };
          const central = async (h: number) => (await at(h) - await at(-h)) / (2 * h);
          // Richardson: cancels the h² error of the central difference (the norm curves sharply where r is
          // small) without taking h down into float32 noise.
          const numeric = (4 * await central(5e-3) - await central(1e-2)) / 3;
          ops.write(param.value, data);
          const scale = Math.max(Math.abs(numeric), 1e-4);
          assert.ok(
            Math.abs(analytic - numeric) / scale < 0.05,
            `layer ${l} ${param.name}[${i}]: analytic ${analytic} vs numeric ${numeric}`,
          );
          checked++;
        }
      }
      grads.forEach((g) => g.tensor.dispose());
    }
    assert.ok(checked >= (dualStream ? 18 : 6), `${checked} parameters checked`);
    drives.forEach(disposeStreams);
    caches.forEach(disposeCache);
    model.dispose();
  });
}

Deno.test("rmsNorm: dropping the off-diagonal Jacobian terms changes the backprop drive", async () => {
  // Guards the test above: the full Jacobian matters, so the exact drive is not the diagonal one.
  const model = net(cpu, { dualStream: true, rmsNorm: true });
  const { x, y } = batch(cpu, 4, 5);
  const caches = model.forward(x);
  using out = ops.clone(caches[2].out.p);
  using signal = ops.sub(y, out);
  const drives = new Backprop().drives(model.layers, caches, { signal, loss: "mse" });
  using atPre = model.layers[1].outputToPre(caches[1], drives[1].p);
  const upstream = model.layers[2].backward(caches[2], drives[2]);
  const phi = (z: Tensor, s: Tensor) => {
    using slope = ops.activationGrad(model.layers[1].activation, z);
    return ops.mul(slope, s);
  };
  const diagonal = model.layers[1].throughNorm(
    caches[1],
    { p: phi(caches[1].pre.p, upstream.p), n: phi(caches[1].pre.n!, upstream.n!) },
    "diagonal",
  );
  const exact = await drives[1].p.readF32(), local = await diagonal.p.readF32();
  const gap = exact.reduce((m, v, i) => Math.max(m, Math.abs(v - local[i])), 0);
  const size = exact.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(gap > 0.05 * size, `exact and diagonal drives differ by ${gap} (max |U| ${size})`);
  assert.equal(atPre.shape.join(), drives[1].p.shape.join());
  disposeStreams(upstream);
  disposeStreams(diagonal);
  drives.forEach(disposeStreams);
  caches.forEach(disposeCache);
  model.dispose();
});

// ------------------------------------------------------------------ ED and DFA: Fujita's diagonal factor

for (const act of [{ kind: "relu" }, { kind: "sigmoid", width: 6 }] as Activation[]) {
  Deno.test(`rmsNorm: ED drive is φ'(Ẑ) · (1/r)(1 − Z²/(K r²)) · R (${act.kind})`, async () => {
    const model = net(cpu, { dualStream: true, rmsNorm: true, hidden: act });
    const { x } = batch(cpu, 2, 5, 3);
    const caches = model.forward(x);
    const s = new Float32Array([0.5, -0.25, 0.125, -1, 0.75, 0.3]);
    using signal = ops.tensor(cpu, s, [2, 3]);
    const drives = new ErrorDiffusion().drives(model.layers, caches, { signal, loss: "mse" });
    // The raw pre-activations from the weights, on the host: Z_p = x(W_pp − W_np) + b_p, Z_n likewise.
    const xs = await x.readF32();
    const w = Object.fromEntries(
      await Promise.all(model.layers[0].params.map(async (p) => [p.name, await p.value.readF32()])),
    );
    const H = 7,
      K = 2 * H,
      slope = (z: number) => {
        if (act.kind === "relu") return z > 0 ? 1 : 0;
        const f = 1 / (1 + Math.exp(-2 * z / 6));
        return (2 / 6) * f * (1 - f);
      };
    const [zpGot, znGot] = [await caches[0].pre.p.readF32(), await caches[0].pre.n!.readF32()];
    const [up, un] = [await drives[0].p.readF32(), await drives[0].n!.readF32()];
    const rms = await caches[0].rms!.readF32();
    for (let b = 0; b < 2; b++) {
      const z = (same: Float32Array, cross: Float32Array, bias: Float32Array) =>
        Array.from({ length: H }, (_, i) => {
          let acc = bias[i];
          for (let k = 0; k < 5; k++) acc += xs[b * 5 + k] * (same[k * H + i] - cross[k * H + i]);
          return acc;
        });
      const zp = z(w.w_pp, w.w_np, w.b_p), zn = z(w.w_nn, w.w_pn, w.b_n);
      const r = Math.sqrt([...zp, ...zn].reduce((a, v) => a + v * v, 0) / K + RMS_NORM_EPS);
      assert.ok(Math.abs(rms[b] - r) < 1e-5 * r, `sample ${b}: rms ${rms[b]} vs ${r}`);
      const factor = (zj: number) => slope(zj / r) * (1 / r) * (1 - (zj * zj) / (K * r * r));
      for (let i = 0; i < H; i++) {
        const R = s[b * 3 + (i % 3)], at = b * H + i;
        assert.ok(Math.abs(zpGot[at] - zp[i] / r) < 1e-5, `Ẑ_p[${b},${i}]`);
        assert.ok(Math.abs(znGot[at] - zn[i] / r) < 1e-5, `Ẑ_n[${b},${i}]`);
        assert.ok(Math.abs(up[at] - factor(zp[i]) * R) < 1e-5, `U_p[${b},${i}] ${up[at]}`);
        assert.ok(Math.abs(un[at] + factor(zn[i]) * R) < 1e-5, `U_n[${b},${i}] ${un[at]}`);
      }
    }
    drives.forEach(disposeStreams);
    caches.forEach(disposeCache);
    model.dispose();
  });
}

Deno.test("rmsNorm: DFA drives use the same diagonal factor; the output layer is never normalised", async () => {
  const model = net(cpu, { dualStream: false, rmsNorm: true });
  const dfa = new DirectFeedbackAlignment(cpu, model.layers, 3, 5);
  const { x, y } = batch(cpu, 3, 5, 4);
  const caches = model.forward(x);
  assert.equal(caches[2].rms, undefined);
  using out = ops.clone(caches[2].out.p);
  using signal = ops.sub(y, out);
  const drives = dfa.drives(model.layers, caches, { signal, loss: "mse" });
  using projected = ops.matmul(signal, dfa.feedback[1]);
  const [e, zhat, rms, u] = await Promise.all([
    projected.readF32(),
    caches[1].pre.p.readF32(),
    caches[1].rms!.readF32(),
    drives[1].p.readF32(),
  ]);
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < 6; i++) {
      const zh = zhat[b * 6 + i], t = Math.tanh(zh);
      const want = (1 - t * t) * (1 - (zh * zh) / 6) / rms[b] * e[b * 6 + i];
      assert.ok(Math.abs(u[b * 6 + i] - want) < 1e-5, `U[${b},${i}] ${u[b * 6 + i]} vs ${want}`);
    }
  }
  drives.forEach(disposeStreams);
  caches.forEach(disposeCache);
  dfa.dispose();
  model.dispose();
});

// ------------------------------------------------------------------ validation

Deno.test("rmsNorm: the op rejects what it cannot normalise, naming sizes", () => {
  using a = ops.zeros(cpu, [4, 3]);
  using b = ops.zeros(cpu, [4, 5]);
  using v = ops.zeros(cpu, [3]);
  using rms = ops.zeros(cpu, [2]);
  assert.throws(() => ops.rmsNorm([a, b]), /rmsNorm: x parts must have one shape \(f32\[4,3\], f32\[4,5\]\)/);
  assert.throws(() => ops.rmsNorm([v]), /rank >= 2/);
  assert.throws(() => ops.rmsNorm([a, a, a]), /one or two x parts, got 3/);
  assert.throws(() => ops.rmsNorm([a], 0), /eps must be finite and > 0/);
  assert.throws(() => ops.rmsNormBackward([a], rms, [a], "exact"), /rms must be \[4\]/);
  using r4 = ops.zeros(cpu, [4]);
  assert.throws(() => ops.rmsNormBackward([a], r4, [b], "exact"), /dy must be 1 part\(s\) shaped like y/);
});

// ------------------------------------------------------------------ stability of a deep ReLU net

/** rms over both streams and the batch of every layer's activations. */
async function activationScales(normalised: boolean): Promise<number[]> {
  const model = new Network(cpu, {
    inputs: 17,
    hidden: [32, 32, 32, 32],
    classes: 12,
    dualStream: true,
    hiddenActivation: Array(4).fill({ kind: "relu" }),
    outputActivation: { kind: "identity" },
    excitatoryScale: 1.5,
    inhibitoryScale: 0.5,
    seed: 9,
    rmsNorm: normalised,
  });
  const { x } = batch(cpu, 64, 17, 10);
  const caches = model.forward(x);
  const scales = await Promise.all(caches.map(async (c) => {
    const [p, n] = [await c.out.p.readF32(), await c.out.n!.readF32()];
    return Math.sqrt([...p, ...n].reduce((a, v) => a + v * v, 0) / (p.length + n.length));
  }));
  caches.forEach(disposeCache);
  x.dispose();
  model.dispose();
  return scales;
}

Deno.test("rmsNorm: a dual-stream ReLU 4x32 net keeps O(1) activations on inputs of scale 10", async () => {
  const normed = await activationScales(true), raw = await activationScales(false);
  for (const [l, s] of normed.slice(0, 4).entries()) {
    // ReLU of unit-rms pre-activations: rms between 0 and 1.
    assert.ok(s > 0.2 && s <= 1, `hidden layer ${l + 1}: activation rms ${s} with rmsNorm`);
  }
  assert.ok(normed[4] < 10, `output rms ${normed[4]} with rmsNorm`);
  for (let l = 1; l < 4; l++) {
    assert.ok(raw[l] > raw[l - 1], `without rmsNorm hidden layer ${l + 1} (${raw[l]}) exceeds layer ${l}`);
  }
  // Measured: with rmsNorm 0.76, 0.99, 0.99, 0.98; without 2.9, 7.0, 20.5, 67.7 (about x3 per layer).
  const ratio = raw[3] / normed[3];
  assert.ok(
    ratio > 30,
    `last hidden layer: ${raw[3]} without vs ${normed[3]} with rmsNorm (ratio ${ratio})`,
  );
});

// ------------------------------------------------------------------ cpu <-> webgpu

Deno.test({
  name: "rmsNorm: the op and a normalised net's drives agree on cpu and webgpu",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const gpu = await createWebGpuBackend({ allowSoftware: true });
    const rng = new Rng(5);
    const random = (n: number) => Float32Array.from({ length: n }, () => 4 * rng.uniform() - 2);
    const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
      assert.equal(got.length, want.length, `${what}: length`);
      for (let i = 0; i < want.length; i++) {
        const tol = 2e-5 * Math.max(1, Math.abs(want[i]));
        if (!(Math.abs(got[i] - want[i]) <= tol)) {
          assert.fail(`${what}: element ${i} webgpu ${got[i]} vs cpu ${want[i]}`);
        }
      }
    };
    /** Forward and both backward modes on one backend, read back. */
    const run = async (b: Backend, shape: number[], xs: Float32Array[], dys: Float32Array[]) => {
      const x = xs.map((d) => ops.tensor(b, d, shape)), dy = dys.map((d) => ops.tensor(b, d, shape));
      const { y, rms } = ops.rmsNorm(x);
      const exact = ops.rmsNormBackward(y, rms, dy, "exact");
      const diagonal = ops.rmsNormBackward(y, rms, dy, "diagonal");
      const all = [...y, rms, ...exact, ...diagonal];
      const values = await Promise.all(all.map((t) => t.readF32()));
      [...x, ...dy, ...all].forEach((t) => t.dispose());
      return values;
    };
    try {
      const shapes: number[][] = [];
      for (const rows of [1, 7, 63, 65, 130]) {
        for (const cols of [1, 7, 63, 65, 130]) shapes.push([rows, cols]);
      }
      shapes.push([3, 4, 5, 7], [2, 300, 1, 1]); // conv-shaped: a sample is channels × positions
      for (const shape of shapes) {
        const size = shape.reduce((a, b) => a * b, 1);
        for (const parts of [1, 2]) {
          const xs = Array.from({ length: parts }, () => random(size));
          const dys = Array.from({ length: parts }, () => random(size));
          const [want, got] = [await run(cpu, shape, xs, dys), await run(gpu, shape, xs, dys)];
          want.forEach((w, i) => close(got[i], w, `[${shape}] ${parts} part(s) output ${i}`));
        }
      }
      // A zero row normalises to zero through ε rather than dividing by zero.
      const zeros = [new Float32Array(6)], dyZero = [random(6)];
      const [zeroWant, zeroGot] = [
        await run(cpu, [2, 3], zeros, dyZero),
        await run(gpu, [2, 3], zeros, dyZero),
      ];
      zeroWant.forEach((w, i) => close(zeroGot[i], w, `zero rows output ${i}`));
      assert.ok(Math.abs(zeroWant[1][0] - Math.sqrt(RMS_NORM_EPS)) < 1e-8);

      // The drives of a normalised conv net, all three rules, on both backends.
      const drives = async (b: Backend) => {
        const model = net(b, { dualStream: true, conv: true, rmsNorm: true, hidden: { kind: "relu" } });
        const { x, y } = batch(b, 3, 60, 3);
        const out: Float32Array[] = [];
        for (const rule of [new Backprop(), new ErrorDiffusion()]) {
          const caches = model.forward(x);
          using pred = ops.clone(caches[caches.length - 1].out.p);
          using signal = ops.sub(y, pred);
          const ds = rule.drives(model.layers, caches, { signal, loss: "mse" });
          for (const d of ds) out.push(await d.p.readF32(), await d.n!.readF32());
          ds.forEach(disposeStreams);
          caches.forEach(disposeCache);
        }
        x.dispose(), y.dispose(), model.dispose();
        return out;
      };
      const [want, got] = [await drives(cpu), await drives(gpu)];
      want.forEach((w, i) => close(got[i], w, `network drive ${i}`));
    } finally {
      gpu.dispose();
    }
  },
});
