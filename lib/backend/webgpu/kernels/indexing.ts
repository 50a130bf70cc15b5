/**
 * Data movement: gather of rows or columns by an i32 index, one-hot encoding and 2-D transpose. Values are
 * moved as raw 32-bit words so the same kernels serve f32 and i32 tensors.
 */
import { BUILTINS, grid1d, type Kernel, linearGroup, splitGrid } from "./common.ts";

/** axis 0: out[i, c] = x[idx[i], c]; axis 1: out[r, j] = x[r, idx[j]]. Out-of-range indices give 0. */
export function gatherKernel(rows: number, cols: number, count: number, axis: 0 | 1): Kernel {
  const size = axis === 0 ? count * cols : rows * count;
  const { grid, index } = grid1d(size);
  const body = axis === 0
    ? `let r = i / ${cols}u; let c = i % ${cols}u; let src = I[r];
  let ok = src >= 0 && src < ${rows};
  Y[i] = select(0u, X[u32(src) * ${cols}u + c], ok);`
    : `let r = i / ${count}u; let j = i % ${count}u; let src = I[j];
  let ok = src >= 0 && src < ${cols};
  Y[i] = select(0u, X[r * ${cols}u + u32(src)], ok);`;
  return {
    label: `gather [${rows},${cols}] ${count} axis ${axis}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  ${body}
}
`,
  };
}

/** out[i, c] = 1 where labels[i] == c, else 0 (labels out of range give a zero row). */
export function oneHotKernel(count: number, classes: number): Kernel {
  const size = count * classes;
  const { grid, index } = grid1d(size);
  return {
    label: `oneHot ${count}x${classes}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> L: array<i32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  Y[i] = select(0.0, 1.0, L[i / ${classes}u] == i32(i % ${classes}u));
}
`,
  };
}

/** out[c, r] = x[r, c] through a 16×16 shared tile (padded to 17 columns against bank conflicts). */
export function transposeKernel(rows: number, cols: number): Kernel {
  const tr = Math.ceil(rows / 16), tc = Math.ceil(cols / 16);
  const grid = splitGrid(tr * tc);
  return {
    label: `transpose [${rows},${cols}]`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read_write> Y: array<u32>;
var<workgroup> tile: array<u32, ${16 * 17}>;
@compute @workgroup_size(16, 16)
fn main(${BUILTINS}) {
  let t = ${linearGroup(grid)};
  if (t >= ${tr * tc}u) { return; }
  let r0 = (t / ${tc}u) * 16u; let c0 = (t % ${tc}u) * 16u;
  let r = r0 + lid.y; let c = c0 + lid.x;
  if (r < ${rows}u && c < ${cols}u) { tile[lid.y * 17u + lid.x] = X[r * ${cols}u + c]; }
  workgroupBarrier();
  let orow = c0 + lid.y; let ocol = r0 + lid.x;
  if (orow < ${cols}u && ocol < ${rows}u) { Y[orow * ${rows}u + ocol] = tile[lid.x * 17u + lid.y]; }
}
`,
  };
}
