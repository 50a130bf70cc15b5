/**
 * The webgpu backend's lifecycle and error handling: pooled memory (zeroed reuse, batching, empty tensors,
 * no leaks), dispatch grids past 65535 workgroups, shader errors, a missing adapter, and disposing the
 * device (last in the file).
 */
import assert from "assert";
import { createWebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import * as ops from "../lib/ops.ts";
import { readAll } from "../lib/tensor.ts";
import { fillUniform } from "../lib/random.ts";
import { be, close, rand, test } from "./webgpu_test_util.ts";

// ------------------------------------------------------------------ memory, empty tensors, big grids

test("memory: pooled buffers come back zeroed, copy/write/read batching, empty tensors, no leaks", async (b) => {
  const before = b.stats().liveBuffers;
  const a = ops.tensor(b, rand(65), [65]);
  a.dispose();
  const z = ops.zeros(b, [65]); // likely reuses a's buffer: must still read as zeros
  assert.deepEqual(await z.readF32(), new Float32Array(65));
  const src = ops.tensor(b, [1, 2, 3], [3]);
  const c = ops.clone(src);
  ops.write(src, Float32Array.from([4, 5, 6]));
  const [s, cc, zz] = await readAll([src, c, z]);
  assert.deepEqual([...s], [4, 5, 6]);
  assert.deepEqual([...cc], [1, 2, 3]);
  assert.equal(zz.length, 65);
  const e = ops.zeros(b, [0, 7]);
  const outs = [
    ops.affine(e, 2, 1),
    ops.unary("exp", e),
    ops.transpose(e),
    ops.clone(e),
    ops.random(b, [0], "normal", 1),
  ];
  for (const r of await readAll(outs)) assert.equal(r.length, 0);
  for (const t of [z, src, c, e, ...outs]) t.dispose();
  await b.sync();
  assert.equal(b.stats().liveBuffers, before, "every buffer went back to the pool");
});

test("buffers released past the free list's room while commands are pending survive until the submit", async (b) => {
  // 100 temporaries of one bucket, each used by a recorded (unsubmitted) kernel and released at once: the
  // pool keeps 32 and must not destroy the rest before the pending commands that bind them are submitted.
  const x = ops.tensor(b, rand(40), [40]);
  const held = Array.from({ length: 100 }, () => ops.affine(x, 2, 1));
  const sums = held.map((t) => ops.sum(t, null));
  held.forEach((t) => t.dispose());
  const got = await readAll(sums);
  const want = (await x.readF32()).reduce((acc, v) => acc + Math.fround(2 * v + 1), 0);
  got.forEach((v, i) => close(v, [want], 1e-4, 1e-5, `sum ${i}`));
  [x, ...sums].forEach((t) => t.dispose());
});

test("grids beyond 65535 workgroups are split in 2-D", async (b) => {
  const n = 65536 * 256 + 7; // one more workgroup than fits in x
  const X = ops.random(b, [n], "uniform", 9);
  const Y = ops.affine(X, 2, -1);
  const rows = 70001;
  const R = ops.random(b, [rows, 3], "uniform", 11);
  const [y, s, mx, sm] = await readAll([Y, ops.sum(R, 1), ops.argmax(R, 1), ops.softmax(R)]);
  const x = new Float32Array(n);
  fillUniform(x, 9, 0);
  for (const i of [0, 1, 65535 * 256, n - 8, n - 1]) assert.equal(y[i], x[i] * 2 - 1);
  const r = new Float32Array(rows * 3);
  fillUniform(r, 11, 0);
  for (const i of [0, 65534, 65535, 65536, rows - 1]) {
    const row = r.subarray(i * 3, i * 3 + 3);
    close([s[i]], [row[0] + row[1] + row[2]], 1e-6, 1e-6, `sum row ${i}`);
    assert.equal(mx[i], row.indexOf(Math.max(...row)));
    const e = Array.from(row, (v) => Math.exp(v - Math.max(...row))), t = e[0] + e[1] + e[2];
    close(sm.subarray(i * 3, i * 3 + 3), e.map((v) => v / t), 1e-6, 1e-5, `softmax row ${i}`);
  }
});

test("a shader error surfaces at the next read with the WGSL source", async (b) => {
  b.pipelines.get("@compute @workgroup_size(1) fn main() { let x: f32 = undefined_name; }", "broken");
  const origError = console.error;
  console.error = () => {}; // the cache also logs the failure; keep the test output clean
  try {
    await assert.rejects(b.sync(), /broken[\s\S]*undefined_name/);
  } finally {
    console.error = origError;
  }
});

test("a missing adapter gives an error naming the fix; allowSoftware: false refuses lavapipe", async (b) => {
  const mod = new URL("../lib/backend/webgpu/mod.ts", import.meta.url).href;
  const code = `import { createWebGpuBackend } from "${mod}";` +
    "try { await createWebGpuBackend(); console.log('created'); } catch (e) { console.log(String(e)); }";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { DENO_WEBGPU_BACKEND: "no-such-backend" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.match(new TextDecoder().decode(out.stdout), /no WebGPU adapter[\s\S]*mesa-vulkan-drivers/);
  if (b.context.software) {
    await assert.rejects(createWebGpuBackend({ allowSoftware: false }), /software adapter/);
  }
});

// Last in the file: release the device before the process tears the adapter down.
Deno.test("webgpu: the backend disposes its device and refuses further use", () => {
  be.dispose();
  assert.throws(() => be.alloc(4, "f32"), /used after dispose/);
});
