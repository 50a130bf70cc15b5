/**
 * A small generic validator for YAML/JSON configs. A schema is built from combinators and validates a parsed
 * value into a typed one, filling defaults; any problem is a {@link ConfigError} naming the file and the key
 * path, e.g. `configs/mnist.yaml: optimizer.lr must be a number, got "x"`. Unknown keys are rejected (with a
 * "did you mean" hint). Each command's config module (lib/train/config.ts, lib/rl/config.ts,
 * lib/experiment/config.ts) declares only its own keys with these parts.
 *
 *     const s = object({ lr: number({ min: 0, default: 0.1, doc: "learning rate" }), tags: array(string()) });
 *     type Cfg = Infer<typeof s>;           // { lr: number; tags: string[] }
 *     const cfg = validate(s, parsedYaml, "run.yaml");
 *
 * @module
 */

/** A validation failure: `file` and `path` (e.g. "optimizer.lr") locate it; the message includes both. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly file: string, readonly path: string, readonly problem: string) {
    super(`${file}: ${path === "" ? "config" : path} ${problem}`);
  }
}

/**
 * An error in what the user asked for that is not a config key (a command-line flag, a run folder, a
 * name): commands report it like a ConfigError, as bad input (exit status 2).
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Internal failure before the file name is attached. */
class Invalid extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(problem);
  }
}

/**
 * For custom schemas: reports that the value at `path` is invalid. {@link validate} turns it into a
 * ConfigError naming the file, e.g. `invalid(path, "must be a map of config keys")`.
 */
export function invalid(path: string, problem: string): never {
  throw new Invalid(path, problem);
}

/** Accepts any value unchecked (e.g. a nested config that is validated later, after merging). */
export function anything(opts: { doc?: string } = {}): Schema<unknown> {
  return { type: "any value", doc: opts.doc, check: (v) => v };
}

/** A schema for values of type T. */
export interface Schema<T> {
  /** A short type description for errors and docs, e.g. "number >= 0", "one of sgd | adam". */
  readonly type: string;
  /** Human description for the generated docs. */
  readonly doc?: string;
  /** Value used when the key is missing (objects only). `undefined` with `optional` means "may be absent". */
  readonly default?: T;
  /** The key may be absent (with no default). */
  readonly optional?: boolean;
  /** True when values are strings: a CLI override then takes the raw text instead of parsing it as YAML. */
  readonly textual?: boolean;
  /** Validates `value` found at `path`; throws on failure. */
  check(value: unknown, path: string): T;
  /** For objects: the field schemas (used by docs and override resolution). */
  readonly fields?: Record<string, Schema<unknown>>;
  /** For lists: the item schema. */
  readonly items?: Schema<unknown>;
}

/** The value type a schema validates to. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

interface Common<T> {
  doc?: string;
  default?: T;
}

/** Describes a value for an error message: strings quoted, objects as JSON, truncated. */
export function show(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = JSON.stringify(v);
  const kind = Array.isArray(v) ? "a list" : "an object";
  return s.length > 40 ? kind : `${kind} ${s}`;
}

const join = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

/** A finite number; options: integer, min and max (inclusive), gt (exclusive lower bound). */
export function number(
  opts: Common<number> & { integer?: boolean; min?: number; max?: number; gt?: number } = {},
): Schema<number> {
  const bounds = [
    opts.gt !== undefined ? `> ${opts.gt}` : "",
    opts.min !== undefined ? `>= ${opts.min}` : "",
    opts.max !== undefined ? `<= ${opts.max}` : "",
  ].filter(Boolean).join(" and ");
  const base = opts.integer ? "an integer" : "a number";
  const type = bounds ? `${base} ${bounds}` : base;
  return {
    type,
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (typeof v !== "number" || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
        throw new Invalid(path, `must be ${base}, got ${show(v)}`);
      }
      if (
        (opts.gt !== undefined && !(v > opts.gt)) || (opts.min !== undefined && v < opts.min) ||
        (opts.max !== undefined && v > opts.max)
      ) throw new Invalid(path, `must be ${type}, got ${v}`);
      return v;
    },
  };
}

/** An integer (shorthand for number({integer: true, ...})). */
export function integer(opts: Common<number> & { min?: number; max?: number } = {}): Schema<number> {
  return number({ ...opts, integer: true });
}

/** A string; `pattern` restricts it. */
export function string(opts: Common<string> & { pattern?: RegExp; nonEmpty?: boolean } = {}): Schema<string> {
  return {
    type: "a string",
    textual: true,
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (typeof v !== "string") throw new Invalid(path, `must be a string, got ${show(v)}`);
      if (opts.nonEmpty && v === "") throw new Invalid(path, `must not be empty`);
      if (opts.pattern && !opts.pattern.test(v)) {
        throw new Invalid(path, `must match ${opts.pattern}, got ${show(v)}`);
      }
      return v;
    },
  };
}

export function boolean(opts: Common<boolean> = {}): Schema<boolean> {
  return {
    type: "true or false",
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (typeof v !== "boolean") throw new Invalid(path, `must be true or false, got ${show(v)}`);
      return v;
    },
  };
}

/** One of a fixed set of strings. */
export function oneOf<const V extends readonly string[]>(
  values: V,
  opts: Common<V[number]> = {},
): Schema<V[number]> {
  const type = `one of ${values.join(" | ")}`;
  return {
    type,
    textual: true,
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (typeof v !== "string" || !values.includes(v)) {
        const hint = typeof v === "string" ? didYouMean(v, values) : "";
        throw new Invalid(path, `must be ${type}, got ${show(v)}${hint}`);
      }
      return v as V[number];
    },
  };
}

/** Limits shared by the configs: a seed is a u32 (Philox keys), a layer at most 65,536 units wide. */
export const LIMITS = { seed: 2 ** 32 - 1, units: 65_536, layers: 64 } as const;

/** A list of items; `length`, `minItems`, `maxItems` optional. */
export function array<T>(
  items: Schema<T>,
  opts: Common<T[]> & { minItems?: number; maxItems?: number; length?: number } = {},
): Schema<T[]> {
  const count = [
    opts.minItems ? `at least ${opts.minItems}` : "",
    opts.maxItems !== undefined ? `at most ${opts.maxItems}` : "",
  ].filter(Boolean).join(", ");
  const type = opts.length !== undefined
    ? `a list of ${opts.length} × ${items.type}`
    : `a list of ${items.type}${count ? ` (${count})` : ""}`;
  return {
    type,
    items,
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (!Array.isArray(v)) throw new Invalid(path, `must be ${type}, got ${show(v)}`);
      if (opts.length !== undefined && v.length !== opts.length) {
        throw new Invalid(path, `must have ${opts.length} items, got ${v.length}`);
      }
      if (opts.minItems !== undefined && v.length < opts.minItems) {
        throw new Invalid(path, `must have at least ${opts.minItems} items, got ${v.length}`);
      }
      if (opts.maxItems !== undefined && v.length > opts.maxItems) {
        throw new Invalid(path, `must have at most ${opts.maxItems} items, got ${v.length}`);
      }
      return v.map((x, i) => items.check(x, join(path, i)));
    },
  };
}

/** A map from arbitrary string keys to values of one schema. */
export function record<T>(
  values: Schema<T>,
  opts: Common<Record<string, T>> = {},
): Schema<Record<string, T>> {
  return {
    type: `a map of ${values.type}`,
    doc: opts.doc,
    default: opts.default,
    check(v, path) {
      if (!isPlainObject(v)) throw new Invalid(path, `must be a map, got ${show(v)}`);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, values.check(x, join(path, k))]));
    },
  };
}

/**
 * Any map of config keys, kept unvalidated: a nested config (overrides of another file) that is validated
 * later, after merging into the config it overrides. `keys` restricts its top-level keys.
 */
export function map(opts: { doc?: string; keys?: readonly string[] } = {}): Schema<Record<string, unknown>> {
  return {
    type: "a map",
    doc: opts.doc,
    check(v, path) {
      if (!isPlainObject(v)) throw new Invalid(path, "must be a map of config keys");
      for (const k of Object.keys(v)) {
        if (opts.keys && !opts.keys.includes(k)) {
          throw new Invalid(
            join(path, k),
            `is not one of ${opts.keys.join(", ")}${didYouMean(k, opts.keys)}`,
          );
        }
      }
      return v;
    },
  };
}

/** Marks a schema as optional: the key may be absent (the value is then `undefined`). */
export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return { ...s, optional: true, default: undefined, check: (v, path) => s.check(v, path) };
}

/** Either of two schemas (first match wins); the error lists both types. */
export function union<A, B>(a: Schema<A>, b: Schema<B>, opts: Common<A | B> = {}): Schema<A | B> {
  const type = `${a.type} or ${b.type}`;
  return {
    type,
    doc: opts.doc ?? a.doc ?? b.doc,
    default: opts.default,
    check(v, path) {
      try {
        return a.check(v, path);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        try {
          return b.check(v, path);
        } catch (e2) {
          if (!(e2 instanceof Invalid)) throw e2;
          throw new Invalid(path, `must be ${type}, got ${show(v)}`);
        }
      }
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

type Fields = Record<string, Schema<unknown>>;
type ObjectOf<F extends Fields> = { -readonly [K in keyof F]: Infer<F[K]> };

/**
 * An object with exactly the given fields: unknown keys are errors; a missing key takes the field's default,
 * is `undefined` if the field is optional, and is an error otherwise. A missing object whose fields all have
 * defaults (or are optional) defaults to the object of those defaults.
 */
export function object<F extends Fields>(fields: F, opts: { doc?: string } = {}): Schema<ObjectOf<F>> {
  const keys = Object.keys(fields);
  const s: Schema<ObjectOf<F>> = {
    type: "an object",
    doc: opts.doc,
    fields,
    check(v, path) {
      if (!isPlainObject(v)) {
        throw new Invalid(path, `must be an object with keys ${keys.join(", ")}, got ${show(v)}`);
      }
      for (const k of Object.keys(v)) {
        // Own keys only: `constructor` or `toString` must not pass as config keys.
        if (!Object.hasOwn(fields, k)) {
          throw new Invalid(
            join(path, k),
            `is not a known key${didYouMean(k, keys)} (allowed here: ${keys.join(", ")})`,
          );
        }
      }
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(fields)) {
        const p = join(path, k);
        if (v[k] === undefined || v[k] === null && f.optional) {
          const d = defaultOf(f);
          if (d !== undefined) out[k] = f.check(structuredClone(d), p);
          else if (!f.optional) throw new Invalid(p, `is required (${f.type})`);
          else out[k] = undefined;
        } else {
          out[k] = f.check(v[k], p);
        }
      }
      return out as ObjectOf<F>;
    },
  };
  return s;
}

/** The default of a schema: its own, or for an object whose fields all have defaults, the object of those. */
export function defaultOf(s: Schema<unknown>): unknown {
  if (s.default !== undefined) return s.default;
  if (!s.fields || s.optional) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(s.fields)) {
    const d = defaultOf(f);
    if (d === undefined && !f.optional) return undefined;
    if (d !== undefined) out[k] = d;
  }
  return out;
}

/**
 * Validates `value` against `schema`; errors name `file` and the key path. `root` prefixes every path (for a
 * value nested in a larger file, e.g. "base").
 */
export function validate<T>(schema: Schema<T>, value: unknown, file = "<config>", root = ""): T {
  try {
    return schema.check(value, root);
  } catch (e) {
    if (e instanceof Invalid) throw new ConfigError(file, e.path, e.problem);
    throw e;
  }
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** " (did you mean "x"?)" for the closest candidate within edit distance 2 (case-insensitive), else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best = "", bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.min(2, Math.floor(word.length / 3))) ? ` (did you mean "${best}"?)` : "";
}

/**
 * Lists every leaf key of a schema with its type, default and doc, as Markdown table rows; the documented
 * defaults are generated from the schema itself, so they cannot drift.
 */
export function describeSchema(s: Schema<unknown>, path = ""): string[] {
  if (s.fields) {
    return Object.entries(s.fields).flatMap(([k, f]) => describeSchema(f, join(path, k)));
  }
  const d = s.default !== undefined
    ? `\`${JSON.stringify(s.default)}\``
    : s.optional
    ? "(unset)"
    : "(required)";
  const row = `| \`${path}\` | ${s.type.replaceAll("|", "\\|")} | ${d} | ${s.doc ?? ""} |`;
  return s.items?.fields ? [row, ...describeSchema(s.items, `${path}[]`)] : [row];
}

/** A Markdown table of the schema's keys (see {@link describeSchema}). */
export function schemaTable(s: Schema<unknown>): string {
  return ["| key | type | default | meaning |", "|---|---|---|---|", ...describeSchema(s)].join("\n");
}
