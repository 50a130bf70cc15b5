/**
 * Reductions and indexing on the webgpu backend: every reduce op along both axes (argmax ties go to the
 * first index), row-wise softmax and log-softmax on large logits, gather of rows and columns, oneHot, and
 * their out-of-range indices reported at the next read.
 *
 * Tolerances: 1e-5 abs + 1e-5 rel; indexing exact.
 */
import assert from "assert";
import type { ReduceOp } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { readAll } from "../lib/tensor.ts";
import { be, close, rand, test } from "./webgpu_test_util.ts";

// ------------------------------------------------------------------ reductions

test("reduce: every op along both axes, argmax first-index ties", async (b) => {
  const ops6: ReduceOp[] = ["sum", "mean", "max", "min", "sumsq", "argmax"];
  for (const [r, c] of [[1, 1], [7, 65], [130, 63], [65, 300], [1, 1000]]) {
    // Rounded values make ties for argmax.
    const x = Float32Array.from(rand(r * c), (v) => Math.round(v * 4) / 4);
    const X = ops.tensor(b, x, [r, c]);
    for (const axis of [0, 1] as const) {
      const results = await readAll(ops6.map((op) => ops.reduce(op, X, axis)));
      const outer = axis === 0 ? c : r, inner = axis === 0 ? r : c;
      const at = (o: number, i: number) => (axis === 0 ? x[i * c + o] : x[o * c + i]);
      ops6.forEach((op, k) => {
        const want = Array.from({ length: outer }, (_, o) => {
          const v = Array.from({ length: inner }, (_, i) => at(o, i));
          switch (op) {
            case "sum":
              return v.reduce((p, q) => p + q, 0);
            case "mean":
              return v.reduce((p, q) => p + q, 0) / inner;
            case "max":
              return Math.max(...v);
            case "min":
              return Math.min(...v);
            case "sumsq":
              return v.reduce((p, q) => p + q * q, 0);
            case "argmax":
              return v.indexOf(Math.max(...v));
          }
        });
        if (op === "argmax") {
          assert.ok(results[k] instanceof Int32Array, "argmax gives i32");
          assert.deepEqual([...results[k]], want, `argmax [${r},${c}] axis ${axis}`);
        } else close(results[k], want, 1e-5, 1e-5, `${op} [${r},${c}] axis ${axis}`);
      });
    }
  }
  const all = await ops.sum(ops.tensor(b, rand(10007), [10007])).readF32();
  assert.equal(all.length, 1);
});

test("softmax and log-softmax are row-wise and stable", async (b) => {
  for (const [r, c] of [[1, 1], [7, 65], [63, 300], [3, 10]]) {
    const x = rand(r * c, -100, 100);
    const X = ops.tensor(b, x, [r, c]);
    const [s, ls] = await readAll([ops.softmax(X), ops.logSoftmax(X)]);
    const want = new Float64Array(r * c), wantLog = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      const row = x.subarray(i * c, (i + 1) * c), mx = Math.max(...row);
      const lse = Math.log(row.reduce((p, v) => p + Math.exp(v - mx), 0));
      for (let j = 0; j < c; j++) {
        wantLog[i * c + j] = row[j] - mx - lse, want[i * c + j] = Math.exp(wantLog[i * c + j]);
      }
    }
    close(s, want, 1e-6, 1e-5, `softmax [${r},${c}]`);
    close(ls, wantLog, 1e-5, 1e-5, `logSoftmax [${r},${c}]`);
  }
});

// ------------------------------------------------------------------ indexing

test("gather rows and columns (f32 and i32), oneHot", async (b) => {
  const [r, c] = [65, 7];
  const x = rand(r * c), xi = Int32Array.from(x, (v) => Math.round(v * 1000));
  const X = ops.tensor(b, x, [r, c]), XI = ops.tensor(b, xi, [r, c]);
  const rowsIdx = Int32Array.from([64, 0, 3, 3, 17, 1, 63, 2, 9]),
    colsIdx = Int32Array.from([6, 0, 0, 5, 1, 6]);
  const RI = ops.tensor(b, rowsIdx, [rowsIdx.length]), CI = ops.tensor(b, colsIdx, [colsIdx.length]);
  const [g0, g1, gi] = await readAll([ops.gather(X, RI, 0), ops.gather(X, CI, 1), ops.gather(XI, RI, 0)]);
  assert.deepEqual(
    g0,
    Float32Array.from({ length: rowsIdx.length * c }, (_, i) => x[rowsIdx[Math.floor(i / c)] * c + (i % c)]),
  );
  const n1 = colsIdx.length;
  assert.deepEqual(
    g1,
    Float32Array.from({ length: r * n1 }, (_, i) => x[Math.floor(i / n1) * c + colsIdx[i % n1]]),
  );
  assert.deepEqual(
    gi,
    Int32Array.from({ length: rowsIdx.length * c }, (_, i) => xi[rowsIdx[Math.floor(i / c)] * c + (i % c)]),
  );

  const labels = Int32Array.from([3, 0, 9, 9, 1, 5, 7]);
  const oh = await ops.oneHot(ops.tensor(b, labels, [7]), 10).readF32();
  assert.deepEqual(
    oh,
    Float32Array.from({ length: 70 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0)),
  );
});

test("gather and oneHot fail at the next read on an out-of-range index, naming the op; then recover", async (b) => {
  const X = ops.tensor(b, rand(3 * 4), [3, 4]);
  const bad = ops.tensor(b, Int32Array.from([0, 7, 1]), [3]);
  const rows = ops.gather(X, bad, 0);
  await assert.rejects(rows.read(), /gather: index 7 at position 1 is out of range \[0, 3\)/);
  const cols = ops.gather(X, ops.tensor(b, Int32Array.from([2, -1]), [2]), 1);
  await assert.rejects(cols.read(), /gather: index -1 at position 1 is out of range \[0, 4\)/);
  const oh = ops.oneHot(ops.tensor(b, Int32Array.from([1, 12]), [2]), 10);
  await assert.rejects(oh.read(), /oneHot: index 12 at position 1 is out of range \[0, 10\)/);
  // The record is cleared after it is reported: good indices read normally again.
  const good = await ops.gather(X, ops.tensor(b, Int32Array.from([2]), [1]), 0).readF32();
  assert.equal(good.length, 4);
});

// Last in the file: release the device before the process tears the adapter down.
Deno.test("webgpu: the device of the reduction and indexing tests is released", () => {
  be.dispose();
});
