/**
 * Fused in-place optimizer steps, one thread per parameter. Hyper-parameters travel as uniforms so a
 * learning-rate schedule or Adam's step count does not compile new pipelines; only the structure
 * (momentum on/off, floor on/off) is baked in.
 */
import { BUILTINS, grid1d, type Kernel, paramsDecl } from "./common.ts";

/** Bindings: P, G, [V]. Params: lr, momentum, weightDecay, floor. */
export function sgdKernel(size: number, momentum: boolean, floor: boolean): Kernel {
  const { grid, index } = grid1d(size);
  return {
    label: `sgd ${size}${momentum ? " momentum" : ""}${floor ? " floor" : ""}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
${momentum ? "@group(0) @binding(2) var<storage, read_write> V: array<f32>;" : ""}
${paramsDecl(momentum ? 3 : 2)}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  let p = P[i];
  var step = G[i] + pf(2u) * p;
  ${momentum ? "step = pf(1u) * V[i] + step;\n  V[i] = step;" : ""}
  let next = p - pf(0u) * step;
  P[i] = ${floor ? "select(next, pf(3u), next < pf(3u))" : "next"};
}
`,
  };
}

/** Bindings: P, G, M, V. Params: lr, beta1, beta2, eps, 1 − beta1^t, 1 − beta2^t, weightDecay, floor. */
export function adamKernel(size: number, floor: boolean): Kernel {
  const { grid, index } = grid1d(size);
  return {
    label: `adam ${size}${floor ? " floor" : ""}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> Mo: array<f32>;
@group(0) @binding(3) var<storage, read_write> Ve: array<f32>;
${paramsDecl(4)}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  let g = G[i]; let p = P[i];
  let m = pf(1u) * Mo[i] + (1.0 - pf(1u)) * g;
  let v = pf(2u) * Ve[i] + (1.0 - pf(2u)) * g * g;
  Mo[i] = m;
  Ve[i] = v;
  let update = m / pf(4u) / (sqrt(v / pf(5u)) + pf(3u)) + pf(6u) * p;
  let next = p - pf(0u) * update;
  P[i] = ${floor ? "select(next, pf(7u), next < pf(7u))" : "next"};
}
`,
  };
}
