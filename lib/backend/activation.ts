/**
 * Scalar activations φ(z) and their derivatives φ'(z): the definitions every backend's kernels follow (the
 * cpu loops call them, the WGSL kernels spell the same expressions) and what host-side code (ES's per-member
 * forward pass) uses.
 */
import type { Activation } from "./backend.ts";

/** φ(z) for each activation kind. */
export function activate(act: Activation, z: number): number {
  switch (act.kind) {
    case "identity":
      return z;
    case "sigmoid":
      return 1 / (1 + Math.exp((-2 * z) / (act.width ?? 2)));
    case "relu":
      return z > 0 ? z : 0;
    case "tanh":
      return Math.tanh(z);
    case "silu":
      return z / (1 + Math.exp(-z));
    case "softplus":
      return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
}

/** φ'(z) for each activation kind; the width-scaled sigmoid keeps its 2/u0 factor. */
export function activateGrad(act: Activation, z: number): number {
  switch (act.kind) {
    case "identity":
      return 1;
    case "sigmoid": {
      const u0 = act.width ?? 2;
      const s = 1 / (1 + Math.exp((-2 * z) / u0));
      return (2 / u0) * s * (1 - s);
    }
    case "relu":
      return z > 0 ? 1 : 0;
    case "tanh": {
      const t = Math.tanh(z);
      return 1 - t * t;
    }
    case "silu": {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 + z * (1 - s));
    }
    case "softplus":
      return 1 / (1 + Math.exp(-z));
  }
}
