/**
 * The three convolution products as implicit GEMMs: the im2col matrix is never materialised, the loaders
 * compute the input coordinates from (k, n). NCHW activations, [cout, cin, kh, kw] kernels.
 *
 *   forward      y[b,co,p]      = Σ_(ci,i,j)  w[co,(ci,i,j)] · x[b,ci, oy·s+i−pad, ox·s+j−pad]   M=cout, N=b·ho·wo
 *   input grad   dx[b,ci,(y,x)] = Σ_(co,i,j)  w[co,ci,i,j] · dy[b,co,(y+pad−i)/s,(x+pad−j)/s]   M=cin,  N=b·h·w
 *   weight grad  dw[co,(ci,i,j)] = Σ_(b,oy,ox) dy[b,co,oy,ox] · x[b,ci,oy·s+i−pad,ox·s+j−pad]  M=cout, N=cin·kh·kw
 *
 * The weight gradient has a long K (batch × pixels) and a small output, so it splits K over workgroup
 * layers that write partial sums; `sumPartsKernel` adds them.
 */
import type { Activation } from "../../backend.ts";
import { activationWgsl, actKey, BUILTINS, grid1d, type Kernel } from "./common.ts";
import { chooseTiling, type GemmSpec, simpleGemm, tiledGemm } from "./gemm.ts";

export interface ConvShape {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
  ho: number;
  wo: number;
}

const geomKey = (g: ConvShape) =>
  `x[${g.n},${g.cin},${g.h},${g.w}] w[${g.cout},${g.cin},${g.kh},${g.kw}] s${g.stride} p${g.padding}`;

const consts = (g: ConvShape) =>
  `const NB = ${g.n}u; const CIN = ${g.cin}u; const H = ${g.h}u; const W = ${g.w}u; const COUT = ${g.cout}u;
const KH = ${g.kh}u; const KW = ${g.kw}u; const S = ${g.stride}u; const PAD = ${g.padding}u;
const HO = ${g.ho}u; const WO = ${g.wo}u;`;

function build(spec: GemmSpec): Kernel {
  const t = chooseTiling(spec.M, spec.N);
  return t ? tiledGemm(spec, t) : simpleGemm(spec);
}

/** Pixel (iy, ix) of image plane `plane` of x, 0 in the padding. */
const xAt = `fn x_at(plane: u32, iy: u32, ix: u32) -> f32 {
  // iy, ix carry the padding offset; underflow wraps to large values and fails the bound test.
  let y = iy - PAD; let x = ix - PAD;
  if (iy < PAD || ix < PAD || y >= H || x >= W) { return 0.0; }
  return X[(plane * H + y) * W + x];
}`;

export function conv2dKernel(g: ConvShape, bias: boolean, act: Activation): Kernel {
  const hw = g.ho * g.wo, khw = g.kh * g.kw;
  const vecOut = hw % 4 === 0;
  return build({
    label: `conv2d ${geomKey(g)}${bias ? " +bias" : ""} ${actKey(act)}`,
    M: g.cout,
    N: g.n * hw,
    K: g.cin * khw,
    decls: `${consts(g)}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: ${vecOut ? "array<vec4f>" : "array<f32>"};
${bias ? "@group(0) @binding(3) var<storage, read> bias: array<f32>;" : ""}
${activationWgsl(act)}
${xAt}
fn im2col(k: u32, n: u32) -> f32 {
  let ci = k / ${khw}u; let r = k % ${khw}u; let i = r / KW; let j = r % KW;
  let b = n / ${hw}u; let p = n % ${hw}u; let oy = p / WO; let ox = p % WO;
  return x_at(b * CIN + ci, oy * S + i, ox * S + j);
}`,
    loadA: "Wt[m * K + k]",
    loadB: "im2col(k, n)",
    aMajor: "k",
    bMajor: "n",
    epi: `act(v${bias ? " + bias[m]" : ""})`,
    store: vecOut
      ? `let i = ((n / ${hw}u) * COUT + m) * ${hw}u + n % ${hw}u; Y[i / 4u][i % 4u] = r`
      : `Y[((n / ${hw}u) * COUT + m) * ${hw}u + n % ${hw}u] = r`,
    store4: vecOut ? `Y[(((n / ${hw}u) * COUT + m) * ${hw}u + n % ${hw}u) / 4u] = r` : undefined,
  });
}

export function conv2dInputGradKernel(g: ConvShape): Kernel {
  const hw = g.h * g.w, khw = g.kh * g.kw;
  const vecOut = hw % 4 === 0;
  return build({
    label: `conv2dInputGrad ${geomKey(g)}`,
    M: g.cin,
    N: g.n * hw,
    K: g.cout * khw,
    decls: `${consts(g)}
@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: ${vecOut ? "array<vec4f>" : "array<f32>"};
fn w_at(ci: u32, k: u32) -> f32 {
  let co = k / ${khw}u; let r = k % ${khw}u;
  return Wt[(co * CIN + ci) * ${khw}u + r];
}
fn dy_at(k: u32, n: u32) -> f32 {
  let co = k / ${khw}u; let r = k % ${khw}u; let i = r / KW; let j = r % KW;
  let b = n / ${hw}u; let p = n % ${hw}u; let y = p / W; let x = p % W;
  // Output pixel (oy, ox) touched input (y, x) through tap (i, j) iff oy·s + i − pad = y.
  let ty = y + PAD; let tx = x + PAD;
  if (ty < i || tx < j) { return 0.0; }
  let sy = ty - i; let sx = tx - j;
  if (sy % S != 0u || sx % S != 0u) { return 0.0; }
  let oy = sy / S; let ox = sx / S;
  if (oy >= HO || ox >= WO) { return 0.0; }
  return DY[((b * COUT + co) * HO + oy) * WO + ox];
}`,
    loadA: "w_at(m, k)",
    loadB: "dy_at(k, n)",
    aMajor: "k",
    bMajor: "n",
    epi: "v",
    store: vecOut
      ? `let i = ((n / ${hw}u) * CIN + m) * ${hw}u + n % ${hw}u; DX[i / 4u][i % 4u] = r`
      : `DX[((n / ${hw}u) * CIN + m) * ${hw}u + n % ${hw}u] = r`,
    store4: vecOut ? `DX[(((n / ${hw}u) * CIN + m) * ${hw}u + n % ${hw}u) / 4u] = r` : undefined,
  });
}

/** How many K-splits the weight gradient uses: enough workgroups to fill the device, chunks ≥ 256 long. */
export function weightGradSplit(g: ConvShape): number {
  const M = g.cout, N = g.cin * g.kh * g.kw, K = g.n * g.ho * g.wo;
  const t = chooseTiling(M, N);
  const tiles = t ? Math.ceil(M / t.BM) * Math.ceil(N / t.BN) : Math.ceil((M * N) / 256);
  return Math.max(1, Math.min(Math.floor(K / 256), Math.ceil(256 / tiles), 64));
}

/** Writes `split` partial products [split, cout, cin·kh·kw] into P (or the result itself when split = 1). */
export function conv2dWeightGradKernel(g: ConvShape, split: number): Kernel {
  const ohw = g.ho * g.wo, khw = g.kh * g.kw;
  const N = g.cin * khw;
  return build({
    label: `conv2dWeightGrad ${geomKey(g)} split ${split}`,
    M: g.cout,
    N,
    K: g.n * ohw,
    decls: `${consts(g)}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read_write> P: array<f32>;
${xAt}
fn x_patch(k: u32, n: u32) -> f32 {
  let b = k / ${ohw}u; let p = k % ${ohw}u; let oy = p / WO; let ox = p % WO;
  let ci = n / ${khw}u; let r = n % ${khw}u; let i = r / KW; let j = r % KW;
  return x_at(b * CIN + ci, oy * S + i, ox * S + j);
}`,
    loadA: `DY[((k / ${ohw}u) * COUT + m) * ${ohw}u + k % ${ohw}u]`,
    loadB: "x_patch(k, n)",
    aMajor: "k",
    bMajor: "k",
    epi: "v",
    store: "P[(split * M + m) * N + n] = r",
    splitK: split,
  });
}

/** out[i] = Σ_s parts[s · size + i]. */
export function sumPartsKernel(size: number, parts: number): Kernel {
  const { grid, index } = grid1d(size);
  return {
    label: `sumParts ${size}x${parts}`,
    grid,
    code: `@group(0) @binding(0) var<storage, read> P: array<f32>;
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${size}u) { return; }
  var acc = 0.0;
  for (var s = 0u; s < ${parts}u; s++) { acc += P[s * ${size}u + i]; }
  O[i] = acc;
}
`,
  };
}
