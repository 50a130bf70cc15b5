/**
 * The SLURM side of a sweep: one `sbatch --array` script per experiment, whose element i runs the i-th of
 * the experiment's pending runs with the same command a local run uses (`cli/sweep.ts --run <id>`), and
 * the element states from `squeue` (not `sacct`, which needs slurmdbd):
 *
 *   squeue -r -t all -h -j 5,9 -o '%i|%F|%K|%T|%r|%M|%l|%R'   →   5_1|5|1|FAILED|NonZeroExitCode|0:01|...
 *
 * `%F` is the array job id and `%K` the element's index (the element's own job id, `%A`, is of no use
 * here); `-r` lists pending elements one per line. A requeued element is PENDING again (there is no
 * REQUEUED state), and the reason can lag behind the state, so only the state is read. Jobs the
 * controller has forgotten (MinJobAge after they end) are simply absent; `squeue -j` with only such ids
 * exits 1 with "Invalid job id specified".
 *
 * Elements are submitted with `--requeue` and `--open-mode=append`: a requeued element (node failure,
 * preemption, `scontrol requeue`) starts the run again and it resumes from its checkpoint, appending to
 * the same log; a timed-out or failed element's run resumes the same way when the sweep command submits
 * the unfinished runs again.
 *
 * @module
 */
import { UsageError } from "../io/command.ts";
import type { SlurmResources } from "./config.ts";

/** Runs a command and returns its exit status and output (injectable so tests need no SLURM). */
export type Exec = (
  command: string,
  args: string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Runs `command` on this machine; a missing command is a one-line error. */
export async function systemExec(
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `${command} not found: the slurm executor needs SLURM's commands (sbatch, squeue) on PATH`,
      );
    }
    throw e;
  }
}

/** Element states that may still run: the element holds or waits for a node. */
export const ACTIVE_STATES: readonly string[] = [
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "RESIZING",
  "SIGNALING",
  "STAGE_OUT",
  "STOPPED",
];

/** One array element as squeue shows it. */
export interface SlurmElement {
  /** The array's job id (what sbatch printed). */
  arrayJobId: string;
  /** Its index in the array (SLURM_ARRAY_TASK_ID). */
  index: number;
  /** PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, ... */
  state: string;
  /** Why it waits or ended ("None", "NonZeroExitCode", ...); may lag behind the state. */
  reason: string;
  /** Time used, as squeue prints it ("1:02", "1-02:03:04"). */
  elapsed: string;
  /** Node (running) or the reason in parentheses. */
  where: string;
}

/** squeue -o: element id, array job id, array index, state, reason, time used, time limit, node or reason. */
export const SQUEUE_FORMAT = "%i|%F|%K|%T|%r|%M|%l|%R";

/** Parses `squeue -h -o SQUEUE_FORMAT` output; lines of jobs that are not array elements are skipped. */
export function parseSqueue(text: string): SlurmElement[] {
  const out: SlurmElement[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split("|");
    if (f.length < 8 || !/^\d+$/.test(f[2])) continue;
    out.push({
      arrayJobId: f[1],
      index: Number(f[2]),
      state: f[3].replace(/\+$/, ""),
      reason: f[4],
      elapsed: f[5],
      where: f.slice(7).join("|"),
    });
  }
  return out;
}

/** The elements of these arrays that the controller still knows, keyed `<arrayJobId>_<index>`. */
export async function querySlurm(
  jobIds: readonly string[],
  exec: Exec = systemExec,
): Promise<Map<string, SlurmElement>> {
  const elements = new Map<string, SlurmElement>();
  if (jobIds.length === 0) return elements;
  const args = ["-r", "-t", "all", "-h", "-j", [...new Set(jobIds)].join(","), "-o", SQUEUE_FORMAT];
  const r = await exec("squeue", args);
  if (r.code !== 0) {
    if (/Invalid job id/i.test(r.stderr)) return elements; // every one of them has been forgotten
    throw new Error(`squeue ${args.join(" ")} failed (exit ${r.code}): ${oneLine(r.stderr || r.stdout)}`);
  }
  for (const e of parseSqueue(r.stdout)) elements.set(`${e.arrayJobId}_${e.index}`, e);
  return elements;
}

/** Submits a batch script; returns its job id, or throws with sbatch's stderr. */
export async function submitScript(script: string, exec: Exec = systemExec): Promise<string> {
  const r = await exec("sbatch", ["--parsable", script]);
  const id = r.stdout.trim().split(";")[0];
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    const why = oneLine(r.stderr || r.stdout) || "no job id printed";
    throw new Error(`sbatch --parsable ${script} failed (exit ${r.code}): ${why}`);
  }
  return id;
}

/** Text on one line: its non-empty lines joined with " / ". */
export function oneLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).join(" / ");
}

/** Quotes a word for bash (single quotes, `'` as `'\''`). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** What {@link arrayScript} writes. */
export interface ArrayScript {
  /** Job name (sweep and experiment). */
  jobName: string;
  /** Run ids; element i runs runs[i]. */
  runs: readonly string[];
  /** What each element asks for. */
  resources: SlurmResources;
  /** Absolute folder of the element logs (`<jobid>_<index>.log`); it must exist before sbatch. */
  logDir: string;
  /** Absolute folder the elements run in (where the sweep command ran). */
  workDir: string;
  /** The element command without its run id: `--run <id>` follows. */
  command: readonly string[];
}

/** The text of one `sbatch --array` script (see the module doc). */
export function arrayScript(a: ArrayScript): string {
  const r = a.resources;
  const sbatch = [
    `--job-name=${a.jobName}`,
    `--array=0-${a.runs.length - 1}${r.maxParallel ? `%${r.maxParallel}` : ""}`,
    `--output=${a.logDir}/%A_%a.log`,
    `--cpus-per-task=${r.cpus ?? 1}`,
    ...(r.gpus ? [`--gres=gpu:${r.gpus}`] : []),
    ...(r.time ? [`--time=${r.time}`] : []),
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    ...(r.mem ? [`--mem=${r.mem}`] : []),
    ...(r.account ? [`--account=${r.account}`] : []),
    ...(r.qos ? [`--qos=${r.qos}`] : []),
    "--requeue",
    "--open-mode=append",
    ...(r.options ?? []),
  ];
  return [
    "#!/bin/bash",
    `# Written by deno task sweep: ${a.runs.length} runs of ${a.jobName}, one per array element; element i`,
    "# runs runs[i] with the command a local run uses. Requeued elements resume from the run's checkpoint.",
    ...sbatch.map((o) => `#SBATCH ${o}`),
    "set -euo pipefail",
    "runs=(",
    ...a.runs.map((id) => `  ${shellQuote(id)}`),
    ")",
    'run="${runs[$SLURM_ARRAY_TASK_ID]}"',
    'echo "=== $(date -Is) element ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} (restart ${SLURM_RESTART_COUNT:-0}) ' +
    'on $(hostname): $run"',
    `cd ${shellQuote(a.workDir)}`,
    `export CPU_THREADS="\${SLURM_CPUS_PER_TASK:-${r.cpus ?? 1}}"`,
    ...(r.setup ?? []),
    `exec ${a.command.map(shellQuote).join(" ")} --run "$run"`,
    "",
  ].join("\n");
}
