/**
 * SGEMM in WebAssembly SIMD, emitted into the kernel module:
 *
 *   C[i0:i1, j0:j1] = act(scale · op(A) op(B) + bias)      (or C += scale · op(A) op(B) when accumulating)
 *
 * GotoBLAS blocking, as the scalar kernel (../gemm_kernel.ts) but in f32x4: for each NC-wide column panel
 * and KC-deep slice of k, op(B) is packed into KC×NR micro-panels and each MC-row block of op(A) into KC×MR
 * micro-panels; an MR×NR register-blocked micro-kernel keeps MR·NR/4 f32x4 accumulators over the slice (one
 * broadcast of an A value times NR/4 vectors of B per row and step) and stores to C once per slice. The last
 * slice runs the epilogue (bias, activation) on the tile while it is in L1. Edge tiles (fewer than MR rows or
 * NR columns) go through a tile buffer with the same micro-kernel, so every element of C is computed by the
 * same instruction sequence wherever the tile boundaries fall: results do not depend on how rows or columns
 * are split across threads.
 *
 * The shapes (MR, NR, KC, MC, NC) are constants of the generated code; see GEMM_SHAPE for the measured
 * choice. Transposed operands are handled by the packing routines only.
 */
import { type Code, F32, type FunctionBuilder, I32, type ModuleBuilder, V128 } from "./emit.ts";
import type { VectorMath } from "./vector_math.ts";

export interface GemmShape {
  /** Micro-tile rows. */
  mr: number;
  /** Micro-tile columns, a multiple of 4 (one f32x4 accumulator per 4 columns and row). */
  nr: number;
  /** Depth of a packed slice of k. */
  kc: number;
  /** Rows of op(A) per packed block (multiple of mr). */
  mc: number;
  /** Columns of op(B) per packed panel (multiple of nr). */
  nc: number;
  /** Steps of the k loop unrolled in the micro-kernel. */
  unroll: number;
}

/** Flags word of the `gemm` export. */
export const GEMM_TRANS_A = 1;
export const GEMM_TRANS_B = 2;
/** C += scale·op(A)op(B) instead of C = ... (no epilogue allowed). */
export const GEMM_ACCUMULATE = 4;
/** Bias indexed by column j ([n], dense layers) ... */
export const GEMM_BIAS_COLUMN = 8;
/** ... or by row i ([m], conv output channels). */
export const GEMM_BIAS_ROW = 16;

/** Bytes of per-thread scratch the `gemm` export needs: packed A block, packed B panel, an edge tile. */
export function gemmScratchBytes(s: GemmShape): number {
  return (s.mc * s.kc + s.kc * s.nc + s.mr * s.nr) * 4 + 64;
}

/**
 * Micro-kernel: C[mr×nr] (=|+=) scale · Σ_p ap[p, :]ᵀ bp[p, :].
 * micro(ap, bp, c, ldcBytes, kc, accumulate, scale).
 */
function emitMicroKernel(m: ModuleBuilder, s: GemmShape, relaxed: boolean): FunctionBuilder {
  const f = m.function([I32, I32, I32, I32, I32, I32, F32]);
  const [ap, bp, c, ldc, kc, accumulate, scale] = [0, 1, 2, 3, 4, 5, 6];
  const code = f.code, nv = s.nr / 4;
  const acc: number[][] = [];
  for (let i = 0; i < s.mr; i++) acc.push(Array.from({ length: nv }, () => f.local(V128)));
  const b = Array.from({ length: nv }, () => f.local(V128));
  const a = f.local(V128), steps = f.local(I32), row = f.local(I32), scaleV = f.local(V128);
  for (const r of acc) for (const v of r) code.f32x4Const(0).set(v);

  /** One k step at unrolled position u (byte offsets relative to the running ap, bp). */
  const step = (u: number) => {
    for (let v = 0; v < nv; v++) code.get(bp).v128Load((u * s.nr + v * 4) * 4).set(b[v]);
    for (let i = 0; i < s.mr; i++) {
      code.get(ap).v128Load32Splat((u * s.mr + i) * 4).set(a);
      for (let v = 0; v < nv; v++) {
        if (relaxed) code.get(a).get(b[v]).get(acc[i][v]).f32x4RelaxedMadd().set(acc[i][v]);
        else code.get(a).get(b[v]).f32x4Mul().get(acc[i][v]).f32x4Add().set(acc[i][v]);
      }
    }
  };
  const advance = (count: number) => {
    code.get(ap).i32Const(count * s.mr * 4).i32Add().set(ap);
    code.get(bp).i32Const(count * s.nr * 4).i32Add().set(bp);
  };
  // Unrolled main loop over ⌊kc/unroll⌋ groups, then the remaining steps one by one.
  const loopOver = (count: (c: Code) => void, unroll: number) => {
    count(code);
    code.set(steps);
    code.block().get(steps).i32Eqz().brIf(0).loop();
    for (let u = 0; u < unroll; u++) step(u);
    advance(unroll);
    code.get(steps).i32Const(1).i32Sub().tee(steps).brIf(0);
    code.end().end();
  };
  loopOver((c) => c.get(kc).i32Const(s.unroll).i32DivU(), s.unroll);
  loopOver((c) => c.get(kc).i32Const(s.unroll - 1).i32And(), 1);

  code.get(scale).f32x4Splat().set(scaleV);
  /** row + v·16 ← scale·acc, plus the value already there when `add`. */
  const store = (add: boolean) => {
    code.get(c).set(row);
    for (let i = 0; i < s.mr; i++) {
      for (let v = 0; v < nv; v++) {
        code.get(row).get(acc[i][v]).get(scaleV).f32x4Mul();
        if (add) code.get(row).v128Load(v * 16).f32x4Add();
        code.v128Store(v * 16);
      }
      if (i + 1 < s.mr) code.get(row).get(ldc).i32Add().set(row);
    }
  };
  code.get(accumulate).if();
  store(true);
  code.else();
  store(false);
  code.end();
  return f;
}

/**
 * Epilogue on one mr×nr tile (in C or in the edge buffer): x ← φ(x + bias).
 * epilogue(c, ldcBytes, biasColumn, biasRow, act, param): biasColumn points at the bias of the tile's first
 * column (0: none), biasRow at the bias of its first row (0: none).
 */
function emitEpilogue(m: ModuleBuilder, s: GemmShape, math: VectorMath): FunctionBuilder {
  const f = m.function([I32, I32, I32, I32, I32, F32]);
  const [c, ldc, biasColumn, biasRow, act, param] = [0, 1, 2, 3, 4, 5];
  const code = f.code, nv = s.nr / 4;
  const row = f.local(I32), x = f.local(V128);
  code.get(c).set(row);
  for (let i = 0; i < s.mr; i++) {
    for (let v = 0; v < nv; v++) {
      code.get(row).v128Load(v * 16).set(x);
      code.get(biasColumn).if().get(x).get(biasColumn).v128Load(v * 16).f32x4Add().set(x).end();
      code.get(biasRow).if().get(x).get(biasRow).v128Load32Splat(i * 4).f32x4Add().set(x).end();
      code.get(row).get(x).get(act).get(param).call(math.activate.index).v128Store(v * 16);
    }
    if (i + 1 < s.mr) code.get(row).get(ldc).i32Add().set(row);
  }
  return f;
}

/**
 * pack_a(a, m, k, transA, i0, mc, p0, kc, ap): rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into
 * mr-row micro-panels, ap[(ir/mr)·kc·mr + p·mr + ii] = op(A)[i0+ir+ii, p0+p], zero past mc.
 */
function emitPackA(m: ModuleBuilder, s: GemmShape): FunctionBuilder {
  const f = m.function([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [a, mm, k, trans, i0, mc, p0, kc, ap] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const c = f.code;
  const ir = f.local(I32), rows = f.local(I32), p = f.local(I32), src = f.local(I32), stride = f.local(I32);
  const ii = f.local(I32), out = f.local(I32);
  // Each micro-panel: for ii < rows, walk op(A)[i, p0..] with the stride of its storage; zero the padding.
  c.get(ap).set(out);
  c.i32Const(0).set(ir);
  c.block().loop();
  c.get(ir).get(mc).i32GeS().brIf(1);
  c.get(mc).get(ir).i32Sub().set(rows);
  c.get(rows).i32Const(s.mr).i32GtS().if().i32Const(s.mr).set(rows).end();
  c.i32Const(0).set(ii);
  c.block().loop();
  c.get(ii).i32Const(s.mr).i32GeS().brIf(1);
  c.get(ii).get(rows).i32LtS().if();
  {
    // src = &op(A)[i0+ir+ii, p0]; stride between consecutive p
    c.get(trans).if();
    c.get(p0).get(mm).i32Mul().get(i0).i32Add().get(ir).i32Add().get(ii).i32Add().i32Const(2).i32Shl()
      .get(a).i32Add().set(src);
    c.get(mm).i32Const(2).i32Shl().set(stride);
    c.else();
    c.get(i0).get(ir).i32Add().get(ii).i32Add().get(k).i32Mul().get(p0).i32Add().i32Const(2).i32Shl()
      .get(a).i32Add().set(src);
    c.i32Const(4).set(stride);
    c.end();
    c.get(out).get(ii).i32Const(2).i32Shl().i32Add().set(p);
    copyStrided(c, src, stride, p, s.mr * 4, kc, f);
  }
  c.else();
  c.get(out).get(ii).i32Const(2).i32Shl().i32Add().set(p);
  zeroStrided(c, p, s.mr * 4, kc, f);
  c.end();
  c.get(ii).i32Const(1).i32Add().set(ii).br(0);
  c.end().end();
  c.get(out).get(kc).i32Const(s.mr * 4).i32Mul().i32Add().set(out);
  c.get(ir).i32Const(s.mr).i32Add().set(ir).br(0);
  c.end().end();
  return f;
}

/**
 * pack_b(b, n, k, transB, p0, kc, j0, nc, bp): depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into
 * nr-column micro-panels, bp[(jr/nr)·kc·nr + p·nr + jj] = op(B)[p0+p, j0+jr+jj], zero past nc. Full
 * untransposed panels copy nr/4 vectors per row of B; the rest go element by element.
 */
function emitPackB(m: ModuleBuilder, s: GemmShape): FunctionBuilder {
  const f = m.function([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [b, n, k, trans, p0, kc, j0, nc, bp] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const c = f.code, nv = s.nr / 4;
  const jr = f.local(I32), cols = f.local(I32), src = f.local(I32), stride = f.local(I32), jj = f.local(I32);
  const out = f.local(I32), p = f.local(I32), left = f.local(I32);
  c.get(bp).set(out);
  c.i32Const(0).set(jr);
  c.block().loop();
  c.get(jr).get(nc).i32GeS().brIf(1);
  c.get(nc).get(jr).i32Sub().set(cols);
  c.get(cols).i32Const(s.nr).i32GtS().if().i32Const(s.nr).set(cols).end();
  c.get(trans).i32Eqz().get(cols).i32Const(s.nr).i32Eq().i32And().if();
  {
    // B stored [k, n]: row p of the panel is nr contiguous floats.
    c.get(p0).get(n).i32Mul().get(j0).i32Add().get(jr).i32Add().i32Const(2).i32Shl().get(b).i32Add().set(src);
    c.get(out).set(p);
    c.get(kc).set(left);
    c.block().get(left).i32Eqz().brIf(0).loop();
    for (let v = 0; v < nv; v++) c.get(p).get(src).v128Load(v * 16).v128Store(v * 16);
    c.get(src).get(n).i32Const(2).i32Shl().i32Add().set(src);
    c.get(p).i32Const(s.nr * 4).i32Add().set(p);
    c.get(left).i32Const(1).i32Sub().tee(left).brIf(0);
    c.end().end();
  }
  c.else();
  c.i32Const(0).set(jj);
  c.block().loop();
  c.get(jj).i32Const(s.nr).i32GeS().brIf(1);
  c.get(out).get(jj).i32Const(2).i32Shl().i32Add().set(p);
  c.get(jj).get(cols).i32LtS().if();
  {
    c.get(trans).if();
    c.get(j0).get(jr).i32Add().get(jj).i32Add().get(k).i32Mul().get(p0).i32Add().i32Const(2).i32Shl()
      .get(b).i32Add().set(src);
    c.i32Const(4).set(stride);
    c.else();
    c.get(p0).get(n).i32Mul().get(j0).i32Add().get(jr).i32Add().get(jj).i32Add().i32Const(2).i32Shl()
      .get(b).i32Add().set(src);
    c.get(n).i32Const(2).i32Shl().set(stride);
    c.end();
    copyStrided(c, src, stride, p, s.nr * 4, kc, f);
  }
  c.else();
  zeroStrided(c, p, s.nr * 4, kc, f);
  c.end();
  c.get(jj).i32Const(1).i32Add().set(jj).br(0);
  c.end().end();
  c.end();
  c.get(out).get(kc).i32Const(s.nr * 4).i32Mul().i32Add().set(out);
  c.get(jr).i32Const(s.nr).i32Add().set(jr).br(0);
  c.end().end();
  return f;
}

/** count floats from src (stepping `stride` bytes) to dst (stepping `dstStride` bytes); clobbers src, dst. */
function copyStrided(
  c: Code,
  src: number,
  stride: number,
  dst: number,
  dstStride: number,
  count: number,
  f: FunctionBuilder,
) {
  const left = f.local(I32);
  c.get(count).set(left);
  c.block().get(left).i32Eqz().brIf(0).loop();
  c.get(dst).get(src).f32Load().f32Store();
  c.get(src).get(stride).i32Add().set(src);
  c.get(dst).i32Const(dstStride).i32Add().set(dst);
  c.get(left).i32Const(1).i32Sub().tee(left).brIf(0);
  c.end().end();
}

function zeroStrided(c: Code, dst: number, dstStride: number, count: number, f: FunctionBuilder) {
  const left = f.local(I32);
  c.get(count).set(left);
  c.block().get(left).i32Eqz().brIf(0).loop();
  c.get(dst).f32Const(0).f32Store();
  c.get(dst).i32Const(dstStride).i32Add().set(dst);
  c.get(left).i32Const(1).i32Sub().tee(left).brIf(0);
  c.end().end();
}

/**
 * copy_tile(src, srcStride, dst, dstStride, rows, cols): a rows×cols block of floats between C and the edge
 * tile buffer (strides in bytes).
 */
function emitCopyTile(m: ModuleBuilder): FunctionBuilder {
  const f = m.function([I32, I32, I32, I32, I32, I32]);
  const [src, srcStride, dst, dstStride, rows, cols] = [0, 1, 2, 3, 4, 5];
  const c = f.code, r = f.local(I32), j = f.local(I32);
  c.get(rows).set(r);
  c.block().get(r).i32Eqz().brIf(0).loop();
  c.i32Const(0).set(j);
  c.block().loop();
  c.get(j).get(cols).i32GeS().brIf(1);
  c.get(dst).get(j).i32Const(2).i32Shl().i32Add();
  c.get(src).get(j).i32Const(2).i32Shl().i32Add().f32Load().f32Store();
  c.get(j).i32Const(1).i32Add().set(j).br(0);
  c.end().end();
  c.get(src).get(srcStride).i32Add().set(src);
  c.get(dst).get(dstStride).i32Add().set(dst);
  c.get(r).i32Const(1).i32Sub().tee(r).brIf(0);
  c.end().end();
  return f;
}

/**
 * The driver export:
 *   gemm(a, b, c, m, n, k, flags, scale, bias, act, param, i0, i1, j0, j1, scratch)
 * a, b, c, bias and scratch are byte addresses; bias 0 means none; `act`/`param` as activate4. Requires
 * k ≥ 1 (the caller handles k = 0).
 */
export function emitGemm(
  m: ModuleBuilder,
  s: GemmShape,
  relaxed: boolean,
  math: VectorMath,
): FunctionBuilder {
  if (s.nr % 4 !== 0 || s.mc % s.mr !== 0 || s.nc % s.nr !== 0 || (s.unroll & (s.unroll - 1)) !== 0) {
    throw new Error(`emitGemm: inconsistent shape ${JSON.stringify(s)}`);
  }
  const micro = emitMicroKernel(m, s, relaxed);
  const epilogue = emitEpilogue(m, s, math);
  const packA = emitPackA(m, s), packB = emitPackB(m, s), copyTile = emitCopyTile(m);
  const f = m.function([I32, I32, I32, I32, I32, I32, I32, F32, I32, I32, F32, I32, I32, I32, I32, I32]);
  // Parameters are locals 0..15 in signature order.
  const [a, b, cm, mm, n, k, flags, scale, bias, act, param, i0, i1, j0, j1, scratch] = f.params.keys();
  const c = f.code;
  const L = () => f.local(I32);
  const jc = L(), nc = L(), pc = L(), kc = L(), ic = L(), mc = L();
  const jr = L(), ir = L(), rows = L(), cols = L();
  const ap = L(), bp = L(), tile = L(), cptr = L(), accumulate = L(), last = L(), ldc = L();
  const transA = L(), transB = L(), biasColumn = L(), biasRow = L(), epilogueOn = L();
  c.get(scratch).set(ap);
  c.get(scratch).i32Const(s.mc * s.kc * 4).i32Add().set(bp);
  c.get(bp).i32Const(s.kc * s.nc * 4).i32Add().set(tile);
  c.get(n).i32Const(2).i32Shl().set(ldc);
  c.get(flags).i32Const(GEMM_TRANS_A).i32And().set(transA);
  c.get(flags).i32Const(GEMM_TRANS_B).i32And().set(transB);
  c.get(act).get(bias).i32Or().i32Const(0).i32Ne().set(epilogueOn); // 0 or 1: it is and-ed with a comparison
  /** `for (v = from; v < to; v += step) { body }` on i32 locals. */
  const forRange = (v: number, from: () => void, to: number, step: number, body: () => void) => {
    from();
    c.set(v);
    c.block().loop();
    c.get(v).get(to).i32GeS().brIf(1);
    body();
    c.get(v).i32Const(step).i32Add().set(v).br(0);
    c.end().end();
  };
  const minInto = (dst: number, hi: number, lo: number, cap: number) => {
    c.get(hi).get(lo).i32Sub().set(dst);
    c.get(dst).i32Const(cap).i32GtS().if().i32Const(cap).set(dst).end();
  };
  forRange(jc, () => c.get(j0), j1, s.nc, () => {
    minInto(nc, j1, jc, s.nc);
    forRange(pc, () => c.i32Const(0), k, s.kc, () => {
      minInto(kc, k, pc, s.kc);
      c.get(pc).i32Const(0).i32Ne().get(flags).i32Const(GEMM_ACCUMULATE).i32And().i32Or().set(accumulate);
      c.get(pc).get(kc).i32Add().get(k).i32GeS().get(epilogueOn).i32And().set(last);
      c.get(b).get(n).get(k).get(transB).get(pc).get(kc).get(jc).get(nc).get(bp).call(packB.index);
      forRange(ic, () => c.get(i0), i1, s.mc, () => {
        minInto(mc, i1, ic, s.mc);
        c.get(a).get(mm).get(k).get(transA).get(ic).get(mc).get(pc).get(kc).get(ap).call(packA.index);
        forRange(jr, () => c.i32Const(0), nc, s.nr, () => {
          minInto(cols, nc, jr, s.nr);
          // Bias pointers of this column strip (rows are set per tile below).
          c.i32Const(0).set(biasColumn);
          c.get(flags).i32Const(GEMM_BIAS_COLUMN).i32And().if();
          c.get(jc).get(jr).i32Add().i32Const(2).i32Shl().get(bias).i32Add().set(biasColumn);
          c.end();
          forRange(ir, () => c.i32Const(0), mc, s.mr, () => {
            minInto(rows, mc, ir, s.mr);
            c.i32Const(0).set(biasRow);
            c.get(flags).i32Const(GEMM_BIAS_ROW).i32And().if();
            c.get(ic).get(ir).i32Add().i32Const(2).i32Shl().get(bias).i32Add().set(biasRow);
            c.end();
            // cptr = &C[ic+ir, jc+jr]
            c.get(ic).get(ir).i32Add().get(n).i32Mul().get(jc).i32Add().get(jr).i32Add().i32Const(2).i32Shl()
              .get(cm).i32Add().set(cptr);
            const microArgs = (dst: () => void, ld: () => void) => {
              c.get(ap).get(ir).get(kc).i32Mul().i32Const(2).i32Shl().i32Add();
              c.get(bp).get(jr).get(kc).i32Mul().i32Const(2).i32Shl().i32Add();
              dst();
              ld();
              c.get(kc).get(accumulate).get(scale).call(micro.index);
            };
            c.get(rows).i32Const(s.mr).i32Eq().get(cols).i32Const(s.nr).i32Eq().i32And().if();
            microArgs(() => c.get(cptr), () => c.get(ldc));
            c.get(last).if();
            c.get(cptr).get(ldc).get(biasColumn).get(biasRow).get(act).get(param).call(epilogue.index);
            c.end();
            c.else();
            // Edge tile: through the buffer, with C's current values when accumulating.
            c.get(accumulate).if();
            c.get(cptr).get(ldc).get(tile).i32Const(s.nr * 4).get(rows).get(cols).call(copyTile.index);
            c.end();
            microArgs(() => c.get(tile), () => c.i32Const(s.nr * 4));
            c.get(last).if();
            c.get(tile).i32Const(s.nr * 4).get(biasColumn).get(biasRow).get(act).get(param).call(
              epilogue.index,
            );
            c.end();
            c.get(tile).i32Const(s.nr * 4).get(cptr).get(ldc).get(rows).get(cols).call(copyTile.index);
            c.end();
          });
        });
      });
    });
  });
  return f;
}
