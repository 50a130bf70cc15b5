/**
 * The argument checks every front-end op in lib/ops.ts and lib/ops/ shares: errors that name the op and the
 * shapes, liveness and backend checks, and wrapping a backend storage into a tensor.
 *
 * @module
 */
import type { Activation, Backend, DType } from "../backend/backend.ts";
import { Tensor } from "../tensor.ts";

/** dtype[shape] for messages. */
export const fmt = (t: Tensor) => `${t.dtype}[${t.shape.join(",")}]`;

/** Throws `op: message (shapes)`. */
export function fail(op: string, message: string, ...tensors: Tensor[]): never {
  const shapes = tensors.length ? ` (${tensors.map(fmt).join(", ")})` : "";
  throw new Error(`${op}: ${message}${shapes}`);
}

/** Fails unless every named scalar is a finite number (a NaN learning rate would silently ruin a run). */
export function finite(op: string, values: Record<string, number | undefined>): void {
  for (const [name, v] of Object.entries(values)) {
    if (v !== undefined && !Number.isFinite(v)) fail(op, `${name} must be a finite number, got ${v}`);
  }
}

/** Fails on a disposed tensor or tensors of different backends. */
export function live(op: string, ...tensors: (Tensor | undefined | null)[]): void {
  const backend = tensors.find((t) => t)?.backend;
  for (const t of tensors) {
    if (!t) continue;
    if (t.disposed) fail(op, `tensor #${t.id} [${t.shape}] was used after dispose()`);
    if (t.backend !== backend) fail(op, "tensors live on different backends");
  }
}

/** Fails unless `t` has this rank and dtype (null: any). */
export function need(op: string, t: Tensor, rank: number | null, dtype: DType | null, role: string): void {
  if (rank !== null && t.rank !== rank) fail(op, `${role} must have rank ${rank}, got ${fmt(t)}`);
  if (dtype !== null && t.dtype !== dtype) fail(op, `${role} must be ${dtype}, got ${fmt(t)}`);
}

/** Fails on a sigmoid width that is not positive. */
export function checkActivation(op: string, act: Activation): void {
  if (act.kind === "sigmoid" && act.width !== undefined && !(act.width > 0)) {
    fail(op, `sigmoid width u0 must be > 0, got ${act.width}`);
  }
}

/** A tensor around a backend storage. */
export function wrap(
  backend: Backend,
  storage: ReturnType<Backend["alloc"]>,
  shape: readonly number[],
  dtype: DType = "f32",
) {
  return new Tensor(backend, storage, shape, dtype);
}

/** A 1-D or 2-D tensor as [rows, cols]. */
export function asView2d(op: string, x: Tensor): [number, number] {
  if (x.rank === 2) return [x.shape[0], x.shape[1]];
  if (x.rank === 1) return [1, x.shape[0]];
  return fail(op, "expects a 1-D or 2-D tensor", x);
}

/** Same rank and dimensions. */
export const sameShape = (a: Tensor, b: Tensor) =>
  a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
