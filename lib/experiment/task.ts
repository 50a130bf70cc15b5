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

/** What the runner gives a task for each run. */
export interface TaskContext {
  /** The backend every run of the experiment shares. */
  backend: Backend;
  /** Progress lines. */
  log: (line: string) => void;
  /** Train again even when the run folder holds a finished run. */
  fresh: boolean;
  /** One line per epoch or iteration instead of one per run. */
  verbose: boolean;
}

/** The identity of one run within an experiment. */
export interface RunSlot {
  /** The classification variant or RL algorithm. */
  variant: string;
  /** The run's seed. */
  seed: number;
  /** The experiment's folder; the run's folder is `<outDir>/<variant>_s<seed>`. */
  outDir: string;
}

/** A kind of run the experiment runner can cross variants × seeds of, compare and summarise. */
export interface ExperimentTask<C> {
  /** The `task` value of experiment files this task runs. */
  readonly name: TaskName;
  /** Names the experiment file's `variants` may use. */
  readonly variants: readonly string[];
  /** Baseline when the file names none. */
  readonly defaultBaseline: string;
  /** The final metric the variants are compared on. */
  readonly metric: Metric;
  /** Heading of the table's first column ("variant", "algorithm"). */
  readonly variantLabel: string;
  /** Per-epoch key of the x axis ("epoch", "iteration"). */
  readonly epochKey: string;
  /** Plots drawn first (with their titles); every other per-epoch key is plotted after them. */
  readonly plots: PlotSpec[];
  /** Extra columns of the summary table from each run's extras. */
  readonly columns: SummaryColumn[];
  /** The validated config of one run from its merged raw config; errors are labelled with `label`. */
  runConfig(raw: unknown, slot: RunSlot, label: string): C;
  /** The settings a run actually used, in a few words (network, data, length, optimizer) for the summary. */
  describe(config: C): string;
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
  /** Optional further report files of the task, written into `outDir` after the summary; their paths. */
  report?(records: readonly RunRecord[], outDir: string): Promise<string[]>;
}

/** The folder name of a run within its experiment. */
export function runName(slot: RunSlot): string {
  return `${slot.variant}_s${slot.seed}`;
}
