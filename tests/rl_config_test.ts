// RL YAML configs (lib/rl/config.ts), the train.ts command line and the comparison runner (lib/rl/compare.ts).
import assert from "assert";
import { join } from "node:path";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { ConfigError } from "../lib/experiment/schema.ts";
import { loadRlConfig, parseRlConfig, resolveRlConfig, rlConfigDocs } from "../lib/rl/config.ts";
import { defaultRlOptions, RL_ENVS } from "../lib/rl/options.ts";
import { parseRlArgs } from "../lib/rl/train.ts";
import {
  type CompareRun,
  compareRunOptions,
  loadCompare,
  runCompare,
  writeCompareSummary,
} from "../lib/rl/compare.ts";

const CONFIGS: Record<string, string> = {
  "configs/rl_cartpole.yaml": "cartpole",
  "configs/rl_pendulum.yaml": "pendulum",
  "configs/rl_ant.yaml": "ant",
  "configs/rl_halfcheetah.yaml": "halfcheetah",
  "configs/rl_humanoid.yaml": "humanoid",
  "configs/rl_craftax.yaml": "craftax-classic",
};

/** Asserts that `f` throws a ConfigError whose message matches every pattern. */
async function configError(f: () => unknown, ...patterns: RegExp[]): Promise<ConfigError> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
  for (const p of patterns) assert.match(err.message, p);
  return err;
}

Deno.test("rl/config: every shipped config loads, names its env and divides into minibatches", async () => {
  for (const [file, env] of Object.entries(CONFIGS)) {
    const o = await loadRlConfig(file);
    assert.equal(o.env, env, file);
    assert.equal(o.ppo.algo, o.algo);
    assert.equal((o.ppo.numEnvs * o.ppo.unrollLength) % o.ppo.numMinibatches, 0, file);
    for (const algo of ["bp-ppo", "dfa-ppo", "ed-ppo-nondale", "es"] as const) {
      const other = await loadRlConfig(file, [`algo=${algo}`]);
      assert.equal(other.ppo.algo, algo === "es" ? "bp-ppo" : algo);
    }
  }
  for (const env of RL_ENVS) assert.ok(Object.values(CONFIGS).includes(env), `a config for ${env}`);
});

Deno.test("rl/config: an empty config is the defaults; a file lists only what differs", () => {
  assert.deepEqual(resolveRlConfig({}), defaultRlOptions("cartpole", "ed-ppo"));
  const o = parseRlConfig("env: halfcheetah\nalgo: bp-ppo\nppo: { value: { hidden: [16] } }\n", "x.yaml");
  const d = defaultRlOptions("halfcheetah", "bp-ppo");
  assert.deepEqual(o.ppo.value.hidden, [16]);
  assert.deepEqual(o.ppo.value.activation, d.ppo.value.activation); // merged, not replaced
  assert.equal(o.ppo.policy.activation.kind, "silu"); // Brax's swish for BP
  const ed = parseRlConfig("env: halfcheetah\n", "x.yaml");
  assert.equal(ed.ppo.policy.activation.kind, "relu"); // dual-stream ReLU for ED
  assert.equal(ed.episodeLength, undefined);
  assert.ok(rlConfigDocs().includes("`ppo.learningRate`"));
});

Deno.test("rl/config: errors name the file and the key path", async () => {
  await configError(
    () => parseRlConfig("env: halfcheetah\nppo:\n  learningrate: 0.1\n", "configs/bad.yaml"),
    /^configs\/bad\.yaml: ppo\.learningrate is not a known key \(did you mean "learningRate"\?\)/,
  );
  await configError(
    () => parseRlConfig("env: ant\nppo: { numEnvs: 0.5 }\n", "configs/bad.yaml"),
    /^configs\/bad\.yaml: ppo\.numEnvs must be an integer, got 0\.5/,
  );
  await configError(
    () => parseRlConfig("env: cheetah\n", "a.yaml"),
    /^a\.yaml: env must be one of .*halfcheetah.*, got "cheetah"/,
  );
  await configError(() => parseRlConfig("algo: ppo\n", "a.yaml"), /^a\.yaml: algo must be one of/);
  await configError(
    () => parseRlConfig("env: ant\nppo: { policy: { activation: { kind: swish } } }\n", "a.yaml"),
    /^a\.yaml: ppo\.policy\.activation\.kind must be one of/,
  );
  await configError(
    () => parseRlConfig("env: ant\nepisodeLength: 2000\n", "a.yaml"),
    /^a\.yaml: episodeLength must be an integer >= 1 and <= 1000, got 2000/,
  );
  await configError(() => parseRlConfig("- 1\n", "list.yaml"), /^list\.yaml: config must be an object/);
  await configError(
    () => parseRlConfig("env: [\n", "broken.yaml"),
    /^broken\.yaml: config is not valid YAML/,
  );
  await configError(
    () => loadRlConfig("configs/does_not_exist.yaml"),
    /does_not_exist\.yaml: config file not found/,
  );
  await configError(
    () => loadRlConfig("configs/rl_ant.yaml", ["ppo.gama=0.9"]),
    /^--set: ppo\.gama is not a known key \(did you mean "gamma"\?\)/,
  );
  await configError(
    () => loadRlConfig("configs/rl_ant.yaml", ["ppo.gamma=high"]),
    /^configs\/rl_ant\.yaml \(with --set ppo\.gamma=high\): ppo\.gamma must be a number, got "high"/,
  );
});

Deno.test("rl/config: the command line reads a config, then --set, then the shorthand flags", () => {
  const o = parseRlArgs([
    "--config",
    "configs/rl_halfcheetah.yaml",
    "--set",
    "ppo.numEnvs=8",
    "--seed",
    "3",
    "--lr",
    "0.001",
    "--episode-length",
    "100",
  ]);
  assert.equal(o.env, "halfcheetah");
  assert.equal(o.seed, 3);
  assert.equal(o.ppo.numEnvs, 8);
  assert.equal(o.ppo.learningRate, 0.001);
  assert.equal(o.es.learningRate, 0.001);
  assert.equal(o.episodeLength, 100);
  assert.equal(o.csv, "runs/rl_halfcheetah_ed-ppo_s3.csv");
  assert.equal(parseRlArgs(["-c", "configs/rl_ant.yaml", "--csv", ""]).csv, "");
  // Without a config the flags alone still work (the pre-config command line).
  const plain = parseRlArgs(["--env", "pendulum", "--algo", "bp-ppo", "--iterations", "7"]);
  assert.deepEqual(
    { env: plain.env, algo: plain.algo, iterations: plain.iterations, seed: plain.seed },
    { env: "pendulum", algo: "bp-ppo", iterations: 7, seed: 0 },
  );
  assert.throws(() => parseRlArgs(["--env", "walker"]), /env must be one of/);
});

Deno.test("rl/compare: the file is validated; each run's options merge base, overrides and algoOverrides", async () => {
  const file = "configs/rl_compare_cartpole.yaml";
  const { compare, base } = await loadCompare(file);
  assert.equal(compare.baseline, "ed-ppo");
  const es = compareRunOptions(file, compare, base, "es", 1);
  const ed = compareRunOptions(file, compare, base, "ed-ppo", 2);
  assert.deepEqual([es.algo, es.seed, es.iterations], ["es", 1, 40]);
  assert.deepEqual([ed.algo, ed.seed, ed.iterations, ed.env], ["ed-ppo", 2, 60, "cartpole"]);
  assert.equal(ed.csv, join(compare.outDir, "ed-ppo_s2.csv"));
  for (const f of ["configs/rl_compare_halfcheetah.yaml", "configs/rl_compare_craftax.yaml"]) {
    const c = await loadCompare(f);
    for (const algo of c.compare.algos) compareRunOptions(f, c.compare, c.base, algo, 0);
  }
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "bad.yaml");
  await Deno.writeTextFile(bad, "algos: [ed-ppo, bp]\n");
  await configError(() => loadCompare(bad), /bad\.yaml: algos\[1\] must be one of .*, got "bp"/);
  await Deno.writeTextFile(bad, "algoOverrides: { edppo: { iterations: 3 } }\n");
  await configError(() => loadCompare(bad), /bad\.yaml: algoOverrides\.edppo is not one of/);
  await Deno.writeTextFile(bad, "overrides: { ppo: { clip: -1 } }\n");
  const c = await loadCompare(bad);
  await configError(
    () => compareRunOptions(bad, c.compare, c.base, "bp-ppo", 0),
    /bad\.yaml \(bp-ppo, seed 0\): ppo\.clip must be a number > 0, got -1/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/compare: summary of returns with Welch's t-test against ed-ppo", async () => {
  const run = (algo: "ed-ppo" | "bp-ppo", seed: number, ret: number): CompareRun => ({
    algo,
    seed,
    finalEvalReturn: ret,
    finalTrainReturn: ret,
    envSteps: 1000,
    seconds: 2,
    stepsPerSecond: 500,
    trainStepsPerSecond: 600,
    returns: [NaN, ret / 2, ret],
    evalReturns: [NaN, ret / 3, ret],
    steps: [333, 666, 1000],
  });
  const runs = [run("ed-ppo", 0, 100), run("ed-ppo", 1, 110), run("ed-ppo", 2, 120)]
    .concat([run("bp-ppo", 0, 50), run("bp-ppo", 1, 60), run("bp-ppo", 2, 55)]);
  const dir = await Deno.makeTempDir();
  const files = await writeCompareSummary(dir, runs, { title: "T", baseline: "ed-ppo" });
  assert.deepEqual(
    files.map((f) => f.slice(dir.length + 1)).sort(),
    ["eval_return.svg", "return.svg", "runs.csv", "summary.csv", "summary.md"],
  );
  const md = await Deno.readTextFile(join(dir, "summary.md"));
  assert.match(md, /\| ed-ppo \| 3 \| 110\.0 ± 10\.0 \| — \| — \| 1000 \| 500 \| 600 \|/);
  assert.match(md, /\| bp-ppo \| 3 \| 55\.0 ± 5\.0 \| -55\.0 \| 0\.0\d+ \|/);
  const csv = await Deno.readTextFile(join(dir, "summary.csv"));
  assert.ok(csv.startsWith("algo,n,seeds,mean_eval_return,std_eval_return,welch_t,welch_df,welch_p"));
  assert.ok((await Deno.readTextFile(join(dir, "return.svg"))).startsWith("<svg"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/compare: runs algos × seeds end to end and reads finished runs back", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "cmp.yaml");
  await Deno.writeTextFile(
    file,
    [
      "algos: [ed-ppo, bp-ppo]",
      "seeds: [0, 1]",
      "overrides:",
      "  env: cartpole",
      "  iterations: 2",
      "  evalEpisodes: 2",
      "  ppo: { numEnvs: 4, unrollLength: 16, numMinibatches: 2, updateEpochs: 1 }",
      `outDir: ${join(dir, "out")}`,
    ].join("\n"),
  );
  const cpu = new CpuBackend();
  const { compare, base } = await loadCompare(file);
  const lines: string[] = [];
  const runs = await runCompare(file, compare, base, cpu, { log: (l) => lines.push(l) });
  assert.equal(runs.length, 4);
  for (const r of runs) {
    assert.ok(Number.isFinite(r.finalEvalReturn) && r.envSteps === 128 && r.stepsPerSecond > 0);
  }
  const again = await runCompare(file, compare, base, cpu, { log: (l) => lines.push(l), only: ["bp-ppo"] });
  assert.equal(again.length, 2);
  assert.equal(lines.filter((l) => l.includes("finished earlier")).length, 2);
  assert.deepEqual(again.map((r) => r.finalEvalReturn), runs.slice(2).map((r) => r.finalEvalReturn));
  await writeCompareSummary(compare.outDir, runs);
  await Deno.remove(dir, { recursive: true });
});
