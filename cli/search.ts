/**
 * A classification recipe search, selected on a validation split (lib/train/search.ts for the file format):
 *
 *   deno task search --config configs/cifar10_search.yaml [--set overrides.epochs=2] [--list] [--fresh]
 *
 * Writes <outDir>/recipes/<recipe>.yaml (each tried recipe with its result), search.csv, search.md and
 * best.yaml; finished runs are read back and interrupted ones resumed, so re-running after a kill loses
 * nothing.
 *
 * @module
 */
import { type CommandSpec, parseCommandLine, SHARED_FLAGS_USAGE } from "../lib/config/command_line.ts";
import { runCommand, UsageError } from "../lib/io/command.ts";
import { loadSearch, runSearch, stageRecipes } from "../lib/train/search.ts";

/** The `deno task search` command line. */
export const SEARCH_COMMAND: CommandSpec = {
  usage: `Usage: deno task search --config FILE [options]

Tries every recipe of a search file's stages (each stage on top of the best recipe so far), ranks them by
final validation accuracy and writes <outDir>/{recipes/*.yaml, search.csv, search.md, best.yaml}.

Options:
${SHARED_FLAGS_USAGE}
      --list             print the first stage's recipes and the number of runs, train nothing
      --fresh            train again runs that finished earlier
      --debug            show the stack trace of an error`,
  switches: ["list", "fresh"],
};

/** Runs `deno task search` with `args` (see the module doc). */
export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, SEARCH_COMMAND);
  if (line.help) return console.log(SEARCH_COMMAND.usage);
  if (!line.configPath) throw new UsageError(`--config FILE is required\n\n${SEARCH_COMMAND.usage}`);
  const loaded = loadSearch(line.configPath, line.overrides);
  if (line.switches.list) {
    const { search } = loaded;
    const first = stageRecipes(loaded, 0, loaded.base);
    for (const r of first) console.log(`${r.name}: ${r.changes.join(", ") || "base"}`);
    const counts = search.stages.map((s, i) => i === 0 ? first.length : stageSize(s));
    console.log(
      `${search.stages.length} stage(s) of ${
        counts.join(" + ")
      } recipes × ${search.seeds.length} seed(s) = ` +
        `${counts.reduce((a, b) => a + b, 0) * search.seeds.length} runs into ${search.outDir}`,
    );
    return;
  }
  const results = await runSearch(loaded, { fresh: line.switches.fresh });
  console.log(`${results.length} recipes; ranking in ${loaded.search.outDir}/search.md, best in best.yaml`);
}

function stageSize(s: { grid?: Record<string, unknown[]>; recipes?: Record<string, unknown> }): number {
  const grid = s.grid ? Object.values(s.grid).reduce((a, v) => a * v.length, 1) : 0;
  return grid + Object.keys(s.recipes ?? {}).length;
}

if (import.meta.main) await runCommand(main);
