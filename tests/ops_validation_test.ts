// Bad input is rejected at the call with the op and the shapes in the message.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";

const cpu = new CpuBackend();
const t = (shape: number[]) => ops.zeros(cpu, shape);

Deno.test("matmul rejects mismatched inner dimensions, naming the op and shapes", () => {
  assert.throws(
    () => ops.matmul(t([3, 4]), t([5, 2])),
    /matmul: inner dimensions differ for A·B: 4 vs 5 \(f32\[3,4\], f32\[5,2\]\)/,
  );
  assert.throws(() => ops.matmul(t([3, 4]), t([3, 2]), { transB: true }), /A·Bᵀ: 4 vs 2/);
  assert.throws(() => ops.matmul(t([3, 4]), t([4, 2]), { bias: t([3]) }), /bias must have 2 elements/);
  assert.throws(() => ops.matmul(t([3]), t([3, 2])), /A must have rank 2/);
});

Deno.test("dtype and liveness are checked", () => {
  const idx = ops.tensor(cpu, new Int32Array([0, 1]), [2]);
  assert.throws(() => ops.matmul(t([2, 2]), ops.zeros(cpu, [2, 2], "i32")), /B must be f32/);
  assert.throws(() => ops.gather(t([2, 2]), t([2]), 0), /index must be i32/);
  const x = t([2, 2]);
  x.dispose();
  assert.throws(() => ops.gather(x, idx, 0), /used after dispose/);
  assert.throws(() => x.storage, /used after dispose/);
});

Deno.test("out-of-range indices are rejected", () => {
  const idx = ops.tensor(cpu, new Int32Array([0, 5]), [2]);
  assert.throws(
    () => ops.gather(t([3, 2]), idx, 0),
    /gather: index 5 at position 1 is out of range \[0, 3\)/,
  );
  assert.throws(() => ops.checkIndices("minibatch", new Int32Array([-1]), 4), /minibatch: index -1/);
  assert.throws(() => ops.oneHot(idx, 3), /oneHot: label 5/);
});

Deno.test("broadcasting errors and shapes", () => {
  assert.throws(
    () => ops.add(t([2, 3]), t([2])),
    /add: shapes \[2,3\] and \[2\] cannot be broadcast together/,
  );
  assert.deepEqual(ops.add(t([2, 3]), t([3])).shape, [2, 3]);
  assert.deepEqual(ops.mul(t([4, 1]), t([1, 5])).shape, [4, 5]);
});

Deno.test("conv2d checks channels and geometry", () => {
  assert.throws(() => ops.conv2d(t([1, 3, 8, 8]), t([4, 2, 3, 3])), /input has 3 channels, kernel expects 2/);
  assert.throws(() => ops.conv2d(t([1, 3, 2, 2]), t([4, 3, 5, 5])), /does not fit input 2/);
  assert.throws(
    () => ops.conv2d(t([1, 3, 8, 8]), t([4, 3, 3, 3]), { stride: 0 }),
    /stride must be a positive/,
  );
  assert.deepEqual(ops.conv2d(t([2, 3, 8, 7]), t([4, 3, 3, 3]), { stride: 2, padding: 1 }).shape, [
    2,
    4,
    4,
    4,
  ]);
});

Deno.test("tensor creation validates data length and shape", () => {
  assert.throws(() => ops.tensor(cpu, [1, 2, 3], [2, 2]), /3 values do not fill shape \[2,2\]/);
  assert.throws(() => ops.zeros(cpu, [2, -1]), /invalid shape/);
  assert.throws(() => t([2, 3]).reshape([4, 2]), /cannot reshape \[2,3\]/);
  assert.deepEqual(t([2, 3]).reshape([-1]).shape, [6]);
  assert.throws(() => ops.random(cpu, [2], "uniform", -1), /seed must be/);
  assert.throws(() => ops.sgdStep(t([2]), t([3]), null, { lr: 1 }), /sgdStep: grad shape differs/);
});
