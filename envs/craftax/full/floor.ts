/**
 * What the full-Craftax floor generators share: the world they write into, the output view of one
 * floor, ladder records, and float32-exact `choice` over listed cells.
 *
 * @module
 */

import { choiceAmongMasked, choiceP, type Key, uniformAt } from "../jax_random.ts";
import { FULL_MAP_CELLS, FULL_MAP_SIZE } from "./constants.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE;

/** All nine floors. */
export interface FullWorld {
  /** Block ids, [level][row][col]. */
  map: Uint8Array;
  /** Item ids, [level][row][col]. */
  itemMap: Uint8Array;
  /** Light in [0, 1], [level][row][col]; cells at or below 0.05 are dark in the observation. */
  lightMap: Float32Array;
  /** Ladder positions, [level][2]. */
  downLadders: Int32Array;
  /** Up-ladder positions, [level][2]. */
  upLadders: Int32Array;
  /** Potion colour -> effect, a random permutation of 0..5 per episode. */
  potionMapping: Int32Array;
}

/** Where a floor generator writes: views of one level of a `FullWorld`, and the level index. */
export interface FloorOut {
  map: Uint8Array;
  itemMap: Uint8Array;
  lightMap: Float32Array;
  world: FullWorld;
  level: number;
}

/** Records a floor's ladder cells (flat indices) in the world. */
export function setLadders(out: FloorOut, down: number, up: number): void {
  const l = out.level, w = out.world;
  w.downLadders[2 * l] = (down / N) | 0, w.downLadders[2 * l + 1] = down % N;
  w.upLadders[2 * l] = (up / N) | 0, w.upLadders[2 * l + 1] = up % N;
}

/** Scalar `choice(key, n, p=p)` (p unnormalised, as the original passes it). */
export function choiceIndex(key: Key, p: ArrayLike<number>): number {
  return choiceP(key, p, 1)[0];
}

// Cells holding a given block or awaiting a draw, row-major, and the draws' mantissas (scratch
// of the floor being generated; room for a padded group of 4).
export const listed = new Int32Array(FULL_MAP_CELLS + 3);
export const drawn = new Int32Array(FULL_MAP_CELLS + 3);

/** Lists the cells of `map` holding `block` into `listed`; returns how many. */
export function listCells(map: Uint8Array, block: number): number {
  let n = 0;
  for (let i = 0; i < map.length; i++) if (map[i] === block) listed[n++] = i;
  return n;
}

/**
 * `choice(key, n, p=p)` where p is 1 on the `count` listed cells (divided by count when
 * `normalised`, as float32) and 0 elsewhere, without building p: the float32 running sum only
 * grows on listed cells, so the searchsorted index is the first listed cell whose running sum
 * reaches r = total * (1 - u). With no listed cell p is 0/0 or all zeros and the general path
 * decides (index 0).
 */
export function choiceAmongListed(
  key: Key,
  map: Uint8Array,
  block: number,
  count: number,
  normalised: boolean,
): number {
  if (count === 0) {
    return choiceIndex(key, Float32Array.from(map, (b) => normalised ? f((b === block ? 1 : 0) / 0) : 0));
  }
  const u = uniformAt(key[0], key[1], 0);
  if (!normalised) {
    // The running sum counts 1, 2, 3, ... exactly: the first k >= r.
    const r = f(count * f(1 - u));
    return listed[Math.min(count, Math.max(1, Math.ceil(r))) - 1];
  }
  return listed[choiceAmongMasked(key[0], key[1], count)];
}

/** A key as the (k0, k1) words the scalar draws take. */
export function keyPair(k: Key): [number, number] {
  return [k[0], k[1]];
}
