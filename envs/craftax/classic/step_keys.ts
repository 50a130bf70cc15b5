/**
 * The key schedule of a Craftax-Classic step. Every random draw of `craftax_step` comes from a key
 * reached by a fixed chain of splits from the step key: the state decides which draws are used,
 * never which keys exist. So the keys of a whole batch are derived before the rules run, two envs at
 * a time through interleaved threefry blocks (two independent chains overlap in the CPU, which a
 * single serial chain cannot), and the rules read them from a table: per env `KEYS_PER_STEP` key
 * pairs, then the few draws every step needs whatever the state (`KEY_WORDS` int32 in all). A
 * single env (or the odd last one) goes through the same schedule with serial blocks.
 *
 * The chain, in the original's order (each `split` yields children 0 and 1):
 *   step key -> (r1, DO); r1 -> (r2, mobs); r2 -> (_, spawn)
 *   mobs: c = split(mobs)[0]
 *     zombie x3:   c -> (A, random); A -> (X, _); X -> (B, close); c = split(B)[1]
 *     c = split(c)[0]; cow x3: c -> (c, move)
 *     c = split(c)[0]; skeleton x2: c -> (A, random); A -> (X, _); X -> (c, logical)
 *   spawn x6: s -> (s, key_i)  (cow chance, cow cell, zombie chance, zombie cell, skeleton ...)
 * A mob's axis draw uses split(A)[1], derived only when a tie needs it, so A itself is stored.
 *
 * @module
 */

import {
  TF_OUT,
  TF_OUT2,
  TF_OUT4,
  tfBlock,
  tfBlock2,
  tfBlockPair,
  tfBlockQuad,
  tfSplitPair,
} from "../jax_random.ts";

/** Key of the DO action (damage and drops). */
export const KEY_DO = 0;
/** Zombie i: [KEY_ZOMBIE + 3i] axis parent A, [+1] random move, [+2] close-to-player roll. */
export const KEY_ZOMBIE = 1;
/** Cow i: [KEY_COW + i] random move. */
export const KEY_COW = 10;
/** Skeleton i: [KEY_SKELETON + 3i] axis parent A, [+1] random move, [+2] logical-move roll. */
export const KEY_SKELETON = 13;
/** Spawning: cow chance, cow cell, zombie chance, zombie cell, skeleton chance, skeleton cell. */
export const KEY_SPAWN = 19;
/** The harness's per-step key k (the step key is split(k)[0], the reset key split(k)[1]). */
export const KEY_HARNESS = 25;
/** Key pairs per env in a schedule table (two int32 words each). */
export const KEYS_PER_STEP = 26;
/**
 * After the key pairs, draws every step needs whatever the state: mob slot i's random-move word
 * at WORD_MOVE + i (zombies 0-2, cows 3-5, skeletons 6-7). `randint(k, (), 0, span)` for a
 * power-of-two span (4 or 8 here) is this word mod span: bits of split(k)[1].
 */
export const WORD_MOVE = 2 * KEYS_PER_STEP;
/** Spawn-chance rolls (cow, zombie, skeleton) as raw bits: uniform = (bits >>> 9) * 2^-23. */
export const WORD_SPAWN_ROLL = WORD_MOVE + 8;
/** int32 words per env in a schedule table. */
export const KEY_WORDS = WORD_SPAWN_ROLL + 3;

// Key slot of each mob slot's random-move key.
const MOVE_KEY_SLOTS = [
  KEY_ZOMBIE + 1,
  KEY_ZOMBIE + 4,
  KEY_ZOMBIE + 7,
  KEY_COW,
  KEY_COW + 1,
  KEY_COW + 2,
  KEY_SKELETON + 1,
  KEY_SKELETON + 4,
];

// Current chain keys of the two envs in flight, [A0, A1, B0, B1], and the second children of the
// last `advance`. A single env (solo) uses the A half and serial blocks instead of paired ones.
const chain = new Int32Array(4);
const sibling = new Int32Array(4);
const spawnChain = new Int32Array(4);
const mobsRoot = new Int32Array(4);
let tableRef: Int32Array = new Int32Array(0);
let offA = 0, offB = 0, solo = false;

function store(slot: number, a0: number, a1: number, b0: number, b1: number): void {
  const t = tableRef;
  t[offA + 2 * slot] = a0, t[offA + 2 * slot + 1] = a1;
  if (!solo) t[offB + 2 * slot] = b0, t[offB + 2 * slot + 1] = b1;
}

/** chain <- split(chain)[0]; split(chain)[1] goes to `sibling` and to `slot` (when slot >= 0). */
function advance(slot: number): void {
  if (solo) {
    tfBlock2(chain[0], chain[1], 0, 1);
    chain[0] = TF_OUT2[0], chain[1] = TF_OUT2[1], sibling[0] = TF_OUT2[2], sibling[1] = TF_OUT2[3];
  } else {
    tfSplitPair(chain[0], chain[1], chain[2], chain[3]);
    chain[0] = TF_OUT4[0], chain[1] = TF_OUT4[1], chain[2] = TF_OUT4[4], chain[3] = TF_OUT4[5];
    sibling[0] = TF_OUT4[2], sibling[1] = TF_OUT4[3], sibling[2] = TF_OUT4[6], sibling[3] = TF_OUT4[7];
  }
  if (slot >= 0) store(slot, sibling[0], sibling[1], sibling[2], sibling[3]);
}

/** chain <- split(chain)[i]. */
function descend(i: number): void {
  if (solo) {
    tfBlock(chain[0], chain[1], 0, i);
    chain[0] = TF_OUT[0], chain[1] = TF_OUT[1];
  } else {
    tfBlockPair(chain[0], chain[1], i, chain[2], chain[3], i);
    chain[0] = TF_OUT2[0], chain[1] = TF_OUT2[1], chain[2] = TF_OUT2[2], chain[3] = TF_OUT2[3];
  }
}

/** Stores the current chain keys at `slot`. */
function storeChain(slot: number): void {
  store(slot, chain[0], chain[1], chain[2], chain[3]);
}

/**
 * Fills the schedules of two envs (table offsets `oa`, `ob`) from their step keys A = (a0, a1) and
 * B = (b0, b1). With oa === ob a single env is scheduled (B is ignored) with serial blocks.
 */
export function deriveStepKeys(
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  table: Int32Array,
  oa: number,
  ob: number,
): void {
  tableRef = table, offA = oa, offB = ob, solo = oa === ob;
  chain[0] = a0, chain[1] = a1, chain[2] = b0, chain[3] = b1;
  advance(KEY_DO); // chain = r1
  advance(-1); // chain = r2, sibling = the mobs key split(r1)[1]
  mobsRoot.set(sibling);
  descend(1); // spawn root = split(r2)[1]
  spawnChain.set(chain);
  chain.set(mobsRoot);

  descend(0);
  for (let i = 0; i < 3; i++) {
    const slot = KEY_ZOMBIE + 3 * i;
    advance(slot + 1); // chain = A
    storeChain(slot);
    descend(0); // X
    advance(slot + 2); // chain = B
    descend(1);
  }
  descend(0);
  for (let i = 0; i < 3; i++) advance(KEY_COW + i);
  descend(0);
  for (let i = 0; i < 2; i++) {
    const slot = KEY_SKELETON + 3 * i;
    advance(slot + 1); // chain = A
    storeChain(slot);
    descend(0); // X
    advance(slot + 2);
  }

  chain.set(spawnChain);
  for (let i = 0; i < 6; i++) advance(KEY_SPAWN + i);
  drawAlwaysNeeded();
}

/** Four blocks at counter `ctr` under the keys stored at offsets i, j, k, l of `t`. */
function quadAt(t: Int32Array, i: number, j: number, k: number, l: number, ctr: number): void {
  tfBlockQuad(t[i], t[i + 1], ctr, t[j], t[j + 1], ctr, t[k], t[k + 1], ctr, t[l], t[l + 1], ctr);
}

/** Fills the WORD_MOVE and WORD_SPAWN_ROLL draws of the two envs, four blocks at a time. */
function drawAlwaysNeeded(): void {
  const t = tableRef, a = offA, b = offB, out = TF_OUT4;
  const c = 2 * KEY_SPAWN, z = c + 4, k = c + 8; // cow, zombie and skeleton chance keys
  if (solo) {
    for (let i = 0; i < 8; i += 4) {
      const m = MOVE_KEY_SLOTS;
      quadAt(t, a + 2 * m[i], a + 2 * m[i + 1], a + 2 * m[i + 2], a + 2 * m[i + 3], 1); // split(k)[1]
      quadAt(out, 0, 2, 4, 6, 0); // its bits
      for (let q = 0; q < 4; q++) t[a + WORD_MOVE + i + q] = out[2 * q] ^ out[2 * q + 1];
    }
    quadAt(t, a + c, a + z, a + k, a + k, 0);
    for (let q = 0; q < 3; q++) t[a + WORD_SPAWN_ROLL + q] = out[2 * q] ^ out[2 * q + 1];
    return;
  }
  for (let i = 0; i < 8; i += 2) {
    const sa = 2 * MOVE_KEY_SLOTS[i], sb = 2 * MOVE_KEY_SLOTS[i + 1];
    quadAt(t, a + sa, a + sb, b + sa, b + sb, 1); // split(k)[1]
    quadAt(out, 0, 2, 4, 6, 0); // its bits
    t[a + WORD_MOVE + i] = out[0] ^ out[1], t[a + WORD_MOVE + i + 1] = out[2] ^ out[3];
    t[b + WORD_MOVE + i] = out[4] ^ out[5], t[b + WORD_MOVE + i + 1] = out[6] ^ out[7];
  }
  quadAt(t, a + c, a + z, b + c, b + z, 0);
  t[a + WORD_SPAWN_ROLL] = out[0] ^ out[1], t[a + WORD_SPAWN_ROLL + 1] = out[2] ^ out[3];
  t[b + WORD_SPAWN_ROLL] = out[4] ^ out[5], t[b + WORD_SPAWN_ROLL + 1] = out[6] ^ out[7];
  tfBlockPair(t[a + k], t[a + k + 1], 0, t[b + k], t[b + k + 1], 0);
  t[a + WORD_SPAWN_ROLL + 2] = TF_OUT2[0] ^ TF_OUT2[1], t[b + WORD_SPAWN_ROLL + 2] = TF_OUT2[2] ^ TF_OUT2[3];
}

/**
 * The harness for a batch: advances every env's key (`key, k = split(key)`), keeps k at
 * KEY_HARNESS and derives the schedule of the step key split(k)[0]. Pairs envs (e, e + 1).
 */
export function deriveBatchKeys(envKeys: Int32Array, numEnvs: number, table: Int32Array): void {
  for (let e = 0; e < numEnvs; e += 2) {
    const f = e + 1 < numEnvs ? e + 1 : e; // an odd last env pairs with itself
    tfSplitPair(envKeys[2 * e], envKeys[2 * e + 1], envKeys[2 * f], envKeys[2 * f + 1]);
    envKeys[2 * e] = TF_OUT4[0], envKeys[2 * e + 1] = TF_OUT4[1];
    const ka0 = TF_OUT4[2], ka1 = TF_OUT4[3], kb0 = TF_OUT4[6], kb1 = TF_OUT4[7];
    if (f !== e) envKeys[2 * f] = TF_OUT4[4], envKeys[2 * f + 1] = TF_OUT4[5];
    const oa = e * KEY_WORDS, ob = f * KEY_WORDS;
    table[oa + 2 * KEY_HARNESS] = ka0, table[oa + 2 * KEY_HARNESS + 1] = ka1;
    table[ob + 2 * KEY_HARNESS] = kb0, table[ob + 2 * KEY_HARNESS + 1] = kb1;
    tfBlockPair(ka0, ka1, 0, kb0, kb1, 0); // step keys
    deriveStepKeys(TF_OUT2[0], TF_OUT2[1], TF_OUT2[2], TF_OUT2[3], table, oa, ob);
  }
}
