/**
 * Keyboard layout for human play (the original's play_craftax_classic keys).
 *
 * @module
 */

import { Action as A, ACTION_NAMES } from "./classic/constants.ts";

const KEYS: Record<string, number> = {
  w: A.UP,
  a: A.LEFT,
  s: A.DOWN,
  d: A.RIGHT,
  " ": A.DO,
  "\t": A.SLEEP,
  r: A.PLACE_STONE,
  t: A.PLACE_TABLE,
  f: A.PLACE_FURNACE,
  p: A.PLACE_PLANT,
  "1": A.MAKE_WOOD_PICKAXE,
  "2": A.MAKE_STONE_PICKAXE,
  "3": A.MAKE_IRON_PICKAXE,
  "4": A.MAKE_WOOD_SWORD,
  "5": A.MAKE_STONE_SWORD,
  "6": A.MAKE_IRON_SWORD,
  e: A.NOOP,
  ".": A.NOOP,
  // Arrow keys (ANSI escape sequences).
  "\x1b[A": A.UP,
  "\x1b[B": A.DOWN,
  "\x1b[C": A.RIGHT,
  "\x1b[D": A.LEFT,
};

/** Action id for a key press, or -1 when the key is not bound. */
export function keyToAction(key: string): number {
  return KEYS[key] ?? KEYS[key.toLowerCase()] ?? -1;
}

/** Action names indexed by id, for status lines. */
export const Action: readonly string[] = ACTION_NAMES;

export const ACTION_MAP_NOTE =
  "wasd/arrows move  space DO  tab sleep  r stone  t table  f furnace  p plant  1-3 pickaxes  4-6 swords  e noop  q quit";
