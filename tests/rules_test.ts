// The shared weight update is the exact gradient (checked by finite differences through both streams), and
// ED's drives follow the paper's routing and stream signs.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { Network } from "../lib/nn/network.ts";
import { Backprop } from "../lib/rules/bp.ts";
import { ErrorDiffusion } from "../lib/rules/ed.ts";
import { Rng } from "../lib/random.ts";
import type { Tensor } from "../lib/tensor.ts";

const cpu = new CpuBackend();

function tinyNet(dualStream: boolean, conv = false) {
  return new Network(cpu, {
    inputs: 5,
    ...(conv
      ? {
        inputs: 60,
        image: [2, 6, 5] as [number, number, number],
        conv: [{
          channels: 4,
          kernel: 3,
          stride: 1,
          padding: 1,
          pool: 2,
          activation: { kind: "sigmoid", width: 3 },
        }],
      }
      : {}),
    hidden: [7, 6],
    classes: 3,
    dualStream,
    hiddenActivation: [{ kind: "sigmoid", width: 6 }, { kind: "sigmoid", width: 6 }],
    outputActivation: { kind: "sigmoid", width: 6 },
    excitatoryScale: 1.5,
    inhibitoryScale: 0.5,
    seed: 3,
  });
}

function batch(rows: number, features = 5) {
  const rng = new Rng(11);
  const x = Float32Array.from({ length: rows * features }, () => rng.uniform());
  const labels = Int32Array.from({ length: rows }, () => rng.int(3));
  return { x: ops.tensor(cpu, x, [rows, features]), y: ops.oneHot(ops.tensor(cpu, labels, [rows]), 3) };
}

async function loss(net: Network, x: Tensor, y: Tensor): Promise<number> {
  using out = net.predict(x);
  using e = ops.sub(y, out);
  using sq = ops.reduce("sumsq", e, null);
  return (await sq.read())[0] / (2 * x.shape[0]);
}

for (const [dualStream, conv] of [[true, false], [false, false], [true, true], [false, true]]) {
  const label = `${dualStream ? "dual" : "single"} stream${conv ? ", conv + pool" : ""}`;
  Deno.test(`backprop gradients match finite differences (${label})`, async () => {
    const net = tinyNet(dualStream, conv);
    const { x, y } = batch(4, conv ? 60 : 5);
    const caches = net.forward(x);
    using out = ops.clone(caches[caches.length - 1].out.p);
    using signal = ops.sub(y, out);
    const drives = new Backprop().drives(net.layers, caches, { signal, loss: "mse" });
    let checked = 0;
    for (const [l, layer] of net.layers.entries()) {
      const grads = layer.gradients(caches[l], drives[l]);
      for (const [k, param] of layer.params.entries()) {
        const analytic = (await grads[k].tensor.read())[0] * grads[k].sign;
        const data = await param.value.readF32();
        const h = 1e-2, orig = data[0];
        ops.write(param.value, Float32Array.from(data, (v, i) => (i === 0 ? orig + h : v)));
        const up = await loss(net, x, y);
        ops.write(param.value, Float32Array.from(data, (v, i) => (i === 0 ? orig - h : v)));
        const down = await loss(net, x, y);
        ops.write(param.value, data);
        const numeric = (up - down) / (2 * h);
        const scale = Math.max(Math.abs(numeric), 1e-4);
        assert.ok(
          Math.abs(analytic - numeric) / scale < 0.05,
          `layer ${l} ${param.name}: analytic ${analytic} vs numeric ${numeric}`,
        );
        checked++;
      }
    }
    assert.equal(checked, (dualStream ? 18 : 6) + (conv ? (dualStream ? 6 : 2) : 0));
  });
}

Deno.test("ED drives: modulo routing, opposite sign on the negative stream", async () => {
  const net = tinyNet(true);
  const { x } = batch(2);
  const caches = net.forward(x);
  const s = new Float32Array([0.5, -0.25, 0.125, -1, 0.75, 0.3]);
  using signal = ops.tensor(cpu, s, [2, 3]);
  const drives = new ErrorDiffusion().drives(net.layers, caches, { signal, loss: "mse" });
  const zp = await caches[0].pre.p.readF32(), zn = await caches[0].pre.n!.readF32();
  const up = await drives[0].p.readF32(), un = await drives[0].n!.readF32();
  const slope = (z: number) => {
    const f = 1 / (1 + Math.exp(-2 * z / 6));
    return (2 / 6) * f * (1 - f);
  };
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 7; i++) {
      const r = s[b * 3 + (i % 3)];
      assert.ok(Math.abs(up[b * 7 + i] - slope(zp[b * 7 + i]) * r) < 1e-6);
      assert.ok(Math.abs(un[b * 7 + i] + slope(zn[b * 7 + i]) * r) < 1e-6);
    }
  }
});
