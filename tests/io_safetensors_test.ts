import assert from "assert";
import { join } from "node:path";
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  SafetensorsError,
  writeSafetensors,
} from "../lib/io/safetensors.ts";

/** Builds a file from a raw header object and data bytes, padding the header like the writer does. */
function rawFile(header: unknown, data = new Uint8Array(0), pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad && json.length % 8) {
    const p = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

Deno.test("safetensors: round-trip of F32, I32, I64 with shapes and metadata", () => {
  const w = new Float32Array([1.5, -2, 3.25, 0, 1e-30, -Infinity]);
  const idx = new Int32Array([7, -8, 2147483647]);
  const step = new BigInt64Array([123456789012345n]);
  const bytes = encodeSafetensors(
    { "layer0.W_pp": { dtype: "F32", shape: [2, 3], data: w }, idx, step },
    { epoch: "3", format: "pt" },
  );
  const f = decodeSafetensors(bytes);
  assert.deepEqual([...f.tensors.keys()].sort(), ["idx", "layer0.W_pp", "step"]);
  const t = f.tensors.get("layer0.W_pp")!;
  assert.equal(t.dtype, "F32");
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual([...t.data], [...w]);
  assert.deepEqual([...f.tensors.get("idx")!.data], [7, -8, 2147483647]);
  assert.equal(f.tensors.get("step")!.dtype, "I64");
  assert.equal(f.tensors.get("step")!.data[0], 123456789012345n);
  assert.deepEqual(f.metadata, { epoch: "3", format: "pt" });
});

Deno.test("safetensors: layout follows the spec (LE u64 length, space-padded JSON, 8-byte aligned data)", () => {
  const bytes = encodeSafetensors({ a: new Float32Array([1, 2]), b: new Int32Array([3]) }, { k: "v" });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.match(headerText, /^\{.*\} *$/s);
  const header = JSON.parse(headerText);
  assert.deepEqual(header.a, { dtype: "F32", shape: [2], data_offsets: [0, 8] });
  assert.deepEqual(header.b, { dtype: "I32", shape: [1], data_offsets: [8, 12] });
  assert.deepEqual(header.__metadata__, { k: "v" });
  assert.equal(bytes.length, 8 + n + 12);
  assert.equal(new DataView(bytes.buffer).getFloat32(8 + n + 4, true), 2);
});

Deno.test("safetensors: reads a file produced by the reference format (unpadded header, empty tensor)", () => {
  const data = new Uint8Array(new Float32Array([4, 5]).buffer);
  const f = decodeSafetensors(
    rawFile(
      {
        x: { dtype: "F32", shape: [1, 2], data_offsets: [0, 8] },
        e: { dtype: "I32", shape: [0], data_offsets: [8, 8] },
      },
      data,
      false,
    ),
  );
  assert.deepEqual([...f.tensors.get("x")!.data], [4, 5]);
  assert.equal(f.tensors.get("e")!.data.length, 0);
  assert.deepEqual(f.metadata, {});
});

Deno.test("safetensors: corrupt headers are rejected with a message naming the file and the problem", () => {
  const reject = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(() => decodeSafetensors(bytes, "ckpt.safetensors"), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError, String(e));
      assert.match(e.message, /^ckpt\.safetensors: /);
      assert.match(e.message, pattern);
      return true;
    });
  const four = new Uint8Array(4);
  reject(new Uint8Array(5), /too short/);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 1000n, true);
  reject(huge, /header length 1000 exceeds the file/);
  const notJson = rawFile({});
  notJson.set(new TextEncoder().encode("{oops"), 8);
  reject(notJson, /not valid JSON/);
  reject(rawFile([1, 2]), /must be a JSON object/);
  reject(rawFile({ x: { dtype: "F16", shape: [2], data_offsets: [0, 4] } }, four), /unsupported dtype "F16"/);
  reject(rawFile({ x: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, four), /shape must be an array/);
  reject(rawFile({ x: { dtype: "F32", shape: [1], data_offsets: [0] } }, four), /data_offsets must be/);
  reject(rawFile({ x: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, four), /needs 8/);
  reject(rawFile({ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, four), /truncated/);
  reject(
    rawFile({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4], extra: 1 } }, four),
    /unknown field "extra"/,
  );
  reject(
    rawFile({
      x: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      y: { dtype: "I32", shape: [1], data_offsets: [0, 4] },
    }, four),
    /overlaps/,
  );
  reject(
    rawFile({ x: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
    /gap in the data section/,
  );
  reject(rawFile({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /cover 4/);
  reject(rawFile({ __metadata__: { epoch: 3 } }), /__metadata__\.epoch must be a string/);
});

Deno.test("safetensors: writer rejects inconsistent tensors", () => {
  assert.throws(
    () => encodeSafetensors({ x: { dtype: "F32", shape: [3], data: new Float32Array(2) } }),
    /shape \[3\]/,
  );
  assert.throws(
    () => encodeSafetensors({ x: { dtype: "I32", shape: [2], data: new Float32Array(2) } }),
    /declares dtype I32/,
  );
});

Deno.test("safetensors: atomic file write leaves no temporary files and replaces the old file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "ckpt.safetensors");
    await writeSafetensors(path, { w: new Float32Array([1, 2, 3]) }, { epoch: "1" });
    await writeSafetensors(path, { w: new Float32Array([4, 5, 6]) }, { epoch: "2" });
    const f = await readSafetensors(path);
    assert.deepEqual([...f.tensors.get("w")!.data], [4, 5, 6]);
    assert.equal(f.metadata.epoch, "2");
    const names = [...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name);
    assert.deepEqual(names, ["ckpt.safetensors"]);
    await assert.rejects(
      readSafetensors(join(dir, "missing.safetensors")),
      /missing\.safetensors: no such file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Written by the reference implementation (Python safetensors 0.8.0, safetensors.numpy.save) from
 * {"w": arange(6, float32).reshape(2, 3) * 0.5, "b": int32 [-1, 2, 3], "n": int64 [2**40]}, metadata {"epoch": "7"}. */
const REFERENCE =
  "yAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJlcG9jaCI6IjcifSwibiI6eyJkdHlwZSI6Ikk2NCIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzAsOF19LCJ3Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOls4LDMyXX0sImIiOnsiZHR5cGUiOiJJMzIiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOlszMiw0NF19fSAgICAgIAAAAAAAAQAAAAAAAAAAAD8AAIA/AADAPwAAAEAAACBA/////wIAAAADAAAA";

Deno.test("safetensors: reads the reference implementation's file and writes the same bytes", () => {
  const ref = Uint8Array.from(atob(REFERENCE), (c) => c.charCodeAt(0));
  const f = decodeSafetensors(ref, "reference.safetensors");
  assert.deepEqual(f.tensors.get("w")!.shape, [2, 3]);
  assert.deepEqual([...f.tensors.get("w")!.data], [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual([...f.tensors.get("b")!.data], [-1, 2, 3]);
  assert.equal(f.tensors.get("n")!.data[0], 2n ** 40n);
  assert.deepEqual(f.metadata, { epoch: "7" });
  const mine = encodeSafetensors(
    { w: f.tensors.get("w")!, b: f.tensors.get("b")!, n: f.tensors.get("n")! },
    { epoch: "7" },
  );
  assert.deepEqual(mine, ref);
});
