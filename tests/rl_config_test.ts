// RL YAML configs (lib/rl/config.ts), the `rl` command line, and RL experiments (algorithms × seeds) through
// the shared experiment runner (lib/experiment/runner.ts with lib/rl/experiment.ts).
import assert from "assert";
import { join, relative } from "node:path";
import { ConfigError } from "../lib/config/schema.ts";
import { loadRlConfig, parseRlArgs, parseRlConfig, resolveRlConfig, rlConfigDocs } from "../lib/rl/config.ts";
import { defaultRlOptions, RL_ENVS } from "../lib/rl/options.ts";
import { ppoShapeProblem } from "../lib/rl/ppo.ts";
import { loadExperiment } from "../lib/experiment/config.ts";
import { planExperiment, runExperiment } from "../lib/experiment/runner.ts";
import { type RunRecord, writeSummary } from "../lib/experiment/summary.ts";
import { EVAL_RETURN, rlTask } from "../lib/rl/experiment.ts";
import { makeRunEnv } from "../envs/mod.ts";
import { runRl } from "../lib/rl/run.ts";
import { readCsv } from "../lib/io/csv.ts";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";

const cpu = new CpuBackend();

const CONFIGS: Record<string, string> = {
  "configs/rl_cartpole.yaml": "cartpole",
  "configs/rl_pendulum.yaml": "pendulum",
  "configs/rl_ant.yaml": "ant",
  "configs/rl_halfcheetah.yaml": "halfcheetah",
  "configs/rl_humanoid.yaml": "humanoid",
  "configs/rl_craftax.yaml": "craftax-classic",
  "configs/rl_craftax_baselines.yaml": "craftax-classic",
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
    assert.equal(ppoShapeProblem(o.ppo), null, file);
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
  await configError(
    () =>
      parseRlConfig("env: ant\nppo: { numEnvs: 12, batchSize: 4, numMinibatches: 4 }\n", "configs/bad.yaml"),
    /^configs\/bad\.yaml: ppo\.numEnvs must divide ppo\.batchSize·ppo\.numMinibatches = 4·4 = 16 \(trajectories per iteration\), got 12$/,
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
  assert.equal(o.name, "rl_halfcheetah_ed-ppo_s3", "the default name follows env, algo and seed");
  assert.equal(o.outDir, "runs");
  assert.equal(parseRlArgs(["-c", "configs/rl_ant.yaml", "--name", "mine"]).name, "mine");
  assert.throws(() => parseRlArgs(["--name", ".."]), /name must match/);
  assert.throws(() => parseRlArgs(["--csv", "x.csv"]), /Unknown option '--csv'/);
  // Without a config the flags alone still work (the pre-config command line).
  const plain = parseRlArgs(["--env", "pendulum", "--algo", "bp-ppo", "--iterations", "7"]);
  assert.deepEqual(
    { env: plain.env, algo: plain.algo, iterations: plain.iterations, seed: plain.seed },
    { env: "pendulum", algo: "bp-ppo", iterations: 7, seed: 0 },
  );
  assert.throws(() => parseRlArgs(["--env", "walker"]), /env must be one of/);
});

const task = rlTask(makeRunEnv);

Deno.test("rl/experiment: the file is validated; each run's options merge base, overrides and variantOverrides", async () => {
  const file = "configs/rl_compare_cartpole.yaml";
  const loaded = loadExperiment(file);
  assert.equal(loaded.experiment.baseline, "ed-ppo");
  const plan = planExperiment(loaded, task);
  const es = plan.find((r) => r.variant === "es" && r.seed === 1)!.config;
  const ed = plan.find((r) => r.variant === "ed-ppo" && r.seed === 2)!.config;
  assert.deepEqual([es.algo, es.seed, es.envSteps], ["es", 1, 102400]);
  assert.deepEqual([ed.algo, ed.seed, ed.envSteps, ed.env], ["ed-ppo", 2, 102400, "cartpole"]);
  assert.equal(join(ed.outDir, ed.name), join(loaded.experiment.outDir, "ed-ppo_s2"));
  for (const f of ["configs/rl_compare_halfcheetah.yaml", "configs/rl_compare_craftax.yaml"]) {
    planExperiment(loadExperiment(f), task);
  }
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "bad.yaml");
  await Deno.writeTextFile(bad, "task: rl\nvariants: [ed-ppo, bp]\n");
  await configError(
    () => planExperiment(loadExperiment(bad), task),
    /bad\.yaml: variants\[1\] must be one of .*, got "bp"/,
  );
  await Deno.writeTextFile(
    bad,
    "task: rl\nvariants: [ed-ppo]\nvariantOverrides: { edppo: { iterations: 3 } }\n",
  );
  await configError(
    () => planExperiment(loadExperiment(bad), task),
    /bad\.yaml: variantOverrides\.edppo is not one of/,
  );
  await Deno.writeTextFile(bad, "task: rl\nvariants: [bp-ppo]\noverrides: { ppo: { clip: -1 } }\n");
  await configError(
    () => planExperiment(loadExperiment(bad), task),
    /bad\.yaml \(bp-ppo, seed 0\): ppo\.clip must be a number > 0, got -1/,
  );
  await Deno.writeTextFile(bad, "variants: [bp-ppo]\n");
  await configError(
    () => planExperiment(loadExperiment(bad), task),
    /bad\.yaml: task is classification, but this is the rl runner/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/experiment: the bp-ppo-relu-rms control row is BP-PPO on ReLU + RMS-norm nets", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "control.yaml");
  const base = relative(dir, join(Deno.cwd(), "configs/rl_halfcheetah.yaml"));
  await Deno.writeTextFile(
    file,
    `task: rl\nbase: ${base}\nvariants: [bp-ppo, bp-ppo-relu-rms]\nseeds: [0]\n`,
  );
  const [bp, control] = planExperiment(loadExperiment(file), task).map((r) => r.config);
  assert.deepEqual([bp.algo, bp.ppo.policy.activation.kind, bp.ppo.policy.rmsNorm], [
    "bp-ppo",
    "silu",
    false,
  ]);
  assert.deepEqual([control.algo, control.name], ["bp-ppo", "bp-ppo-relu-rms_s0"]);
  for (const net of [control.ppo.policy, control.ppo.value]) {
    assert.deepEqual([net.activation.kind, net.rmsNorm], ["relu", true]);
  }
  assert.deepEqual(control.ppo.value.hidden, [256, 256, 256, 256, 256]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/experiment: summary of returns with Welch's t-test against ed-ppo", async () => {
  const run = (variant: string, seed: number, ret: number): RunRecord => ({
    variant,
    seed,
    final: ret,
    perEpoch: [1, 2, 3].map((i) => ({
      iteration: i,
      return: ret * i / 3,
      evalReturn: i === 2 ? NaN : ret / i,
    })),
    extras: { envSteps: 1000, stepsPerSecond: 500, iterationStepsPerSecond: 600 },
  });
  const runs = [run("ed-ppo", 0, 100), run("ed-ppo", 1, 110), run("ed-ppo", 2, 120)]
    .concat([run("bp-ppo", 0, 50), run("bp-ppo", 1, 60), run("bp-ppo", 2, 55)]);
  const dir = await Deno.makeTempDir();
  const { files } = await writeSummary(dir, runs, {
    title: "T",
    baseline: "ed-ppo",
    metric: EVAL_RETURN,
    columns: task.columns,
    plots: task.plots,
    variantLabel: task.variantLabel,
    epochKey: task.epochKey,
  });
  assert.deepEqual(
    files.map((f) => f.slice(dir.length + 1)).sort(),
    ["evalReturn.svg", "return.svg", "runs.csv", "summary.csv", "summary.md"],
  );
  const md = await Deno.readTextFile(join(dir, "summary.md"));
  assert.match(md, /\| algorithm \| seeds \| final eval return \|/);
  assert.match(md, /\| ed-ppo \| 3 \| 110\.0 ± 10\.0 \| — \| — \| 1000 \| 500 \| 600 \|/);
  assert.match(md, /\| bp-ppo \| 3 \| 55\.0 ± 5\.0 \| -55\.0 \| 0\.0\d+ \|/);
  const csv = await Deno.readTextFile(join(dir, "summary.csv"));
  assert.ok(
    csv.startsWith("variant,n,seeds,mean_eval_return,std_eval_return,delta,welch_t,welch_df,welch_p"),
  );
  // Evaluations at iterations 1 and 3 only: the sparse plot keeps those two points.
  const evalSvg = await Deno.readTextFile(join(dir, "evalReturn.svg"));
  assert.ok(evalSvg.startsWith("<svg") && !evalSvg.includes("NaN"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/experiment: runs algos × seeds end to end, resumes nothing twice, reads finished runs back", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "cmp.yaml");
  await Deno.writeTextFile(
    file,
    [
      "task: rl",
      "variants: [ed-ppo, bp-ppo]",
      "seeds: [0, 1]",
      "overrides:",
      "  env: cartpole",
      "  iterations: 2",
      "  evalEpisodes: 2",
      "  ppo: { numEnvs: 4, unrollLength: 16, batchSize: 2, numMinibatches: 2, updateEpochs: 1 }",
      `outDir: ${join(dir, "out")}`,
    ].join("\n"),
  );
  const lines: string[] = [];
  const first = await runExperiment(loadExperiment(file), task, { log: (l) => lines.push(l) });
  assert.equal(first.records.length, 4);
  // The summary states the settings the runs used (after every override), not only the file's title.
  const md = await Deno.readTextFile(join(dir, "out", "summary.md"));
  assert.match(
    md,
    /Runs: cartpole, PPO 2 iterations × 64 = 128 env steps, policy 64-64, value 64-64\./,
  );
  for (const r of first.records) {
    assert.ok(Number.isFinite(r.final) && r.extras!.envSteps === 128 && r.extras!.stepsPerSecond > 0);
  }
  const again = await runExperiment(loadExperiment(file), task, {
    log: (l) => lines.push(l),
    only: ["bp-ppo"],
  });
  assert.equal(again.records.length, 2);
  assert.equal(lines.filter((l) => l.includes("finished earlier")).length, 2);
  assert.deepEqual(again.records.map((r) => r.final), first.records.slice(2).map((r) => r.final));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/run: an env-step budget ends PPO and ES runs at the iteration that reaches it", async () => {
  const dir = await Deno.makeTempDir();
  for (const algo of ["bp-ppo", "es"] as const) {
    const o = {
      ...defaultRlOptions("cartpole", algo),
      iterations: 1000,
      envSteps: 300,
      outDir: dir,
      evalEpisodes: 2,
    };
    o.ppo = { ...o.ppo, numEnvs: 4, unrollLength: 16, batchSize: 2, numMinibatches: 2, updateEpochs: 1 };
    o.es = { ...o.es, populationSize: 2 };
    const result = await runRl(o, { backend: cpu, makeEnv: makeRunEnv, log: null });
    const rows = await readCsv(join(result.dir, "metrics.csv"));
    const steps = rows.map((r) => Number(r.env_steps));
    assert.ok(steps.at(-1)! >= 300 && (steps.length < 2 || steps.at(-2)! < 300), `${algo}: ${steps}`);
    assert.deepEqual(
      [result.iterations, result.iterationLimit, result.envStepBudget, result.envSteps],
      [rows.length, 1000, 300, steps.at(-1)],
    );
    if (algo === "bp-ppo") assert.equal(result.iterations, 5, "64 steps per iteration: 5 reach 300");
    assert.ok(rows.at(-1)!.eval_return !== "", "the last iteration is evaluated");
    const svg = await Deno.readTextFile(join(result.dir, "return.svg"));
    assert.ok(svg.startsWith("<svg") && svg.includes("evaluation") && !svg.includes("NaN"), algo);
  }
  await Deno.remove(dir, { recursive: true });
});
