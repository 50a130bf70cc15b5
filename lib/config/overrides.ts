/**
 * Command-line overrides and config merging, the same for every command:
 *
 *     applyOverrides(raw, ["optimizer.lr=0.5", "model.hidden=[512,512]", "seeds.0=3"], schema)
 *     deepMerge(base, { epochs: 3 })
 *
 * An override's value is parsed as YAML (`0.5` a number, `[512,512]` a list, `false` a boolean) unless the
 * key holds text. Its key path is checked against the schema before anything is set, so the error names
 * the override: fields must be the schema's own keys, list indices must exist or append (no holes), and no
 * path may reach an object's prototype. Merged and overridden objects are built without a prototype.
 *
 * @module
 */
import { parseYaml } from "../deps.ts";
import { ConfigError, didYouMean, type Schema } from "./schema.ts";

/** Keys that would reach or replace an object's prototype. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Longest list an override may address (a typo like `hidden.10000000=64` must not allocate). */
export const MAX_OVERRIDE_INDEX = 10_000;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A copy of a map without a prototype, so no key of it can reach Object.prototype. */
function ownCopy(v: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k] = x;
  return out;
}

/** Merges `over` into `base`: maps recursively, lists and scalars replace. Neither input is modified. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return structuredClone(over);
  const out = ownCopy(base);
  for (const [k, v] of Object.entries(over)) {
    if (FORBIDDEN_KEYS.has(k)) continue; // validation reports it as an unknown key of the merged file
    out[k] = Object.hasOwn(out, k) ? deepMerge(out[k], v) : structuredClone(v);
  }
  return out;
}

/**
 * Applies `key.path=value` overrides to a raw (unvalidated) config object and returns the new object;
 * the caller validates the result, so an override is checked like a line of the file.
 */
export function applyOverrides(raw: unknown, overrides: readonly string[], schema: Schema<unknown>): unknown {
  // A non-map (e.g. a YAML list) is left for validation to reject with the file name.
  if (!isMap(raw)) return raw;
  const obj = structuredClone(raw) as Record<string, unknown>;
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", o, "must look like key.path=value");
    const key = o.slice(0, eq).trim(), text = o.slice(eq + 1);
    setPath(obj, key, schema, (s) => {
      if (s?.textual) return text;
      try {
        return parseYaml(text) ?? null;
      } catch {
        return text; // validation reports it with the expected type
      }
    });
  }
  return obj;
}

/**
 * Sets the value at a dotted key path ("optimizer.lr", "model.hidden.0"), creating intermediate maps and
 * walking `schema` alongside; `value` receives the schema of the leaf (undefined inside free-form maps).
 */
export function setPath(
  target: Record<string, unknown>,
  keyPath: string,
  schema: Schema<unknown> | undefined,
  value: (leaf: Schema<unknown> | undefined) => unknown,
): void {
  const parts = keyPath.split(".");
  if (parts.some((k) => k === "")) throw new ConfigError("--set", keyPath, "has an empty key");
  let node: Record<string, unknown> | unknown[] = target;
  let s = schema;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i], last = i === parts.length - 1;
    if (FORBIDDEN_KEYS.has(part)) throw new ConfigError("--set", keyPath, `may not use the key "${part}"`);
    if (s?.fields) {
      if (!Object.hasOwn(s.fields, part)) {
        const allowed = Object.keys(s.fields);
        throw new ConfigError(
          "--set",
          keyPath,
          `is not a known key${didYouMean(part, allowed)} (allowed at ${part}: ${allowed.join(", ")})`,
        );
      }
      s = s.fields[part];
    } else s = s?.items;
    let slot: string | number = part;
    if (Array.isArray(node)) {
      const index = Number(part);
      if (!Number.isInteger(index) || index < 0 || index > Math.min(node.length, MAX_OVERRIDE_INDEX)) {
        throw new ConfigError(
          "--set",
          keyPath,
          `indexes a list of ${node.length} items with "${part}": use 0..${node.length} (${node.length} appends)`,
        );
      }
      slot = index;
    }
    if (last) {
      (node as Record<string | number, unknown>)[slot] = value(s);
      return;
    }
    const current: unknown = (node as Record<string | number, unknown>)[slot];
    const nextIsIndex: boolean = /^\d+$/.test(parts[i + 1]) &&
      (s?.items !== undefined || Array.isArray(current));
    let next: Record<string, unknown> | unknown[];
    if (Array.isArray(current) || isMap(current)) next = current as Record<string, unknown> | unknown[];
    else next = nextIsIndex ? [] : Object.create(null) as Record<string, unknown>;
    (node as Record<string | number, unknown>)[slot] = next;
    node = next;
  }
}
