/**
 * The GEMM template shared by matmul and the three convolution products. A caller describes the operands
 * by WGSL loader functions (`loadA(m, k)`, `loadB(k, n)`) and an epilogue/store (`epi`, `store`); this
 * module picks a tiling and emits the kernel with every size baked in.
 *
 * Tiled kernel (large shapes): a BM×BN output tile per 256-thread workgroup, TM×TN outputs per thread held
 * in vec4 registers, A kept k-major in shared memory so the inner loop reads contiguous vec4s of both
 * operands, and the next k-slice prefetched into registers while the current one is multiplied.
 * Each thread's rows (and columns) are split in groups of 4 spaced TY·4 apart so neighbouring threads read
 * neighbouring vec4s from shared memory (no bank conflicts) and write coalesced vec4s.
 */
import { BUILTINS, type Kernel, linearGroup, splitGrid } from "./common.ts";

export interface GemmSpec {
  label: string;
  M: number;
  N: number;
  K: number;
  /** Storage bindings and helper functions (everything except the kernel body). */
  decls: string;
  /** Expressions for in-range elements; `m`, `n`, `k` are u32 in scope. */
  loadA: string;
  loadB: string;
  /** Which index of A (B) is contiguous in memory; decides how a tile is read. */
  aMajor: "m" | "k";
  bMajor: "n" | "k";
  /** Optional vec4 loads of the 4 contiguous elements starting at (m, k) / (k, n); only when aligned. */
  aVec?: string;
  bVec?: string;
  /** Expression for the final value from the accumulator `v` at (m, n). */
  epi: string;
  /** Statement storing f32 `r` at (m, n). */
  store: string;
  /** Statement storing vec4f `r` at (m, n..n+3) (N % 4 == 0 layouts only). */
  store4?: string;
  /** Split the K loop over this many workgroup layers (grid z); the caller reduces the partial products. */
  splitK?: number;
}

export interface TileConfig {
  BM: number;
  BN: number;
  BK: number;
  TM: number;
  TN: number;
}

/** 128×128 tile, 8×8 per thread: the high-throughput kernel. */
export const BIG: TileConfig = { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 };
/** 64×64 tile, 4×4 per thread: more workgroups for mid-sized outputs. */
export const MID: TileConfig = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 };

/**
 * How many 128×128 tiles an output needs before the big kernel is worth it: a GPU with ~100 multiprocessors
 * wants enough workgroups to fill them (else 64×64 tiles win), a CPU-emulated adapter only a few.
 */
export const gemmTuning = { minBigTiles: 16 };

/** Chooses the kernel for a product of this shape; null means the simple one-output-per-thread kernel. */
export function chooseTiling(M: number, N: number): TileConfig | null {
  const bigTiles = Math.ceil(M / 128) * Math.ceil(N / 128);
  if (M >= 128 && N >= 128 && bigTiles >= gemmTuning.minBigTiles) return BIG;
  if (M >= 24 && N >= 24) return MID;
  return null;
}

const C = ["x", "y", "z", "w"];

function fns(s: GemmSpec): string {
  return `const M = ${s.M}u;
const N = ${s.N}u;
const K = ${s.K}u;
/** The split-K layer of this workgroup (0 without split-K), for stores of partial products. */
var<private> split: u32;
${s.decls}
fn loadA(m: u32, k: u32) -> f32 { return ${s.loadA}; }
fn loadB(k: u32, n: u32) -> f32 { return ${s.loadB}; }
fn epi(m: u32, n: u32, v: f32) -> f32 { return ${s.epi}; }
fn store(m: u32, n: u32, r: f32) { ${s.store}; }
${s.store4 ? `fn store4(m: u32, n: u32, r: vec4f) { ${s.store4}; }` : ""}`;
}

/** The code that writes a vec4 of results at row m, columns n..n+3 (accumulator in `v`). */
function storeRow(s: GemmSpec, v: string): string {
  if (s.store4 && s.N % 4 === 0) {
    return `if (m < M && n < N) {
      store4(m, n, vec4f(epi(m, n, ${v}.x), epi(m, n + 1u, ${v}.y), epi(m, n + 2u, ${v}.z), epi(m, n + 3u, ${v}.w)));
    }`;
  }
  return `if (m < M) {
${
    C.map((c, i) => `      if (n + ${i}u < N) { store(m, n + ${i}u, epi(m, n + ${i}u, ${v}.${c})); }`).join(
      "\n",
    )
  }
    }`;
}

/** Tiled register-blocked kernel. */
export function tiledGemm(s: GemmSpec, t: TileConfig): Kernel {
  const { BM, BN, BK, TM, TN } = t;
  const TX = BN / TN, TY = BM / TM, threads = TX * TY;
  if (threads !== 256 || BM * BK !== 4 * threads || BN * BK !== 4 * threads) {
    throw new Error("gemm: bad tiling");
  }
  const split = s.splitK ?? 1;
  const kChunk = Math.ceil(Math.ceil(s.K / split) / BK) * BK;
  const tilesN = Math.ceil(s.N / BN), tilesM = Math.ceil(s.M / BM);
  const grid = splitGrid(tilesN * tilesM);
  grid[2] = split;
  const BM4 = BM / 4, BN4 = BN / 4;

  // Each thread loads 4 elements of the A tile: 4 along m (A m-major) or 4 along k (A k-major).
  const loadTileA = s.aMajor === "m"
    ? `let m = bm + (t % ${BM4}u) * 4u; let k = k0 + t / ${BM4}u;
  if (k < ke && m < M) { ${
      s.aVec ? `return ${s.aVec};` : `var r = vec4f(0.0);
${C.map((c, i) => `    if (m + ${i}u < M) { r.${c} = loadA(m + ${i}u, k); }`).join("\n")}
    return r;`
    } }
  return vec4f(0.0);`
    : `let m = bm + t / ${BK / 4}u; let k = k0 + (t % ${BK / 4}u) * 4u;
  if (m < M && k < ke) { ${
      s.aVec ? `return ${s.aVec};` : `var r = vec4f(0.0);
${C.map((c, i) => `    if (k + ${i}u < ke) { r.${c} = loadA(m, k + ${i}u); }`).join("\n")}
    return r;`
    } }
  return vec4f(0.0);`;
  const putA = s.aMajor === "m" ? "As[t] = v;" : `let mm = t / ${BK / 4}u; let kk = (t % ${BK / 4}u) * 4u;
  let col = mm / 4u; let lane = mm % 4u;
${C.map((c, i) => `  As[(kk + ${i}u) * ${BM4}u + col][lane] = v.${c};`).join("\n")}`;

  const loadTileB = s.bMajor === "n"
    ? `let n = bn + (t % ${BN4}u) * 4u; let k = k0 + t / ${BN4}u;
  if (k < ke && n < N) { ${
      s.bVec ? `return ${s.bVec};` : `var r = vec4f(0.0);
${C.map((c, i) => `    if (n + ${i}u < N) { r.${c} = loadB(k, n + ${i}u); }`).join("\n")}
    return r;`
    } }
  return vec4f(0.0);`
    : `let n = bn + t / ${BK / 4}u; let k = k0 + (t % ${BK / 4}u) * 4u;
  if (n < N && k < ke) { ${
      s.bVec ? `return ${s.bVec};` : `var r = vec4f(0.0);
${C.map((c, i) => `    if (k + ${i}u < ke) { r.${c} = loadB(k + ${i}u, n); }`).join("\n")}
    return r;`
    } }
  return vec4f(0.0);`;
  const putB = s.bMajor === "n" ? "Bs[t] = v;" : `let nn = t / ${BK / 4}u; let kk = (t % ${BK / 4}u) * 4u;
  let col = nn / 4u; let lane = nn % 4u;
${C.map((c, i) => `  Bs[(kk + ${i}u) * ${BN4}u + col][lane] = v.${c};`).join("\n")}`;

  const acc: string[] = [];
  for (let r = 0; r < TM; r++) for (let h = 0; h < TN / 4; h++) acc.push(`acc${r}_${h}`);
  const inner: string[] = [];
  for (let kk = 0; kk < BK; kk++) {
    inner.push("    {");
    for (let g = 0; g < TM / 4; g++) inner.push(`    let a${g} = As[${kk * BM4 + g * TY}u + ty];`);
    for (let h = 0; h < TN / 4; h++) inner.push(`    let b${h} = Bs[${kk * BN4 + h * TX}u + tx];`);
    for (let r = 0; r < TM; r++) {
      for (let h = 0; h < TN / 4; h++) {
        inner.push(`    acc${r}_${h} = fma(vec4f(a${r >> 2}.${C[r & 3]}), b${h}, acc${r}_${h});`);
      }
    }
    inner.push("    }");
  }
  const stores: string[] = [];
  for (let r = 0; r < TM; r++) {
    for (let h = 0; h < TN / 4; h++) {
      stores.push(`  {
    let m = bm + ${(r >> 2) * TY * 4 + (r & 3)}u + ty * 4u; let n = bn + ${h * TX * 4}u + tx * 4u;
    ${storeRow(s, `acc${r}_${h}`)}
  }`);
    }
  }
  const code = `// ${s.label}: tiled ${BM}x${BN}x${BK}, ${TM}x${TN} per thread, split-K ${split}
${fns(s)}
var<workgroup> As: array<vec4f, ${BK * BM4}>;
var<workgroup> Bs: array<vec4f, ${BK * BN4}>;
var<private> ke: u32;
fn tileA(bm: u32, k0: u32, t: u32) -> vec4f {
  ${loadTileA}
}
fn tileB(bn: u32, k0: u32, t: u32) -> vec4f {
  ${loadTileB}
}
fn putA(v: vec4f, t: u32) {
  ${putA}
}
fn putB(v: vec4f, t: u32) {
  ${putB}
}
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  let t = li;
  let tile = ${linearGroup(grid)};
  if (tile >= ${tilesN * tilesM}u) { return; }
  let bn = (tile % ${tilesN}u) * ${BN}u;
  let bm = (tile / ${tilesN}u) * ${BM}u;
  let tx = t % ${TX}u;
  let ty = t / ${TX}u;
  split = wid.z;
  let kb = split * ${kChunk}u;
  let kend = min(K, kb + ${kChunk}u);
  ke = kend; // the loaders read the private copy; the loop bound must stay provably uniform
${acc.map((a) => `  var ${a} = vec4f(0.0);`).join("\n")}
  var ra = tileA(bm, kb, t);
  var rb = tileB(bn, kb, t);
  for (var k0 = kb; k0 < kend; k0 += ${BK}u) {
    putA(ra, t);
    putB(rb, t);
    workgroupBarrier();
    if (k0 + ${BK}u < kend) {
      ra = tileA(bm, k0 + ${BK}u, t);
      rb = tileB(bn, k0 + ${BK}u, t);
    }
${inner.join("\n")}
    workgroupBarrier();
  }
${stores.join("\n")}
}
`;
  return { code, grid, label: s.label };
}

/** One output per thread: for small or skinny products, where big tiles would leave threads idle. */
export function simpleGemm(s: GemmSpec): Kernel {
  const wy = Math.min(16, 2 ** Math.ceil(Math.log2(Math.max(1, s.M)))), wx = 256 / wy;
  const tilesN = Math.ceil(s.N / wx), tilesM = Math.ceil(s.M / wy);
  const grid = splitGrid(tilesN * tilesM);
  const split = s.splitK ?? 1;
  grid[2] = split;
  const kChunk = Math.ceil(s.K / split);
  const code = `// ${s.label}: simple ${wx}x${wy}, split-K ${split}
${fns(s)}
@compute @workgroup_size(${wx}, ${wy})
fn main(${BUILTINS}) {
  let tile = ${linearGroup(grid)};
  if (tile >= ${tilesN * tilesM}u) { return; }
  let n = (tile % ${tilesN}u) * ${wx}u + lid.x;
  let m = (tile / ${tilesN}u) * ${wy}u + lid.y;
  if (m >= M || n >= N) { return; }
  split = wid.z;
  let kb = split * ${kChunk}u;
  let ke = min(K, kb + ${kChunk}u);
  var acc = 0.0;
  for (var k = kb; k < ke; k++) { acc = fma(loadA(m, k), loadB(k, n), acc); }
  store(m, n, epi(m, n, acc));
}
`;
  return { code, grid, label: s.label };
}
