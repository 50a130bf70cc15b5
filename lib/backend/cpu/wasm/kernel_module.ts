/**
 * The cpu backend's WebAssembly kernel module, generated at load time: every kernel emitted into one module
 * that imports the shared memory. The main thread and each worker instantiate it on the same memory; the
 * bytes are a pure function of `relaxed`, so a worker regenerates them instead of receiving them.
 */
import { ModuleBuilder } from "./emit.ts";
import { emitVectorMath } from "./vector_math.ts";
import { emitGemm, type GemmShape } from "./gemm_module.ts";
import { MAX_PAGES } from "./memory_pool.ts";
import { emitElementwise } from "./elementwise_module.ts";
import { emitReduce } from "./reduce_module.ts";
import { emitOptimizers } from "./optimizer_module.ts";
import { emitConv } from "./conv_module.ts";

/**
 * Micro-tile and cache blocking, measured on the 2-core AMD EPYC (Zen 5) build machine at 1024³, one
 * thread: with relaxed_madd (one FMA per step) 6×8 (12 accumulators, 15 of the 16 xmm registers V8 can
 * allocate) ran ~47 GFLOP/s against 43 for 4×8, 30 for 8×8 (spills) and 20 for 4×12; KC 256 beat 384;
 * unroll 4 beat 2 and 8. Without FMA the separate multiply needs a temporary register, so 6×8 spills
 * (~23 GFLOP/s) and 4×8 is best (~38).
 */
export function gemmShapeFor(relaxed: boolean): GemmShape {
  return relaxed
    ? { mr: 6, nr: 8, kc: 256, mc: 72, nc: 1024, unroll: 4 }
    : { mr: 4, nr: 8, kc: 256, mc: 64, nc: 1024, unroll: 4 };
}

/** Exports of the kernel module (addresses are byte offsets into the shared memory). */
export interface KernelExports {
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    flags: number,
    scale: number,
    bias: number,
    act: number,
    param: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    scratch: number,
  ): void;
  /** unary(op, x, out, count, p0, p1): UNARY_CODES. */
  unary(op: number, x: number, out: number, count: number, p0: number, p1: number): void;
  activation(x: number, out: number, count: number, kind: number, param: number): void;
  activationGrad(x: number, out: number, count: number, kind: number, param: number): void;
  /** binary(op, a, b, out, rows, cols, aRowBytes, bRowBytes, aSplat, bSplat): BINARY_OPS index. */
  binary(
    op: number,
    a: number,
    b: number,
    out: number,
    rows: number,
    cols: number,
    aRowBytes: number,
    bRowBytes: number,
    aSplat: number,
    bSplat: number,
  ): void;
  /** REDUCE_CODES over each row (axis 1) or each column (axis 0). */
  reduceRows(op: number, x: number, out: number, rows: number, cols: number): void;
  reduceCols(op: number, x: number, out: number, rows: number, cols: number): void;
  /** First index of the maximum (NaNs skipped) per row (axis 1) or per column (axis 0), as i32. */
  argmaxRows(x: number, out: number, rows: number, cols: number): void;
  argmaxCols(x: number, out: number, rows: number, cols: number): void;
  sgd(
    p: number,
    g: number,
    v: number,
    count: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    floor: number,
    useVelocity: number,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    count: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
    weightDecay: number,
    floor: number,
  ): void;
  im2col(
    image: number,
    cols: number,
    rowBytes: number,
    cin: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    stride: number,
    pad: number,
    ho: number,
    wo: number,
  ): void;
  col2im(
    cols: number,
    rowBytes: number,
    image: number,
    cin: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    stride: number,
    pad: number,
    ho: number,
    wo: number,
  ): void;
  /** dst[j, i, :] = src[i, j, :] for src [a, b, block] floats. */
  swapAxes(src: number, dst: number, a: number, b: number, block: number): void;
}

export function buildKernelModule(relaxed: boolean): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", field: "memory", initialPages: 1, maximumPages: MAX_PAGES, shared: true });
  const math = emitVectorMath(m);
  m.export("gemm", emitGemm(m, gemmShapeFor(relaxed), relaxed, math));
  const elementwise = emitElementwise(m, math);
  m.export("unary", elementwise.unary);
  m.export("activation", elementwise.activation);
  m.export("activationGrad", elementwise.activationGrad);
  m.export("binary", elementwise.binary);
  const reduce = emitReduce(m);
  m.export("reduceRows", reduce.reduceRows);
  m.export("reduceCols", reduce.reduceCols);
  m.export("argmaxRows", reduce.argmaxRows);
  m.export("argmaxCols", reduce.argmaxCols);
  const optimizers = emitOptimizers(m);
  m.export("sgd", optimizers.sgd);
  m.export("adam", optimizers.adam);
  const conv = emitConv(m);
  m.export("im2col", conv.im2col);
  m.export("col2im", conv.col2im);
  m.export("swapAxes", conv.swapAxes);
  return m.build();
}

export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
