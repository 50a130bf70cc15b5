/**
 * One-screen WebGPU performance report, meant for the device machine (`deno task bench:gpu`): adapter,
 * matmul GFLOP/s for n = 256 … 4096 (each transpose variant at one size), elementwise GB/s and a
 * CIFAR-like conv2d layer (x [128, 64, 32, 32], 3×3 kernel, 64 → 64 channels, padding 1) forward and
 * backward. Every figure records many dispatches and syncs once, so Deno's ~11 ms read-back latency is
 * amortised. On a software adapter the largest sizes are skipped unless `--full` is given.
 *
 *   deno run -A bench/gpu_report.ts [--full]
 */
import { parseArgs } from "node:util";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import * as ops from "../lib/ops.ts";
import type { Tensor } from "../lib/tensor.ts";

const { values } = parseArgs({ options: { full: { type: "boolean", default: false } } });
const backend = await createWebGpuBackend();
const software = backend.context.software;
const full = values.full || !software;

/** Seconds per call of `step` (which records work and returns tensors to dispose), amortised over one sync. */
async function timeIt(step: () => Tensor[] | void, budget = 0.6): Promise<number> {
  const run = async (reps: number) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) step()?.forEach((t) => t.dispose());
    await backend.sync();
    return (performance.now() - t0) / 1000;
  };
  await run(1); // compile and warm up
  const once = await run(1);
  const reps = Math.max(2, Math.min(500, Math.ceil(budget / Math.max(once, 1e-5))));
  return (await run(reps)) / reps;
}

const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};
const lim = backend.device.limits;
say(
  `WebGPU report — ${backend.deviceName}${software ? " (software adapter)" : ""}, Deno ${Deno.version.deno}`,
);
say(
  `  f16 ${backend.context.hasF16 ? "yes" : "no"}, timestamps ${
    backend.context.hasTimestamps ? "yes" : "no"
  }, ` +
    `storage binding ${(lim.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB, ` +
    `workgroup storage ${lim.maxComputeWorkgroupStorageSize / 1024} KiB`,
);

say("matmul fp32 (C = A·B, n×n×n):");
const sizes = full ? [256, 512, 1024, 2048, 4096] : [256, 512, 1024];
for (const n of sizes) {
  const a = ops.random(backend, [n, n], "uniform", 1), b = ops.random(backend, [n, n], "uniform", 2);
  const s = await timeIt(() => [ops.matmul(a, b)]);
  say(
    `  n=${String(n).padEnd(5)} ${(2 * n ** 3 / s / 1e9).toFixed(1).padStart(9)} GFLOP/s  (${
      (s * 1e3).toFixed(2)
    } ms)`,
  );
  a.dispose(), b.dispose();
}
{
  const n = full ? 2048 : 512;
  const a = ops.random(backend, [n, n], "uniform", 1), b = ops.random(backend, [n, n], "uniform", 2);
  const cells: string[] = [];
  for (
    const [transA, transB, name] of [[true, false, "Aᵀ·B"], [false, true, "A·Bᵀ"], [
      true,
      true,
      "Aᵀ·Bᵀ",
    ]] as const
  ) {
    const s = await timeIt(() => [ops.matmul(a, b, { transA, transB })]);
    cells.push(`${name} ${(2 * n ** 3 / s / 1e9).toFixed(1)}`);
  }
  const bias = ops.random(backend, [n], "uniform", 3);
  const s = await timeIt(() => [ops.matmul(a, b, { bias, activation: { kind: "relu" } })]);
  cells.push(`+bias+relu ${(2 * n ** 3 / s / 1e9).toFixed(1)}`);
  say(`  n=${n} variants, GFLOP/s: ${cells.join(", ")}`);
  a.dispose(), b.dispose(), bias.dispose();
}

{
  const n = full ? 2 ** 24 : 2 ** 22;
  const x = ops.random(backend, [n], "uniform", 4), y = ops.random(backend, [n], "uniform", 5);
  const sAffine = await timeIt(() => [ops.affine(x, 2, 1)]);
  const sAdd = await timeIt(() => [ops.add(x, y)]);
  const sRelu = await timeIt(() => [ops.activation({ kind: "relu" }, x)]);
  say(
    `elementwise (${n / 2 ** 20}M f32): affine ${(8 * n / sAffine / 1e9).toFixed(1)} GB/s, add ${
      (12 * n / sAdd / 1e9).toFixed(1)
    } GB/s, relu ${(8 * n / sRelu / 1e9).toFixed(1)} GB/s`,
  );
  x.dispose(), y.dispose();
}

{
  const batch = full ? 128 : 16;
  const [c, hw] = [64, 32];
  const x = ops.random(backend, [batch, c, hw, hw], "normal", 6),
    w = ops.random(backend, [c, c, 3, 3], "normal", 7);
  const bias = ops.random(backend, [c], "uniform", 8);
  const flops = 2 * batch * c * hw * hw * c * 9;
  const geo = { stride: 1, padding: 1 };
  const sFwd = await timeIt(() => [ops.conv2d(x, w, { ...geo, bias, activation: { kind: "relu" } })]);
  const dy = ops.conv2d(x, w, geo);
  const sDx = await timeIt(() => [ops.conv2dInputGrad(dy, w, x.shape, geo)]);
  const sDw = await timeIt(() => [ops.conv2dWeightGrad(x, dy, w.shape, geo)]);
  say(
    `conv2d 3×3 ${c}→${c}, x [${batch},${c},${hw},${hw}], pad 1 (${
      (flops / 1e9).toFixed(2)
    } GFLOP per product):`,
  );
  say(
    `  forward ${(flops / sFwd / 1e9).toFixed(1)} GFLOP/s (${(sFwd * 1e3).toFixed(1)} ms), input grad ${
      (flops / sDx / 1e9).toFixed(1)
    } GFLOP/s, weight grad ${(flops / sDw / 1e9).toFixed(1)} GFLOP/s`,
  );
  for (const t of [x, w, bias, dy]) t.dispose();
}

{
  const t0 = performance.now();
  const tiny = ops.tensor(backend, [1], [1]);
  for (let i = 0; i < 5; i++) await tiny.read();
  say(
    `read-back round trip: ${
      ((performance.now() - t0) / 5).toFixed(1)
    } ms; pipelines compiled: ${backend.stats().pipelines}`,
  );
}
if (!full) say("(software adapter: n ≤ 1024, 4M elements, conv batch 16; pass --full for the GPU sizes)");
backend.dispose();
