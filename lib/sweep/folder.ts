/**
 * The sweep's folder, <outDir>: the experiments' run folders (<id>/<variant>_s<seed>), their summaries, the
 * logs of local runs (logs/), the SLURM scripts and logs (slurm/), and sweep.json, which names the sweep the
 * folder belongs to and records what was started: each SLURM array (job id, its runs by array index) and
 * each run's last local attempt (exit status, log). Only the sweep command writes sweep.json; array
 * elements and local runs only read it.
 *
 * A folder is refused when it belongs to another sweep (another name in sweep.json), when it exists without
 * sweep.json and is not empty, and when a run folder in it holds a run whose config differs from the one
 * the sweep file now gives it in a key that defines the run (anything but the keys a run may change when it
 * resumes: its length, backend, checkpoint cadence, ...).
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { writeFileAtomic } from "../io/atomic.ts";
import { UsageError } from "../io/command.ts";
import { CONFIG_FILE, differingKeys } from "../io/run_folder.ts";
import type { SweepPlan } from "./plan.ts";

/** The sweep's record in its folder (see the module doc). */
export const SWEEP_FILE = "sweep.json";

/** One `sbatch --array` submission: element i runs `runs[i]`. */
export interface Submission {
  /** The experiment's id. */
  experiment: string;
  /** The array's job id, as sbatch printed it. */
  jobId: string;
  /** Run ids by array index. */
  runs: string[];
  /** The batch script. */
  script: string;
  /** ISO time of the submission. */
  submitted: string;
}

/** The last local attempt at a run. */
export interface LocalAttempt {
  /** The run process's exit status. */
  exitCode: number;
  /** Its log. */
  log: string;
  /** ISO times of its start and end. */
  started: string;
  /** See `started`. */
  ended: string;
}

/** sweep.json: the sweep the folder belongs to, its SLURM arrays and its runs' last local attempts. */
export interface SweepManifest {
  /** The name of the sweep the folder belongs to. */
  sweep: string;
  /** The sweep file it was started from. */
  file: string;
  /** ISO time the folder was made. */
  created: string;
  /** Every SLURM array submitted, oldest first. */
  submissions: Submission[];
  /** Per run id: its last local attempt. */
  local: Record<string, LocalAttempt>;
}

/** sweep.json of `outDir`, or null when there is none. */
export async function readManifest(outDir: string): Promise<SweepManifest | null> {
  const path = join(outDir, SWEEP_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let m: Partial<SweepManifest>;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${path} is not valid JSON (${(e as Error).message}); it must be the sweep's record`,
    );
  }
  if (typeof m?.sweep !== "string") throw new UsageError(`${path} has no "sweep" name: not a sweep record`);
  return {
    file: "",
    created: "",
    ...m,
    submissions: m.submissions ?? [],
    local: m.local ?? {},
  } as SweepManifest;
}

/** Writes sweep.json atomically. */
export async function writeManifest(outDir: string, manifest: SweepManifest): Promise<void> {
  await writeFileAtomic(join(outDir, SWEEP_FILE), JSON.stringify(manifest, null, 2) + "\n");
}

/**
 * Checks that the sweep's folder belongs to this sweep (see the module doc) and returns its record; with
 * `create`, makes the folder and its sweep.json when they do not exist, else returns null for them.
 */
export async function openSweepFolder(
  plan: SweepPlan,
  options: { create: boolean },
): Promise<SweepManifest | null> {
  const { outDir, name } = plan.sweep.config;
  const manifest = await readManifest(outDir);
  if (manifest && manifest.sweep !== name) {
    throw new UsageError(
      `${outDir} belongs to sweep "${manifest.sweep}"${manifest.file ? ` (${manifest.file})` : ""}, not ` +
        `"${name}" (${plan.sweep.file}); give this sweep another outDir (--set outDir=...)`,
    );
  }
  await checkRunFolders(plan);
  if (manifest || !options.create) return manifest;
  if (await hasEntries(outDir)) {
    throw new UsageError(
      `${outDir} exists and is not a sweep's folder (no ${SWEEP_FILE}); give the sweep another outDir ` +
        `(--set outDir=...)`,
    );
  }
  await Deno.mkdir(outDir, { recursive: true });
  const created: SweepManifest = {
    sweep: name,
    file: plan.sweep.file,
    created: new Date().toISOString(),
    submissions: [],
    local: {},
  };
  await writeManifest(outDir, created);
  return created;
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    if (e instanceof Deno.errors.NotADirectory) throw new UsageError(`outDir ${dir} is a file, not a folder`);
    throw e;
  }
}

/** Refuses run folders whose saved config differs from the planned one in a key that defines the run. */
export async function checkRunFolders(plan: SweepPlan): Promise<void> {
  for (const e of plan.experiments) {
    const mutable = [...e.task.resumableKeys, "outDir"];
    for (const run of e.runs) {
      const path = join(run.dir, CONFIG_FILE);
      const text = await Deno.readTextFile(path).catch(() => null);
      if (text === null) continue;
      const changed = differingKeys(parseYaml(text), run.config).filter((k) =>
        !mutable.some((m) => k === m || k.startsWith(m + "."))
      );
      if (changed.length > 0) {
        throw new UsageError(
          `${run.dir} holds a run with another ${changed.join(", ")} than ${plan.sweep.label} gives ` +
            `${run.id} (see ${path}): put the values back, or give the sweep another outDir (--set outDir=...)`,
        );
      }
    }
  }
}
