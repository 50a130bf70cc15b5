/**
 * The slurm executor: the sweep's unfinished runs (those not queued or running already) as one
 * `sbatch --array` per experiment, with that experiment's resources; each submission is recorded in
 * sweep.json (job id, runs by array index, script) right after sbatch answers, so a later failure loses
 * nothing. Scripts go to <outDir>/slurm/<id>-<n>.sbatch, element logs to <outDir>/slurm/<id>/<job>_<i>.log.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { type SweepManifest, writeManifest } from "./folder.ts";
import type { SweepPlan, SweepRun } from "./plan.ts";
import { ACTIVE_STATES, arrayScript, type Exec, querySlurm, submitScript, systemExec } from "./slurm.ts";

/** How {@link submitSweep} submits. */
export interface SubmitOptions {
  /** The element command without `--run <id>` (argv). */
  command: readonly string[];
  /** Folder the elements run in (default: the current one). */
  workDir?: string;
  /** Runs sbatch (default: on this machine). */
  exec?: Exec;
  /** Print the scripts; write and submit nothing. */
  dryRun?: boolean;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

/** Submits `runs` (see the module doc); returns the job ids (for a dry run, the scripts' texts). */
export async function submitSweep(
  plan: SweepPlan,
  manifest: SweepManifest,
  runs: readonly SweepRun[],
  options: SubmitOptions,
): Promise<string[]> {
  const log = options.log ?? console.log;
  const outDir = plan.sweep.config.outDir;
  const ids: string[] = [];
  for (const e of plan.experiments) {
    const mine = runs.filter((r) => r.experiment === e.id);
    if (mine.length === 0) continue;
    const n = manifest.submissions.filter((s) => s.experiment === e.id).length + 1;
    const script = join(outDir, "slurm", `${e.id}-${n}.sbatch`);
    const logDir = resolve(outDir, "slurm", e.id);
    const text = arrayScript({
      jobName: `${plan.sweep.config.name.replace(/[^\w.-]+/g, "_")}.${e.id}`,
      runs: mine.map((r) => r.id),
      resources: e.slurm,
      logDir,
      workDir: options.workDir ?? Deno.cwd(),
      command: options.command,
    });
    if (options.dryRun) {
      log(`--- ${script} (${mine.length} runs; not written, not submitted)\n${text}`);
      ids.push(text);
      continue;
    }
    await Deno.mkdir(logDir, { recursive: true });
    await Deno.writeTextFile(script, text);
    const jobId = await submitScript(script, options.exec ?? systemExec);
    manifest.submissions.push({
      experiment: e.id,
      jobId,
      runs: mine.map((r) => r.id),
      script,
      submitted: new Date().toISOString(),
    });
    await writeManifest(outDir, manifest);
    log(`${e.id}: submitted job ${jobId}, ${mine.length} array elements (${script}; logs ${logDir})`);
    ids.push(jobId);
  }
  return ids;
}

/**
 * Waits until no element of these arrays is pending or running, logging each change of the counts; it
 * asks squeue every 2 s at first, then every tenth of the time waited so far, at most every 30 s.
 */
export async function waitForArrays(
  jobIds: readonly string[],
  options: { exec?: Exec; log?: (line: string) => void } = {},
): Promise<void> {
  const log = options.log ?? console.log;
  const started = Date.now();
  let last = "";
  while (true) {
    const elements = [...(await querySlurm(jobIds, options.exec)).values()];
    const counts = new Map<string, number>();
    for (const e of elements) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
    const line = [...counts].map(([s, k]) => `${k} ${s}`).join(", ");
    if (line !== last) log(`slurm: ${line || "no elements known"}`);
    last = line;
    if (!elements.some((e) => ACTIVE_STATES.includes(e.state))) return;
    const poll = Math.min(30_000, Math.max(2000, (Date.now() - started) / 10));
    await new Promise((r) => setTimeout(r, poll));
  }
}
