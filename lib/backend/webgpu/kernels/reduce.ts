/**
 * Reductions over a 2-D view [rows, cols] and row-wise softmax.
 *
 * axis 1 (one value per row): a workgroup per row; threads stride over the row, then a shared-memory tree.
 * axis 0 (one value per column): a workgroup per 32 columns with 8 row lanes, so reads stay coalesced along
 * the row, then the 8 lane partials are combined. argmax carries (value, index) and breaks ties toward the
 * lower index, matching a left-to-right scan.
 */
import type { ReduceOp } from "../../backend.ts";
import { BUILTINS, type Kernel, linearGroup, splitGrid } from "./common.ts";

const NEG_INF = "bitcast<f32>(0xff800000u)";
const POS_INF = "bitcast<f32>(0x7f800000u)";

/** Workgroup size for a row of `cols`: a power of two in [32, 256]. */
const rowThreads = (cols: number) =>
  Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(cols, 1)))));

function ops(op: ReduceOp): { init: string; fold: string; combine: string } {
  switch (op) {
    case "sum":
    case "mean":
      return { init: "0.0", fold: "acc += v;", combine: "acc += ov;" };
    case "sumsq":
      return { init: "0.0", fold: "acc = fma(v, v, acc);", combine: "acc += ov;" };
    case "max":
      return {
        init: NEG_INF,
        fold: "acc = select(acc, v, v > acc);",
        combine: "acc = select(acc, ov, ov > acc);",
      };
    case "min":
      return {
        init: POS_INF,
        fold: "acc = select(acc, v, v < acc);",
        combine: "acc = select(acc, ov, ov < acc);",
      };
    case "argmax":
      return {
        init: NEG_INF,
        fold: "if (v > acc) { acc = v; best = j; }",
        combine: "if (ov > acc || (ov == acc && oi < best)) { acc = ov; best = oi; }",
      };
  }
}

export function reduceKernel(op: ReduceOp, rows: number, cols: number, axis: 0 | 1): Kernel {
  const o = ops(op);
  const isArg = op === "argmax";
  const count = axis === 0 ? rows : cols;
  const result = isArg ? "best" : op === "mean" ? `acc / ${count}.0` : "acc";
  const outType = isArg ? "i32" : "f32";
  const outCast = isArg ? "i32(best)" : result;
  if (axis === 1) {
    const wg = rowThreads(cols);
    const grid = splitGrid(rows);
    const code = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<${outType}>;
var<workgroup> sv: array<f32, ${wg}>;
var<workgroup> si: array<u32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(${BUILTINS}) {
  let row = ${linearGroup(grid)};
  if (row >= ${rows}u) { return; }
  var acc = ${o.init};
  var best = 0u;
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    let v = X[row * ${cols}u + j];
    ${o.fold}
  }
  sv[lid.x] = acc;
  si[lid.x] = best;
  for (var w = ${wg / 2}u; w > 0u; w >>= 1u) {
    workgroupBarrier();
    if (lid.x < w) {
      let ov = sv[lid.x + w]; let oi = si[lid.x + w];
      ${o.combine}
      sv[lid.x] = acc;
      si[lid.x] = best;
    }
  }
  if (lid.x == 0u) { Y[row] = ${outCast}; }
}
`;
    return { label: `reduce ${op} [${rows},${cols}] axis 1`, grid, code };
  }
  const grid = splitGrid(Math.ceil(cols / 32));
  const code = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<${outType}>;
var<workgroup> sv: array<f32, 256>;
var<workgroup> si: array<u32, 256>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let c = ${linearGroup(grid)} * 32u + lid.x % 32u;
  let lane = lid.x / 32u;
  var acc = ${o.init};
  var best = 0u;
  if (c < ${cols}u) {
    for (var j = lane; j < ${rows}u; j += 8u) {
      let v = X[j * ${cols}u + c];
      ${o.fold}
    }
  }
  sv[lid.x] = acc;
  si[lid.x] = best;
  workgroupBarrier();
  if (lane == 0u && c < ${cols}u) {
    for (var l = 1u; l < 8u; l++) {
      let ov = sv[l * 32u + lid.x]; let oi = si[l * 32u + lid.x];
      ${o.combine}
    }
    Y[c] = ${outCast};
  }
}
`;
  return { label: `reduce ${op} [${rows},${cols}] axis 0`, grid, code };
}

/** Numerically stable softmax (or log-softmax) of each row: a workgroup per row, three passes. */
export function softmaxKernel(rows: number, cols: number, log: boolean): Kernel {
  const wg = rowThreads(cols);
  const grid = splitGrid(rows);
  const tree = (combine: string) => `
  sv[lid.x] = acc;
  for (var w = ${wg / 2}u; w > 0u; w >>= 1u) {
    workgroupBarrier();
    if (lid.x < w) { sv[lid.x] = ${combine}; }
  }
  workgroupBarrier();`;
  const code = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
var<workgroup> sv: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(${BUILTINS}) {
  let row = ${linearGroup(grid)};
  if (row >= ${rows}u) { return; }
  let base = row * ${cols}u;
  var acc = bitcast<f32>(0xff800000u);
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) { acc = max(acc, X[base + j]); }
  ${tree("max(sv[lid.x], sv[lid.x + w])")}
  let mx = sv[0];
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) { acc += exp(X[base + j] - mx); }
  ${tree("sv[lid.x] + sv[lid.x + w]")}
  let total = sv[0];
  ${log ? "let lt = log(total);" : "let inv = 1.0 / total;"}
  for (var j = lid.x; j < ${cols}u; j += ${wg}u) {
    ${log ? "Y[base + j] = (X[base + j] - mx) - lt;" : "Y[base + j] = exp(X[base + j] - mx) * inv;"}
  }
}
`;
  return { label: `${log ? "logSoftmax" : "softmax"} [${rows},${cols}]`, grid, code };
}
