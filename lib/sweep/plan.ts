/**
 * A sweep expanded into runs: every experiment's variants × seeds, each run with a stable id
 * `<experiment id>/<variant>_s<seed>` and its folder `<outDir>/<experiment id>/<variant>_s<seed>` (the
 * experiment runner's own layout, so `deno task experiment` and the sweep read the same folders). Every
 * run's config is validated here, before anything trains or is submitted.
 *
 * @module
 */
import { join } from "node:path";
import { planExperiment } from "../experiment/runner.ts";
import { UsageError } from "../io/command.ts";
import type { TaskName } from "../experiment/config.ts";
import { type ExperimentTask, runName } from "../experiment/task.ts";
import type { LoadedSweep, SweepExperiment } from "./config.ts";

/** One run of a sweep. */
export interface SweepRun {
  /** `<experiment id>/<variant>_s<seed>`: stable while the sweep file names the same experiment. */
  id: string;
  /** The experiment's id. */
  experiment: string;
  /** Variant (classification) or algorithm (RL). */
  variant: string;
  /** Its seed. */
  seed: number;
  /** The run folder. */
  dir: string;
  /** The run's validated config (what `task.run` trains). */
  config: unknown;
}

/** An experiment of the sweep with its task and runs. */
export interface PlannedExperiment extends SweepExperiment {
  /** The task that trains and reads back its runs. */
  task: ExperimentTask<unknown>;
  /** Its runs, variants in file order, seeds within. */
  runs: SweepRun[];
}

/** A sweep expanded into its experiments' runs. */
export interface SweepPlan {
  /** The loaded sweep file. */
  sweep: LoadedSweep;
  /** Its experiments with their runs. */
  experiments: PlannedExperiment[];
  /** Every run, experiment by experiment, variants in file order, seeds within. */
  runs: SweepRun[];
}

/** The task of an experiment's `task` key (the CLI passes classificationTask / rlTask). */
export type TaskResolver = (name: TaskName) => ExperimentTask<unknown>;

/** Expands a loaded sweep into its runs; unknown variants or bad run configs throw a ConfigError. */
export function planSweep(sweep: LoadedSweep, tasks: TaskResolver): SweepPlan {
  const experiments = sweep.experiments.map((e) => {
    const task = tasks(e.loaded.experiment.task);
    const runs = planExperiment(e.loaded, task).map(({ variant, seed, config }) => {
      const name = runName({ variant, seed, outDir: e.loaded.experiment.outDir });
      return {
        id: `${e.id}/${name}`,
        experiment: e.id,
        variant,
        seed,
        dir: join(e.loaded.experiment.outDir, name),
        config,
      };
    });
    return { ...e, task, runs };
  });
  return { sweep, experiments, runs: experiments.flatMap((e) => e.runs) };
}

/** The run with this id, or a one-line error listing how ids look. */
export function findRun(plan: SweepPlan, id: string): { run: SweepRun; experiment: PlannedExperiment } {
  for (const experiment of plan.experiments) {
    const run = experiment.runs.find((r) => r.id === id);
    if (run) return { run, experiment };
  }
  const ids = plan.runs.map((r) => r.id);
  const sample = ids.length > 3 ? `${ids.slice(0, 3).join(", ")}, ...` : ids.join(", ");
  throw new UsageError(`run "${id}" is not in ${plan.sweep.label} (its runs: ${sample})`);
}
