/**
 * Cells of a floor: JAX-style indexing on the 48x48 map, the four move directions, which cells a
 * creature may enter, and the mob slot table of a floor.
 *
 * @module
 */

import { FULL_MAP_CELLS, FULL_MAP_SIZE, FullBlock as B, NUM_LEVELS } from "./constants.ts";
import { FULL_SOLID } from "./rules.ts";
import type { FullState } from "./state.ts";

const N = FULL_MAP_SIZE, CELLS = FULL_MAP_CELLS;

/** Row and column offsets of actions 1-4 (left, right, up, down); index 0 stays put. */
export const DR = [0, 0, 0, -1, 1], DC = [0, -1, 1, 0, 0];
/** Offsets of direction `d`, zero outside 1-4 (a passive mob's draw of 5-8 means "stay"). */
export const dirR = (d: number) => (d >= 1 && d <= 4 ? DR[d] : 0);
export const dirC = (d: number) => (d >= 1 && d <= 4 ? DC[d] : 0);

// JAX indexing on a 48x48 floor: negative indices wrap once, reads clamp, writes out of range drop.
function gatherIndex(i: number): number {
  const w = i < 0 ? i + N : i;
  return w < 0 ? 0 : w >= N ? N - 1 : w;
}
function scatterIndex(i: number): number {
  const w = i < 0 ? i + N : i;
  return w < 0 || w >= N ? -1 : w;
}
/** Cell index a gather at (r, c) reads. */
export function gatherCell(r: number, c: number): number {
  return gatherIndex(r) * N + gatherIndex(c);
}
/** Cell index a scatter at (r, c) writes, or -1 when the write is dropped. */
export function scatterCell(r: number, c: number): number {
  const rr = scatterIndex(r), cc = scatterIndex(c);
  return rr < 0 || cc < 0 ? -1 : rr * N + cc;
}
/** Whether (r, c) lies on the floor. */
export function inBounds(r: number, c: number): boolean {
  return r >= 0 && r < N && c >= 0 && c < N;
}

/**
 * Valid move for a creature with collision flags `col` on the player's floor: in bounds, free of
 * mobs and the player, not solid, and `col` = (needs water or lava, blocked by water, blocked by lava).
 */
export function canMove(s: FullState, e: number, r: number, c: number, col: readonly number[]): boolean {
  if (!inBounds(r, c)) return false;
  const cell = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS + r * N + c;
  if (s.mobMap[cell] || (r === s.playerPos[2 * e] && c === s.playerPos[2 * e + 1])) return false;
  const b = s.map[cell];
  if (FULL_SOLID[b]) return false;
  const water = b === B.WATER, lava = b === B.LAVA;
  if (col[0] && !water && !lava) return false;
  if (col[1] && water) return false;
  if (col[2] && lava) return false;
  return true;
}

/** First free slot of [first, end) in the mob table starting at `m0` (argmax(!mask): `first` when full). */
export function freeSlot(s: FullState, m0: number, first: number, end: number): number {
  for (let i = first; i < end; i++) if (!s.mobMask[m0 + i]) return i;
  return first;
}
/** Live slots of [first, end) in the mob table starting at `m0`. */
export function countLive(s: FullState, m0: number, first: number, end: number): number {
  let n = 0;
  for (let i = first; i < end; i++) n += s.mobMask[m0 + i];
  return n;
}
