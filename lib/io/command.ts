/**
 * The one way every command-line entry point ends: its main function runs, and any error becomes a
 * single line `error: ...` on stderr, exit status 2 for bad input (a config, a flag, a file the user named)
 * and 1 for a failure while running. `--debug` anywhere on the command line adds the stack trace.
 *
 *     if (import.meta.main) await runCommand(main);
 *
 * @module
 */
import { ConfigError, UsageError } from "../config/schema.ts";

export { UsageError };

/** Runs `main(args)` (without `--debug`) and turns a thrown error into one line and an exit status. */
export async function runCommand(
  main: (args: string[]) => Promise<void> | void,
  args: readonly string[] = Deno.args,
): Promise<void> {
  const debug = args.includes("--debug");
  try {
    await main(args.filter((a) => a !== "--debug"));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // Deno's own message says which flag is missing; the tasks' narrow permissions need a word on widening.
    const hint = err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied
      ? " (the deno.json tasks may only read the working folder and write runs/ and data/: choose a folder " +
        "there, or run `deno run` with wider flags; README, section Safety)"
      : "";
    console.error(`error: ${err.message}${hint}`);
    if (debug) console.error(err.stack);
    Deno.exit(isUsageError(err) ? 2 : 1);
  }
}

/** True for errors about the user's input rather than a failure while running. */
export function isUsageError(e: Error): boolean {
  return e instanceof ConfigError || e instanceof UsageError || e instanceof Deno.errors.NotCapable;
}
