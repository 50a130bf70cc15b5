// Accuracy and the post-hoc measures on hand-made inputs.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { countCorrect } from "../lib/train/classifier.ts";
import { postHoc } from "../lib/train/posthoc.ts";
import { DualDense } from "../lib/nn/dual_stream.ts";

const cpu = new CpuBackend();

Deno.test("accuracy: a row whose outputs all tie is a first-index guess, not a hit", async () => {
  using out = ops.tensor(cpu, [0, 0, 0, 0.2, 0.9, 0.1, 1, 1, 0], [3, 3]);
  using targets = ops.tensor(cpu, [0, 1, 0, 0, 1, 0, 1, 0, 0], [3, 3]);
  using hits = countCorrect(out, targets);
  assert.deepEqual([...await hits.read()], [2]);
});

Deno.test("post-hoc: E/I ratio and fraction of weights at the floor per pathway", async () => {
  const layer = new DualDense(cpu, {
    inputs: 2,
    units: 2,
    activation: { kind: "sigmoid", width: 6 },
    excitatoryScale: 1,
    inhibitoryScale: 1,
    seed: 0,
    classes: 2,
  });
  const set = (k: number, values: number[]) => ops.write(layer.params[k].value, Float32Array.from(values));
  set(0, [1, 1, 1, 1]); // w_pp: mean 1
  set(1, [1e-4, 1e-4, 0.5, 0.5]); // w_np: half at the floor, mean ≈ 0.25
  set(2, [3, 3, 3, 3]); // w_nn: mean 3
  set(3, [1e-4, 1e-4, 1e-4, 1.5]); // w_pn: three quarters at the floor, mean ≈ 0.375
  const [m] = await postHoc([layer], 1e-4);
  assert.ok(Math.abs(m!.eiRatio - 4 / (0.25005 + 0.375075)) < 1e-3, `E/I ${m!.eiRatio}`);
  assert.deepEqual(m!.atFloor, { pp: 0, np: 0.5, nn: 0, pn: 0.75 });
});
