/**
 * JAX-compatible counter-based PRNG: threefry-2x32 (20 rounds) with JAX's "partitionable" key
 * derivation (the default since jax 0.5). Keys are pairs of uint32 words; every draw is a pure
 * function of (key, counter), so a seed gives bit-identical streams to `jax.random`.
 *
 * Two layers:
 * - scalar hot-path functions (`tfBlock`, `splitWord`, `bits32At`, `uniformAt`, ...) that never
 *   allocate; the result of `tfBlock` lands in the shared `TF_OUT` scratch;
 * - array helpers mirroring the jax.random API (`split`, `uniform`, `randint`, `choice`, ...)
 *   for world generation, tests and tooling.
 *
 * @module
 */

/** Output words of the last `tfBlock` call, stored as int32 bit patterns. */
export const TF_OUT: Int32Array = new Int32Array(2);
/** Output of `tfBlock2` and `tfBlockPair`: two blocks, [a0, a1, b0, b1]. */
export const TF_OUT2: Int32Array = new Int32Array(4);
/** Output of `tfBlockQuad` and `tfSplitPair`: four blocks. */
export const TF_OUT4: Int32Array = new Int32Array(8);

// Key-schedule parity constant of Threefish/threefry.
const PARITY = 0x1bd11bda;

/**
 * One threefry-2x32 block: encrypts counter (c0, c1) under key (k0, k1). Writes TF_OUT.
 * All arithmetic is int32 with wrap-around (`| 0`); rotations use `<<`/`>>>`.
 */
export function tfBlock(k0: number, k1: number, c0: number, c1: number): void {
  const ks0 = k0 | 0, ks1 = k1 | 0, ks2 = (k0 ^ k1 ^ PARITY) | 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  // Rounds 1-4 (rotations 13, 15, 26, 6)
  x0 = (x0 + x1) | 0, x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0, x1 = (x1 + ks2 + 1) | 0;
  // Rounds 5-8 (rotations 17, 29, 16, 24)
  x0 = (x0 + x1) | 0, x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0, x1 = (x1 + ks0 + 2) | 0;
  // Rounds 9-12
  x0 = (x0 + x1) | 0, x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0, x1 = (x1 + ks1 + 3) | 0;
  // Rounds 13-16
  x0 = (x0 + x1) | 0, x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0, x1 = (x1 + ks2 + 4) | 0;
  // Rounds 17-20
  x0 = (x0 + x1) | 0, x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0, x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  TF_OUT[0] = (x0 + ks2) | 0;
  TF_OUT[1] = (x1 + ks0 + 5) | 0;
}

/**
 * Two threefry blocks under the same key with counters (0, ia) and (0, ib), interleaved so the
 * two serial round chains overlap (about twice the throughput of two `tfBlock` calls). Used for
 * `split(key)` when both children are needed, and for pairs of draws. Writes [a0, a1, b0, b1] to
 * TF_OUT2.
 */
export function tfBlock2(k0: number, k1: number, ia: number, ib: number): void {
  tfBlockPair(k0, k1, ia, k0, k1, ib);
}

/**
 * Both children of `split(A)` and of `split(B)` for two independent keys: four interleaved blocks,
 * so batched envs advance their key chains two at a time. Writes [A child 0 (2 words), A child 1,
 * B child 0, B child 1] to TF_OUT4.
 */
export function tfSplitPair(ka0: number, ka1: number, kb0: number, kb1: number): void {
  tfBlockQuad(ka0, ka1, 0, ka0, ka1, 1, kb0, kb1, 0, kb0, kb1, 1);
}

/**
 * Two threefry blocks under two different keys, interleaved: counter (0, ca) under key A and
 * (0, cb) under key B. Writes [A out0, A out1, B out0, B out1] to TF_OUT2.
 */
export function tfBlockPair(
  ka0: number,
  ka1: number,
  ca: number,
  kb0: number,
  kb1: number,
  cb: number,
): void {
  const ka2 = (ka0 ^ ka1 ^ PARITY) | 0, kb2 = (kb0 ^ kb1 ^ PARITY) | 0;
  let a0 = ka0 | 0, a1 = (ca + ka1) | 0;
  let b0 = kb0 | 0, b1 = (cb + kb1) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  a0 = (a0 + ka1) | 0, a1 = (a1 + ka2 + 1) | 0;
  b0 = (b0 + kb1) | 0, b1 = (b1 + kb2 + 1) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 17) | (a1 >>> 15)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 17) | (b1 >>> 15)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 29) | (a1 >>> 3)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 29) | (b1 >>> 3)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 16) | (a1 >>> 16)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 16) | (b1 >>> 16)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 24) | (a1 >>> 8)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 24) | (b1 >>> 8)) ^ b0;
  a0 = (a0 + ka2) | 0, a1 = (a1 + ka0 + 2) | 0;
  b0 = (b0 + kb2) | 0, b1 = (b1 + kb0 + 2) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  a0 = (a0 + ka0) | 0, a1 = (a1 + ka1 + 3) | 0;
  b0 = (b0 + kb0) | 0, b1 = (b1 + kb1 + 3) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 17) | (a1 >>> 15)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 17) | (b1 >>> 15)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 29) | (a1 >>> 3)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 29) | (b1 >>> 3)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 16) | (a1 >>> 16)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 16) | (b1 >>> 16)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 24) | (a1 >>> 8)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 24) | (b1 >>> 8)) ^ b0;
  a0 = (a0 + ka1) | 0, a1 = (a1 + ka2 + 4) | 0;
  b0 = (b0 + kb1) | 0, b1 = (b1 + kb2 + 4) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  TF_OUT2[0] = (a0 + ka2) | 0, TF_OUT2[1] = (a1 + ka0 + 5) | 0;
  TF_OUT2[2] = (b0 + kb2) | 0, TF_OUT2[3] = (b1 + kb0 + 5) | 0;
}

/**
 * Four threefry blocks, interleaved: counter (0, ca) under key A, (0, cb) under B, (0, cc) under C
 * and (0, cd) under D (keys may repeat). Writes [A out0, A out1, B out0, B out1, C ..., D ...] to
 * TF_OUT4.
 */
export function tfBlockQuad(
  ka0: number,
  ka1: number,
  ca: number,
  kb0: number,
  kb1: number,
  cb: number,
  kc0: number,
  kc1: number,
  cc: number,
  kd0: number,
  kd1: number,
  cd: number,
): void {
  const ka2 = (ka0 ^ ka1 ^ PARITY) | 0, kb2 = (kb0 ^ kb1 ^ PARITY) | 0;
  const kc2 = (kc0 ^ kc1 ^ PARITY) | 0, kd2 = (kd0 ^ kd1 ^ PARITY) | 0;
  let a0 = ka0 | 0, a1 = (ka1 + ca) | 0, b0 = kb0 | 0, b1 = (kb1 + cb) | 0;
  let c0 = kc0 | 0, c1 = (kc1 + cc) | 0, d0 = kd0 | 0, d1 = (kd1 + cd) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 13) | (c1 >>> 19)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 13) | (d1 >>> 19)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 15) | (c1 >>> 17)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 15) | (d1 >>> 17)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 26) | (c1 >>> 6)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 26) | (d1 >>> 6)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 6) | (c1 >>> 26)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 6) | (d1 >>> 26)) ^ d0;
  a0 = (a0 + ka1) | 0, a1 = (a1 + ka2 + 1) | 0;
  b0 = (b0 + kb1) | 0, b1 = (b1 + kb2 + 1) | 0;
  c0 = (c0 + kc1) | 0, c1 = (c1 + kc2 + 1) | 0;
  d0 = (d0 + kd1) | 0, d1 = (d1 + kd2 + 1) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 17) | (a1 >>> 15)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 17) | (b1 >>> 15)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 17) | (c1 >>> 15)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 17) | (d1 >>> 15)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 29) | (a1 >>> 3)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 29) | (b1 >>> 3)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 29) | (c1 >>> 3)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 29) | (d1 >>> 3)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 16) | (a1 >>> 16)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 16) | (b1 >>> 16)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 16) | (c1 >>> 16)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 16) | (d1 >>> 16)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 24) | (a1 >>> 8)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 24) | (b1 >>> 8)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 24) | (c1 >>> 8)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 24) | (d1 >>> 8)) ^ d0;
  a0 = (a0 + ka2) | 0, a1 = (a1 + ka0 + 2) | 0;
  b0 = (b0 + kb2) | 0, b1 = (b1 + kb0 + 2) | 0;
  c0 = (c0 + kc2) | 0, c1 = (c1 + kc0 + 2) | 0;
  d0 = (d0 + kd2) | 0, d1 = (d1 + kd0 + 2) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 13) | (c1 >>> 19)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 13) | (d1 >>> 19)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 15) | (c1 >>> 17)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 15) | (d1 >>> 17)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 26) | (c1 >>> 6)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 26) | (d1 >>> 6)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 6) | (c1 >>> 26)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 6) | (d1 >>> 26)) ^ d0;
  a0 = (a0 + ka0) | 0, a1 = (a1 + ka1 + 3) | 0;
  b0 = (b0 + kb0) | 0, b1 = (b1 + kb1 + 3) | 0;
  c0 = (c0 + kc0) | 0, c1 = (c1 + kc1 + 3) | 0;
  d0 = (d0 + kd0) | 0, d1 = (d1 + kd1 + 3) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 17) | (a1 >>> 15)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 17) | (b1 >>> 15)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 17) | (c1 >>> 15)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 17) | (d1 >>> 15)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 29) | (a1 >>> 3)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 29) | (b1 >>> 3)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 29) | (c1 >>> 3)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 29) | (d1 >>> 3)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 16) | (a1 >>> 16)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 16) | (b1 >>> 16)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 16) | (c1 >>> 16)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 16) | (d1 >>> 16)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 24) | (a1 >>> 8)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 24) | (b1 >>> 8)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 24) | (c1 >>> 8)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 24) | (d1 >>> 8)) ^ d0;
  a0 = (a0 + ka1) | 0, a1 = (a1 + ka2 + 4) | 0;
  b0 = (b0 + kb1) | 0, b1 = (b1 + kb2 + 4) | 0;
  c0 = (c0 + kc1) | 0, c1 = (c1 + kc2 + 4) | 0;
  d0 = (d0 + kd1) | 0, d1 = (d1 + kd2 + 4) | 0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 13) | (a1 >>> 19)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 13) | (b1 >>> 19)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 13) | (c1 >>> 19)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 13) | (d1 >>> 19)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 15) | (a1 >>> 17)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 15) | (b1 >>> 17)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 15) | (c1 >>> 17)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 15) | (d1 >>> 17)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 26) | (a1 >>> 6)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 26) | (b1 >>> 6)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 26) | (c1 >>> 6)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 26) | (d1 >>> 6)) ^ d0;
  a0 = (a0 + a1) | 0, a1 = ((a1 << 6) | (a1 >>> 26)) ^ a0;
  b0 = (b0 + b1) | 0, b1 = ((b1 << 6) | (b1 >>> 26)) ^ b0;
  c0 = (c0 + c1) | 0, c1 = ((c1 << 6) | (c1 >>> 26)) ^ c0;
  d0 = (d0 + d1) | 0, d1 = ((d1 << 6) | (d1 >>> 26)) ^ d0;
  TF_OUT4[0] = (a0 + ka2) | 0, TF_OUT4[1] = (a1 + ka0 + 5) | 0;
  TF_OUT4[2] = (b0 + kb2) | 0, TF_OUT4[3] = (b1 + kb0 + 5) | 0;
  TF_OUT4[4] = (c0 + kc2) | 0, TF_OUT4[5] = (c1 + kc0 + 5) | 0;
  TF_OUT4[6] = (d0 + kd2) | 0, TF_OUT4[7] = (d1 + kd0 + 5) | 0;
}

/**
 * Mantissas of `uniform(key, shape)` at the flat positions counters[0..n): out[k] = bits >>> 9, so
 * the uniform value is exactly out[k] * 2^-23 and `u < c` reads `out[k] < c * 2^23`. Independent
 * blocks go four at a time; `out` needs room for n rounded up to a multiple of 4.
 */
export function uniformMantissas(
  k0: number,
  k1: number,
  counters: Int32Array,
  n: number,
  out: Int32Array,
): void {
  const o = TF_OUT4;
  for (let k = 0; k < n; k += 4) {
    const c0 = counters[k], c1 = counters[Math.min(k + 1, n - 1)];
    const c2 = counters[Math.min(k + 2, n - 1)], c3 = counters[Math.min(k + 3, n - 1)];
    tfBlockQuad(k0, k1, c0, k0, k1, c1, k0, k1, c2, k0, k1, c3);
    out[k] = (o[0] ^ o[1]) >>> 9, out[k + 1] = (o[2] ^ o[3]) >>> 9;
    out[k + 2] = (o[4] ^ o[5]) >>> 9, out[k + 3] = (o[6] ^ o[7]) >>> 9;
  }
}

/**
 * Child `i` of `split(key, n)` (partitionable mode: the counter is the flat index as (hi, lo)).
 * Writes the child key into TF_OUT. `i` must be < 2^32.
 */
export function splitChild(k0: number, k1: number, i: number): void {
  tfBlock(k0, k1, 0, i | 0);
}

/** 32 random bits at flat position `i` of `random_bits(key, 32, shape)`, as an int32 pattern. */
export function bits32At(k0: number, k1: number, i: number): number {
  tfBlock(k0, k1, 0, i | 0);
  return TF_OUT[0] ^ TF_OUT[1];
}

/** Element `i` of `uniform(key, shape)` in [0, 1) (float32 exact: 23 random mantissa bits). */
export function uniformAt(k0: number, k1: number, i: number): number {
  return (bits32At(k0, k1, i) >>> 9) * 1.1920928955078125e-7;
}

/** Scalar `uniform(key)` (shape `()`, also shape `(1,)`). */
export function uniformScalar(k0: number, k1: number): number {
  return (bits32At(k0, k1, 0) >>> 9) * 1.1920928955078125e-7;
}

/** Unsigned 32-bit multiply modulo 2^32 (exact, unlike a float product). */
function mulU32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/**
 * Scalar `randint(key, (), minval, maxval)` for int32 bounds (0 <= span < 2^31).
 * JAX draws two words from `split(key)` and combines them modulo span; for power-of-two spans
 * the high word is multiplied by zero, so it is skipped without changing the result.
 */
export function randintScalar(k0: number, k1: number, minval: number, maxval: number): number {
  const span = maxval <= minval ? 1 : (maxval - minval) >>> 0;
  const mult0 = 65536 % span;
  const multiplier = mulU32(mult0, mult0) % span;
  tfBlock(k0, k1, 0, 1);
  const lo = (bits32At(TF_OUT[0], TF_OUT[1], 0) >>> 0) % span;
  if (multiplier === 0) return minval + lo;
  tfBlock(k0, k1, 0, 0);
  const hi = (bits32At(TF_OUT[0], TF_OUT[1], 0) >>> 0) % span;
  const off = ((mulU32(hi, multiplier) + lo) >>> 0) % span;
  return minval + off;
}

// ---------------------------------------------------------------------------------------------
// Array-level API (allocating), mirroring jax.random.

/** A raw threefry key: two uint32 words. */
export type Key = Uint32Array;

/** `jax.random.PRNGKey(seed)`: [seed >> 32, seed & 0xffffffff] for a non-negative integer seed. */
export function prngKey(seed: number): Key {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`prngKey: seed must be a non-negative safe integer, got ${seed}`);
  }
  return Uint32Array.of(Math.floor(seed / 4294967296) >>> 0, seed >>> 0);
}

/** `jax.random.split(key, n)`: n child keys. */
export function split(key: Key, n = 2): Key[] {
  const out: Key[] = [];
  for (let i = 0; i < n; i++) {
    tfBlock(key[0], key[1], 0, i);
    out.push(Uint32Array.of(TF_OUT[0] >>> 0, TF_OUT[1] >>> 0));
  }
  return out;
}

/** `jax.random.fold_in(key, data)` for 0 <= data < 2^32. */
export function foldIn(key: Key, data: number): Key {
  tfBlock(key[0], key[1], 0, data >>> 0);
  return Uint32Array.of(TF_OUT[0] >>> 0, TF_OUT[1] >>> 0);
}

/** `jax.random.bits(key, (count,))` (uint32). Counters are flat row-major indices. */
export function randomBits(key: Key, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = bits32At(key[0], key[1], i) >>> 0;
  return out;
}

/** `jax.random.uniform(key, (count,), float32, minval, maxval)`. */
export function uniform(key: Key, count: number, minval = 0, maxval = 1): Float32Array {
  const out = new Float32Array(count);
  const lo = Math.fround(minval), width = Math.fround(Math.fround(maxval) - lo);
  for (let i = 0; i < count; i++) {
    const f = uniformAt(key[0], key[1], i);
    out[i] = Math.max(lo, Math.fround(Math.fround(f * width) + lo));
  }
  return out;
}

/** `jax.random.randint(key, (count,), minval, maxval)` with int32 output. */
export function randint(key: Key, count: number, minval: number, maxval: number): Int32Array {
  if (!Number.isInteger(minval) || !Number.isInteger(maxval)) {
    throw new TypeError("randint: bounds must be integers");
  }
  const span = maxval <= minval ? 1 : (maxval - minval) >>> 0;
  const mult0 = 65536 % span;
  const multiplier = mulU32(mult0, mult0) % span;
  const [ka, kb] = split(key);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const hi = (bits32At(ka[0], ka[1], i) >>> 0) % span;
    const lo = (bits32At(kb[0], kb[1], i) >>> 0) % span;
    out[i] = minval + (((mulU32(hi, multiplier) + lo) >>> 0) % span);
  }
  return out;
}

/** float32 inclusive prefix sum, sequential order (XLA CPU's reduce-window cumsum). */
export function cumsumF32(p: ArrayLike<number>): Float32Array {
  const out = new Float32Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    acc = Math.fround(acc + p[i]);
    out[i] = acc;
  }
  return out;
}

/**
 * `jnp.searchsorted(a, v, side="left")` with JAX's default binary-search ("scan") method:
 * the number of elements strictly less than v in a sorted array (NaN sorts last).
 */
export function searchsortedLeft(a: ArrayLike<number>, v: number): number {
  const n = a.length;
  let low = 0, high = n;
  const levels = Math.ceil(Math.log2(n + 1));
  for (let l = 0; l < levels; l++) {
    const mid = (low + high) >>> 1;
    const am = a[Math.min(mid, n - 1)];
    // go left when v <= a[mid] under a NaN-last total order
    const goLeft = Number.isNaN(am) ? true : Number.isNaN(v) ? false : v <= am;
    if (goLeft) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Scalar `choice(arange(n), p=p)` from the key words (k0, k1), in float32 as the original computes it:
 * the first index whose running sum of p reaches cumsum[-1] * (1 - u) (0 when that is NaN). Full
 * Craftax's chest loot, spell books and armour enchanting draw through it.
 */
export function choicePScalar(k0: number, k1: number, p: readonly number[]): number {
  const cum: number[] = [];
  let acc = 0;
  for (const x of p) cum.push(acc = Math.fround(acc + x));
  const total = cum[cum.length - 1];
  const r = Math.fround(total * Math.fround(1 - uniformScalar(k0, k1)));
  if (Number.isNaN(r)) return 0;
  for (let i = 0; i < cum.length; i++) if (cum[i] >= r) return i;
  return cum.length;
}

/**
 * Scalar `choice(key, n, p=p)` when p is `mask / mask.sum()` in float32, i.e. f(1 / count) on the
 * `count` masked entries and 0 elsewhere: the float32 running sum only grows on masked entries, so
 * the searchsorted index is the k-th of them (returned, 0-based) whose running sum first reaches
 * r = total * (1 - u). Callers keep a row-major list of the masked entries and take entry k;
 * count must be positive (with none, p is 0/0 and `choiceP` decides).
 */
export function choiceAmongMasked(k0: number, k1: number, count: number): number {
  const p = Math.fround(1 / count);
  let total = 0;
  for (let i = 0; i < count; i++) total = Math.fround(total + p);
  const r = Math.fround(total * Math.fround(1 - uniformScalar(k0, k1)));
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc = Math.fround(acc + p);
    if (acc >= r) return i;
  }
  return count - 1;
}

/**
 * `jax.random.choice(key, n, shape=(count,), p=p)` (with replacement): returns indices.
 * r = cumsum(p)[-1] * (1 - u), index = searchsorted_left(cumsum(p), r), all in float32.
 */
export function choiceP(key: Key, p: ArrayLike<number>, count = 1): Int32Array {
  const cum = cumsumF32(p);
  const total = cum[cum.length - 1];
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const u = uniformAt(key[0], key[1], i);
    const r = Math.fround(total * Math.fround(1 - u));
    out[i] = searchsortedLeft(cum, r);
  }
  return out;
}

/** `jax.random.choice(key, n, shape=(count,))` without p (replace=True): randint(0, n). */
export function choice(key: Key, n: number, count = 1): Int32Array {
  return randint(key, count, 0, n);
}

/**
 * `jax.random.permutation(key, n)`: ceil(3 ln n / ln(2^32-1)) rounds of a stable sort by fresh
 * 32-bit keys, each round drawing from `split(key)[1]` and continuing with `split(key)[0]`.
 */
export function permutation(key: Key, n: number): Int32Array {
  let x = Int32Array.from({ length: n }, (_, i) => i);
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(4294967295));
  let k = key;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(k);
    k = next;
    const sortKeys = randomBits(sub, n);
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => sortKeys[a] - sortKeys[b] || a - b);
    x = Int32Array.from(order, (i) => x[i]);
  }
  return x;
}
