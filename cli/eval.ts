/**
 * Evaluates a trained classifier from its run folder:
 *
 *   deno task eval --run runs/mnist-proposed [--data test|validation|train|NAME[:SPLIT]] [--path DIR]
 *
 * Rebuilds the network from <run>/config.yaml, loads <run>/checkpoint.safetensors and the input statistics
 * of <run>/stats.json, and prints the accuracy on the chosen data (default: the run's test split, so the
 * number matches the last row of its metrics.csv). Writes nothing.
 *
 * @module
 */
import { parseCommandLine } from "../lib/config/command_line.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../lib/backend/mod.ts";
import { runCommand, UsageError } from "../lib/io/command.ts";
import { DATASETS } from "../lib/train/config.ts";
import { EVAL_SPLITS, evaluationData, loadClassifier } from "../lib/train/load.ts";

const USAGE = `Usage: deno task eval --run DIR [options]

Options:
      --run DIR          a classification run folder (config.yaml, checkpoint.safetensors)
      --data WHICH       ${EVAL_SPLITS.join(" | ")} of the run's data (default test), or NAME[:test|train]
                         for a whole split of another data set (${DATASETS.join(", ")})
      --path DIR         data folder (default: the run's dataset.path, else data/<name>)
      --backend NAME     ${BACKEND_CHOICES.join(", ")} (default: the run's)
  -h, --help             this text`;

/** Runs `deno task eval` with `args` (see the module doc). */
export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, { usage: USAGE, options: ["run", "data", "path", "backend"] });
  if (line.help) return console.log(USAGE);
  const { run, data, path, backend } = line.options;
  if (!run) throw new UsageError(`--run DIR is required\n\n${USAGE}`);
  if (line.configPath || line.overrides.length || line.positionals.length) {
    throw new UsageError(`eval takes no config or --set: the run folder defines the model\n\n${USAGE}`);
  }
  if (backend !== undefined && !(BACKEND_CHOICES as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(", ")}, got "${backend}"`);
  }
  using model = await loadClassifier(run, { backend: backend as BackendChoice | undefined });
  const log = (l: string) => console.error(l);
  const split = await evaluationData(model.config, data ?? "test", path, log, model.checkShape);
  const accuracy = await model.evaluate(split.images, split.labels);
  console.log(
    `${(100 * accuracy).toFixed(2)}% accuracy on ${split.what}; ${run} after epoch ${model.epoch} ` +
      `(${model.config.variant}, ${model.classifier.backend.deviceName})`,
  );
}

if (import.meta.main) await runCommand(main);
