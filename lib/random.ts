/**
 * Counter-based random numbers: Philox-4x32-10 (Salmon et al., SC'11). Element e of the stream keyed by
 * `seed` depends only on (seed, e), so the CPU reference and the WGSL kernel (`PHILOX_WGSL`) produce the
 * same values without sharing state, and any slice of the stream can be drawn in parallel.
 *
 * Layout: uniform element e is lane e mod 4 of block ⌊e/4⌋; normal element e uses lanes 0 and 1 of
 * block ⌊e/2⌋ (Box-Muller: even e takes the cosine, odd e the sine).
 */

const M0 = 0xd2511f53, M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (exact, via 16-bit limbs). */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff, aHi = a >>> 16, bLo = b & 0xffff, bHi = b >>> 16;
  const lolo = aLo * bLo, hilo = aHi * bLo, lohi = aLo * bHi, hihi = aHi * bHi;
  const cross = (lolo >>> 16) + (hilo & 0xffff) + lohi;
  return (hihi + (hilo >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/** One Philox-4x32-10 block: counter (c0..c3), key (k0, k1) → four u32 written to `out`. */
export function philox4x32(c: ArrayLike<number>, k0: number, k1: number, out: Uint32Array): void {
  let c0 = c[0] >>> 0, c1 = c[1] >>> 0, c2 = c[2] >>> 0, c3 = c[3] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

const TWO_POW_M24 = 1 / 16777216;

/** A u32 to a float in [0, 1) with 24 random bits (exact in f32). */
export const toUniform = (x: number): number => (x >>> 8) * TWO_POW_M24;
/** A u32 to a float in (0, 1], safe for log. */
const toUniformOpen = (x: number): number => ((x >>> 8) + 1) * TWO_POW_M24;

/** Fills `out` with uniform [0, 1) values from stream elements counter .. counter + out.length − 1. */
export function fillUniform(out: Float32Array, seed: number, counter: number): void {
  const block = new Uint32Array(4), ctr = [0, 0, 0, 0];
  let cached = -1;
  for (let i = 0; i < out.length; i++) {
    const e = counter + i, b = Math.floor(e / 4);
    if (b !== cached) {
      ctr[0] = b >>> 0, ctr[1] = Math.floor(b / 4294967296) >>> 0;
      philox4x32(ctr, seed >>> 0, 0, block);
      cached = b;
    }
    out[i] = toUniform(block[e & 3]);
  }
}

/** Fills `out` with standard normal values from stream elements counter .. counter + out.length − 1. */
export function fillNormal(out: Float32Array, seed: number, counter: number): void {
  const block = new Uint32Array(4), ctr = [0, 0, 0, 0];
  for (let i = 0; i < out.length; i++) {
    const e = counter + i, b = Math.floor(e / 2);
    ctr[0] = b >>> 0, ctr[1] = Math.floor(b / 4294967296) >>> 0;
    philox4x32(ctr, seed >>> 0, 0, block);
    const r = Math.fround(Math.sqrt(-2 * Math.log(toUniformOpen(block[0]))));
    const theta = Math.fround(2 * Math.PI * toUniform(block[1]));
    out[i] = (e & 1) === 0 ? r * Math.cos(theta) : r * Math.sin(theta);
  }
}

/**
 * WGSL version of the same stream. Defines `philox(ctr: vec4u, key: vec2u) -> vec4u`,
 * `uniform_at(seed: u32, e_lo: u32, e_hi: u32) -> f32` and `normal_at(...)`, where the element index
 * e = e_hi · 2^32 + e_lo.
 */
export const PHILOX_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu; let a_hi = a >> 16u;
  let b_lo = b & 0xffffu; let b_hi = b >> 16u;
  let lolo = a_lo * b_lo; let hilo = a_hi * b_lo; let lohi = a_lo * b_hi; let hihi = a_hi * b_hi;
  let cross = (lolo >> 16u) + (hilo & 0xffffu) + lohi;
  return hihi + (hilo >> 16u) + (cross >> 16u) + select(0u, 0x10000u, cross < lohi);
}
fn philox(ctr_in: vec4u, key_in: vec2u) -> vec4u {
  var c = ctr_in; var k = key_in;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(0xd2511f53u, c.x); let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi32(0xcd9e8d57u, c.z); let lo1 = 0xcd9e8d57u * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2u(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}
fn to_uniform(x: u32) -> f32 { return f32(x >> 8u) * (1.0 / 16777216.0); }
fn uniform_at(seed: u32, e_lo: u32, e_hi: u32) -> f32 {
  let b = philox(vec4u((e_lo >> 2u) | (e_hi << 30u), e_hi >> 2u, 0u, 0u), vec2u(seed, 0u));
  return to_uniform(b[e_lo & 3u]);
}
fn normal_at(seed: u32, e_lo: u32, e_hi: u32) -> f32 {
  let b = philox(vec4u((e_lo >> 1u) | (e_hi << 31u), e_hi >> 1u, 0u, 0u), vec2u(seed, 0u));
  let r = sqrt(-2.0 * log(f32((b.x >> 8u) + 1u) * (1.0 / 16777216.0)));
  let theta = 6.2831853071795864 * to_uniform(b.y);
  return select(r * sin(theta), r * cos(theta), (e_lo & 1u) == 0u);
}
`;

/**
 * A small host-side generator on the same Philox stream, for shuffles and sampling decisions that stay on
 * the CPU (minibatch order, environment seeds). Deterministic for a given seed.
 *
 * @example
 * ```ts
 * import { Rng } from "@diffusing-blame/ed";
 * const rng = new Rng(42);
 * const order = rng.permutation(10); // the same permutation for seed 42 on every machine
 * console.log(order, rng.uniform(), rng.normal());
 * ```
 */
export class Rng {
  #counter = 0;
  #block = new Uint32Array(4);
  #lane = 4;
  /** A generator at the start of the stream of `seed` (a u32). */
  constructor(readonly seed: number) {}

  /** Next raw u32. */
  nextU32(): number {
    if (this.#lane === 4) {
      const b = this.#counter++;
      philox4x32([b >>> 0, Math.floor(b / 4294967296) >>> 0, 0x5eed, 0], this.seed >>> 0, 1, this.#block);
      this.#lane = 0;
    }
    return this.#block[this.#lane++];
  }

  /** Where the generator is in its stream (for checkpoints): the next block and the next lane in it. */
  get position(): { block: number; lane: number } {
    return { block: this.#counter, lane: this.#lane };
  }

  /** Continues the stream from a saved {@link position}. */
  seek(p: { block: number; lane: number }): void {
    this.#counter = p.block;
    this.#lane = 4;
    if (p.lane < 4) {
      this.#counter = p.block - 1;
      this.nextU32(); // regenerates the current block
      this.#lane = p.lane;
    }
  }

  /** Uniform [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal sample (Box-Muller on two uniforms). */
  normal(): number {
    const u1 = 1 - this.uniform(), u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher-Yates permutation of 0..n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j], p[j] = t;
    }
    return p;
  }

  /** An independent generator derived from this one (for per-worker or per-env streams). */
  fork(): Rng {
    return new Rng(this.nextU32());
  }
}
