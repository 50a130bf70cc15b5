// The sweep: expansion of sweep files into runs, its bad-input errors, the folder checks, the status of
// runs (run folders, sweep.json, squeue through a fake), aggregation, the SLURM script and parsing, and
// the local executor (with fake run commands, and once end to end with two tiny MNIST runs).
import assert from "assert";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { ConfigError } from "../lib/config/schema.ts";
import { UsageError } from "../lib/io/command.ts";
import type { ExperimentTask } from "../lib/experiment/task.ts";
import { welchTTest } from "../lib/experiment/stats.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { rlTask } from "../lib/rl/experiment.ts";
import { makeRunEnv } from "../envs/mod.ts";
import { loadSweep } from "../lib/sweep/config.ts";
import { findRun, planSweep, type SweepPlan } from "../lib/sweep/plan.ts";
import { openSweepFolder, readManifest, writeManifest } from "../lib/sweep/folder.ts";
import { sweepStatus } from "../lib/sweep/status.ts";
import { aggregateSweep } from "../lib/sweep/aggregate.ts";
import {
  arrayScript,
  type Exec,
  parseSqueue,
  querySlurm,
  submitScript,
  systemExec,
} from "../lib/sweep/slurm.ts";
import { submitSweep } from "../lib/sweep/slurm_executor.ts";
import { LOCK_FILE, runLocal, threadsPerRun } from "../lib/sweep/local.ts";
import { main as sweepMain } from "../cli/sweep.ts";
import type { ClassificationConfig } from "../lib/train/config.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MNIST_BASE = join(ROOT, "configs/mnist_proposed.yaml");
const CARTPOLE_BASE = join(ROOT, "configs/rl_cartpole.yaml");
const tasks = (name: string) =>
  (name === "rl" ? rlTask(makeRunEnv) : classificationTask()) as ExperimentTask<unknown>;
const quiet = () => {};

/** A temp folder with `files` (name → YAML value or text) written into it. */
async function withFiles(
  files: Record<string, unknown>,
  fn: (dir: string) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sweep_test_" });
  try {
    for (const [name, value] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(dir, name)), { recursive: true });
      await Deno.writeTextFile(join(dir, name), typeof value === "string" ? value : toYaml(value));
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sweep: expansion gives stable run ids, folders and merged configs", async () => {
  await withFiles({
    "exps/base.yaml": { epochs: 3, dataset: { name: "mnist", trainSubset: 500 }, model: { hidden: [8] } },
    "exps/cls.yaml": {
      name: "from the file",
      base: "base.yaml", // relative to exps/, not to the sweep file
      variants: ["proposed", "dfa", "seed"],
      seeds: [7],
      overrides: { epochs: 4, batchSize: 64, checkpointEvery: 3 },
      outDir: "ignored",
    },
  }, (dir) => {
    const file = join(dir, "sweep.yaml");
    Deno.writeTextFileSync(
      file,
      toYaml({
        name: "unit sweep",
        outDir: join(dir, "out"),
        seeds: [0, 1],
        overrides: { backend: "cpu", checkpointEvery: 2 },
        experiments: {
          cls: { experiment: "exps/cls.yaml", variants: ["proposed", "dfa"], overrides: { epochs: 2 } },
          rl: {
            task: "rl",
            base: CARTPOLE_BASE,
            variants: ["ed-ppo", "es"],
            seeds: [3],
            overrides: { iterations: 5 },
          },
        },
      }),
    );
    const plan = planSweep(loadSweep(file), tasks);
    assert.deepEqual(plan.runs.map((r) => r.id), [
      "cls/proposed_s0",
      "cls/proposed_s1",
      "cls/dfa_s0",
      "cls/dfa_s1",
      "rl/ed-ppo_s3",
      "rl/es_s3",
    ]);
    assert.equal(plan.runs[2].dir, join(dir, "out", "cls", "dfa_s0"));
    const c = plan.runs[2].config as ClassificationConfig;
    assert.equal(c.variant, "dfa");
    assert.equal(c.seed, 0); // the sweep's seeds win over the file's [7]
    assert.equal(c.epochs, 2); // entry ⊕ ...
    assert.equal(c.checkpointEvery, 2); // ... sweep ⊕ file overrides
    assert.equal(c.batchSize, 64); // the file's overrides stay
    assert.equal(c.backend, "cpu");
    assert.equal(c.dataset.trainSubset, 500); // from the file's base, found next to the file
    assert.equal(c.outDir, join(dir, "out", "cls"));
    assert.equal(plan.experiments[0].loaded.experiment.name, "from the file");
    assert.equal(plan.experiments[1].loaded.experiment.name, "rl"); // default: the id
    const rl = plan.runs[5].config as { algo: string; seed: number; iterations: number; backend: string };
    assert.deepEqual([rl.algo, rl.seed, rl.iterations, rl.backend], ["es", 3, 5, "cpu"]);
    assert.equal(findRun(plan, "rl/es_s3").experiment.id, "rl");
    assert.throws(
      () => findRun(plan, "rl/es_s9"),
      /run "rl\/es_s9" is not in .*sweep\.yaml \(its runs: cls\/proposed_s0/,
    );
    // --set reaches an experiment's keys; the name defaults to the file's.
    const set = loadSweep(file, ["experiments.cls.seeds=[5]", "name=other"]);
    assert.equal(set.config.name, "other");
    assert.deepEqual(planSweep(set, tasks).runs.slice(0, 2).map((r) => r.id), [
      "cls/proposed_s5",
      "cls/dfa_s5",
    ]);
  });
});

Deno.test("sweep: bad sweep files are one-line errors naming the file and key", async () => {
  const cases: [unknown, RegExp][] = [
    [
      { experiments: { a: { task: "regression" } } },
      /sweep\.yaml: experiments\.a\.task must be one of classification \| rl/,
    ],
    [
      { experiments: { a: { base: MNIST_BASE, variants: ["proposed", "dfaa"] } } },
      /sweep\.yaml, experiment "a": variants\[1\] must be one of proposed \| dfa .*got "dfaa"/,
    ],
    [
      { experiments: { a: { base: MNIST_BASE, seeds: [0, 1, 0] } } },
      /experiment "a": seeds\[2\] repeats seed 0/,
    ],
    [
      { seeds: [2, 2], experiments: { a: { base: MNIST_BASE } } },
      /experiment "a": seeds\[1\] repeats seed 2/,
    ],
    [{ experiments: { a: { base: MNIST_BASE, outDir: "x" } } }, /experiments\.a\.outDir is not a known key/],
    [{ experiments: { "a/b": { base: MNIST_BASE } } }, /experiments\.a\/b must be a folder name/],
    [{ experiments: {} }, /sweep\.yaml: experiments must name at least one experiment/],
    [{ experiments: { a: { experiment: "missing.yaml" } } }, /missing\.yaml: config file not found/],
    [
      { experiments: { a: { base: MNIST_BASE, variantOverrides: { dfx: {} } } } },
      /variantOverrides\.dfx is not one of/,
    ],
    [
      { experiments: { a: { base: MNIST_BASE, overrides: { epocs: 2 } } } },
      /experiment "a" \(proposed, seed 0\): epocs/,
    ],
    [{ slurm: { time: "soon" }, experiments: { a: {} } }, /sweep\.yaml: slurm\.time must match/],
    [{ experiments: { a: { slurm: { gpus: -1 } } } }, /experiments\.a\.slurm\.gpus must be an integer >= 0/],
    [{ parallel: 0, experiments: { a: {} } }, /sweep\.yaml: parallel must be an integer >= 1/],
  ];
  for (const [sweep, message] of cases) {
    await withFiles({ "sweep.yaml": sweep }, (dir) => {
      assert.throws(() => planSweep(loadSweep(join(dir, "sweep.yaml")), tasks), (e: Error) => {
        assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
        assert.match(e.message, message);
        assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
        return true;
      });
    });
  }
});

/** A classification sweep of `variants` × `seeds` (1 epoch) into <dir>/out. */
function tinySweep(
  dir: string,
  variants: string[],
  seeds: number[],
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, "sweep.yaml");
  Deno.writeTextFileSync(
    file,
    toYaml({
      name: "tiny",
      outDir: join(dir, "out"),
      seeds,
      overrides: { backend: "cpu" },
      ...extra,
      experiments: {
        cls: {
          base: MNIST_BASE,
          variants,
          overrides: {
            epochs: 1,
            dataset: { name: "mnist", trainSubset: 300, testSubset: 200 },
            model: { hidden: [8] },
            rule: { lrMultipliers: [10, 1] },
          },
        },
      },
    }),
  );
  return file;
}

/** Writes a finished 1-epoch classification run (metrics.csv) with this final test accuracy. */
async function fakeFinished(plan: SweepPlan, id: string, accuracy: number): Promise<void> {
  const run = plan.runs.find((r) => r.id === id)!;
  await Deno.mkdir(run.dir, { recursive: true });
  await Deno.writeTextFile(
    join(run.dir, "metrics.csv"),
    `epoch,test_accuracy,train_loss\n1,${accuracy},0.5\n`,
  );
}

Deno.test("sweep folder: refuses another sweep's folder, a foreign folder and runs of another config", async () => {
  await withFiles({}, async (dir) => {
    const plan = planSweep(loadSweep(tinySweep(dir, ["proposed"], [0, 1])), tasks);
    assert.equal(await openSweepFolder(plan, { create: false }), null);
    const m = await openSweepFolder(plan, { create: true });
    assert.equal(m?.sweep, "tiny");
    assert.equal((await readManifest(join(dir, "out")))?.sweep, "tiny");
    // The same folder under another sweep's name.
    const other = planSweep(loadSweep(join(dir, "sweep.yaml"), ["name=other"]), tasks);
    await assert.rejects(
      openSweepFolder(other, { create: true }),
      /out belongs to sweep "tiny" \(.*sweep\.yaml\), not "other" .*give this sweep another outDir/,
    );
    // A folder that is not a sweep's.
    await Deno.mkdir(join(dir, "foreign"));
    await Deno.writeTextFile(join(dir, "foreign", "notes.txt"), "mine");
    const foreign = planSweep(loadSweep(join(dir, "sweep.yaml"), [`outDir=${join(dir, "foreign")}`]), tasks);
    await assert.rejects(
      openSweepFolder(foreign, { create: true }),
      /foreign exists and is not a sweep's folder/,
    );
    // A run folder whose config differs in a key that defines the run; resumable keys may differ.
    const run = plan.runs[1];
    await Deno.mkdir(run.dir, { recursive: true });
    const saved = structuredClone(run.config) as ClassificationConfig;
    saved.epochs = 9;
    saved.backend = "webgpu";
    await Deno.writeTextFile(join(run.dir, "config.yaml"), toYaml(saved));
    await openSweepFolder(plan, { create: true });
    saved.optimizer.lr = 0.123;
    await Deno.writeTextFile(join(run.dir, "config.yaml"), toYaml(saved));
    await assert.rejects(openSweepFolder(plan, { create: true }), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(
        e.message,
        /proposed_s1 holds a run with another optimizer\.lr than .*sweep\.yaml gives cls\/proposed_s1/,
      );
      return true;
    });
  });
});

Deno.test("sweep status and aggregation: finished runs make the tables, a failed element is listed with its log", async () => {
  await withFiles({}, async (dir) => {
    const plan = planSweep(loadSweep(tinySweep(dir, ["proposed", "dfa"], [0, 1, 2])), tasks);
    const manifest = (await openSweepFolder(plan, { create: true }))!;
    const proposed = [0.91, 0.93, 0.92], dfa = [0.95, 0.96];
    for (const [i, a] of proposed.entries()) await fakeFinished(plan, `cls/proposed_s${i}`, a);
    for (const [i, a] of dfa.entries()) await fakeFinished(plan, `cls/dfa_s${i}`, a);
    manifest.submissions.push({
      experiment: "cls",
      jobId: "7",
      runs: ["cls/dfa_s1", "cls/dfa_s2"],
      script: "x.sbatch",
      submitted: new Date().toISOString(),
    });
    await writeManifest(join(dir, "out"), manifest);
    const calls: string[][] = [];
    const exec: Exec = (command, args) => {
      calls.push([command, ...args]);
      return Promise.resolve({
        code: 0,
        stdout:
          "7_0|7|0|COMPLETED|None|0:05|1:00|localhost\n7_1|7|1|FAILED|NonZeroExitCode|0:01|1:00|(NonZeroExitCode)\n",
        stderr: "",
      });
    };
    const status = await sweepStatus(plan, manifest, exec);
    assert.deepEqual(calls, [[
      "squeue",
      "-r",
      "-t",
      "all",
      "-h",
      "-j",
      "7",
      "-o",
      "%i|%F|%K|%T|%r|%M|%l|%R",
    ]]);
    assert.deepEqual(status.runs.map((s) => s.state), [...Array(5).fill("finished"), "failed"]);
    const failed = status.runs[5];
    assert.equal(failed.log, join(dir, "out", "slurm", "cls", "7_1.log"));
    assert.match(failed.detail, /job 7_1 FAILED \(NonZeroExitCode\); no run folder/);

    const { rows } = await aggregateSweep(plan, status, quiet);
    const table = await Deno.readTextFile(join(dir, "out", "summary.csv"));
    const lines = table.trim().split("\n");
    assert.equal(lines[0], "experiment,variant,metric,n,seeds,mean,std,delta,welch_t,welch_df,welch_p");
    const w = welchTTest(dfa, proposed);
    const [p, d] = rows.get("cls")!;
    assert.deepEqual([p.variant, p.n, d.variant, d.n], ["proposed", 3, "dfa", 2]);
    assert.ok(Math.abs(p.mean - 0.92) < 1e-12 && Math.abs(d.mean - 0.955) < 1e-12);
    assert.equal(d.p, w.p);
    assert.equal(lines[2], `cls,dfa,test_acc,2,0 1,${d.mean},${d.std},${d.delta},${w.t},${w.df},${w.p}`);
    const md = await Deno.readTextFile(join(dir, "out", "summary.md"));
    assert.match(md, /5 of 6 runs finished/);
    assert.match(md, /\| dfa \| 2 \| 95\.50 ± 0\.71 \| \+3\.50 \|/);
    assert.match(
      md,
      /Missing: `cls\/dfa_s2` \(failed: job 7_1 FAILED \(NonZeroExitCode\); no run folder, log `.*7_1\.log`\)/,
    );
    const own = await Deno.readTextFile(join(dir, "out", "cls", "summary.md"));
    assert.match(own, /Missing \(not finished, left out of the table\): `dfa_s2`/);
    const runs = await Deno.readTextFile(join(dir, "out", "runs.csv"));
    assert.match(runs, /cls\/proposed_s1,cls,proposed,1,finished,0\.93,,/);
    assert.match(runs, /cls\/dfa_s2,cls,dfa,2,failed,,/);

    // A job SLURM has forgotten counts as ended; squeue exiting 1 on such ids is no error.
    const forgot: Exec = () =>
      Promise.resolve({ code: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified\n" });
    const later = await sweepStatus(plan, manifest, forgot);
    assert.deepEqual([later.runs[5].state, later.runs[5].detail], [
      "not started",
      "job 7_1 ended, forgotten by SLURM; no run folder",
    ]);
    assert.equal(later.runs[5].log, failed.log);
    // squeue missing: the states come from the run folders, with the reason.
    const missing: Exec = () =>
      Promise.reject(new UsageError("squeue not found: the slurm executor needs ..."));
    const unknown = await sweepStatus(plan, manifest, missing);
    assert.deepEqual([unknown.runs[5].state, unknown.runs[5].detail], [
      "not started",
      "job 7_1: state unknown; no run folder",
    ]);
    assert.match(unknown.slurmProblem ?? "", /squeue not found/);
  });
});

Deno.test("slurm: squeue lines, sbatch answers and failures", async () => {
  const els = parseSqueue(
    "5_1|5|1|FAILED|NonZeroExitCode|0:01|1:00|(NonZeroExitCode)\n" +
      "9|9|N/A|RUNNING|None|0:10|1:00|node1\n" + // not an array element
      "6_0|6|0|COMPLETING+|None|1-02:03:04|2-00:00:00|node2\n\n",
  );
  assert.deepEqual(els.map((e) => [e.arrayJobId, e.index, e.state, e.elapsed, e.where]), [
    ["5", 1, "FAILED", "0:01", "(NonZeroExitCode)"],
    ["6", 0, "COMPLETING", "1-02:03:04", "node2"],
  ]);
  const failing: Exec = () =>
    Promise.resolve({ code: 1, stdout: "", stderr: "squeue: error: Unable to contact slurm controller\n" });
  await assert.rejects(
    querySlurm(["5"], failing),
    /squeue -r .* failed \(exit 1\): squeue: error: Unable to contact slurm controller$/,
  );
  assert.equal((await querySlurm([], failing)).size, 0); // nothing to ask

  const ok: Exec = () => Promise.resolve({ code: 0, stdout: "42;cluster\n", stderr: "" });
  assert.equal(await submitScript("a.sbatch", ok), "42");
  const refused: Exec = () =>
    Promise.resolve({
      code: 1,
      stdout: "",
      stderr: "sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed\n",
    });
  await assert.rejects(
    submitScript("a.sbatch", refused),
    /^Error: sbatch --parsable a\.sbatch failed \(exit 1\): sbatch: error: invalid partition specified: gpu \/ sbatch: error: Batch job submission failed$/,
  );
  await assert.rejects(systemExec("sbatch-that-does-not-exist", []), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.match(
      e.message,
      /^sbatch-that-does-not-exist not found: the slurm executor needs SLURM's commands/,
    );
    return true;
  });
});

Deno.test("slurm: the array script asks for the resources and runs element i's run", async () => {
  await withFiles({}, async (dir) => {
    const text = arrayScript({
      jobName: "paper.mnist",
      runs: ["mnist/proposed_s0", "mnist/proposed_s1", "mnist/dfa_s0"],
      resources: {
        partition: "gpu",
        time: "1-00:00:00",
        cpus: 4,
        gpus: 1,
        mem: "16G",
        account: undefined,
        qos: "long",
        maxParallel: 2,
        options: ["--constraint=a100"],
        setup: ["export SETUP_RAN=yes"],
      },
      logDir: join(dir, "logs"),
      workDir: dir,
      command: ["bash", "-c", 'echo "cwd=$PWD threads=$CPU_THREADS setup=$SETUP_RAN args=$*"', "element"],
    });
    for (
      const line of [
        "#SBATCH --array=0-2%2",
        `#SBATCH --output=${join(dir, "logs")}/%A_%a.log`,
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --gres=gpu:1",
        "#SBATCH --time=1-00:00:00",
        "#SBATCH --partition=gpu",
        "#SBATCH --mem=16G",
        "#SBATCH --qos=long",
        "#SBATCH --requeue",
        "#SBATCH --constraint=a100",
      ]
    ) assert.ok(text.includes(line + "\n"), `missing ${line}`);
    assert.ok(!text.includes("--account"));
    const script = join(dir, "a.sbatch");
    await Deno.writeTextFile(script, text);
    const out = await new Deno.Command("bash", {
      args: [script],
      env: { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_JOB_ID: "5", SLURM_CPUS_PER_TASK: "4" },
      stdout: "piped",
    }).output();
    assert.equal(out.code, 0);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.match(lines[0], /^=== .* element 5_2 \(restart 0\) on .*: mnist\/dfa_s0$/);
    assert.equal(lines[1], `cwd=${dir} threads=4 setup=yes args=--run mnist/dfa_s0`);
  });
});

Deno.test("slurm executor: one array per experiment, recorded in sweep.json; a dry run submits nothing", async () => {
  await withFiles({}, async (dir) => {
    const file = tinySweep(dir, ["proposed", "dfa"], [0, 1], { slurm: { cpus: 2, partition: "p" } });
    const plan = planSweep(loadSweep(file), tasks);
    const manifest = (await openSweepFolder(plan, { create: true }))!;
    const submitted: string[] = [];
    const exec: Exec = (command, args) => {
      submitted.push(`${command} ${args.join(" ")}`);
      return Promise.resolve({ code: 0, stdout: "31\n", stderr: "" });
    };
    const runs = plan.runs.filter((r) => r.id !== "cls/proposed_s0");
    const printed: string[] = [];
    const scripts = await submitSweep(plan, manifest, runs, {
      command: ["x"],
      dryRun: true,
      log: (l) => printed.push(l),
    });
    assert.deepEqual(submitted, []);
    assert.match(scripts[0], /^#!\/bin\/bash\n/);
    assert.ok(printed[0].startsWith(`--- ${join(dir, "out", "slurm", "cls-1.sbatch")} (3 runs; not written`));
    assert.equal(await Deno.stat(join(dir, "out", "slurm")).then(() => true, () => false), false);
    assert.deepEqual(await submitSweep(plan, manifest, runs, { command: ["x"], exec, log: quiet }), ["31"]);
    assert.deepEqual(submitted, [`sbatch --parsable ${join(dir, "out", "slurm", "cls-1.sbatch")}`]);
    const saved = (await readManifest(join(dir, "out")))!;
    assert.deepEqual(saved.submissions.map((s) => [s.jobId, s.runs]), [["31", [
      "cls/proposed_s1",
      "cls/dfa_s0",
      "cls/dfa_s1",
    ]]]);
    const script = await Deno.readTextFile(join(dir, "out", "slurm", "cls-1.sbatch"));
    assert.match(script, /#SBATCH --array=0-2\n/);
    assert.match(script, /#SBATCH --cpus-per-task=2\n#SBATCH --partition=p\n/);
    // sbatch failing: its stderr in the error, nothing recorded.
    const refuse: Exec = () =>
      Promise.resolve({ code: 1, stdout: "", stderr: "sbatch: error: QOSMaxSubmitJobPerUserLimit\n" });
    await assert.rejects(
      submitSweep(plan, saved, runs, { command: ["x"], exec: refuse, log: quiet }),
      /cls-2\.sbatch failed \(exit 1\): sbatch: error: QOSMaxSubmitJobPerUserLimit/,
    );
    assert.equal((await readManifest(join(dir, "out")))!.submissions.length, 1);
  });
});

Deno.test("local executor: threads per run, logs, exit statuses; a failed run does not stop the others", async () => {
  assert.equal(threadsPerRun(1, 2), 2);
  assert.equal(threadsPerRun(2, 5), 2);
  assert.throws(
    () => threadsPerRun(3, 2),
    /parallel: 3 runs at a time need at least 3 cores, this machine has 2/,
  );
  await withFiles({}, async (dir) => {
    const plan = planSweep(loadSweep(tinySweep(dir, ["proposed", "dfa"], [0, 1])), tasks);
    const manifest = (await openSweepFolder(plan, { create: true }))!;
    const { succeeded, failed } = await runLocal(plan, manifest, plan.runs, {
      parallel: 2,
      cores: 4,
      command: (
        r,
      ) => [
        "bash",
        "-c",
        `echo threads=$CPU_THREADS ${r.id}; echo "error: broken" >&2; exit ${r.seed ? 3 : 0}`,
      ],
      log: quiet,
    });
    assert.deepEqual(succeeded.sort(), ["cls/dfa_s0", "cls/proposed_s0"]);
    assert.deepEqual(failed.sort(), ["cls/dfa_s1", "cls/proposed_s1"]);
    const log = await Deno.readTextFile(join(dir, "out", "logs", "cls", "dfa_s1.log"));
    assert.match(log, /^=== .* bash -c .*\nthreads=2 cls\/dfa_s1\nerror: broken\n$/);
    const saved = (await readManifest(join(dir, "out")))!;
    assert.equal(saved.local["cls/dfa_s1"].exitCode, 3);
    assert.equal(saved.local["cls/dfa_s0"].exitCode, 0);
    const status = await sweepStatus(plan, saved);
    const dfa1 = status.runs.find((s) => s.run.id === "cls/dfa_s1")!;
    assert.equal(dfa1.state, "failed");
    assert.match(dfa1.detail, /local run exit 3; no run folder/);
    assert.equal(dfa1.log, join(dir, "out", "logs", "cls", "dfa_s1.log"));
    assert.equal(await Deno.stat(join(dir, "out", LOCK_FILE)).then(() => true, () => false), false);
    // Another live sweep command holds the folder: refused. A lock whose process is gone is taken over.
    const lock = join(dir, "out", LOCK_FILE);
    await Deno.writeTextFile(lock, `${Deno.hostname()} ${Deno.pid}\n`);
    const noop = { parallel: 1, cores: 1, command: () => ["true"], log: quiet };
    await assert.rejects(
      runLocal(plan, saved, plan.runs.slice(0, 1), noop),
      new RegExp(`another sweep command \\(.*, pid ${Deno.pid}\\) is running the runs of .*out; wait for it`),
    );
    await Deno.writeTextFile(lock, `${Deno.hostname()} 999999999\n`);
    assert.deepEqual((await runLocal(plan, saved, plan.runs.slice(0, 1), noop)).succeeded, [
      "cls/proposed_s0",
    ]);
  });
});

Deno.test("local executor: terminating the sweep command stops its runs and frees the folder", async () => {
  await withFiles({}, async (dir) => {
    // The experiment's own overrides (epochs: 1) beat the sweep's, so the long run is set there: a
    // 1-epoch run could end before the signal arrives.
    const file = tinySweep(dir, ["proposed"], [0]);
    const sweep = parseYaml(Deno.readTextFileSync(file)) as {
      experiments: { cls: { overrides: { epochs: number } } };
    };
    sweep.experiments.cls.overrides.epochs = 100_000;
    Deno.writeTextFileSync(file, toYaml(sweep));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "cli/sweep.ts"), "--config", file],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("cls/proposed_s0: started")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const metrics = join(dir, "out", "cls", "proposed_s0", "metrics.csv");
    const deadline = Date.now() + 60_000;
    while (!await Deno.stat(metrics).then(() => true, () => false)) { // the run is training
      assert.ok(Date.now() < deadline, `no epoch within 60 s:\n${seen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGTERM");
    await reader.cancel();
    await child.stderr.cancel();
    assert.equal((await child.status).code, 143);
    assert.equal(await Deno.stat(join(dir, "out", LOCK_FILE)).then(() => true, () => false), false);
    await new Promise((r) => setTimeout(r, 500));
    const left: string[] = [];
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
      if (cmd.includes(file)) left.push(`${e.name}: ${cmd.replaceAll("\0", " ")}`);
    }
    assert.deepEqual(left, [], "runs left behind");
  });
});

Deno.test("sweep command, local: a failed run, then skips finished runs and resumes interrupted ones", async () => {
  await withFiles({}, async (dir) => {
    const file = tinySweep(dir, ["proposed"], [0, 1]);
    // proposed_s1's folder holds a file the project did not write: that run fails, the other trains.
    const foreign = join(dir, "out", "cls", "proposed_s1", "notes.txt");
    await Deno.mkdir(dirname(foreign), { recursive: true });
    await Deno.writeTextFile(foreign, "mine");
    await Deno.writeTextFile(join(dir, "out", "sweep.json"), JSON.stringify({ sweep: "tiny" }));
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => out.push(a.join(" "));
    const longer = ["--set", "experiments.cls.overrides.epochs=2"];
    try {
      await assert.rejects(
        sweepMain(["--config", file, "--parallel", "2"]),
        /^Error: 1 of 2 runs did not finish \(listed above\)$/,
      );
      await Deno.remove(foreign);
      await sweepMain(["--config", file]);
      await sweepMain(["--config", file]);
      await sweepMain(["--config", file, ...longer]);
      await sweepMain(["--config", file, ...longer, "--status"]);
    } finally {
      console.log = log;
    }
    const text = out.join("\n");
    const logs = join(dir, "out", "logs", "cls");
    assert.match(
      text,
      /2 runs in 1 experiments, 2 not started; 2 to run\nlocal: 2 runs, 2 at a time, /,
    );
    assert.match(
      text,
      /\n {2}cls\/proposed_s1: failed, local run exit 2; no \.diffusing-blame-run in its folder; log .*proposed_s1\.log\n/,
    );
    assert.match(
      text,
      /2 runs in 1 experiments, 1 finished, 1 failed; 1 to run\nlocal: 1 runs, 1 at a time, /,
    );
    assert.match(text, /2 runs in 1 experiments, 2 finished; 0 to run\nnothing to run\n/);
    assert.match(text, /2 runs in 1 experiments, 2 interrupted; 2 to run/); // 1 of 2 epochs, with checkpoints
    assert.match(text, /cls\/proposed_s1 +finished\n2 runs: 2 finished$/);
    const s1 = await Deno.readTextFile(join(logs, "proposed_s1.log"));
    assert.match(s1, /error: .*proposed_s1 exists and was not made by this project/);
    assert.equal(s1.match(/^=== /gm)?.length, 3); // failed, trained, resumed; never run while finished
    assert.match(s1, /resumed .*proposed_s1 after epoch 1/);
    assert.equal((await Deno.readTextFile(join(logs, "proposed_s0.log"))).match(/^=== /gm)?.length, 2);
    const metrics = await Deno.readTextFile(join(dir, "out", "cls", "proposed_s1", "metrics.csv"));
    assert.equal(metrics.trim().split("\n").length, 3);
    const summary = await Deno.readTextFile(join(dir, "out", "summary.csv"));
    assert.match(summary, /\ncls,proposed,test_acc,2,0 1,/);
  });
});
