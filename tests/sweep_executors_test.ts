// The sweep's executors: the SLURM script, sbatch/squeue parsing and submission (through fakes), and the
// local executor (with fake run commands, and end to end with tiny MNIST runs, including termination).
import assert from "assert";
import { dirname, join } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { UsageError } from "../lib/io/command.ts";
import { loadSweep } from "../lib/sweep/config.ts";
import { planSweep } from "../lib/sweep/plan.ts";
import { openSweepFolder, readManifest } from "../lib/sweep/folder.ts";
import { sweepStatus } from "../lib/sweep/status.ts";
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
import { quiet, ROOT, tasks, tinySweep, withFiles } from "./sweep_util.ts";

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
