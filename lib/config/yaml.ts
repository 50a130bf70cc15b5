/**
 * YAML files as plain values. Every failure (a missing file, a syntax error, an alias bomb) becomes a
 * {@link ConfigError} that names the file, and the line where the parser knows it.
 *
 * @module
 */
import { parseYaml, YAMLError } from "../deps.ts";
import { ConfigError } from "./schema.ts";

/**
 * Parses one YAML document (an empty document is `{}`). Aliases are capped so that a "billion laughs"
 * file fails fast instead of exhausting memory.
 */
export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const pos = e instanceof YAMLError ? e.linePos?.[0] : undefined;
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : "";
    throw new ConfigError(file, "", `is not valid YAML${where}: ${e.message.split("\n")[0]}`);
  }
}

/** Reads and parses a YAML file (synchronously: configs are small and read before any work starts). */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(file, "", "file not found");
    if (e instanceof Deno.errors.IsADirectory) {
      throw new ConfigError(file, "", "is a folder, not a YAML file");
    }
    throw e;
  }
  return parseYamlFile(text, file);
}
