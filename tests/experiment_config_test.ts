import assert from "assert";
import { join } from "node:path";
import {
  classificationConfigDocs,
  classificationSchema,
  defaultClassificationConfig,
  loadClassificationConfig,
  makeClassificationConfig,
  parseClassificationArgs,
} from "../lib/train/config.ts";
import { applyOverrides, deepMerge } from "../lib/config/overrides.ts";
import { loadExperiment } from "../lib/experiment/config.ts";
import { planExperiment } from "../lib/experiment/runner.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import {
  anything,
  array,
  ConfigError,
  integer,
  invalid,
  number,
  object,
  oneOf,
  optional,
  record,
  type Schema,
  string,
  union,
  validate,
} from "../lib/config/schema.ts";

async function withYaml(text: string, fn: (file: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "run.yaml");
    await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("config: defaults fill a missing or empty file", () => {
  const c = defaultClassificationConfig();
  assert.equal(c.dataset.name, "mnist");
  assert.deepEqual(c.model.hidden, [256, 256]);
  assert.equal(c.variant, "proposed");
  assert.equal(c.optimizer.kind, "sgd");
  assert.equal(c.optimizer.lr, 3);
  assert.equal(c.optimizer.schedule.kind, "constant");
  assert.equal(c.batchSize, 128);
  assert.equal(c.rule.centering, undefined);
  assert.equal(c.model.conv, undefined);
  // Defaults are fresh copies, not shared.
  c.model.hidden.push(1);
  assert.deepEqual(defaultClassificationConfig().model.hidden, [256, 256]);
  const docs = classificationConfigDocs();
  assert.match(docs, /\| `optimizer\.lr` \| a number > 0 \| `3` \|/);
  assert.match(docs, /`model\.conv\[\]\.channels`/);
});

Deno.test("config: every classification config in configs/ is valid", async () => {
  const c = await loadClassificationConfig("configs/mnist_proposed.yaml");
  assert.equal(c.name, "mnist-proposed");
  assert.deepEqual(c.rule.lrMultipliers, [30, 10, 1]);
  assert.equal((await loadClassificationConfig("configs/mnist_dfa.yaml")).variant, "dfa");
  assert.equal((await loadClassificationConfig("configs/mnist_proposed_long.yaml")).epochs, 24);
  const wide = await loadClassificationConfig("configs/mnist_proposed_wide.yaml");
  assert.deepEqual(wide.model.hidden, [512, 512]);
  assert.equal((await loadClassificationConfig("configs/cifar10_proposed.yaml")).model.conv?.length, 3);
});

Deno.test("config: YAML file with nested values and conv layers", async () => {
  await withYaml(
    `name: cifar-a
dataset: { name: cifar10, trainSubset: 5000 }
model:
  hidden: [1024]
  conv: [{ channels: 64 }, { channels: 128, kernel: 5, pool: 1 }]
variant: no-centering
rule: { widths: [3, 3, 6, 6], lrMultipliers: [2, 1, 0.5, 0.25], floor: 0.0001 }
optimizer: { kind: adam, lr: 0.001, schedule: { kind: cosine, warmupEpochs: 1 } }
`,
    async (file) => {
      const c = await loadClassificationConfig(file);
      assert.equal(c.dataset.trainSubset, 5000);
      assert.deepEqual(c.model.conv, [
        { channels: 64, kernel: 3, stride: 1, padding: 1, pool: 2 },
        { channels: 128, kernel: 5, stride: 1, padding: 1, pool: 1 },
      ]);
      assert.deepEqual(c.rule.widths, [3, 3, 6, 6]);
      assert.equal(c.optimizer.schedule.warmupEpochs, 1);
      assert.equal(c.optimizer.schedule.gamma, 0.1);
    },
  );
});

Deno.test("config: unknown keys and wrong types name the file and the key path", async () => {
  const cases: [string, RegExp][] = [
    ["optimizer: { lr: x }", /run\.yaml: optimizer\.lr must be a number, got "x"$/],
    ["optimzer: { lr: 1 }", /run\.yaml: optimzer is not a known key \(did you mean "optimizer"\?\)/],
    [
      "optimizer: { lr: 1, nesterov: true }",
      /run\.yaml: optimizer\.nesterov is not a known key .*allowed here: kind, lr, momentum/,
    ],
    ["epochs: 2.5", /run\.yaml: epochs must be an integer, got 2\.5/],
    ["epochs: 0", /run\.yaml: epochs must be an integer >= 1 and <= 1000000, got 0/],
    [
      "variant: propsed",
      /run\.yaml: variant must be one of proposed \| dfa .* got "propsed" \(did you mean "proposed"\?\)/,
    ],
    [
      "model: { hidden: [256, -3] }",
      /run\.yaml: model\.hidden\[1\] must be an integer >= 1 and <= 65536, got -3/,
    ],
    ["model: { hidden: 256 }", /run\.yaml: model\.hidden must be a list of/],
    ["model: { conv: [{ kernel: 3 }] }", /run\.yaml: model\.conv\[0\]\.channels is required/],
    ["rule: { centering: yes please }", /run\.yaml: rule\.centering must be true or false, got "yes please"/],
    ["dataset: mnist", /run\.yaml: dataset must be an object with keys name, path/],
    ["- 1\n- 2", /run\.yaml: config must be an object/],
    ["optimizer: { lr: 1\n", /run\.yaml: config is not valid YAML \(line \d+, column \d+\)/],
  ];
  for (const [text, pattern] of cases) {
    await withYaml(text, (file) => {
      assert.throws(() => loadClassificationConfig(file), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `${text}: ${e}`);
        assert.match(e.message, pattern, text);
        assert.equal(e.file, file);
        return true;
      });
    });
  }
  assert.throws(
    () => loadClassificationConfig("configs/does-not-exist.yaml"),
    /configs\/does-not-exist\.yaml: config file not found/,
  );
});

Deno.test("config: --set overrides are parsed as YAML, validated, and unknown keys rejected", async () => {
  await withYaml("epochs: 5\noptimizer: { lr: 1.0 }", async (file) => {
    const c = await loadClassificationConfig(file, [
      "optimizer.lr=0.5",
      "epochs=3",
      "model.hidden=[512, 512, 512]",
      "rule.centering=false",
      "name=007",
      "optimizer.schedule.kind=step",
    ]);
    assert.equal(c.optimizer.lr, 0.5);
    assert.equal(c.epochs, 3);
    assert.deepEqual(c.model.hidden, [512, 512, 512]);
    assert.equal(c.rule.centering, false);
    assert.equal(c.name, "007", "string keys keep the raw text");
    assert.equal(c.optimizer.schedule.kind, "step");
    assert.throws(
      () => loadClassificationConfig(file, ["optimizer.lr=x"]),
      /optimizer\.lr must be a number, got "x"/,
    );
    assert.throws(
      () => loadClassificationConfig(file, ["optimizer.lrate=1"]),
      /--set: optimizer\.lrate is not a known key/,
    );
    assert.throws(
      () => loadClassificationConfig(file, ["epochs"]),
      /--set: epochs must look like key\.path=value/,
    );
  });
});

Deno.test("config: command-line flags via parseArgs", async () => {
  const { config, resume, configPath } = await parseClassificationArgs([
    "-c",
    "configs/mnist_proposed.yaml",
    "--set",
    "optimizer.momentum=0.9",
    "--epochs",
    "2",
    "--lr",
    "0.25",
    "--variant",
    "dfa",
    "--resume",
  ]);
  assert.equal(configPath, "configs/mnist_proposed.yaml");
  assert.equal(resume, true);
  assert.equal(config.epochs, 2);
  assert.equal(config.optimizer.lr, 0.25);
  assert.equal(config.optimizer.momentum, 0.9);
  assert.equal(config.variant, "dfa");
  assert.throws(() => parseClassificationArgs(["--bogus"]), /Unknown option '--bogus'/);
  assert.throws(() => parseClassificationArgs(["--variant", "sideways"]), /variant must be one of/);
});

Deno.test("schema: generic combinators reusable for other configs", () => {
  const rl = object({
    env: oneOf(["ant", "humanoid"] as const),
    ppo: object({ clip: number({ gt: 0, max: 1, default: 0.2 }), epochs: integer({ min: 1, default: 4 }) }),
    layers: array(integer({ min: 1 }), { minItems: 1, default: [64, 64] }),
    tags: optional(record(string())),
    gamma: union(number({ min: 0, max: 1 }), oneOf(["auto"] as const), { default: "auto" }),
  });
  const c = validate(rl, { env: "ant", tags: { a: "b" }, gamma: 0.97 }, "rl.yaml");
  assert.deepEqual(c, {
    env: "ant",
    ppo: { clip: 0.2, epochs: 4 },
    layers: [64, 64],
    tags: { a: "b" },
    gamma: 0.97,
  });
  assert.throws(() => validate(rl, {}, "rl.yaml"), /rl\.yaml: env is required \(one of ant \| humanoid\)/);
  assert.throws(
    () => validate(rl, { env: "ant", layers: [] }, "rl.yaml"),
    /layers must have at least 1 items/,
  );
  assert.throws(
    () => validate(rl, { env: "ant", tags: { a: 1 } }, "rl.yaml"),
    /tags\.a must be a string, got 1/,
  );
  assert.throws(
    () => validate(rl, { env: "ant", gamma: "x" }, "rl.yaml"),
    /gamma must be a number >= 0 and <= 1 or one of auto, got "x"/,
  );
  assert.throws(
    () => validate(rl, { env: "ant", ppo: { clip: 0 } }, "rl.yaml"),
    /ppo\.clip must be a number > 0 and <= 1, got 0/,
  );
  const custom: Schema<string> = {
    type: "an even-length string",
    check: (v, path) =>
      typeof v === "string" && v.length % 2 === 0 ? v : invalid(path, "must have even length"),
  };
  const wrapper = object({ base: record(anything()), code: custom });
  assert.deepEqual(validate(wrapper, { base: { x: [1] }, code: "ab" }, "w.yaml"), {
    base: { x: [1] },
    code: "ab",
  });
  assert.throws(
    () => validate(wrapper, { base: 3, code: "ab" }, "w.yaml"),
    /^ConfigError: w\.yaml: base must be a map, got 3$/,
  );
  assert.throws(
    () => validate(wrapper, { base: {}, code: "abc" }, "w.yaml"),
    /w\.yaml: code must have even length/,
  );
  assert.throws(() => validate(number(), "x", "f.yaml", "base.lr"), /f\.yaml: base\.lr must be a number/);
});

Deno.test("config: makeClassificationConfig for code, applyOverrides leaves input untouched", () => {
  const raw = { epochs: 4 };
  const merged = applyOverrides(raw, ["seed=9"], classificationSchema as Schema<unknown>);
  assert.deepEqual(raw, { epochs: 4 });
  const c = makeClassificationConfig(merged);
  assert.equal(c.seed, 9);
  assert.equal(c.epochs, 4);
  assert.throws(
    () => makeClassificationConfig({ backend: "tpu" }, "inline"),
    /inline: backend must be one of auto \| cpu \| webgpu, got "tpu"/,
  );
});

Deno.test("config: the ablation experiment expands to a valid run per variant and seed", () => {
  const loaded = loadExperiment("configs/mnist_ablation.yaml");
  const runs = planExperiment(loaded, classificationTask()).map((r) => r.config);
  assert.equal(runs.length, 18);
  const dfa = runs.find((r) => r.variant === "dfa")!;
  assert.equal(dfa.optimizer.kind, "adam");
  assert.deepEqual(runs[0].rule.lrMultipliers, [1, 1, 1]);
  assert.equal(runs[0].name, "proposed_s0");
  assert.throws(
    () =>
      planExperiment(
        { ...loaded, experiment: { ...loaded.experiment, overrides: { epochs: "x" } } },
        classificationTask(),
      ),
    /mnist_ablation\.yaml \(proposed, seed 0\): epochs must be an integer/,
  );
  // --set reaches every key of the experiment file, and each run's keys through `overrides`.
  const small = loadExperiment("configs/mnist_ablation.yaml", [
    "seeds=[4]",
    "overrides.epochs=1",
    "variants=[proposed]",
  ]);
  const plan = planExperiment(small, classificationTask());
  assert.deepEqual(plan.map((r) => [r.variant, r.seed, r.config.epochs]), [["proposed", 4, 1]]);
  assert.throws(
    () => loadExperiment("configs/mnist_ablation.yaml", ["seeds=[1, 1]"]),
    /seeds\[1\] repeats seed 1/,
  );
  assert.throws(
    () =>
      planExperiment(
        loadExperiment("configs/mnist_ablation.yaml", ["variants=[proposed, ed-ppo]"]),
        classificationTask(),
      ),
    /variants\[1\] must be one of proposed \| dfa/,
  );
  assert.throws(
    () => planExperiment(loaded, classificationTask(), ["nope"]),
    /--only must list variants of configs\/mnist_ablation\.yaml/,
  );
});

Deno.test("overrides: prototype keys, holes and huge list indices are refused; merges never touch prototypes", () => {
  const s = classificationSchema as Schema<unknown>;
  for (const bad of ["constructor.prototype.epochs=-7", "__proto__.epochs=1", "toString=1"]) {
    assert.throws(() => applyOverrides({}, [bad], s), ConfigError, bad);
  }
  assert.equal(({} as Record<string, unknown>).epochs, undefined, "Object.prototype untouched");
  assert.throws(() => applyOverrides({}, ["model.hidden.5=64"], s), /indexes a list of 0 items with "5"/);
  assert.throws(() => applyOverrides({}, ["model.hidden.10000000=64"], s), /indexes a list/);
  const appended = applyOverrides({ model: { hidden: [8] } }, ["model.hidden.1=16"], s) as {
    model: { hidden: number[] };
  };
  assert.deepEqual(appended.model.hidden, [8, 16]);
  assert.throws(() => makeClassificationConfig({ constructor: 1 }), /constructor is not a known key/);
  const merged = deepMerge({ a: 1 }, JSON.parse('{"__proto__": {"polluted": 1}, "b": 2}')) as Record<
    string,
    unknown
  >;
  assert.equal(merged.b, 2);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
