// The slurm executor on a real one-node SLURM cluster (.ci/slurm_up.sh: munged, slurmctld and slurmd on
// localhost, as root, without systemd). Not part of `deno task test` (the file name does not end in
// _test.ts); run it with `deno task test:slurm` as root, after `apt-get install -y slurm-wlm munge`.
//
// It runs tests/slurm/tiny_sweep.yaml (2 configs × 2 seeds, seconds per run) locally and as SLURM arrays
// and checks that the arrays ran, the runs' CSVs appeared and the aggregated table equals the local one;
// that a failing element shows in the status with its log without blocking the others' aggregation, and
// that running the command again submits only the missing run; and that a requeued element resumes its
// run from the checkpoint. Stops the cluster at the end.
import assert from "assert";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSqueue, SQUEUE_FORMAT } from "../../lib/sweep/slurm.ts";
import { readManifest } from "../../lib/sweep/folder.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SWEEP = "tests/slurm/tiny_sweep.yaml";
const decoder = new TextDecoder();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository root with extra env; fails the test after `timeoutS`. */
async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutS = 180,
): Promise<Result> {
  const child = new Deno.Command(cmd, {
    args,
    env,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
  try {
    const out = await child.output();
    const r = { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
    if (out.signal === "SIGKILL") {
      throw new Error(`${cmd} ${args.join(" ")} took over ${timeoutS} s:\n${r.stdout}${r.stderr}`);
    }
    return r;
  } finally {
    clearTimeout(timer);
  }
}

/** `deno task sweep` on the tiny sweep with these extra arguments. */
function sweep(env: Record<string, string>, ...args: string[]): Promise<Result> {
  return run(Deno.execPath(), ["run", "-A", "cli/sweep.ts", "--config", SWEEP, ...args], env);
}

function show(r: Result): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

Deno.test("slurm executor on a one-node cluster: arrays, tables equal to a local run, failures, requeue", async () => {
  assert.equal(Deno.uid(), 0, "test:slurm runs as root (it starts munged, slurmctld and slurmd)");
  let clock = performance.now();
  const lap = (what: string) => {
    console.log(`${what}: ${((performance.now() - clock) / 1000).toFixed(1)} s`);
    clock = performance.now();
  };
  const work = await Deno.makeTempDir({ prefix: "slurm_sweep_" });
  await Deno.chmod(work, 0o755); // munged wants its socket's folders searchable by all
  const clusterDir = join(work, "cluster");
  const up = await run(join(ROOT, ".ci/slurm_up.sh"), [clusterDir], {}, 60);
  try {
    assert.equal(up.code, 0, `slurm_up.sh failed:\n${show(up)}`);
    const conf = up.stdout.match(/^export SLURM_CONF=(.+)$/m)?.[1];
    assert.ok(conf, `no SLURM_CONF in slurm_up.sh's output:\n${show(up)}`);
    const env = { SLURM_CONF: conf };

    // 1. The same sweep locally and as SLURM arrays: the same table.
    const local = await sweep({}, "--set", `outDir=${work}/local`);
    assert.equal(local.code, 0, show(local));
    lap("cluster up, local sweep of 4 runs");
    const slurm = await sweep(env, "--set", `outDir=${work}/slurm`, "--executor", "slurm", "--wait");
    assert.equal(slurm.code, 0, show(slurm));
    lap("slurm sweep of 4 runs");
    assert.match(slurm.stdout, /mnist: submitted job (\d+), 2 array elements/);
    assert.match(slurm.stdout, /cartpole: submitted job (\d+), 2 array elements/);
    const manifest = (await readManifest(join(work, "slurm")))!;
    assert.deepEqual(manifest.submissions.map((s) => [s.experiment, s.runs]), [
      ["mnist", ["mnist/proposed_s0", "mnist/proposed_s1"]],
      ["cartpole", ["cartpole/ed-ppo_s0", "cartpole/ed-ppo_s1"]],
    ]);
    const jobs = manifest.submissions.map((s) => s.jobId);
    const q = await run("squeue", ["-r", "-t", "all", "-h", "-j", jobs.join(","), "-o", SQUEUE_FORMAT], env);
    const elements = parseSqueue(q.stdout).map((e) => `${e.arrayJobId}_${e.index} ${e.state}`).sort();
    assert.deepEqual(elements, jobs.flatMap((j) => [`${j}_0 COMPLETED`, `${j}_1 COMPLETED`]).sort());
    for (const s of manifest.submissions) {
      for (const [i, id] of s.runs.entries()) {
        const log = await Deno.readTextFile(
          join(work, "slurm", "slurm", s.experiment, `${s.jobId}_${i}.log`),
        );
        assert.match(log, new RegExp(`element ${s.jobId}_${i} \\(restart 0\\) on .*: ${id}\n`));
        assert.match(log, new RegExp(`${id}: finished, final `));
        const csv = await Deno.readTextFile(join(work, "slurm", id, "metrics.csv"));
        assert.ok(csv.trim().split("\n").length >= 2, `${id}/metrics.csv has no rows`);
      }
    }
    const table = await Deno.readTextFile(join(work, "slurm", "summary.csv"));
    assert.equal(table, await Deno.readTextFile(join(work, "local", "summary.csv")));
    assert.equal(table.trim().split("\n").length, 3, table);
    const status = await sweep(env, "--set", `outDir=${work}/slurm`, "--status");
    assert.match(status.stdout, /4 runs: 4 finished$/m, show(status));

    lap("checks");

    // 2. One more sweep: mnist/proposed_s1 fails (its folder holds a file the project did not write) and
    // cartpole/ed-ppo_s0 (24 iterations, a checkpoint after each) is requeued while it runs.
    const out = `${work}/second`;
    const second = [
      "--set",
      `outDir=${out}`,
      "--set",
      "experiments.cartpole.seeds=[0]",
      "--set",
      "experiments.cartpole.overrides.iterations=24",
      "--set",
      "experiments.cartpole.overrides.checkpointEvery=1",
      "--executor",
      "slurm",
    ];
    await Deno.mkdir(join(out, "mnist", "proposed_s1"), { recursive: true });
    await Deno.writeTextFile(join(out, "mnist", "proposed_s1", "notes.txt"), "not a run folder");
    await Deno.writeTextFile(join(out, "sweep.json"), JSON.stringify({ sweep: "tiny sweep" }));
    const submitted = await sweep(env, ...second);
    assert.equal(submitted.code, 0, show(submitted));
    const job = submitted.stdout.match(/mnist: submitted job (\d+), 2 array elements/)![1];
    const rl = submitted.stdout.match(/cartpole: submitted job (\d+), 1 array elements/)![1];
    const metrics = join(out, "cartpole", "ed-ppo_s0", "metrics.csv");
    const rows = async () => (await Deno.readTextFile(metrics).catch(() => "")).trim().split("\n").length - 1;
    const deadline = Date.now() + 90_000;
    while (await rows() < 3) {
      assert.ok(Date.now() < deadline, "the cartpole run wrote no 3 iterations within 90 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    const requeue = await run("scontrol", ["requeue", `${rl}_0`], env);
    assert.equal(requeue.code, 0, show(requeue));
    const waited = await sweep(env, ...second, "--summarize", "--wait"); // submits nothing
    lap("second sweep: a failing element, a requeued one");
    assert.equal(waited.code, 0, show(waited));
    assert.match(waited.stdout, /^3 runs: 2 finished, 1 failed$/m);
    const secondStatus = await sweep(env, ...second, "--status");
    const log = join(out, "slurm", "mnist", `${job}_1.log`);
    assert.match(
      secondStatus.stdout,
      new RegExp(
        `mnist/proposed_s1 +failed +job ${job}_1 FAILED \\(NonZeroExitCode\\); no \\.diffusing-blame-run in its folder  log: ${log}\n`,
      ),
      show(secondStatus),
    );
    assert.match(
      await Deno.readTextFile(log),
      /error: .*proposed_s1 exists and was not made by this project/,
    );
    const partial = await Deno.readTextFile(join(out, "summary.csv"));
    assert.match(partial, /\nmnist,proposed,test_acc,1,0,/);
    assert.match(partial, /\ncartpole,ed-ppo,eval_return,1,0,/);
    assert.match(
      await Deno.readTextFile(join(out, "summary.md")),
      /Missing: `mnist\/proposed_s1` \(failed: job \d+_1 FAILED/,
    );
    const rlLog = await Deno.readTextFile(join(out, "slurm", "cartpole", `${rl}_0.log`));
    assert.match(rlLog, /\(restart 1\)/, rlLog);
    assert.match(rlLog, /resumed .*ed-ppo_s0 after iteration [1-9]\d*/, rlLog);
    assert.equal(await rows(), 24);

    // Running the command again submits only the failed run, which now finishes.
    await Deno.remove(join(out, "mnist", "proposed_s1", "notes.txt"));
    const again = await sweep(env, ...second, "--wait");
    lap("rerun of the failed element");
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /2 finished, 1 failed; 1 to run\nmnist: submitted job \d+, 1 array elements/);
    assert.ok(!again.stdout.includes("cartpole: submitted"), show(again));
    const rerun = await Deno.readTextFile(join(out, "summary.csv"));
    assert.equal(rerun.split("\n")[1], table.split("\n")[1]); // mnist's row, as in the first sweep
  } finally {
    const down = await run(join(ROOT, ".ci/slurm_down.sh"), [clusterDir], {}, 60);
    if (down.code !== 0) console.error(show(down));
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
