/**
 * JAX indexing semantics on the 64x64 map. A negative index wraps once (i < 0 -> i + 64); then
 * reads (gathers) clamp into range while writes (scatters) outside the range are dropped. Most
 * accesses in the game are in bounds, but arrows, lava at the map edge and the renderer rely on
 * these rules.
 *
 * @module
 */

import { MAP_SIZE } from "./constants.ts";

/** Row or column used by a gather at index `i`. */
export function gatherIndex(i: number): number {
  const w = i < 0 ? i + MAP_SIZE : i;
  return w < 0 ? 0 : w >= MAP_SIZE ? MAP_SIZE - 1 : w;
}

/** Row or column used by a scatter at index `i`, or -1 when the write is dropped. */
export function scatterIndex(i: number): number {
  const w = i < 0 ? i + MAP_SIZE : i;
  return w < 0 || w >= MAP_SIZE ? -1 : w;
}

/** Flat cell offset (within one env's map) read by `map[r, c]`. */
export function gatherCell(r: number, c: number): number {
  return gatherIndex(r) * MAP_SIZE + gatherIndex(c);
}

/** Flat cell offset written by `map.at[r, c].set(...)`, or -1 when dropped. */
export function scatterCell(r: number, c: number): number {
  const rr = scatterIndex(r), cc = scatterIndex(c);
  return rr < 0 || cc < 0 ? -1 : rr * MAP_SIZE + cc;
}

/** True when (r, c) lies on the map. */
export function inBounds(r: number, c: number): boolean {
  return r >= 0 && r < MAP_SIZE && c >= 0 && c < MAP_SIZE;
}
