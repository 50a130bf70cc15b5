/**
 * RMS normalisation of rows (see `Backend.rmsNorm`): a workgroup per row, threads stride over the row's
 * values in every part, then a shared-memory tree sums them. One or two parts (X0, X1) form one row of
 * K = parts · cols values.
 *
 *   forward:           rms = sqrt(Σ x² / K + ε),   Y = X / rms
 *   exact backward:    DX = (DY − Y · Σ(Y ⊙ DY) / K) / rms
 *   diagonal backward: DX = DY · (1 − Y²/K) / rms     (no reduction)
 */
import { BUILTINS, f32, type Kernel, linearGroup, splitGrid } from "./common.ts";

/** Threads per row: a power of two in [32, 256]. */
const rowThreads = (values: number) =>
  Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(values, 1)))));

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The binding declarations, in order: read-only inputs, then read-write outputs. */
function bindings(inputs: string[], outputs: string[]): string {
  const decl = (name: string, i: number, access: string) =>
    `@group(0) @binding(${i}) var<storage, ${access}> ${name}: array<f32>;`;
  return [
    ...inputs.map((n, i) => decl(n, i, "read")),
    ...outputs.map((n, i) => decl(n, inputs.length + i, "read_write")),
  ].join("\n");
}

/** Sums each thread's `acc` over the workgroup; every thread then reads the total from sv[0]. */
function treeSum(wg: number): string {
  return `sv[lid.x] = acc;
  for (var w = ${wg / 2}u; w > 0u; w >>= 1u) {
    workgroupBarrier();
    if (lid.x < w) { sv[lid.x] += sv[lid.x + w]; }
  }
  workgroupBarrier();`;
}

/** Bindings: X0 (X1), Y0 (Y1), R [rows]. */
export function rmsNormKernel(parts: number, rows: number, cols: number, eps: number): Kernel {
  const wg = rowThreads(cols), grid = splitGrid(rows), ps = range(parts);
  const code = `${bindings(ps.map((p) => `X${p}`), [...ps.map((p) => `Y${p}`), "R"])}
var<workgroup> sv: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(${BUILTINS}) {
  let row = ${linearGroup(grid)};
  if (row >= ${rows}u) { return; }
  let base = row * ${cols}u;
  var acc = 0.0;
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    ${ps.map((p) => `let x${p} = X${p}[base + j]; acc = fma(x${p}, x${p}, acc);`).join("\n    ")}
  }
  ${treeSum(wg)}
  let r = sqrt(sv[0] / ${f32(parts * cols)} + ${f32(eps)});
  if (lid.x == 0u) { R[row] = r; }
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    ${ps.map((p) => `Y${p}[base + j] = X${p}[base + j] / r;`).join("\n    ")}
  }
}
`;
  return { label: `rmsNorm ${parts}x[${rows},${cols}]`, grid, code };
}

/** Bindings: Y0 (Y1), R, DY0 (DY1), DX0 (DX1). */
export function rmsNormBackwardKernel(parts: number, rows: number, cols: number, diagonal: boolean): Kernel {
  const wg = rowThreads(cols), grid = splitGrid(rows), ps = range(parts);
  const k = f32(parts * cols);
  const inputs = [...ps.map((p) => `Y${p}`), "R", ...ps.map((p) => `DY${p}`)];
  // The exact product needs the row's mean of Y ⊙ DY; the diagonal needs no reduction.
  const mean = diagonal ? "" : `var acc = 0.0;
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    ${ps.map((p) => `acc = fma(Y${p}[base + j], DY${p}[base + j], acc);`).join("\n    ")}
  }
  ${treeSum(wg)}
  let m = sv[0] / ${k};`;
  const dx = (p: number) =>
    diagonal
      ? `let y${p} = Y${p}[base + j]; DX${p}[base + j] = DY${p}[base + j] * (1.0 - y${p} * y${p} / ${k}) / r;`
      : `DX${p}[base + j] = (DY${p}[base + j] - Y${p}[base + j] * m) / r;`;
  const code = `${bindings(inputs, ps.map((p) => `DX${p}`))}
${diagonal ? "" : `var<workgroup> sv: array<f32, ${wg}>;`}
@compute @workgroup_size(${wg})
fn main(${BUILTINS}) {
  let row = ${linearGroup(grid)};
  if (row >= ${rows}u) { return; }
  let base = row * ${cols}u;
  let r = R[row];
  ${mean}
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    ${ps.map(dx).join("\n    ")}
  }
}
`;
  const mode = diagonal ? "diagonal" : "exact";
  return { label: `rmsNormBackward ${mode} ${parts}x[${rows},${cols}]`, grid, code };
}
