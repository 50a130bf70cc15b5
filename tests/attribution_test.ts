/** E/I attribution of classification errors: the stream terms add up to the output and errors are split right. */

import assert from "node:assert/strict";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { disposeCache } from "../lib/nn/layer.ts";
import { attributeErrors, summarise } from "../lib/train/attribution.ts";
import { Classifier } from "../lib/train/classifier.ts";
import { variantSettings } from "../lib/train/variants.ts";
import { Rng } from "../lib/random.ts";

Deno.test("attribution: hand-made errors are classed as amplified or suppressed", () => {
  // 3 classes. Example 0 (true 0): class 1 excited above it -> amplified. Example 1 (true 0): class 0
  // inhibited below class 2 -> suppressed. Example 2 (true 2): correct.
  const e = Float32Array.of(1, 4, 0, /**/ 2, 0, 1, /**/ 0, 0, 3);
  const i = Float32Array.of(0, 0, 0, /**/ 3, 0, 0, /**/ 0, 0, 0);
  const b = Float32Array.of(0, 0, 0.5);
  const r = summarise(e, i, b, [0, 0, 2], 3);
  assert.equal(r.examples, 3);
  assert.equal(r.errors, 2);
  assert.equal(r.amplified, 1);
  assert.equal(r.suppressed, 1);
  assert.deepEqual(r.perClass.map((c) => [c.errors, c.amplified]), [[2, 1], [0, 0], [0, 0]]);
  // Means: amplification (3 + -1)/2, suppression (0 + 3)/2, bias gap (0 + 0.5)/2.
  assert.equal(r.meanAmplification, 1);
  assert.equal(r.meanSuppression, 1.5);
  assert.equal(r.meanBiasGap, 0.25);
});

Deno.test("attribution: E - I + b reproduces the network's output pre-activation, and margins are positive", async () => {
  const backend = new CpuBackend();
  const clf = new Classifier(backend, {
    inputs: 20,
    hidden: [16],
    classes: 5,
    settings: variantSettings("proposed"),
    optimizer: { kind: "sgd", lr: 1 },
    seed: 3,
  });
  const rng = new Rng(1);
  const n = 64;
  using x = ops.tensor(backend, Float32Array.from({ length: n * 20 }, () => rng.uniform()), [n, 20]);
  const labels = Int32Array.from({ length: n }, () => rng.int(5));
  const report = await attributeErrors(clf.net, x, labels);
  assert.equal(report.examples, n);
  assert.ok(report.errors > 0, "an untrained net makes errors");
  assert.equal(report.amplified + report.suppressed, report.errors);
  const margin = report.meanAmplification + report.meanSuppression + report.meanBiasGap;
  assert.ok(margin > 0, `the predicted class wins: mean margin ${margin}`);

  // The decomposition matches the layer's own pre-activation.
  const caches = clf.net.forward(x);
  const last = caches[caches.length - 1];
  const layer = clf.net.layers[clf.net.layers.length - 1];
  const w = new Map(layer.params.map((p) => [p.name, p.value]));
  using ex = ops.matmul(last.input.p, w.get("w_pp")!);
  using inh = ops.matmul(last.input.n!, w.get("w_np")!);
  const [e, i, b, z] = await Promise.all([ex.read(), inh.read(), w.get("b_p")!.read(), last.pre.p.read()]);
  for (let k = 0; k < z.length; k++) {
    assert.ok(
      Math.abs(e[k] - i[k] + b[k % 5] - z[k]) < 1e-5,
      `element ${k}: ${e[k] - i[k] + b[k % 5]} vs ${z[k]}`,
    );
  }
  caches.forEach(disposeCache);
  clf.dispose();
});

Deno.test("attribution: clear errors for a single-stream output or mismatched labels", async () => {
  const backend = new CpuBackend();
  const bp = new Classifier(backend, {
    inputs: 4,
    hidden: [3],
    classes: 2,
    settings: variantSettings("bp"),
    optimizer: { kind: "sgd", lr: 1 },
    seed: 0,
  });
  using x = ops.tensor(backend, new Float32Array(8), [2, 4]);
  await assert.rejects(attributeErrors(bp.net, x, [0, 1]), /output layer must be dual-stream/);
  bp.dispose();
  const ed = new Classifier(backend, {
    inputs: 4,
    hidden: [3],
    classes: 2,
    settings: variantSettings("proposed"),
    optimizer: { kind: "sgd", lr: 1 },
    seed: 0,
  });
  await assert.rejects(attributeErrors(ed.net, x, [0]), /1 labels for 2 examples/);
  ed.dispose();
});
