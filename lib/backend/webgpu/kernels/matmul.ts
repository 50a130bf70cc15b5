/**
 * C = act(scale · op(A) · op(B) + bias) through the GEMM template. Operands whose contiguous dimension is a
 * multiple of 4 are bound as vec4 arrays, so tiles load 16 bytes per thread; other shapes fall back to
 * guarded scalar loads. Bindings: A, B, C, [bias], params (scale).
 */
import type { Activation } from "../../backend.ts";
import { activationWgsl, actKey, type Kernel, paramsDecl } from "./common.ts";
import { chooseTiling, type GemmSpec, simpleGemm, tiledGemm } from "./gemm.ts";

export interface MatmulShape {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  bias: boolean;
  activation: Activation;
}

export function matmulKernel(p: MatmulShape): Kernel {
  const { m: M, n: N, k: K, transA, transB } = p;
  const tiling = chooseTiling(M, N);
  // vec4 bindings only pay off in the tiled kernel; an empty operand binds a 16-byte dummy either way.
  const vec = tiling !== null && M > 0 && N > 0 && K > 0;
  const aVec = vec && (transA ? M % 4 === 0 : K % 4 === 0);
  const bVec = vec && (transB ? K % 4 === 0 : N % 4 === 0);
  const cVec = vec && N % 4 === 0;
  const aIdx = transA ? "k * M + m" : "m * K + k";
  const bIdx = transB ? "n * K + k" : "k * N + n";
  const scalar = (name: string, isVec: boolean, idx: string) =>
    isVec ? `${name}[(${idx}) / 4u][(${idx}) % 4u]` : `${name}[${idx}]`;
  const arr = (isVec: boolean) => (isVec ? "array<vec4f>" : "array<f32>");
  const decls = `@group(0) @binding(0) var<storage, read> A: ${arr(aVec)};
@group(0) @binding(1) var<storage, read> B: ${arr(bVec)};
@group(0) @binding(2) var<storage, read_write> Cm: ${arr(cVec)};
${p.bias ? "@group(0) @binding(3) var<storage, read> bias: array<f32>;" : ""}
${paramsDecl(p.bias ? 4 : 3)}
${activationWgsl(p.activation)}`;
  const spec: GemmSpec = {
    label: `matmul ${M}x${N}x${K}${transA ? " Aᵀ" : ""}${transB ? " Bᵀ" : ""}${p.bias ? " +bias" : ""} ${
      actKey(p.activation)
    }`,
    M,
    N,
    K,
    decls,
    loadA: scalar("A", aVec, aIdx),
    loadB: scalar("B", bVec, bIdx),
    aMajor: transA ? "m" : "k",
    bMajor: transB ? "k" : "n",
    aVec: aVec ? `A[(${aIdx}) / 4u]` : undefined,
    bVec: bVec ? `B[(${bIdx}) / 4u]` : undefined,
    epi: `act(v * pf(0u)${p.bias ? " + bias[n]" : ""})`,
    store: cVec ? "Cm[(m * N + n) / 4u][n % 4u] = r" : "Cm[m * N + n] = r",
    store4: cVec ? "Cm[(m * N + n) / 4u] = r" : undefined,
  };
  return tiling ? tiledGemm(spec, tiling) : simpleGemm(spec);
}
