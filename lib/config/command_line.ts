/**
 * The command line every config-driven command shares:
 *
 *     --config FILE  --set key.path=value (repeatable)  shorthand flags  switches  --help
 *
 * Shorthand flags are `--set` in disguise (`--epochs 3` is `--set epochs=3`; one flag may set several
 * keys) and apply after the `--set` overrides, so the command line reads left to right as "file, then
 * overrides, then shorthands". Unknown flags are a {@link UsageError} that carries the usage text.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./schema.ts";

/** The flags a command accepts besides --config, --set, --help and --keys (see `parseCommandLine`). */
export interface CommandSpec {
  /** Usage text for --help and for usage errors. */
  usage: string;
  /** `--flag VALUE` means `--set key=VALUE` for each listed key. */
  shorthands?: Record<string, readonly string[]>;
  /** Boolean flags the command reads itself (e.g. resume, quiet). */
  switches?: readonly string[];
  /** String flags the command reads itself (e.g. only, policy). */
  options?: readonly string[];
}

export interface CommandLine {
  configPath?: string;
  /** `--set` overrides, then the shorthands, in the order they apply. */
  overrides: string[];
  switches: Record<string, boolean>;
  options: Record<string, string | undefined>;
  help: boolean;
  positionals: string[];
}

/** Parses `args` by `spec`; throws a UsageError naming the bad flag, with the usage text. */
export function parseCommandLine(args: readonly string[], spec: CommandSpec): CommandLine {
  const shorthands = spec.shorthands ?? {}, switches = spec.switches ?? [], options = spec.options ?? [];
  const declared: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    config: { type: "string", short: "c" },
    set: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  };
  for (const f of Object.keys(shorthands)) declared[f] = { type: "string" };
  for (const f of options) declared[f] = { type: "string" };
  for (const f of switches) declared[f] = { type: "boolean" };
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: declared, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${spec.usage}`);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const overrides = [...(v.set as string[] | undefined ?? [])];
  for (const [flag, keys] of Object.entries(shorthands)) {
    const value = v[flag];
    if (typeof value === "string") { for (const key of keys) overrides.push(`${key}=${value}`); }
  }
  return {
    configPath: v.config as string | undefined,
    overrides,
    switches: Object.fromEntries(switches.map((f) => [f, v[f] === true])),
    options: Object.fromEntries(options.map((f) => [f, v[f] as string | undefined])),
    help: v.help === true,
    positionals: parsed.positionals,
  };
}

/** The `Options:` lines of a usage text for the shared flags. */
export const SHARED_FLAGS_USAGE =
  `  -c, --config FILE      YAML config; keys it does not set take their defaults
      --set KEY=VALUE    override any key of the file, e.g. --set optimizer.lr=0.5 (repeatable)
  -h, --help             this text`;

/** Flags of a command without a config file (play, view, fetch): name → string or boolean. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; default?: string | boolean }>;

/**
 * Parses `args` for a command without a config file, with `-h`/`--help`; unknown flags are a UsageError
 * that carries the usage text. Returns null when help was asked for (after printing the usage).
 */
export function parseFlags<F extends FlagSpec>(
  args: readonly string[],
  flags: F,
  usage: string,
  options: { positionals?: boolean } = {},
): {
  values: { [K in keyof F]: F[K]["type"] extends "boolean" ? boolean : string | undefined };
  positionals: string[];
} | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...flags, help: { type: "boolean", short: "h" } },
      allowPositionals: options.positionals ?? false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return null;
  }
  // deno-lint-ignore no-explicit-any
  return { values: parsed.values as any, positionals: parsed.positionals };
}
