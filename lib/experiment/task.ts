/**
 * What the experiment runner needs to know about a kind of run. Classification (lib/train/experiment.ts)
 * and RL (lib/rl/experiment.ts) each provide one; the runner, the summary, the Welch tables and the plots
 * are shared.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { BackendChoice } from "../backend/mod.ts";
import type { TaskName } from "./config.ts";
import type { Metric, PlotSpec, RunRecord, SummaryColumn } from "./summary.ts";

export interface TaskContext {
  backend: Backend;
  log: (line: string) => void;
  /** Train again even when the run folder holds a finished run. */
  fresh: boolean;
  /** One line per epoch or iteration instead of one per run. */
  verbose: boolean;
}

/** The identity of one run within an experiment. */
export interface RunSlot {
  variant: string;
  seed: number;
  /** The experiment's folder; the run's folder is `<outDir>/<variant>_s<seed>`. */
  outDir: string;
}

export interface ExperimentTask<C> {
  readonly name: TaskName;
  /** Names the experiment file's `variants` may use. */
  readonly variants: readonly string[];
  readonly defaultBaseline: string;
  readonly metric: Metric;
  /** Heading of the table's first column ("variant", "algorithm"). */
  readonly variantLabel: string;
  /** Per-epoch key of the x axis ("epoch", "iteration"). */
  readonly epochKey: string;
  readonly plots: PlotSpec[];
  readonly columns: SummaryColumn[];
  /** The validated config of one run from its merged raw config; errors are labelled with `label`. */
  runConfig(raw: unknown, slot: RunSlot, label: string): C;
  /** The backend a run asks for (the runner shares one backend across the runs). */
  backendOf(config: C): BackendChoice;
  /** Trains the run (resuming it when interrupted) or reads it back when it has finished. */
  run(config: C, context: TaskContext): Promise<RunRecord>;
  /** The record of a run that has finished, read from its folder; null when it has not (or never ran). */
  readFinished(config: C): Promise<RunRecord | null>;
  /**
   * Config keys (dotted paths) a run may change and still be the same run when it resumes: its length,
   * where it computes, how often it saves (the run folder's `mutableKeys`).
   */
  readonly resumableKeys: readonly string[];
}

/** The folder name of a run within its experiment. */
export function runName(slot: RunSlot): string {
  return `${slot.variant}_s${slot.seed}`;
}
