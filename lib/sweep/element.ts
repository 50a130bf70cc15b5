/**
 * One run of a sweep, as a local run's process or a SLURM array element runs it (`cli/sweep.ts --run
 * <id>`): the sweep file is expanded again, the run is found by its id, and its task trains it (resuming
 * from its checkpoint when interrupted) or reads it back when it has finished. It needs the sweep's folder
 * (sweep.json) that the sweep command made, and never writes it.
 *
 * @module
 */
import { createBackend } from "../backend/mod.ts";
import { UsageError } from "../io/command.ts";
import type { RunRecord } from "../experiment/summary.ts";
import { openSweepFolder, SWEEP_FILE } from "./folder.ts";
import { findRun, type SweepPlan } from "./plan.ts";

/** Trains (or reads back) the run `id` of the sweep; returns its record. */
export async function runSweepRun(
  plan: SweepPlan,
  id: string,
  log: (line: string) => void = console.log,
): Promise<RunRecord> {
  const { run, experiment } = findRun(plan, id);
  const manifest = await openSweepFolder(plan, { create: false });
  if (!manifest) {
    throw new UsageError(
      `${plan.sweep.config.outDir} has no ${SWEEP_FILE}: start the sweep with deno task sweep --config ` +
        `${plan.sweep.file} (the sweep command makes its folder)`,
    );
  }
  const backend = await createBackend(experiment.task.backendOf(run.config));
  try {
    log(`${run.id}: ${backend.deviceName}, CPU_THREADS=${Deno.env.get("CPU_THREADS") ?? "(all cores)"}`);
    return await experiment.task.run(run.config, { backend, log, fresh: false, verbose: true });
  } finally {
    backend.dispose();
  }
}
