// Optimizer bookkeeping: one Adam step per update of the whole network, whatever its depth.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { readAll } from "../lib/tensor.ts";
import { Classifier } from "../lib/train/classifier.ts";
import { variantSettings } from "../lib/train/variants.ts";

const backend = new CpuBackend();

Deno.test("adam: one bias-corrected step per update, so every layer's first move is lr · sign(g)", async () => {
  const lr = 1e-3;
  const clf = new Classifier(backend, {
    inputs: 5,
    hidden: [7, 6],
    classes: 3,
    settings: { ...variantSettings("bp"), hiddenKind: "tanh" },
    optimizer: { kind: "adam", lr, eps: 1e-12 },
    seed: 3,
  });
  const params = clf.net.params;
  const before = await readAll(params.map((p) => p.value));
  const x = ops.tensor(backend, Float32Array.from({ length: 4 * 5 }, (_, i) => Math.sin(i + 1)), [4, 5]);
  const y = ops.oneHot(ops.tensor(backend, Int32Array.from([0, 1, 2, 1]), [4]), 3);
  clf.trainStep(x, y);
  assert.equal(clf.optimizer.steps, 1, "three layers, one update: one Adam step");
  const after = await readAll(params.map((p) => p.value));
  // Adam's first bias-corrected step is lr · g / |g| per entry; a per-layer counter would make the
  // second and third layers move by lr · (1 − β1^k)/√(1 − β2^k) ≠ lr.
  params.forEach((p, i) => {
    let moved = 0;
    for (let k = 0; k < before[i].length; k++) {
      const d = Math.abs(after[i][k] - before[i][k]);
      if (d === 0) continue;
      moved++;
      assert.ok(Math.abs(d - lr) < 1e-6, `${p.name}[${k}] moved ${d}, expected ${lr}`);
    }
    assert.ok(moved > 0, `${p.name} did not move`);
  });
  x.dispose(), y.dispose(), clf.dispose();
});
