/**
 * The scalar reference of the cpu backend's convolution: im2col unfolds every kernel position of an NCHW
 * image into a column, so a convolution is one GEMM; col2im is its adjoint (the input-side gradient).
 */
import type { Conv2dGeometry } from "../backend.ts";

/** A convolution's stride and padding with its output size. */
export interface ConvGeometry extends Conv2dGeometry {
  ho: number;
  wo: number;
}

/** Output size of a kh×kw convolution of an h×w image. */
export function convGeometry(h: number, w: number, kh: number, kw: number, g: Conv2dGeometry): ConvGeometry {
  return {
    ...g,
    ho: Math.floor((h + 2 * g.padding - kh) / g.stride) + 1,
    wo: Math.floor((w + 2 * g.padding - kw) / g.stride) + 1,
  };
}

/** cols[(ci·kh + i)·kw + j, y·wo + x] = image[ci, y·s + i − p, x·s + j − p] (0 outside). */
export function im2col(
  image: Float32Array,
  cols: Float32Array,
  cin: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  g: ConvGeometry,
): void {
  const hw = g.ho * g.wo;
  for (let ci = 0; ci < cin; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((ci * kh + i) * kw + j) * hw;
        for (let y = 0; y < g.ho; y++) {
          const sy = y * g.stride + i - g.padding;
          for (let x = 0; x < g.wo; x++) {
            const sx = x * g.stride + j - g.padding;
            cols[row + y * g.wo + x] = sy >= 0 && sy < h && sx >= 0 && sx < w
              ? image[(ci * h + sy) * w + sx]
              : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: scatter-adds columns back into an image. */
export function col2im(
  cols: Float32Array,
  image: Float32Array,
  cin: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  g: ConvGeometry,
): void {
  const hw = g.ho * g.wo;
  for (let ci = 0; ci < cin; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((ci * kh + i) * kw + j) * hw;
        for (let y = 0; y < g.ho; y++) {
          const sy = y * g.stride + i - g.padding;
          if (sy < 0 || sy >= h) continue;
          for (let x = 0; x < g.wo; x++) {
            const sx = x * g.stride + j - g.padding;
            if (sx >= 0 && sx < w) image[(ci * h + sy) * w + sx] += cols[row + y * g.wo + x];
          }
        }
      }
    }
  }
}
