/**
 * Train one classifier from a YAML config:
 *
 *   deno run -A lib/train/cli.ts --config configs/mnist_proposed.yaml [--set key=value ...] [--resume]
 *
 * Prints a progress bar per epoch, writes <outDir>/<name>/{config.yaml, metrics.csv, checkpoint.safetensors}
 * and ends with the final test accuracy. Errors (bad config, missing data, divergence) print one clear
 * message and exit with status 1.
 */
import { CLASSIFICATION_USAGE, parseClassificationArgs } from "../experiment/config.ts";
import { runClassification } from "./run.ts";

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(
      `Usage: deno run -A lib/train/cli.ts [options]\n\n${CLASSIFICATION_USAGE}\n  --overwrite    replace an existing run folder`,
    );
    Deno.exit(0);
  }
  try {
    const overwrite = Deno.args.includes("--overwrite");
    const { config, resume } = await parseClassificationArgs(Deno.args.filter((a) => a !== "--overwrite"));
    const result = await runClassification(config, { resume, overwrite });
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
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
