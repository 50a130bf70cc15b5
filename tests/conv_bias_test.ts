// The conv bias update: "sum" over positions (the default, the exact gradient that tests/rules_test.ts checks
// by finite differences) and the "mean" option, which is the same update divided by the P output positions
// and leaves every weight gradient unchanged.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { Network } from "../lib/nn/network.ts";
import type { ConvBiasReduction } from "../lib/nn/linear_map.ts";
import { Backprop } from "../lib/rules/bp.ts";
import { ErrorDiffusion } from "../lib/rules/ed.ts";
import { Rng } from "../lib/random.ts";

const cpu = new CpuBackend();

function convNet(dualStream: boolean, biasReduction?: ConvBiasReduction) {
  return new Network(cpu, {
    inputs: 60,
    image: [2, 6, 5],
    conv: [{
      channels: 4,
      kernel: 3,
      stride: 1,
      padding: 1,
      pool: 2,
      activation: { kind: "sigmoid", width: 3 },
      biasReduction,
    }],
    hidden: [7],
    classes: 3,
    dualStream,
    hiddenActivation: [{ kind: "sigmoid", width: 6 }],
    outputActivation: { kind: "sigmoid", width: 6 },
    excitatoryScale: 1.5,
    inhibitoryScale: 0.5,
    seed: 3,
  });
}

for (const dualStream of [true, false]) {
  for (const rule of [new Backprop(), new ErrorDiffusion()]) {
    if (rule.name === "ed" && !dualStream) continue;
    Deno.test(`conv bias "mean" = "sum" / P, weights unchanged (${rule.name}, ${dualStream ? "dual" : "single"})`, async () => {
      const rng = new Rng(5);
      const x = Float32Array.from({ length: 4 * 60 }, () => rng.uniform());
      const labels = Int32Array.from({ length: 4 }, () => rng.int(3));
      const grads = async (reduction?: ConvBiasReduction) => {
        const net = convNet(dualStream, reduction);
        using input = ops.tensor(cpu, x, [4, 60]);
        using y = ops.tensor(cpu, labels, [4]);
        using targets = ops.oneHot(y, 3);
        const caches = net.forward(input);
        using signal = ops.sub(targets, caches[caches.length - 1].out.p);
        const drives = rule.drives(net.layers, caches, { signal, loss: "mse" });
        const g = net.layers[0].gradients(caches[0], drives[0]);
        return await Promise.all(g.map((t) => t.tensor.readF32()));
      };
      const sum = await grads(), unset = await grads(undefined), mean = await grads("mean");
      const positions = 6 * 5; // the conv's output map before pooling
      const biases = dualStream ? [4, 5] : [1];
      sum.forEach((g, k) => {
        assert.deepEqual(unset[k], g, "unset is sum");
        if (biases.includes(k)) {
          assert.ok(g.some((v) => Math.abs(v) > 1e-6), "a non-trivial bias gradient");
          g.forEach((v, i) => assert.ok(Math.abs(mean[k][i] - v / positions) < 1e-7, `bias ${k}[${i}]`));
        } else assert.deepEqual(mean[k], g, `weight gradient ${k} does not depend on the bias reduction`);
      });
    });
  }
}
