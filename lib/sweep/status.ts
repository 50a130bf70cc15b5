/**
 * Where each run of a sweep stands, from its run folder, sweep.json and (for SLURM arrays) squeue:
 *
 * - finished: the task reads a finished run back from its folder (this wins over everything else);
 * - queued / running: its latest SLURM element is pending or running;
 * - failed: its latest attempt ended without finishing it (a SLURM element FAILED, TIMEOUT, CANCELLED, ...,
 *   or a local run's non-zero exit), with the attempt's log;
 * - interrupted: its folder holds a partial run (it resumes from its checkpoint when it runs again);
 * - not started.
 *
 * @module
 */
import { join } from "node:path";
import type { RunRecord } from "../experiment/summary.ts";
import { CHECKPOINT_FILE, METRICS_FILE, RUN_MARKER } from "../io/run_folder.ts";
import type { SweepManifest } from "./folder.ts";
import type { SweepPlan, SweepRun } from "./plan.ts";
import { ACTIVE_STATES, type Exec, querySlurm, type SlurmElement } from "./slurm.ts";

/** The states of the module doc. */
export type RunState = "finished" | "running" | "queued" | "failed" | "interrupted" | "not started";

/** One run's state and what it rests on. */
export interface RunStatus {
  /** The run. */
  run: SweepRun;
  /** Where it stands. */
  state: RunState;
  /** What the state rests on: the SLURM element, the exit status, the metrics rows written. */
  detail: string;
  /** The log of the latest attempt, if any. */
  log?: string;
  /** The finished run's record. */
  record?: RunRecord;
}

/** Every run's state, in plan order. */
export interface SweepStatus {
  /** Every run, in plan order. */
  runs: RunStatus[];
  /** Why SLURM states are unknown (squeue missing or failing), else undefined. */
  slurmProblem?: string;
}

/** The log of element `index` of an array (the `--output` pattern of lib/sweep/slurm.ts). */
export function slurmLogPath(outDir: string, experiment: string, jobId: string, index: number): string {
  return join(outDir, "slurm", experiment, `${jobId}_${index}.log`);
}

/** The status of every run (see the module doc); SLURM is asked only when sweep.json records arrays. */
export async function sweepStatus(
  plan: SweepPlan,
  manifest: SweepManifest | null,
  exec?: Exec,
): Promise<SweepStatus> {
  const submissions = manifest?.submissions ?? [];
  let elements = new Map<string, SlurmElement>();
  let slurmProblem: string | undefined;
  if (submissions.length > 0) {
    try {
      elements = await querySlurm(submissions.map((s) => s.jobId), exec);
    } catch (e) {
      slurmProblem = (e as Error).message;
    }
  }
  const outDir = plan.sweep.config.outDir;
  const runs: RunStatus[] = [];
  for (const e of plan.experiments) {
    for (const run of e.runs) {
      const record = await e.task.readFinished(run.config);
      if (record) {
        runs.push({ run, state: "finished", detail: "", record });
        continue;
      }
      const folder = await folderState(run.dir);
      const local = manifest?.local[run.id];
      const sub = submissions.findLast((s) => s.runs.includes(run.id));
      // The latest attempt (local or SLURM) decides; one that ended cleanly (exit 0, COMPLETED) without
      // finishing the run finished it as the sweep file was then (more epochs now): the folder decides.
      let last: { log: string; note: string } | undefined;
      if (local && (!sub || local.started > sub.submitted)) {
        if (local.exitCode !== 0) {
          const detail = `local run exit ${local.exitCode}; ${folder.detail}`;
          runs.push({ run, state: "failed", detail, log: local.log });
          continue;
        }
        last = { log: local.log, note: "local run exit 0" };
      } else if (sub) {
        const index = sub.runs.indexOf(run.id);
        const log = slurmLogPath(outDir, sub.experiment, sub.jobId, index);
        const el = elements.get(`${sub.jobId}_${index}`);
        const job = `job ${sub.jobId}_${index}`;
        if (el && ACTIVE_STATES.includes(el.state)) {
          const running = !/PENDING|REQUEUE|SUSPENDED|STOPPED/.test(el.state);
          const detail = running
            ? `${job} ${el.state} ${el.elapsed} on ${el.where}; ${folder.detail}`
            : `${job} ${el.state}`;
          runs.push({ run, state: running ? "running" : "queued", detail, log });
          continue;
        }
        if (el && el.state !== "COMPLETED") {
          const reason = el.reason && el.reason !== "None" ? ` (${el.reason})` : "";
          runs.push({ run, state: "failed", detail: `${job} ${el.state}${reason}; ${folder.detail}`, log });
          continue;
        }
        const note = el
          ? `${job} COMPLETED`
          : slurmProblem
          ? `${job}: state unknown`
          : `${job} ended, forgotten by SLURM`;
        last = { log, note };
      }
      const state = folder.started ? "interrupted" : "not started";
      runs.push({
        run,
        state,
        detail: last ? `${last.note}; ${folder.detail}` : folder.detail,
        log: last?.log,
      });
    }
  }
  return { runs, slurmProblem };
}

/** What a run folder holds: nothing, a partial run (metrics rows, maybe a checkpoint), or foreign files. */
async function folderState(dir: string): Promise<{ started: boolean; detail: string }> {
  const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
  if (!await exists(dir)) return { started: false, detail: "no run folder" };
  if (!await exists(join(dir, RUN_MARKER))) {
    return { started: false, detail: `no ${RUN_MARKER} in its folder` };
  }
  const text = await Deno.readTextFile(join(dir, METRICS_FILE)).catch(() => "");
  const rows = Math.max(0, text.split("\n").filter((l) => l.trim() !== "").length - 1);
  const checkpoint = await exists(join(dir, CHECKPOINT_FILE));
  return { started: true, detail: `${rows} metrics rows${checkpoint ? ", checkpoint" : ", no checkpoint"}` };
}

/** Counts per state, e.g. "3 finished, 1 running, 2 failed". */
export function countStates(status: SweepStatus): string {
  const counts = new Map<RunState, number>();
  for (const r of status.runs) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const order: RunState[] = ["finished", "running", "queued", "failed", "interrupted", "not started"];
  return order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`).join(", ");
}

/** A fixed-width table of the runs: id, state, detail and log. */
export function formatStatus(status: SweepStatus): string {
  const width = Math.max(3, ...status.runs.map((r) => r.run.id.length));
  const lines = status.runs.map((r) =>
    `${r.run.id.padEnd(width)}  ${r.state.padEnd(11)}  ${r.detail}${r.log ? `  log: ${r.log}` : ""}`.trimEnd()
  );
  const head = `${"run".padEnd(width)}  ${"state".padEnd(11)}  detail`;
  const foot = [`${status.runs.length} runs: ${countStates(status)}`];
  if (status.slurmProblem) foot.push(`SLURM states unknown: ${status.slurmProblem}`);
  return [head, ...lines, ...foot].join("\n");
}
