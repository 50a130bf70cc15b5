// The CIFAR-10 and MNIST configs of issue 14 are valid, sized as their comments say, and their search and
// experiment files expand to valid runs with a validation split where recipes are selected.
import assert from "assert";
import { loadClassificationConfig, standardizes } from "../lib/train/config.ts";
import { networkSize } from "../lib/train/flops.ts";
import { loadSearch, stageRecipes } from "../lib/train/search.ts";
import { loadExperiment } from "../lib/experiment/config.ts";
import { planExperiment } from "../lib/experiment/runner.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { settingsFor } from "../lib/train/variants.ts";
import { classifierFor } from "../lib/train/load.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { centerError } from "../lib/train/classifier.ts";
import * as ops from "../lib/ops.ts";

Deno.test("CIFAR-10 configs: reduced ≤ 1/16 of proposed's FLOPs, paper ≈ 8M single-stream weights", () => {
  const proposed = networkSize(loadClassificationConfig("configs/cifar10_proposed.yaml"));
  const reduced = networkSize(loadClassificationConfig("configs/cifar10_reduced.yaml"));
  const paper = networkSize(loadClassificationConfig("configs/cifar10_paper.yaml"));
  assert.ok(16 * reduced.macs <= proposed.macs, `${proposed.macs / reduced.macs}`);
  assert.ok(16 * reduced.dualMacs <= proposed.dualMacs);
  assert.ok(paper.weights > 7.5e6 && paper.weights < 8.5e6, `${paper.weights} weights`);
  for (const file of ["cifar10_proposed", "cifar10_reduced", "cifar10_paper"]) {
    const c = loadClassificationConfig(`configs/${file}.yaml`);
    assert.ok(standardizes(c.dataset), `${file} standardises its inputs`);
    assert.equal(c.dataset.augment, undefined, `${file}: no augmentation in the paper's rows`);
    assert.equal(c.rule.lrMultipliers?.length, c.model.conv!.length + c.model.hidden.length + 1);
  }
});

Deno.test("search files expand to valid recipes with a validation split", () => {
  for (
    const [file, first] of [["configs/cifar10_search.yaml", 10], ["configs/mnist_search.yaml", 6]] as const
  ) {
    const loaded = loadSearch(file);
    const recipes = stageRecipes(loaded, 0, loaded.base);
    assert.equal(recipes.length, first, file);
    assert.ok((loaded.base as { dataset: { validation: number } }).dataset.validation === 5000);
  }
});

Deno.test("experiment files: the CIFAR-10 ablation (7 variants × 3 seeds) and the MNIST final runs", () => {
  const ablation = planExperiment(loadExperiment("configs/cifar10_ablation.yaml"), classificationTask());
  assert.equal(ablation.length, 21);
  assert.ok(ablation.every((r) => standardizes(r.config.dataset) && r.config.dataset.augment === undefined));
  const final = planExperiment(loadExperiment("configs/mnist_final.yaml"), classificationTask());
  assert.deepEqual(final.map((r) => r.config.seed), [0, 1, 2]);
  assert.equal(final[0].config.dataset.validation, 5000);
  for (const file of ["mnist_proposed_aug", "mnist_proposed_1024_aug"]) {
    const c = loadClassificationConfig(`configs/${file}.yaml`);
    assert.equal(c.dataset.validation, 5000);
    assert.deepEqual(c.dataset.augment, { crop: 2, flip: false });
  }
});

Deno.test("rule.convWidth and rule.loss reach the classifier; unset they keep the variant's", () => {
  const set = loadClassificationConfig("configs/cifar10_reduced.yaml", ["rule.convWidth=4", "rule.loss=bce"]);
  const settings = settingsFor(set);
  assert.equal(settings.convWidth, 4);
  assert.equal(settings.loss, "bce");
  const backend = new CpuBackend();
  const clf = classifierFor(set, backend, { image: [3, 32, 32], classes: 10 });
  assert.deepEqual(clf.net.layers[0].activation, { kind: "sigmoid", width: 4 });
  clf.dispose();
  const unset = settingsFor(loadClassificationConfig("configs/cifar10_reduced.yaml"));
  assert.equal(unset.convWidth, 3);
  assert.equal(unset.loss, "mse");
  assert.throws(
    () => loadClassificationConfig("configs/cifar10_reduced.yaml", ["rule.loss=hinge"]),
    /rule\.loss/,
  );
});

Deno.test("cifar10_global.yaml is cifar10_selected.yaml with the class error centred over the whole batch", () => {
  const selected = loadClassificationConfig("configs/cifar10_selected.yaml");
  const global = loadClassificationConfig("configs/cifar10_global.yaml");
  assert.equal(global.rule.centeringScope, "global");
  assert.equal(settingsFor(global).centeringScope, "global");
  assert.equal(settingsFor(selected).centeringScope ?? "class", "class");
  const rest = (c: typeof global) => ({ ...c, name: "", rule: { ...c.rule, centeringScope: undefined } });
  assert.deepEqual(rest(global), rest(selected));
});

Deno.test("centerError: per class zeroes every class's batch mean; global zeroes only their average", async () => {
  const backend = new CpuBackend();
  // 3 examples × 4 classes; class 2 is over-predicted (its errors are the most negative).
  const e = [0.9, -0.1, -0.8, -0.2, -0.1, 0.8, -0.7, -0.1, -0.2, -0.1, 0.1, -0.3];
  using error = ops.tensor(backend, Float32Array.from(e), [3, 4]);
  using perClass = centerError(error, "class");
  using global = centerError(error, "global");
  const [c, g] = [await perClass.readF32(), await global.readF32()];
  const columnMean = (a: ArrayLike<number>, k: number) => (a[k] + a[4 + k] + a[8 + k]) / 3;
  const all = e.reduce((s, v) => s + v, 0) / e.length;
  for (let k = 0; k < 4; k++) {
    assert.ok(Math.abs(columnMean(c, k)) < 1e-6, `class ${k}: mean ${columnMean(c, k)}`);
    // global: each class keeps its mean minus the overall one, so class 2 is still pushed down
    assert.ok(Math.abs(columnMean(g, k) - (columnMean(e, k) - all)) < 1e-6, `class ${k}`);
  }
  assert.ok(columnMean(g, 2) < -0.2);
});
