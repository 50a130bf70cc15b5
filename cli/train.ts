/**
 * Trains one classifier from a YAML config:
 *
 *   deno task train --config configs/mnist_proposed.yaml [--set key=value ...] [--resume] [--overwrite]
 *
 * Prints a progress bar per epoch, writes <outDir>/<name>/{config.yaml, metrics.csv,
 * checkpoint.safetensors, attribution.json} and ends with the final test accuracy.
 *
 * @module
 */
import {
  CLASSIFICATION_COMMAND,
  classificationConfigDocs,
  loadClassificationConfig,
} from "../lib/train/config.ts";
import { parseCommandLine } from "../lib/config/command_line.ts";
import { runClassification } from "../lib/train/run.ts";
import { runCommand } from "../lib/io/command.ts";

export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, CLASSIFICATION_COMMAND);
  if (line.help) return console.log(CLASSIFICATION_COMMAND.usage);
  if (line.switches.keys) return console.log(`# Classification config keys\n\n${classificationConfigDocs()}`);
  const config = loadClassificationConfig(line.configPath, line.overrides);
  const result = await runClassification(config, {
    resume: line.switches.resume,
    overwrite: line.switches.overwrite,
  });
  const acc = (100 * result.finalTestAccuracy).toFixed(2);
  console.log(
    `final test accuracy ${acc}% (${config.variant}, ${config.dataset.name}, ${result.backend}); ` +
      `metrics in ${result.dir}/metrics.csv`,
  );
  const a = result.attribution;
  if (a && a.errors > 0) {
    const pct = (k: number) => `${(100 * k / a.errors).toFixed(1)}%`;
    console.log(
      `test errors ${a.errors}: ${pct(a.amplified)} wrong class amplified (excitatory stream), ` +
        `${pct(a.suppressed)} true class suppressed (inhibitory stream); ${result.dir}/attribution.json`,
    );
  }
}

if (import.meta.main) await runCommand(main);
