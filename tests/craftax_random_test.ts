/** JAX-compatible threefry PRNG: known-answer vectors and the jax.random draw semantics. */

import assert from "node:assert/strict";
import {
  bits32At,
  choice,
  choiceP,
  foldIn,
  permutation,
  prngKey,
  randint,
  randomBits,
  split,
  TF_OUT,
  TF_OUT2,
  TF_OUT4,
  tfBlock,
  tfBlock2,
  tfBlockPair,
  tfBlockQuad,
  tfSplitPair,
  uniform,
} from "../envs/craftax/jax_random.ts";

const hex = (x: number) => (x >>> 0).toString(16).padStart(8, "0");

Deno.test("threefry2x32 matches the Random123 known-answer vectors", () => {
  tfBlock(0, 0, 0, 0);
  assert.deepEqual([hex(TF_OUT[0]), hex(TF_OUT[1])], ["6b200159", "99ba4efe"]);
  tfBlock(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
  assert.deepEqual([hex(TF_OUT[0]), hex(TF_OUT[1])], ["1cb996fc", "bb002be7"]);
  tfBlock(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3);
  assert.deepEqual([hex(TF_OUT[0]), hex(TF_OUT[1])], ["c4923a9c", "483df7a0"]);
});

Deno.test("interleaved threefry variants equal single blocks", () => {
  let x = 0x9e3779b9 | 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) | 0);
  const block = (k0: number, k1: number, c1: number) => (tfBlock(k0, k1, 0, c1), [TF_OUT[0], TF_OUT[1]]);
  for (let t = 0; t < 200; t++) {
    const ka0 = next(), ka1 = next(), kb0 = next(), kb1 = next(), ca = next(), cb = next();
    tfSplitPair(ka0, ka1, kb0, kb1);
    const want4 = [
      ...block(ka0, ka1, 0),
      ...block(ka0, ka1, 1),
      ...block(kb0, kb1, 0),
      ...block(kb0, kb1, 1),
    ];
    assert.deepEqual(Array.from(TF_OUT4), want4);
    tfBlockPair(ka0, ka1, ca, kb0, kb1, cb);
    assert.deepEqual(Array.from(TF_OUT2), [...block(ka0, ka1, ca), ...block(kb0, kb1, cb)]);
    tfBlockQuad(ka0, ka1, ca, kb0, kb1, cb, ca, cb, 7, ka0, ka1, cb);
    const wantQuad = [
      ...block(ka0, ka1, ca),
      ...block(kb0, kb1, cb),
      ...block(ca, cb, 7),
      ...block(ka0, ka1, cb),
    ];
    assert.deepEqual(Array.from(TF_OUT4), wantQuad);
    tfBlock2(ka0, ka1, ca, cb);
    assert.deepEqual(Array.from(TF_OUT2), [...block(ka0, ka1, ca), ...block(ka0, ka1, cb)]);
  }
});

Deno.test("PRNGKey and partitionable split/fold_in", () => {
  assert.deepEqual(Array.from(prngKey(0)), [0, 0]);
  assert.deepEqual(Array.from(prngKey(42)), [0, 42]);
  assert.deepEqual(Array.from(prngKey(2 ** 32 + 5)), [1, 5]);
  // jax.random.split(PRNGKey(0)) with jax_threefry_partitionable=True (the jax >= 0.5 default)
  assert.deepEqual(split(prngKey(0)).map((k) => Array.from(k)), [[1797259609, 2579123966], [
    928981903,
    3453687069,
  ]]);
  // split(key, n)[i] == threefry(key, (0, i)) == fold_in(key, i)
  const k = prngKey(7);
  const four = split(k, 4);
  for (let i = 0; i < 4; i++) assert.deepEqual(Array.from(foldIn(k, i)), Array.from(four[i]));
  assert.throws(() => prngKey(-1), RangeError);
});

Deno.test("random bits are out0 ^ out1 at counter (0, i)", () => {
  const k = prngKey(3);
  const bits = randomBits(k, 5);
  for (let i = 0; i < 5; i++) {
    tfBlock(k[0], k[1], 0, i);
    assert.equal(bits[i], (TF_OUT[0] ^ TF_OUT[1]) >>> 0);
    assert.equal(bits32At(k[0], k[1], i) >>> 0, bits[i]);
  }
});

Deno.test("uniform maps the top 23 bits onto [0, 1) exactly", () => {
  const k = prngKey(11);
  const u = uniform(k, 1000);
  const bits = randomBits(k, 1000);
  for (let i = 0; i < 1000; i++) {
    assert.equal(u[i], (bits[i] >>> 9) / 2 ** 23);
    assert.ok(u[i] >= 0 && u[i] < 1);
  }
  const w = uniform(k, 1000, -2, 3);
  assert.ok(w.every((x) => x >= -2 && x < 3));
});

Deno.test("randint combines two words modulo the span and stays in range", () => {
  const k = prngKey(5);
  const [ka, kb] = split(k);
  const hi = randomBits(ka, 50), lo = randomBits(kb, 50);
  const r = randint(k, 50, 3, 10); // span 7: multiplier (2^16 % 7)^2 % 7 = 4
  for (let i = 0; i < 50; i++) {
    const expect = 3 + (((hi[i] % 7) * 4 + (lo[i] % 7)) % 7);
    assert.equal(r[i], expect);
  }
  const pow2 = randint(k, 50, 0, 4); // span 4: the high word is multiplied by 0
  for (let i = 0; i < 50; i++) assert.equal(pow2[i], lo[i] % 4);
  assert.ok(randint(k, 20, 5, 5).every((x) => x === 5)); // empty range returns minval
  const c = choice(k, 4, 50);
  assert.deepEqual(Array.from(c), Array.from(pow2));
});

Deno.test("choice with p never picks zero-probability entries and follows the weights", () => {
  const p = new Float32Array(10);
  p[2] = 0.25, p[7] = 0.75;
  const idx = choiceP(prngKey(9), p, 4000);
  let n7 = 0;
  for (const i of idx) {
    assert.ok(i === 2 || i === 7, `picked ${i}`);
    if (i === 7) n7++;
  }
  assert.ok(Math.abs(n7 / 4000 - 0.75) < 0.03, `frequency ${n7 / 4000}`);
});

Deno.test("permutation is a permutation and depends on the key", () => {
  const a = permutation(prngKey(1), 50), b = permutation(prngKey(2), 50);
  assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(Array.from(a), Array.from(b));
});
