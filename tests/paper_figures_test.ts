// The paper's post-hoc figures from per-layer measures (attenuation relative to the output layer, E/I
// ratios, shares of weights at the floor overall, per pathway, conv vs FC) and the network size they weight
// by; checked on hand-made measures whose answers are known.
import assert from "assert";
import { makeClassificationConfig } from "../lib/train/config.ts";
import { paperFigures, paperTable } from "../lib/train/paper_figures.ts";
import { networkSize } from "../lib/train/flops.ts";

const config = makeClassificationConfig({
  dataset: { name: "cifar10" },
  model: { conv: [{ channels: 4 }, { channels: 8 }], hidden: [16] },
});

Deno.test("networkSize: weights and multiply-adds per layer, dual-stream counted 2× then 4×", () => {
  const s = networkSize(config);
  // conv 3→4 on 32x32 (pool → 16x16), conv 4→8 on 16x16 (pool → 8x8), fc 512→16, fc 16→10.
  assert.deepEqual(s.layers.map((l) => l.weights), [108, 288, 8 * 8 * 8 * 16, 160]);
  assert.deepEqual(s.layers.map((l) => l.macs), [108 * 1024, 288 * 256, 8192, 160]);
  assert.equal(s.macs, 108 * 1024 + 288 * 256 + 8192 + 160);
  assert.equal(s.dualMacs, 2 * 108 * 1024 + 4 * (288 * 256 + 8192 + 160));
  assert.equal(s.layers[0].label, "conv 3→4 3x3 @32x32");
  // The reduced CIFAR-10 net of the recipe search stays within 1/16 of cifar10_proposed's FLOPs.
  const conv = (channels: number[]) => channels.map((c) => ({ channels: c }));
  const proposed = networkSize(
    makeClassificationConfig({
      dataset: { name: "cifar10" },
      model: { conv: conv([64, 128, 256]), hidden: [1024] },
    }),
  );
  const reduced = networkSize(
    makeClassificationConfig({
      dataset: { name: "cifar10" },
      model: { conv: conv([16, 32, 48]), hidden: [256] },
    }),
  );
  assert.equal(proposed.macs, 43_722_752);
  assert.ok(reduced.macs * 16 <= proposed.macs && reduced.dualMacs * 16 <= proposed.dualMacs);
});

Deno.test("paperFigures: attenuation, E/I, floor shares overall and conv vs FC, both readings", () => {
  const floor = (pp: number, np: number, nn: number, pn: number) => ({ pp, np, nn, pn });
  const f = paperFigures(config, {
    meanDrive: [0.001, 0.002, 0.005, 0.025],
    eiRatio: [1.5, 1.2, 0.9, 1.0],
    atFloor: [floor(0, 0.1, 0, 0.1), floor(0.2, 0.2, 0.1, 0.3), floor(0.3, 0.7, 0.4, 0.5), floor(0, 0, 0, 0)],
    updates: [0.5, 0.2, 0.01, 0.04],
  });
  assert.equal(f.updateAttenuationFirstLayer, 0.08);
  assert.equal(f.updateAttenuationFirstFc, 4);
  assert.equal(f.attenuationFirstLayer, 25);
  assert.equal(f.attenuationFirstFc, 5);
  assert.deepEqual(f.layers.map((l) => l.attenuation), [25, 12.5, 5, 1]);
  assert.deepEqual(f.layers.map((l) => l.kind), ["conv", "conv", "fc", "fc"]);
  // Count-weighted over all four pathways of all layers.
  const weights = [108, 288, 8192, 160];
  const atFloor = 108 * 0.2 + 288 * 0.8 + 8192 * 1.9 + 0;
  assert.ok(Math.abs(f.floorShare - atFloor / (4 * weights.reduce((a, b) => a + b))) < 1e-12);
  assert.ok(Math.abs(f.inhibitoryFcMax - 0.6) < 1e-12, "fc layer 3: (0.7 + 0.5) / 2");
  assert.equal(f.inhibitoryFcMaxPathway, 0.7);
  assert.deepEqual(f.excitatoryFcRange, [0, 0.35]);
  assert.ok(Math.abs(f.convRange[0] - 0.05) < 1e-12 && Math.abs(f.convRange[1] - 0.2) < 1e-12);
  assert.deepEqual(f.convRangePathway, [0, 0.3]);
  const table = paperTable(f);
  assert.match(table, /\| drive attenuation, output → first hidden layer \| 25× \| 25\.0× \|/);
  assert.match(
    table,
    /first FC hidden layer: 5\.0×\. Mean \\\|ΔW\\\| per weight: 0\.080×, first FC hidden layer: 4\.0×/,
  );
  assert.match(table, /\| 1\.03 \/ 0\.90 \/ 0\.81 \| 1\.50 \/ 1\.20 \/ 0\.90 \|/);
  assert.match(table, /\| 68\.8% \| 60\.0% \|/);
  assert.match(table, /\| 3 \| fc \| fc 512→16 \|/);
  // A single-stream net (DFA, BP) has drives but no E/I or floor figures.
  const single = paperFigures(config, { meanDrive: [1, 2, 4, 8], eiRatio: [], atFloor: [] });
  assert.equal(single.attenuationFirstLayer, 8);
  assert.ok(Number.isNaN(single.floorShare) && Number.isNaN(single.layers[0].eiRatio));
  assert.match(paperTable(single), /\| weights at the floor \| 37\.3% \| n\/a \|/);
  assert.throws(() => paperFigures(config, { meanDrive: [1, 2], eiRatio: [], atFloor: [] }), /2 drives/);
});

Deno.test("updateMagnitudes: mean |ΔW| per layer is the step plain SGD takes at learning rate 1", async () => {
  const { CpuBackend } = await import("../lib/backend/cpu/backend.ts");
  const ops = await import("../lib/ops.ts");
  const { Classifier } = await import("../lib/train/classifier.ts");
  const { variantSettings } = await import("../lib/train/variants.ts");
  const { Rng } = await import("../lib/random.ts");
  const cpu = new CpuBackend();
  // Backprop on a single-stream conv net: no Dale clamp, so the step is exactly lr · gradient.
  const clf = new Classifier(cpu, {
    inputs: 48,
    image: [3, 4, 4],
    conv: [{ channels: 4, kernel: 3, stride: 1, padding: 1, pool: 2 }],
    hidden: [6],
    classes: 3,
    settings: variantSettings("bp"),
    optimizer: { kind: "sgd", lr: 1 },
    seed: 2,
  });
  const rng = new Rng(9);
  using x = ops.tensor(cpu, Float32Array.from({ length: 8 * 48 }, () => rng.uniform() - 0.5), [8, 48]);
  using y = ops.tensor(cpu, Int32Array.from({ length: 8 }, () => rng.int(3)), [8]);
  using targets = ops.oneHot(y, 3);
  const predicted = await clf.updateMagnitudes(x, targets);
  const weights = clf.net.layers.map((l) => l.params.filter((p) => p.name.startsWith("w"))[0].value);
  const before = await Promise.all(weights.map((w) => w.readF32()));
  clf.trainStep(x, targets);
  const after = await Promise.all(weights.map((w) => w.readF32()));
  before.forEach((b, l) => {
    const step = b.reduce((a, v, i) => a + Math.abs(after[l][i] - v), 0) / b.length;
    assert.ok(
      step > 0 && Math.abs(predicted[l] - step) / step < 1e-4,
      `layer ${l}: ${predicted[l]} vs ${step}`,
    );
  });
  clf.dispose();
});
