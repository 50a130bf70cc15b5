/**
 * The single-threaded GEMM kernel shared by the main thread and the gemm workers (./gemm.ts, ./gemm_worker.ts).
 *
 * GotoBLAS-style blocking: for each NC-wide column panel and KC-deep slice of k, the slice of op(B) is packed
 * into KC×NR micro-panels and each MC-row block of op(A) into KC×MR micro-panels, both as Float64Array (loading
 * f64 avoids a float→double conversion in the inner loop, measured ~20% faster here than packing f32). A 4×4
 * register-blocked micro-kernel then accumulates in 16 double locals over the KC slice and adds the result to
 * C once per slice. Transposed operands are handled by the packing routines, so the micro-kernel sees one
 * layout; edge tiles are zero-padded in the packs and stored with bounds checks.
 */

/** Micro-tile rows. */
export const MR = 4;
/** Micro-tile columns. */
export const NR = 4;
/** Depth of a packed slice of k. */
export const KC = 256;
/** Rows of op(A) packed per block (multiple of MR). */
export const MC = 64;
/** Columns of op(B) packed per panel (multiple of NR). */
export const NC = 1024;

/** Per-thread scratch for the packed panels; grown on demand. */
export class GemmScratch {
  ap = new Float64Array(MC * KC);
  bp = new Float64Array(KC * NC);
}

/**
 * Pack rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into MR-row micro-panels:
 * ap[(ir/MR)·kc·MR + p·MR + ii] = op(A)[i0+ir+ii, p0+p], zero for rows past mc.
 */
function packA(
  a: Float32Array,
  m: number,
  k: number,
  transA: boolean,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
  ap: Float64Array,
): void {
  let o = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const i = i0 + ir;
    if (transA) {
      // A stored [k, m]: the MR values for one p are contiguous.
      for (let p = 0; p < kc; p++) {
        const s = (p0 + p) * m + i;
        if (rows === MR) {
          ap[o] = a[s];
          ap[o + 1] = a[s + 1];
          ap[o + 2] = a[s + 2];
          ap[o + 3] = a[s + 3];
        } else {
          for (let ii = 0; ii < MR; ii++) ap[o + ii] = ii < rows ? a[s + ii] : 0;
        }
        o += MR;
      }
    } else if (rows === MR) {
      let s0 = i * k + p0;
      let s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
      for (let p = 0; p < kc; p++) {
        ap[o] = a[s0++];
        ap[o + 1] = a[s1++];
        ap[o + 2] = a[s2++];
        ap[o + 3] = a[s3++];
        o += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < MR; ii++) ap[o + ii] = ii < rows ? a[(i + ii) * k + p0 + p] : 0;
        o += MR;
      }
    }
  }
}

/**
 * Pack depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column micro-panels:
 * bp[(jr/NR)·kc·NR + p·NR + jj] = op(B)[p0+p, j0+jr+jj], zero for columns past nc.
 */
function packB(
  b: Float32Array,
  n: number,
  k: number,
  transB: boolean,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
  bp: Float64Array,
): void {
  let o = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const j = j0 + jr;
    if (!transB) {
      // B stored [k, n]: the NR values for one p are contiguous.
      for (let p = 0; p < kc; p++) {
        const s = (p0 + p) * n + j;
        if (cols === NR) {
          bp[o] = b[s];
          bp[o + 1] = b[s + 1];
          bp[o + 2] = b[s + 2];
          bp[o + 3] = b[s + 3];
        } else {
          for (let jj = 0; jj < NR; jj++) bp[o + jj] = jj < cols ? b[s + jj] : 0;
        }
        o += NR;
      }
    } else if (cols === NR) {
      let s0 = j * k + p0;
      let s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
      for (let p = 0; p < kc; p++) {
        bp[o] = b[s0++];
        bp[o + 1] = b[s1++];
        bp[o + 2] = b[s2++];
        bp[o + 3] = b[s3++];
        o += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) bp[o + jj] = jj < cols ? b[(j + jj) * k + p0 + p] : 0;
        o += NR;
      }
    }
  }
}

/**
 * 4×4 micro-kernel for full tiles: C[ci.., 4×4] (=|+=) scale · Σ_p ap[p,:]ᵀ bp[p,:]. `accumulate` false
 * overwrites (first k slice), true adds (later slices).
 */
function micro(
  ap: Float64Array,
  ai: number,
  bp: Float64Array,
  bi: number,
  kc: number,
  c: Float32Array,
  ci: number,
  ldc: number,
  scale: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = ai + kc * MR;
  for (; ai < end; ai += MR, bi += NR) {
    const a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
    const b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  const r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
  if (accumulate) {
    c[ci] += scale * c00;
    c[ci + 1] += scale * c01;
    c[ci + 2] += scale * c02;
    c[ci + 3] += scale * c03;
    c[r1] += scale * c10;
    c[r1 + 1] += scale * c11;
    c[r1 + 2] += scale * c12;
    c[r1 + 3] += scale * c13;
    c[r2] += scale * c20;
    c[r2 + 1] += scale * c21;
    c[r2 + 2] += scale * c22;
    c[r2 + 3] += scale * c23;
    c[r3] += scale * c30;
    c[r3 + 1] += scale * c31;
    c[r3 + 2] += scale * c32;
    c[r3 + 3] += scale * c33;
  } else {
    c[ci] = scale * c00;
    c[ci + 1] = scale * c01;
    c[ci + 2] = scale * c02;
    c[ci + 3] = scale * c03;
    c[r1] = scale * c10;
    c[r1 + 1] = scale * c11;
    c[r1 + 2] = scale * c12;
    c[r1 + 3] = scale * c13;
    c[r2] = scale * c20;
    c[r2 + 1] = scale * c21;
    c[r2 + 2] = scale * c22;
    c[r2 + 3] = scale * c23;
    c[r3] = scale * c30;
    c[r3 + 1] = scale * c31;
    c[r3 + 2] = scale * c32;
    c[r3 + 3] = scale * c33;
  }
}

const edgeTile = new Float64Array(MR * NR);

/**
 * Edge tile (rows < MR or cols < NR): the same 4×4 product over the zero-padded packs, then only the valid
 * rows×cols part is stored.
 */
function microEdge(
  ap: Float64Array,
  ai: number,
  bp: Float64Array,
  bi: number,
  kc: number,
  c: Float32Array,
  ci: number,
  ldc: number,
  rows: number,
  cols: number,
  scale: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = ai + kc * MR;
  for (; ai < end; ai += MR, bi += NR) {
    const a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
    const b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  const t = edgeTile;
  t[0] = c00, t[1] = c01, t[2] = c02, t[3] = c03;
  t[4] = c10, t[5] = c11, t[6] = c12, t[7] = c13;
  t[8] = c20, t[9] = c21, t[10] = c22, t[11] = c23;
  t[12] = c30, t[13] = c31, t[14] = c32, t[15] = c33;
  for (let ii = 0; ii < rows; ii++) {
    const r = ci + ii * ldc;
    for (let jj = 0; jj < cols; jj++) {
      const v = scale * t[ii * NR + jj];
      if (accumulate) c[r + jj] += v;
      else c[r + jj] = v;
    }
  }
}

/**
 * c[i0:i1, j0:j1] = scale · (op(a) · op(b))[i0:i1, j0:j1], with a, b, c row-major views of the whole
 * matrices (a is [m,k] or [k,m] when transA; b is [k,n] or [n,k] when transB; c is [m,n]).
 */
export function gemmRange(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  scale: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  scratch: GemmScratch,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (k === 0) {
    for (let i = i0; i < i1; i++) c.fill(0, i * n + j0, i * n + j1);
    return;
  }
  const { ap, bp } = scratch;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = Math.min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, n, k, transB, pc, kc, jc, nc, bp);
      const accumulate = pc > 0;
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = Math.min(MC, i1 - ic);
        packA(a, m, k, transA, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const bi = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = Math.min(MR, mc - ir), ci = (ic + ir) * n + jc + jr;
            if (rows === MR && cols === NR) micro(ap, ir * kc, bp, bi, kc, c, ci, n, scale, accumulate);
            else microEdge(ap, ir * kc, bp, bi, kc, c, ci, n, rows, cols, scale, accumulate);
          }
        }
      }
    }
  }
}

/** One threaded GEMM call: shapes and how C is cut into chunks. */
export interface GemmJob {
  gen: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  scale: number;
  /** Split C by rows (true) or by columns (false), chunkSize rows/columns per chunk. */
  splitRows: boolean;
  chunkSize: number;
  nChunks: number;
}

/**
 * A GemmJob as posted to a worker: the SharedArrayBuffers themselves plus byte offsets and lengths. (Posting
 * the Float32Array views instead costs ~80 µs per message on Deno 2.9.6's node:worker_threads and, worse,
 * is only delivered after ~45 ms while the main thread blocks in Atomics.wait; raw SharedArrayBuffers post in
 * ~20 µs and arrive in ~10–50 µs.)
 */
export interface GemmMessage extends GemmJob {
  a: SharedArrayBuffer;
  aOffset: number;
  b: SharedArrayBuffer;
  bOffset: number;
  c: SharedArrayBuffer;
  cOffset: number;
}

/** Control words in the shared Int32Array: the claim word is ((gen & 0x7fff) << 16) | next unclaimed chunk. */
export const CTL_CLAIM = 0;
/** Number of chunks finished in the current call. */
export const CTL_DONE = 1;
/** Set to 1 when a worker hit an exception in a chunk. */
export const CTL_ERROR = 2;
/** Chunks computed by workers since the control words were created (a statistic for tests and benches). */
export const CTL_WORKER_CHUNKS = 3;
/** Full generation of the current call (the claim word only holds its low 15 bits). */
export const CTL_GEN = 4;
export const CTL_WORDS = 8;

/**
 * Claim the next chunk of call `gen`, or -1 when it has none left or is over. The full-generation check keeps a
 * job message that sat in a worker's queue for 2^15 calls (say while the worker started) from matching a
 * later call whose low 15 bits are the same.
 */
export function claimChunk(ctl: Int32Array, gen: number, nChunks: number): number {
  const tag = gen & 0x7fff;
  for (;;) {
    if (Atomics.load(ctl, CTL_GEN) !== gen) return -1;
    const v = Atomics.load(ctl, CTL_CLAIM);
    if (v >>> 16 !== tag || (v & 0xffff) >= nChunks) return -1;
    if (Atomics.compareExchange(ctl, CTL_CLAIM, v, v + 1) === v) return v & 0xffff;
  }
}

/** Compute chunk x of a job. */
export function runChunk(
  job: GemmJob,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  x: number,
  scratch: GemmScratch,
): void {
  const { m, n, k, transA, transB, scale, chunkSize } = job;
  const lo = x * chunkSize;
  if (job.splitRows) {
    gemmRange(a, b, c, m, n, k, transA, transB, scale, lo, Math.min(m, lo + chunkSize), 0, n, scratch);
  } else gemmRange(a, b, c, m, n, k, transA, transB, scale, 0, m, lo, Math.min(n, lo + chunkSize), scratch);
}
