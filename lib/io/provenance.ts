/**
 * Where a run's numbers came from: the code's commit, the Deno and V8 versions, the operating system and
 * the compute device (the backend's name carries the cpu thread count). Each start or resume of a run
 * appends one record to `provenance.json` in its folder, so a resumed run shows every machine it ran on.
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backend/backend.ts";
import { writeFileAtomic } from "./atomic.ts";

export const PROVENANCE_FILE = "provenance.json";

/** One start (or resume) of a run. */
export interface ProvenanceRecord {
  startedAt: string;
  /** The commit of the working directory's git checkout ("unknown" elsewhere); uncommitted edits are not seen. */
  commit: string;
  deno: string;
  v8: string;
  os: string;
  /** The backend's own description, e.g. "cpu (2 threads)" or "NVIDIA H100 80GB HBM3". */
  device: string;
  /** The epoch or iteration the run started from (0 for a fresh run). */
  from: number;
}

/**
 * The commit checked out in `dir` (default: the working directory), read from `.git` without running git;
 * "unknown" outside a checkout or without read permission there.
 */
export function gitCommit(dir = "."): string {
  try {
    const head = Deno.readTextFileSync(join(dir, ".git", "HEAD")).trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return Deno.readTextFileSync(join(dir, ".git", ref)).trim();
    } catch {
      // A packed ref: "<sha> <ref>" lines in .git/packed-refs.
      const packed = Deno.readTextFileSync(join(dir, ".git", "packed-refs"));
      return packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0] ?? "unknown";
    }
  } catch {
    return "unknown";
  }
}

/** Appends this start of the run to `<dir>/provenance.json`. */
export async function recordProvenance(
  dir: string,
  backend: Backend,
  from: number,
): Promise<ProvenanceRecord> {
  const record: ProvenanceRecord = {
    startedAt: new Date().toISOString(),
    commit: gitCommit(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    device: backend.deviceName,
    from,
  };
  const path = join(dir, PROVENANCE_FILE);
  const earlier = await Deno.readTextFile(path).then((t) => JSON.parse(t) as ProvenanceRecord[], () => []);
  await writeFileAtomic(path, JSON.stringify([...earlier, record], null, 2) + "\n");
  return record;
}
