/**
 * A run folder, <outDir>/<name>: the one place a training run writes. The project only ever writes or
 * removes the files listed in {@link RUN_FILES} inside a folder that carries its marker file, so a run name,
 * an outDir or `--overwrite` can never delete anything the project did not create:
 * - the name must be one path segment (no `/`, not `.` or `..`);
 * - `--overwrite` removes the known run files of a marked folder, never the folder or anything else in it;
 * - a folder that exists without the marker and is not empty is refused;
 * - `--resume` restores the checkpoint when there is one, and starts from scratch when the run was killed
 *   before its first checkpoint; it refuses a config that differs in what defines the run;
 * - temporary files of an interrupted atomic write are removed when the folder is opened.
 *
 * @module
 */
import { join } from "node:path";
import { parseYaml, stringifyYaml as toYaml } from "../deps.ts";
import { writeFileAtomic } from "./atomic.ts";
import { UsageError } from "../config/schema.ts";

/** Marks a folder as made by this project (its content: the project's name and the time of creation). */
export const RUN_MARKER = ".diffusing-blame-run";
export const CONFIG_FILE = "config.yaml";
export const CHECKPOINT_FILE = "checkpoint.safetensors";
export const METRICS_FILE = "metrics.csv";
/** Input statistics of a classification run (per-channel mean and std; lib/train/input.ts). */
export const STATS_FILE = "stats.json";

/** Every file a run may write into its folder; nothing else is ever written or removed there. */
export const RUN_FILES: readonly string[] = [
  RUN_MARKER,
  CONFIG_FILE,
  CHECKPOINT_FILE,
  METRICS_FILE,
  STATS_FILE,
  "attribution.json",
  "posthoc.json",
  "provenance.json",
  "posthoc.md",
  "result.json",
  "return.svg",
];

/** A run name: one folder name of letters, digits, `_`, `.` and `-`, and not `.` or `..` (for schemas). */
export const RUN_NAME: RegExp = /^(?!\.\.?$)[\w.-]+$/;

/** Temporary files of {@link writeFileAtomic}: `<name>.tmp-<pid>-<random>`. */
const TEMP_FILE = /^(.+)\.tmp-\d+-[0-9a-z]+$/;

/** Throws unless `name` is a single, ordinary path segment. */
export function checkRunName(name: string, key = "name"): void {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new UsageError(`${key} "${name}" must be one folder name (letters, digits, _ . -), not a path`);
  }
}

export interface OpenRunOptions {
  resume?: boolean;
  overwrite?: boolean;
  /** Config keys (dotted paths) a resumed run may change: more epochs, another backend, ... */
  mutableKeys?: readonly string[];
}

export interface RunFolder {
  dir: string;
  /** True when the run continues from the folder's checkpoint. */
  resumed: boolean;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/**
 * Opens (creating or reusing) the folder of a run whose config is `config` (written as config.yaml);
 * see the module doc for what it refuses.
 */
export async function openRunFolder(
  outDir: string,
  name: string,
  config: unknown,
  options: OpenRunOptions = {},
): Promise<RunFolder> {
  checkRunName(name);
  const dir = join(outDir, name);
  const marked = await exists(join(dir, RUN_MARKER));
  const entries = await listFolder(dir);
  if (entries.length > 0 && !marked) {
    throw new UsageError(
      `${dir} exists and was not made by this project (no ${RUN_MARKER}); choose another name or outDir`,
    );
  }
  if (marked) await removeTempFiles(dir, entries);
  if (options.resume && await exists(join(dir, CHECKPOINT_FILE))) {
    await checkSameRun(dir, config, options.mutableKeys ?? []);
    await writeFileAtomic(join(dir, CONFIG_FILE), toYaml(config));
    return { dir, resumed: true };
  }
  // --resume without a checkpoint (killed before the first one) starts over: nothing is lost.
  if (marked && !options.resume && !options.overwrite && await exists(join(dir, METRICS_FILE))) {
    throw new UsageError(
      `${dir} already holds a run; pass --resume to continue it, --overwrite to replace it, or choose ` +
        `another name (--name) or outDir`,
    );
  }
  if (marked) await removeRunFiles(dir);
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(
    join(dir, RUN_MARKER),
    `diffusing-blame run folder, created ${new Date().toISOString()}\n`,
  );
  await writeFileAtomic(join(dir, CONFIG_FILE), toYaml(config));
  return { dir, resumed: false };
}

async function listFolder(dir: string): Promise<string[]> {
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    return names;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    if (e instanceof Deno.errors.NotADirectory) throw new UsageError(`${dir} is a file, not a run folder`);
    throw e;
  }
}

/** Removes the leftovers of atomic writes that a kill interrupted (only those of known run files). */
async function removeTempFiles(dir: string, entries: readonly string[]): Promise<void> {
  for (const name of entries) {
    const m = name.match(TEMP_FILE);
    if (m && RUN_FILES.includes(m[1])) await Deno.remove(join(dir, name)).catch(() => {});
  }
}

/** Removes the run files of a marked folder (never the folder, never other files). */
async function removeRunFiles(dir: string): Promise<void> {
  for (const name of RUN_FILES) {
    if (name === RUN_MARKER) continue;
    await Deno.remove(join(dir, name)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/** Refuses to resume under a config that differs from the saved one in a key outside `mutable`. */
async function checkSameRun(dir: string, config: unknown, mutable: readonly string[]): Promise<void> {
  const text = await Deno.readTextFile(join(dir, CONFIG_FILE)).catch(() => null);
  if (text === null) return; // a folder from before config checks: nothing to compare with
  const saved = parseYaml(text);
  const changed = differingKeys(saved, config).filter((k) =>
    !mutable.some((m) => k === m || k.startsWith(m + "."))
  );
  if (changed.length > 0) {
    throw new UsageError(
      `--resume: ${dir} was started with a different ${changed.join(", ")}; resume with the same values ` +
        `(see ${join(dir, CONFIG_FILE)}) or start a new run (--name, or --overwrite to replace it)`,
    );
  }
}

/** Dotted paths where two plain values differ (lists compared whole). */
export function differingKeys(a: unknown, b: unknown, path = ""): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differingKeys(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || "config"];
}
