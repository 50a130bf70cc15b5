/**
 * Data movement: gather of rows or columns by an i32 index, one-hot encoding and 2-D transpose. Values are
 * moved as raw 32-bit words so the same kernels serve f32 and i32 tensors.
 */
import { BUILTINS, grid1d, type Kernel, linearGroup, splitGrid } from "./common.ts";

/**
 * The index-fault record the indexing kernels share: F[0] = 0 while every index was in range, else the
 * op's code ({@link INDEX_FAULT_OPS}); F[1] the bad index (i32 bits), F[2] its position, F[3] the bound.
 * The first fault wins; the backend reads the record with the next read-back and throws there, so a bad
 * index costs no extra synchronisation (cpu checks on the host and throws at once).
 */
export const INDEX_FAULT_OPS = ["", "gather", "oneHot"] as const;

const FAULT_BINDING = (binding: number) =>
  `@group(0) @binding(${binding}) var<storage, read_write> F: array<atomic<u32>, 4>;
fn fault(op: u32, index: i32, position: u32, bound: u32) {
  if (atomicCompareExchangeWeak(&F[0], 0u, op).exchanged) {
    atomicStore(&F[1], bitcast<u32>(index)); atomicStore(&F[2], position); atomicStore(&F[3], bound);
  }
}`;

/** axis 0: out[i, c] = x[idx[i], c]; axis 1: out[r, j] = x[r, idx[j]]. Out-of-range indices give 0 and a fault. */
export function gatherKernel(rows: number, cols: number, count: number, axis: 0 | 1): Kernel {
  const size = axis === 0 ? count * cols : rows * count;
  const { grid, index } = grid1d(size);
  const body = axis === 0
    ? `let r = i / ${cols}u; let c = i % ${cols}u; let src = I[r];
  let ok = src >= 0 && src < ${rows};
  if (!ok && c == 0u) { fault(1u, src, r, ${rows}u); }
  Y[i] = select(0u, X[u32(src) * ${cols}u + c], ok);`
    : `let r = i / ${count}u; let j = i % ${count}u; let src = I[j];
  let ok = src >= 0 && src < ${cols};
  if (!ok && r == 0u) { fault(1u, src, j, ${cols}u); }
  Y[i] = select(0u, X[r * ${cols}u + u32(src)], ok);`;
  return {
    label: `gather [${rows},${cols}] ${count} axis ${axis}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;
${FAULT_BINDING(3)}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  ${body}
}
`,
  };
}

/** out[i, c] = 1 where labels[i] == c, else 0 (labels out of range give a zero row and a fault). */
export function oneHotKernel(count: number, classes: number): Kernel {
  const size = count * classes;
  const { grid, index } = grid1d(size);
  return {
    label: `oneHot ${count}x${classes}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> L: array<i32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${FAULT_BINDING(2)}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  let row = i / ${classes}u; let label = L[row];
  if ((label < 0 || label >= ${classes}) && i % ${classes}u == 0u) { fault(2u, label, row, ${classes}u); }
  Y[i] = select(0.0, 1.0, label == i32(i % ${classes}u));
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
