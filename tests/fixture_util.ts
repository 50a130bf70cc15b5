/**
 * Reads the reference data under tests/fixtures. A missing or unreadable fixture throws an error naming the
 * file, so a test that needs it fails instead of being skipped.
 */

import { gunzipSync } from "node:zlib";

/** URL of `path` relative to tests/fixtures/. */
export function fixtureUrl(path: string): URL {
  return new URL(`./fixtures/${path}`, import.meta.url);
}

/** The bytes of fixture `path`. */
export function readFixture(path: string): Uint8Array {
  const url = fixtureUrl(path);
  try {
    return Deno.readFileSync(url);
  } catch (e) {
    throw new Error(`cannot read test fixture ${url.pathname}: ${e instanceof Error ? e.name : e}`);
  }
}

/** Parses fixture `path` as JSON, gunzipping first when the name ends in .gz. */
export function readJsonFixture<T>(path: string): T {
  const raw = readFixture(path);
  try {
    const bytes = path.endsWith(".gz") ? gunzipSync(raw) : raw;
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new Error(`test fixture ${fixtureUrl(path).pathname} is not valid (gzipped) JSON: ${e}`);
  }
}
