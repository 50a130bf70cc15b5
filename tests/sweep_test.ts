// The sweep: expansion of sweep files into runs, its bad-input errors, the folder checks, the status of
// runs (run folders, sweep.json, squeue through a fake) and aggregation. The executors:
// tests/sweep_executors_test.ts.
import assert from "assert";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { ConfigError } from "../lib/config/schema.ts";
import { UsageError } from "../lib/io/command.ts";
import { welchTTest } from "../lib/experiment/stats.ts";
import { loadSweep } from "../lib/sweep/config.ts";
import { findRun, planSweep } from "../lib/sweep/plan.ts";
import { openSweepFolder, readManifest, writeManifest } from "../lib/sweep/folder.ts";
import { sweepStatus } from "../lib/sweep/status.ts";
import { aggregateSweep } from "../lib/sweep/aggregate.ts";
import type { Exec } from "../lib/sweep/slurm.ts";
import type { ClassificationConfig } from "../lib/train/config.ts";
import { CARTPOLE_BASE, fakeFinished, MNIST_BASE, quiet, tasks, tinySweep, withFiles } from "./sweep_util.ts";

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
