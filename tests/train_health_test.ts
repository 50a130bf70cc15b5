// Runs that train without learning get a warning line and a CSV code, not a silent exit 0.
import assert from "assert";
import { join } from "node:path";
import { epochWarnings } from "../lib/train/health.ts";
import { makeClassificationConfig } from "../lib/train/config.ts";
import { runClassification } from "../lib/train/run.ts";
import { loadDataset } from "../lib/train/data.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { readCsv } from "../lib/io/csv.ts";

Deno.test("health: zero drives and chance accuracy are flagged; a learning epoch is not", () => {
  assert.deepEqual(epochWarnings({ epoch: 3, trainAccuracy: 0.95, meanDrive: [0.1, 0.2] }, 10, 3), []);
  const dead = epochWarnings({ epoch: 1, trainAccuracy: 0.101, meanDrive: [0, 0, 0] }, 10, 1e6);
  assert.deepEqual(dead.map((w) => w.code), ["zero-drive", "chance"]);
  assert.match(
    dead[1].message,
    /training accuracy 10\.1% is at chance \(10\.0%\) after epoch 1.*learning rate of 1000000/,
  );
  assert.deepEqual(
    epochWarnings({ epoch: 1, trainAccuracy: 0.5, meanDrive: [0, 0] }, 2, 1).map((w) => w.code),
    [
      "zero-drive",
      "chance",
    ],
  );
});

Deno.test("health: a learning rate of 1e6 ends with warnings in the log and in metrics.csv", async () => {
  const dir = await Deno.makeTempDir();
  const config = makeClassificationConfig({
    name: "hot",
    outDir: dir,
    backend: "cpu",
    dataset: { name: "mnist", trainSubset: 1024, testSubset: 200 },
    model: { hidden: [32] },
    optimizer: { lr: 1e6 },
    epochs: 1,
  });
  const dataset = await loadDataset(config.dataset);
  const lines: string[] = [];
  await runClassification(config, { backend: new CpuBackend(), dataset, log: (l) => lines.push(l) });
  assert.ok(lines.some((l) => /^warning: hot: training accuracy .* is at chance/.test(l)), lines.join("\n"));
  const [row] = await readCsv(join(dir, "hot", "metrics.csv"));
  assert.match(row.warning, /chance/);
  await Deno.remove(dir, { recursive: true });
});
