/**
 * Variants × seeds from one experiment file, for classification and RL alike, then the summary:
 *
 *   deno task experiment --config configs/mnist_ablation.yaml [--set overrides.epochs=2] [--only proposed,dfa]
 *   deno task experiment --config configs/rl_compare_cartpole.yaml [--set seeds=[0,1]] [--fresh]
 *
 * The file format is in lib/experiment/config.ts; `--set` reaches every key of it.
 *
 * @module
 */
import { type CommandSpec, parseCommandLine, SHARED_FLAGS_USAGE } from "../lib/config/command_line.ts";
import { runCommand, UsageError } from "../lib/io/command.ts";
import { loadExperiment } from "../lib/experiment/config.ts";
import { runExperiment } from "../lib/experiment/runner.ts";
import type { ExperimentTask } from "../lib/experiment/task.ts";
import { classificationTask } from "../lib/train/experiment.ts";
import { rlTask } from "../lib/rl/experiment.ts";
import { makeRunEnv } from "../envs/mod.ts";

export const EXPERIMENT_COMMAND: CommandSpec = {
  usage: `Usage: deno task experiment --config FILE [options]

Runs every variant × seed of an experiment file (task: classification or rl), reads back the runs that
finished earlier, resumes the interrupted ones, and writes summary.md / summary.csv / runs.csv and SVG plots
with Welch's t-tests against the baseline into the file's outDir.

Options:
${SHARED_FLAGS_USAGE}
      --only A,B         run only these variants (the summary covers them)
      --fresh            train again runs that finished earlier
      --verbose          one line per epoch or iteration
      --debug            show the stack trace of an error`,
  options: ["only"],
  switches: ["fresh", "verbose"],
};

export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, EXPERIMENT_COMMAND);
  if (line.help) return console.log(EXPERIMENT_COMMAND.usage);
  if (!line.configPath) throw new UsageError(`--config FILE is required\n\n${EXPERIMENT_COMMAND.usage}`);
  const loaded = loadExperiment(line.configPath, line.overrides);
  const task: ExperimentTask<unknown> = loaded.experiment.task === "rl"
    ? rlTask(makeRunEnv) as ExperimentTask<unknown>
    : classificationTask() as ExperimentTask<unknown>;
  const only = line.options.only?.split(",").map((v) => v.trim()).filter(Boolean);
  await runExperiment(loaded, task, { only, fresh: line.switches.fresh, verbose: line.switches.verbose });
}

if (import.meta.main) await runCommand(main);
