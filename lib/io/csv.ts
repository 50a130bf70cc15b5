/**
 * Metrics CSV files: one header row, then one row per epoch (or per run). Every change rewrites the file
 * atomically (temporary file + rename), so a run killed mid-write leaves the previous complete file; metrics
 * files are small, so the rewrite costs nothing next to an epoch.
 *
 * @module
 */
import { parseCsvText as parse, stringifyCsv as stringify } from "../deps.ts";
import { writeFileAtomic } from "./atomic.ts";

export type CsvValue = string | number | boolean | null | undefined;
export type CsvRow = Record<string, CsvValue>;

function format(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  return String(v); // numbers use the shortest round-trip form; NaN and Infinity stay readable
}

/** Serialises rows with a header line; `columns` fixes the column order (default: keys of the first row). */
export function toCsv(rows: CsvRow[], columns?: string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const records = rows.map((r) => cols.map((c) => format(r[c])));
  return stringify([cols, ...records]);
}

/** Parses CSV text with a header line into rows of strings. */
export function parseCsv(text: string, file = "<csv>"): Record<string, string>[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`${file}: malformed CSV (${(err as Error).message})`);
  }
}

/** Reads a CSV file into rows of strings (header line gives the keys). */
export async function readCsv(path: string): Promise<Record<string, string>[]> {
  return parseCsv(await Deno.readTextFile(path), path);
}

/** Reads a CSV file and converts every cell with `Number` (empty cells become NaN). */
export async function readCsvNumbers(path: string): Promise<Record<string, number>[]> {
  const rows = await readCsv(path);
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === "" ? NaN : Number(v)]))
  );
}

/** Writes rows (with a header) atomically. */
export async function writeCsv(path: string, rows: CsvRow[], columns?: string[]): Promise<void> {
  await writeFileAtomic(path, toCsv(rows, columns));
}

async function readHeader(path: string): Promise<{ columns: string[]; text: string } | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  if (text.trim() === "") return null;
  const [columns] = parse(text, { to_line: 1 }) as string[][];
  return { columns, text };
}

/**
 * Appends one row to a metrics CSV, writing the header first if the file is new. The row's keys must match
 * the existing header (missing keys are written as empty cells; an unknown key is an error naming the file,
 * since it would silently shift columns). The new file replaces the old one atomically.
 */
export async function appendCsvRow(path: string, row: CsvRow, columns?: string[]): Promise<void> {
  const existing = await readHeader(path);
  if (!existing) {
    await writeCsv(path, [row], columns ?? Object.keys(row));
    return;
  }
  const unknown = Object.keys(row).filter((k) => !existing.columns.includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `${path}: row has column(s) ${unknown.join(", ")} that the file's header (${
        existing.columns.join(", ")
      }) ` +
        `lacks; write to a new file or remove the old one`,
    );
  }
  const line = stringify([existing.columns.map((c) => format(row[c]))]);
  const sep = existing.text.endsWith("\n") ? "" : "\n";
  await writeFileAtomic(path, existing.text + sep + line);
}

/**
 * Keeps only the rows for which `keep` is true (e.g. epochs up to a checkpoint when resuming a run), so that
 * a resumed run's CSV matches an uninterrupted one. Does nothing if the file does not exist.
 */
export async function filterCsvRows(
  path: string,
  keep: (row: Record<string, string>) => boolean,
): Promise<void> {
  const existing = await readHeader(path);
  if (!existing) return;
  const rows = parseCsv(existing.text, path).filter(keep);
  await writeCsv(path, rows, existing.columns);
}
