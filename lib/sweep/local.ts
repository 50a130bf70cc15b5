/**
 * The local executor: the sweep's unfinished runs on this machine, `parallel` at a time, each in its own
 * process (the same command a SLURM element runs: `cli/sweep.ts --run <id>`) with CPU_THREADS set so that
 * parallel × threads ≤ cores. Output goes to <outDir>/logs/<experiment>/<variant>_s<seed>.log (appended);
 * each run's exit status is recorded in sweep.json. A failed run does not stop the others. Interrupting
 * or terminating the sweep command (SIGINT, SIGTERM) stops its runs; running it again skips finished runs
 * and resumes interrupted ones from their checkpoints (each run does that itself). While it runs,
 * <outDir>/sweep.lock (host and pid) keeps a second sweep command from running the same runs.
 *
 * @module
 */
import { join } from "node:path";
import { UsageError } from "../io/command.ts";
import { type SweepManifest, writeManifest } from "./folder.ts";
import type { SweepPlan, SweepRun } from "./plan.ts";

/** How {@link runLocal} runs. */
export interface LocalOptions {
  /** Runs at a time. */
  parallel: number;
  /** Cores to share (default: this machine's). */
  cores?: number;
  /** The command (argv) that trains one run. */
  command: (run: SweepRun) => string[];
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

/** Threads per run so that `parallel` runs fit in `cores`; a one-line error when they cannot. */
export function threadsPerRun(parallel: number, cores: number): number {
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new UsageError(`parallel must be an integer >= 1, got ${parallel}`);
  }
  if (parallel > cores) {
    throw new UsageError(
      `parallel: ${parallel} runs at a time need at least ${parallel} cores, this machine has ${cores}; ` +
        `use --parallel ${cores} or less`,
    );
  }
  return Math.floor(cores / parallel);
}

/** The log of a run's local attempts. */
export function localLogPath(outDir: string, run: SweepRun): string {
  return join(outDir, "logs", run.experiment, `${run.variant}_s${run.seed}.log`);
}

/** Held (host and pid inside) by the sweep command that runs the folder's runs locally. */
export const LOCK_FILE = "sweep.lock";

/**
 * Takes <outDir>/sweep.lock for this process, or throws a one-line error naming the sweep command that
 * holds it; a lock whose process has gone (same host) is taken over. Returns the function that frees it.
 */
export async function lockSweepFolder(outDir: string): Promise<() => Promise<void>> {
  const path = join(outDir, LOCK_FILE);
  const host = Deno.hostname();
  const mine = `${host} ${Deno.pid}\n`;
  try {
    await Deno.writeTextFile(path, mine, { createNew: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    const [owner, pidText] = (await Deno.readTextFile(path).catch(() => "")).trim().split(" ");
    const pid = Number(pidText);
    const gone = owner === host && Number.isInteger(pid) && pid > 0 && !await processExists(pid);
    if (!gone) {
      throw new UsageError(
        `another sweep command (${owner ?? "?"}, pid ${pidText ?? "?"}) is running the runs of ${outDir}; ` +
          `wait for it or stop it (or delete ${path} if that command is gone)`,
      );
    }
    await Deno.writeTextFile(path, mine);
  }
  return () => Deno.remove(path).catch(() => {});
}

/** Whether a process of this machine exists (Linux: /proc; elsewhere it is assumed to). */
async function processExists(pid: number): Promise<boolean> {
  const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
  return !await exists("/proc/self") || await exists(`/proc/${pid}`);
}

/** Runs `runs` (see the module doc); returns the ids that exited 0 and those that failed. */
export async function runLocal(
  plan: SweepPlan,
  manifest: SweepManifest,
  runs: readonly SweepRun[],
  options: LocalOptions,
): Promise<{ succeeded: string[]; failed: string[] }> {
  const outDir = plan.sweep.config.outDir;
  const threads = threadsPerRun(options.parallel, options.cores ?? navigator.hardwareConcurrency);
  const unlock = await lockSweepFolder(outDir);
  const children = new Set<Deno.ChildProcess>();
  const stop = (code: number) => () => {
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch { /* it has just exited */ }
    }
    Deno.removeSync(join(outDir, LOCK_FILE));
    Deno.exit(code);
  };
  const handlers: [Deno.Signal, () => void][] = [["SIGINT", stop(130)], ["SIGTERM", stop(143)]];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    return await runAll(outDir, manifest, runs, options, threads, children);
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    await unlock();
  }
}

async function runAll(
  outDir: string,
  manifest: SweepManifest,
  runs: readonly SweepRun[],
  options: LocalOptions,
  threads: number,
  children: Set<Deno.ChildProcess>,
): Promise<{ succeeded: string[]; failed: string[] }> {
  const log = options.log ?? console.log;
  const succeeded: string[] = [], failed: string[] = [];
  let saving = Promise.resolve();
  const save = () => (saving = saving.then(() => writeManifest(outDir, manifest)));
  let next = 0, done = 0;
  log(
    `local: ${runs.length} runs, ${Math.min(options.parallel, runs.length)} at a time, ` +
      `${threads} thread${threads === 1 ? "" : "s"} each`,
  );
  const worker = async () => {
    while (next < runs.length) {
      const run = runs[next++];
      const path = localLogPath(outDir, run);
      const started = new Date();
      log(`[${next}/${runs.length}] ${run.id}: started (log ${path})`);
      const code = await runLogged(options.command(run), path, { CPU_THREADS: String(threads) }, children);
      const ended = new Date();
      manifest.local[run.id] = {
        exitCode: code,
        log: path,
        started: started.toISOString(),
        ended: ended.toISOString(),
      };
      await save();
      done++;
      const secs = ((ended.getTime() - started.getTime()) / 1000).toFixed(1);
      if (code === 0) {
        succeeded.push(run.id);
        log(`[done ${done}/${runs.length}] ${run.id}: exited 0 after ${secs} s`);
      } else {
        failed.push(run.id);
        log(
          `[done ${done}/${runs.length}] ${run.id}: FAILED (exit ${code}) after ${secs} s: ` +
            `${await lastLine(path)} (log ${path})`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, runs.length) }, worker));
  await saving;
  return { succeeded, failed };
}

/** Runs argv with extra env, appending its stdout and stderr to `logPath`; returns the exit status. */
async function runLogged(
  argv: string[],
  logPath: string,
  env: Record<string, string>,
  children: Set<Deno.ChildProcess>,
): Promise<number> {
  await Deno.mkdir(join(logPath, ".."), { recursive: true });
  const file = await Deno.open(logPath, { append: true, create: true });
  const encoder = new TextEncoder();
  const writeAll = async (bytes: Uint8Array) => {
    for (let n = 0; n < bytes.length;) n += await file.write(bytes.subarray(n));
  };
  try {
    await writeAll(encoder.encode(`=== ${new Date().toISOString()} ${argv.join(" ")}\n`));
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      })
        .spawn();
    } catch (e) {
      await writeAll(encoder.encode(`could not start ${argv[0]}: ${(e as Error).message}\n`));
      return 127;
    }
    children.add(child);
    try {
      let chain = Promise.resolve();
      const pump = async (stream: ReadableStream<Uint8Array>) => {
        for await (const chunk of stream) chain = chain.then(() => writeAll(chunk));
      };
      await Promise.all([pump(child.stdout), pump(child.stderr)]);
      await chain;
      return (await child.status).code;
    } finally {
      children.delete(child);
    }
  } finally {
    file.close();
  }
}

/** The last non-empty line of a log (the one-line error of a failed run). */
async function lastLine(path: string): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "";
}
