/**
 * Issue 3's speed goal: one epoch of a 784-256-256-10 ED network at batch 128 (469 minibatches, MNIST
 * sized; random data so the bench needs no download). The goal is < 48 s on our 2-core machine for the
 * cpu backend, the time PyTorch 1.13 takes there for the same math.
 *
 *   deno bench -A bench/ed_epoch_bench.ts            (cpu, and webgpu when an adapter exists)
 */
import { createBackend } from "../lib/backend/mod.ts";
import type { Backend } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { Classifier } from "../lib/train/classifier.ts";
import { variantSettings } from "../lib/train/variants.ts";
import { Rng } from "../lib/random.ts";

const BATCH = 128, STEPS = Number(Deno.env.get("ED_BENCH_STEPS") ?? 469);

async function epoch(backend: Backend): Promise<void> {
  const clf = new Classifier(backend, {
    inputs: 784,
    hidden: [256, 256],
    classes: 10,
    settings: variantSettings("proposed"),
    optimizer: { kind: "sgd", lr: 3 },
    seed: 0,
  });
  const rng = new Rng(0);
  const x = Float32Array.from({ length: BATCH * 784 }, () => rng.uniform());
  const y = Int32Array.from({ length: BATCH }, () => rng.int(10));
  using xb = ops.tensor(backend, x, [BATCH, 784]);
  using yb = ops.tensor(backend, y, [BATCH]);
  using targets = ops.oneHot(yb, 10);
  for (let s = 0; s < STEPS; s++) {
    ops.write(xb, x);
    clf.trainStep(xb, targets);
  }
  await clf.takeTrainMetrics();
  clf.dispose();
}

const cpu = await createBackend("cpu");
Deno.bench({
  name: `ED 784-256-256-10 epoch (${STEPS} steps), cpu`,
  group: "ed-epoch",
  baseline: true,
  n: 1,
  warmup: 0,
}, async () => {
  await epoch(cpu);
});

const gpu = await createBackend("webgpu").catch(() => null);
if (gpu) {
  Deno.bench({
    name: `ED 784-256-256-10 epoch (${STEPS} steps), webgpu ${gpu.deviceName}`,
    group: "ed-epoch",
    n: 1,
    warmup: 0,
  }, async () => {
    await epoch(gpu);
  });
}
