/**
 * Full Craftax world generation (the original's `generate_world`): six noise-generated floors
 * (`smooth_floor.ts`) and three room dungeons (`dungeon.ts`), stacked as floors
 * [O, D, GM, S, V, TM, F, I, B], plus the potion permutation. Keys are consumed in the original's
 * order.
 *
 * @module
 */

import { type Key, permutation, split } from "../jax_random.ts";
import { DUNGEON_CONFIGS, FULL_MAP_CELLS, NUM_LEVELS, SMOOTH_CONFIGS } from "./constants.ts";
import { dungeonFloor } from "./dungeon.ts";
import type { FloorOut, FullWorld } from "./floor.ts";
import { smoothFloor } from "./smooth_floor.ts";

export type { FullWorld } from "./floor.ts";

/** An empty world, to be filled by `generateFullWorld`. */
export function newFullWorld(): FullWorld {
  return {
    map: new Uint8Array(NUM_LEVELS * FULL_MAP_CELLS),
    itemMap: new Uint8Array(NUM_LEVELS * FULL_MAP_CELLS),
    lightMap: new Float32Array(NUM_LEVELS * FULL_MAP_CELLS),
    downLadders: new Int32Array(NUM_LEVELS * 2),
    upLadders: new Int32Array(NUM_LEVELS * 2),
    potionMapping: new Int32Array(6),
  };
}

// Floor order [O, D, GM, S, V, TM, F, I, B]: smooth floors 0-5 and dungeons 0-2 by level.
const SMOOTH_LEVELS = [0, 2, 5, 6, 7, 8], DUNGEON_LEVELS = [1, 3, 4];

/** `generate_world(key)` of full Craftax: the nine floors, written into `world` (fresh by default). */
export function generateFullWorld(key: Key, world: FullWorld = newFullWorld()): FullWorld {
  const C = FULL_MAP_CELLS;
  const floor = (level: number): FloorOut => ({
    map: world.map.subarray(level * C, (level + 1) * C),
    itemMap: world.itemMap.subarray(level * C, (level + 1) * C),
    lightMap: world.lightMap.subarray(level * C, (level + 1) * C),
    world,
    level,
  });
  const keys7 = split(key, 7);
  SMOOTH_CONFIGS.forEach((cfg, i) => smoothFloor(keys7[i + 1], cfg, floor(SMOOTH_LEVELS[i])));
  const keys4 = split(keys7[0], 4);
  const [, potionKey] = split(keys4[0]);
  DUNGEON_CONFIGS.forEach((cfg, i) => dungeonFloor(keys4[i + 1], cfg, floor(DUNGEON_LEVELS[i])));
  world.potionMapping.set(permutation(potionKey, 6));
  return world;
}
