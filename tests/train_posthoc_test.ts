// The post-hoc figures a classification run and a variants experiment write: posthoc.json/.md per run,
// taken from the run's last epoch, and the experiment's posthoc.md (per variant, mean over seeds) beside
// the summary's floor-share and attenuation columns.
import assert from "assert";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadExperiment } from "../lib/experiment/config.ts";
import { runExperiment } from "../lib/experiment/runner.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { readCsv } from "../lib/io/csv.ts";
import type { PaperFigures } from "../lib/train/paper_figures.ts";

Deno.test("a variants experiment writes per-run posthoc.json and a per-variant posthoc.md", async () => {
  const dir = await Deno.makeTempDir();
  const base = {
    name: "m",
    backend: "cpu",
    dataset: { name: "mnist", trainSubset: 640, testSubset: 200 },
    model: { hidden: [12, 8] },
    epochs: 2,
    batchSize: 32,
  };
  await Deno.writeTextFile(join(dir, "base.yaml"), stringify(base));
  await Deno.writeTextFile(
    join(dir, "exp.yaml"),
    stringify({
      name: "posthoc",
      task: "classification",
      base: "base.yaml",
      variants: ["proposed", "dfa"],
      seeds: [0, 1],
      outDir: join(dir, "out"),
      variantOverrides: { dfa: { optimizer: { kind: "adam", lr: 0.003 } } },
    }),
  );
  const { files } = await runExperiment(loadExperiment(join(dir, "exp.yaml")), classificationTask(), {
    log: () => {},
  });
  assert.ok(files.some((f) => f.endsWith("posthoc.md")));
  // Each run's figures come from its last epoch's measures in metrics.csv.
  const run = join(dir, "out", "proposed_s1");
  const figures = JSON.parse(await Deno.readTextFile(join(run, "posthoc.json"))) as PaperFigures;
  const last = (await readCsv(join(run, "metrics.csv")))[1];
  assert.equal(figures.layers.length, 3);
  assert.equal(figures.layers[0].drive, Number(last.drive_l1));
  assert.equal(figures.layers[2].floor!.pn, Number(last.floor_pn_l3));
  assert.equal(figures.attenuationFirstLayer, Number(last.drive_l3) / Number(last.drive_l1));
  assert.ok(figures.floorShare >= 0 && figures.floorShare <= 1);
  assert.ok(figures.layers.every((l) => l.update > 0), "per-weight update magnitudes of a probe batch");
  assert.equal(figures.updateAttenuationFirstLayer, figures.layers[2].update / figures.layers[0].update);
  assert.match(await Deno.readTextFile(join(run, "posthoc.md")), /\| weights at the floor \| 37\.3% \|/);
  // The experiment: one section per variant, the paper's figures beside ours; DFA has no Dale figures.
  const md = await Deno.readTextFile(join(dir, "out", "posthoc.md"));
  assert.match(md, /## proposed \(mean of the per-layer measures over 2 seeds\)/);
  assert.match(md, /## dfa[^#]*\| weights at the floor \| 37\.3% \| n\/a \|/);
  const summary = await readCsv(join(dir, "out", "summary.csv"));
  const proposed = summary.find((r) => r.variant === "proposed")!;
  assert.ok(Number(proposed.mean_floor_share) >= 0 && Number(proposed.mean_attenuation) > 0);
  await Deno.remove(dir, { recursive: true });
});
