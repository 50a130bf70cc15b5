/**
 * A terminal progress bar with live fields:
 *
 *     epoch 3/10 [██████████▌         ] 234/469  loss 0.2134  acc 0.9412  1873 it/s  ETA 0:07
 *
 * On a TTY it redraws one line in place (at most `redrawMs` apart). When the output is not a TTY (CI, a log
 * file) it prints a plain line every `plainEveryMs` and one at the end, so logs stay short and readable.
 *
 * @module
 */

export type ProgressFields = Record<string, number | string>;

export interface ProgressOptions {
  /** Total number of steps (e.g. minibatches in an epoch). */
  total: number;
  /** Text before the bar, e.g. "epoch 3/10". */
  label?: string;
  /** Bar width in characters (default 24). */
  width?: number;
  /** Where to write (default: stdout). */
  write?: (text: string) => void;
  /** Whether to redraw in place (default: stdout is a terminal). */
  tty?: boolean;
  /** Minimum time between redraws on a TTY (default 100 ms). */
  redrawMs?: number;
  /** Time between plain lines when not a TTY (default 10 s). */
  plainEveryMs?: number;
  /** Clock in milliseconds (default performance.now; injectable for tests). */
  now?: () => number;
  /** Unit name for the rate (default "it"). */
  unit?: string;
}

const encoder = new TextEncoder();

function defaultWrite(text: string): void {
  const bytes = encoder.encode(text);
  let n = 0;
  while (n < bytes.length) n += Deno.stdout.writeSync(bytes.subarray(n));
}

/** Formats seconds as m:ss or h:mm:ss ("?" when unknown). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/** Formats a field value: 4 significant digits for numbers, as-is for strings. */
export function formatField(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return v.toPrecision(4);
}

/** Formats a rate with a sensible number of digits. */
function formatRate(r: number): string {
  if (!Number.isFinite(r)) return "?";
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** Renders a bar of `width` cells filled to `fraction` (0..1) with eighth-block resolution. */
export function renderBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction)) * width;
  const full = Math.floor(f);
  const part = full < width ? EIGHTHS[Math.floor((f - full) * 8)] : "";
  return "█".repeat(full) + part + " ".repeat(width - full - (part ? 1 : 0));
}

export class ProgressBar {
  readonly total: number;
  #label: string;
  #width: number;
  #write: (text: string) => void;
  #tty: boolean;
  #redrawMs: number;
  #plainEveryMs: number;
  #now: () => number;
  #unit: string;
  #start: number;
  #lastDraw = -Infinity;
  #current = 0;
  #fields: ProgressFields = {};
  #done = false;

  constructor(opts: ProgressOptions) {
    this.total = Math.max(0, opts.total);
    this.#label = opts.label ?? "";
    this.#width = opts.width ?? 24;
    this.#write = opts.write ?? defaultWrite;
    this.#tty = opts.tty ?? Deno.stdout.isTerminal();
    this.#redrawMs = opts.redrawMs ?? 100;
    this.#plainEveryMs = opts.plainEveryMs ?? 10_000;
    this.#now = opts.now ?? (() => performance.now());
    this.#unit = opts.unit ?? "it";
    this.#start = this.#now();
    // Plain mode: the first line comes after plainEveryMs, not at step 0.
    if (!this.#tty) this.#lastDraw = this.#start;
  }

  /** Steps done so far. */
  get current(): number {
    return this.#current;
  }

  /** The current line, without control characters. */
  line(): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const rate = elapsed > 0 ? this.#current / elapsed : NaN;
    const eta = this.#current > 0 ? (this.total - this.#current) / rate : NaN;
    const frac = this.total > 0 ? this.#current / this.total : 1;
    const parts = [
      this.#label,
      `[${renderBar(frac, this.#width)}]`,
      `${this.#current}/${this.total}`,
      ...Object.entries(this.#fields).map(([k, v]) => `${k} ${formatField(v)}`),
      `${formatRate(rate)} ${this.#unit}/s`,
      this.#done ? `${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`,
    ];
    return parts.filter((p) => p !== "").join("  ");
  }

  /** Sets the step count (and merges `fields` into the live fields), redrawing if due. */
  update(current: number, fields?: ProgressFields): void {
    if (this.#done) return;
    this.#current = Math.min(Math.max(0, current), this.total);
    if (fields) Object.assign(this.#fields, fields);
    const t = this.#now();
    if (this.#tty) {
      if (t - this.#lastDraw >= this.#redrawMs) {
        this.#lastDraw = t;
        this.#write(`\r\x1b[2K${this.line()}`);
      }
    } else if (t - this.#lastDraw >= this.#plainEveryMs) {
      this.#lastDraw = t;
      this.#write(`${this.line()}\n`);
    }
  }

  /** Advances by `n` steps. */
  tick(n = 1, fields?: ProgressFields): void {
    this.update(this.#current + n, fields);
  }

  /** Finishes the bar: draws the final line (with elapsed time instead of ETA) and ends it with a newline. */
  done(fields?: ProgressFields): void {
    if (this.#done) return;
    if (fields) Object.assign(this.#fields, fields);
    this.#done = true;
    this.#write(this.#tty ? `\r\x1b[2K${this.line()}\n` : `${this.line()}\n`);
  }
}
