/** Initialisers and fixed index tensors, all drawn from the counter-based stream so backends agree. */
import type { Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";

/** Counter offset reserved per tensor so each parameter of a layer has its own slice of the stream. */
const STREAM_SLICE = 2 ** 32;

/** U[0, 1) · scale: the non-negative initialisation of Dalean weights. */
export function uniformInit(
  backend: Backend,
  shape: number[],
  scale: number,
  seed: number,
  slot: number,
): Tensor {
  using u = ops.random(backend, shape, "uniform", seed >>> 0, slot * STREAM_SLICE);
  return ops.scale(u, scale);
}

/** |N(0, 1)| · scale: the paper's "absolute Gaussian samples" for Dalean weights (mean 0.80·scale). */
export function absNormalInit(
  backend: Backend,
  shape: number[],
  scale: number,
  seed: number,
  slot: number,
): Tensor {
  using n = ops.random(backend, shape, "normal", seed >>> 0, slot * STREAM_SLICE);
  using a = ops.unary("abs", n);
  return ops.scale(a, scale);
}

/**
 * How Dalean weights are drawn, each × scale/√fan_in: `uniform` U[0, 1) (mean 0.5, variance 1/12) or
 * `abs-normal` |N(0, 1)| (mean √(2/π) ≈ 0.80, variance 1 − 2/π ≈ 0.36), the paper's RL initialisation.
 */
export type DaleanInit = "uniform" | "abs-normal";

export const DALEAN_INITS: readonly DaleanInit[] = ["uniform", "abs-normal"];

/** Non-negative weights of shape `shape` drawn by `init`, × scale. */
export function daleanInit(
  backend: Backend,
  init: DaleanInit,
  shape: number[],
  scale: number,
  seed: number,
  slot: number,
): Tensor {
  return init === "abs-normal"
    ? absNormalInit(backend, shape, scale, seed, slot)
    : uniformInit(backend, shape, scale, seed, slot);
}

/** U[−bound, bound): signed initialisation for single-stream weights and DFA feedback matrices. */
export function symmetricUniformInit(
  backend: Backend,
  shape: number[],
  bound: number,
  seed: number,
  slot: number,
): Tensor {
  using u = ops.random(backend, shape, "uniform", seed >>> 0, slot * STREAM_SLICE);
  return ops.affine(u, 2 * bound, -bound);
}

/** The modulo routing index: unit i listens to class i mod C. */
export function moduloIndex(backend: Backend, units: number, classes: number): Tensor {
  const index = new Int32Array(units);
  for (let i = 0; i < units; i++) index[i] = i % classes;
  return ops.tensor(backend, index, [units]);
}
