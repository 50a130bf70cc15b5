/**
 * Philox-4x32-10 streams from `PHILOX_WGSL`, so values match `lib/random.ts` (uniform bit for bit).
 * Params: seed, counter low word, counter high word; element i uses stream position counter + i.
 */
import type { RandomDistribution } from "../../backend.ts";
import { PHILOX_WGSL } from "../../../random.ts";
import { BUILTINS, grid1d, type Kernel, paramsDecl } from "./common.ts";

export function randomKernel(size: number, dist: RandomDistribution): Kernel {
  const { grid, index } = grid1d(size);
  return {
    label: `random ${dist} ${size}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
${paramsDecl(1)}
${PHILOX_WGSL}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  let lo = pu(1u) + i;
  let hi = pu(2u) + select(0u, 1u, lo < i); // carry out of the low word
  Y[i] = ${dist === "uniform" ? "uniform_at" : "normal_at"}(pu(0u), lo, hi);
}
`,
  };
}
