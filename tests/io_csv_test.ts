import assert from "assert";
import { join } from "node:path";
import { appendCsvRow, filterCsvRows, readCsv, readCsvNumbers, writeCsv } from "../lib/io/csv.ts";

Deno.test("csv: append creates the header, keeps column order, quotes and reads back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "runs", "metrics.csv");
    await appendCsvRow(path, { epoch: 1, loss: 0.5, note: "a,b" });
    await appendCsvRow(path, { note: 'say "hi"', epoch: 2, loss: 0.25 });
    await appendCsvRow(path, { epoch: 3 }); // missing cells are empty
    const text = await Deno.readTextFile(path);
    assert.equal(text.split("\n")[0], "epoch,loss,note");
    assert.deepEqual(await readCsv(path), [
      { epoch: "1", loss: "0.5", note: "a,b" },
      { epoch: "2", loss: "0.25", note: 'say "hi"' },
      { epoch: "3", loss: "", note: "" },
    ]);
    const nums = await readCsvNumbers(path);
    assert.equal(nums[1].loss, 0.25);
    assert.ok(Number.isNaN(nums[2].loss));
    assert.deepEqual([...Deno.readDirSync(join(dir, "runs"))].map((e) => e.name), ["metrics.csv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("csv: an unknown column is an error naming the file; filter keeps rows for resume", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "m.csv");
    await writeCsv(path, [{ epoch: 1, acc: 0.9 }, { epoch: 2, acc: 0.95 }, { epoch: 3, acc: 0.96 }]);
    await assert.rejects(appendCsvRow(path, { epoch: 4, bogus: 1 }), /m\.csv: row has column\(s\) bogus/);
    await filterCsvRows(path, (r) => Number(r.epoch) <= 2);
    assert.deepEqual((await readCsvNumbers(path)).map((r) => r.epoch), [1, 2]);
    await appendCsvRow(path, { epoch: 3, acc: 0.97 });
    assert.deepEqual((await readCsvNumbers(path)).map((r) => r.acc), [0.9, 0.95, 0.97]);
    await filterCsvRows(join(dir, "absent.csv"), () => true); // no file: nothing to do
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
