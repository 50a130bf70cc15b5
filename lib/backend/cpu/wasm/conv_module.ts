/**
 * The data movement around convolution-as-GEMM, in WebAssembly: im2col (an image's patches as columns),
 * its adjoint col2im (scatter-add of columns back into an image), and an axis swap that moves blocks between
 * the batch-major layout of tensors ([images, channels, positions]) and the channel-major layout of a GEMM
 * over several images at once ([channels, images·positions]).
 *
 *   cols[(ci·kh + i)·kw + j, y·wo + x] = image[ci, y·s + i − p, x·s + j − p]   (0 outside the image)
 *
 * Columns of one image may sit inside a wider matrix (several images side by side): `rowBytes` is the
 * distance between consecutive rows of cols. With stride 1 each output row is one contiguous run of the
 * input row, so im2col copies runs (memory.copy, zero fill for the padding) and col2im adds them as vectors.
 */
import { type Code, type FunctionBuilder, I32, type ModuleBuilder } from "./emit.ts";

export interface ConvKernels {
  /** im2col(image, cols, rowBytes, cin, h, w, kh, kw, stride, pad, ho, wo). */
  im2col: FunctionBuilder;
  /** col2im(cols, rowBytes, image, cin, h, w, kh, kw, stride, pad, ho, wo): image += ... */
  col2im: FunctionBuilder;
  /** swapAxes(src, dst, a, b, block): dst[j, i, :] = src[i, j, :] for src [a, b, block] (floats). */
  swapAxes: FunctionBuilder;
}

/** Loop helper: for (v = 0; v < bound; v++) body(). */
function forUp(c: Code, v: number, bound: () => void, body: () => void): void {
  c.i32Const(0).set(v);
  c.block().loop();
  c.get(v);
  bound();
  c.i32GeS().brIf(1);
  body();
  c.get(v).i32Const(1).i32Add().set(v).br(0);
  c.end().end();
}

/**
 * The loops shared by im2col and col2im: over (ci, i, j) rows of cols and output rows y whose input row sy is
 * inside the image, with xlo/xhi the output columns whose input column is inside (for stride 1) and `row`,
 * `src` the byte addresses of the cols row segment and of the input row. `inside(...)` emits the per-row
 * work; `outside` the work for rows that fall in the vertical padding (im2col zero-fills them).
 */
function patchLoops(
  f: FunctionBuilder,
  p: {
    cols: number;
    rowBytes: number;
    image: number;
    cin: number;
    h: number;
    w: number;
    kh: number;
    kw: number;
  },
  g: { stride: number; pad: number; ho: number; wo: number },
  inside: (v: { dst: number; src: number; xlo: number; xhi: number; j: number }) => void,
  outside: ((dst: number) => void) | null,
): void {
  const c = f.code, L = () => f.local(I32);
  const ci = L(), i = L(), j = L(), y = L(), sy = L(), row = L(), dst = L(), src = L(), xlo = L(), xhi = L();
  c.get(p.cols).set(row);
  forUp(c, ci, () => c.get(p.cin), () => {
    forUp(c, i, () => c.get(p.kh), () => {
      forUp(c, j, () => c.get(p.kw), () => {
        // Output columns x with 0 ≤ x·s + j − p < w (only used for stride 1: x in [p − j, w + p − j)).
        c.get(g.pad).get(j).i32Sub().set(xlo);
        c.get(xlo).i32Const(0).i32LtS().if().i32Const(0).set(xlo).end();
        c.get(p.w).get(g.pad).i32Add().get(j).i32Sub().set(xhi);
        c.get(xhi).get(g.wo).i32GtS().if().get(g.wo).set(xhi).end();
        c.get(xhi).get(xlo).i32LtS().if().get(xlo).set(xhi).end();
        forUp(c, y, () => c.get(g.ho), () => {
          c.get(row).get(y).get(g.wo).i32Mul().i32Const(2).i32Shl().i32Add().set(dst);
          c.get(y).get(g.stride).i32Mul().get(i).i32Add().get(g.pad).i32Sub().set(sy);
          c.get(sy).i32Const(0).i32GeS().get(sy).get(p.h).i32LtS().i32And().if();
          c.get(ci).get(p.h).i32Mul().get(sy).i32Add().get(p.w).i32Mul().i32Const(2).i32Shl().get(p.image)
            .i32Add()
            .set(src);
          inside({ dst, src, xlo, xhi, j });
          if (outside) {
            c.else();
            outside(dst);
          }
          c.end();
        });
        c.get(row).get(p.rowBytes).i32Add().set(row);
      });
    });
  });
}

export function emitConv(m: ModuleBuilder): ConvKernels {
  const params12 = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32] as const;
  const im2col = m.function([...params12]);
  {
    const f = im2col, c = f.code;
    const [image, cols, rowBytes, cin, h, w, kh, kw, stride, pad, ho, wo] = f.params.keys();
    const x = f.local(I32), sx = f.local(I32);
    patchLoops(f, { cols, rowBytes, image, cin, h, w, kh, kw }, { stride, pad, ho, wo }, (v) => {
      c.get(stride).i32Const(1).i32Eq().if();
      // [0, xlo) zeros, [xlo, xhi) the input run starting at column xlo + j − p, [xhi, wo) zeros.
      c.get(v.dst).i32Const(0).get(v.xlo).i32Const(2).i32Shl().memoryFill();
      c.get(v.dst).get(v.xlo).i32Const(2).i32Shl().i32Add();
      c.get(v.src).get(v.xlo).get(v.j).i32Add().get(pad).i32Sub().i32Const(2).i32Shl().i32Add();
      c.get(v.xhi).get(v.xlo).i32Sub().i32Const(2).i32Shl().memoryCopy();
      c.get(v.dst).get(v.xhi).i32Const(2).i32Shl().i32Add().i32Const(0);
      c.get(wo).get(v.xhi).i32Sub().i32Const(2).i32Shl().memoryFill();
      c.else();
      forUp(c, x, () => c.get(wo), () => {
        c.get(x).get(stride).i32Mul().get(v.j).i32Add().get(pad).i32Sub().set(sx);
        // Zero, then the input value when the column is inside (never loading outside the image).
        c.get(v.dst).get(x).i32Const(2).i32Shl().i32Add().f32Const(0).f32Store();
        c.get(sx).i32Const(0).i32GeS().get(sx).get(w).i32LtS().i32And().if();
        c.get(v.dst).get(x).i32Const(2).i32Shl().i32Add();
        c.get(v.src).get(sx).i32Const(2).i32Shl().i32Add().f32Load().f32Store();
        c.end();
      });
      c.end();
    }, (dst) => c.get(dst).i32Const(0).get(wo).i32Const(2).i32Shl().memoryFill());
  }
  const col2im = m.function([...params12]);
  {
    const f = col2im, c = f.code;
    const [cols, rowBytes, image, cin, h, w, kh, kw, stride, pad, ho, wo] = f.params.keys();
    const x = f.local(I32), sx = f.local(I32), to = f.local(I32), from = f.local(I32), end = f.local(I32);
    patchLoops(f, { cols, rowBytes, image, cin, h, w, kh, kw }, { stride, pad, ho, wo }, (v) => {
      c.get(stride).i32Const(1).i32Eq().if();
      // image[sy, xlo + j − p ...] += cols[y, xlo ... xhi): four at a time, then one at a time.
      c.get(v.src).get(v.xlo).get(v.j).i32Add().get(pad).i32Sub().i32Const(2).i32Shl().i32Add().set(to);
      c.get(v.dst).get(v.xlo).i32Const(2).i32Shl().i32Add().set(from);
      c.get(v.dst).get(v.xhi).i32Const(2).i32Shl().i32Add().set(end);
      c.block().loop();
      c.get(end).get(from).i32Sub().i32Const(16).i32LtS().brIf(1);
      c.get(to).get(to).v128Load().get(from).v128Load().f32x4Add().v128Store();
      c.get(to).i32Const(16).i32Add().set(to).get(from).i32Const(16).i32Add().set(from).br(0);
      c.end().end();
      c.block().loop();
      c.get(from).get(end).i32GeU().brIf(1);
      c.get(to).get(to).f32Load().get(from).f32Load().f32Add().f32Store();
      c.get(to).i32Const(4).i32Add().set(to).get(from).i32Const(4).i32Add().set(from).br(0);
      c.end().end();
      c.else();
      forUp(c, x, () => c.get(wo), () => {
        c.get(x).get(stride).i32Mul().get(v.j).i32Add().get(pad).i32Sub().set(sx);
        c.get(sx).i32Const(0).i32GeS().get(sx).get(w).i32LtS().i32And().if();
        c.get(v.src).get(sx).i32Const(2).i32Shl().i32Add().set(to);
        c.get(to).get(to).f32Load().get(v.dst).get(x).i32Const(2).i32Shl().i32Add().f32Load().f32Add()
          .f32Store();
        c.end();
      });
      c.end();
    }, null);
  }
  const swapAxes = m.function([I32, I32, I32, I32, I32]);
  {
    const f = swapAxes, c = f.code, [src, dst, a, b, block] = [0, 1, 2, 3, 4];
    const i = f.local(I32), j = f.local(I32), bytes = f.local(I32);
    c.get(block).i32Const(2).i32Shl().set(bytes);
    forUp(c, i, () => c.get(a), () => {
      forUp(c, j, () => c.get(b), () => {
        c.get(j).get(a).i32Mul().get(i).i32Add().get(bytes).i32Mul().get(dst).i32Add();
        c.get(i).get(b).i32Mul().get(j).i32Add().get(bytes).i32Mul().get(src).i32Add();
        c.get(bytes).memoryCopy();
      });
    });
  }
  return { im2col, col2im, swapAxes };
}
