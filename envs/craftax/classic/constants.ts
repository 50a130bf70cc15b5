/**
 * Craftax-Classic constants: block ids, actions, achievements, sizes and game parameters.
 * Values are the original's (craftax_classic/constants.py, EnvParams, StaticEnvParams).
 *
 * @module
 */

/** Block ids (0..16). */
export const Block = {
  INVALID: 0,
  OUT_OF_BOUNDS: 1,
  GRASS: 2,
  WATER: 3,
  STONE: 4,
  TREE: 5,
  WOOD: 6,
  PATH: 7,
  COAL: 8,
  IRON: 9,
  DIAMOND: 10,
  CRAFTING_TABLE: 11,
  FURNACE: 12,
  SAND: 13,
  LAVA: 14,
  PLANT: 15,
  RIPE_PLANT: 16,
} as const;
export const NUM_BLOCKS = 17;
export const BLOCK_NAMES: readonly string[] = Object.keys(Block).map((k) => k.toLowerCase());

/** Action ids (0..16). */
export const Action = {
  NOOP: 0,
  LEFT: 1,
  RIGHT: 2,
  UP: 3,
  DOWN: 4,
  DO: 5,
  SLEEP: 6,
  PLACE_STONE: 7,
  PLACE_TABLE: 8,
  PLACE_FURNACE: 9,
  PLACE_PLANT: 10,
  MAKE_WOOD_PICKAXE: 11,
  MAKE_STONE_PICKAXE: 12,
  MAKE_IRON_PICKAXE: 13,
  MAKE_WOOD_SWORD: 14,
  MAKE_STONE_SWORD: 15,
  MAKE_IRON_SWORD: 16,
} as const;
/** Number of actions (17). */
export const NUM_ACTIONS = 17;
/** Action names in id order, lower case (`noop`, `left`, ...). */
export const ACTION_NAMES: readonly string[] = Object.keys(Action).map((k) => k.toLowerCase());

/** Achievement ids (0..21); reward +1 the first time each is set. */
export const Achievement = {
  COLLECT_WOOD: 0,
  PLACE_TABLE: 1,
  EAT_COW: 2,
  COLLECT_SAPLING: 3,
  COLLECT_DRINK: 4,
  MAKE_WOOD_PICKAXE: 5,
  MAKE_WOOD_SWORD: 6,
  PLACE_PLANT: 7,
  DEFEAT_ZOMBIE: 8,
  COLLECT_STONE: 9,
  PLACE_STONE: 10,
  EAT_PLANT: 11,
  DEFEAT_SKELETON: 12,
  MAKE_STONE_PICKAXE: 13,
  MAKE_STONE_SWORD: 14,
  WAKE_UP: 15,
  PLACE_FURNACE: 16,
  COLLECT_COAL: 17,
  COLLECT_IRON: 18,
  COLLECT_DIAMOND: 19,
  MAKE_IRON_PICKAXE: 20,
  MAKE_IRON_SWORD: 21,
} as const;
/** Number of achievements (22). */
export const NUM_ACHIEVEMENTS = 22;
/** Achievement names in id order, lower case (`collect_wood`, ...). */
export const ACHIEVEMENT_NAMES: readonly string[] = Object.keys(Achievement).map((k) => k.toLowerCase());

/** Inventory slots, in the original's (and the observation's) order. */
export const Inv = {
  WOOD: 0,
  STONE: 1,
  COAL: 2,
  IRON: 3,
  DIAMOND: 4,
  SAPLING: 5,
  WOOD_PICKAXE: 6,
  STONE_PICKAXE: 7,
  IRON_PICKAXE: 8,
  WOOD_SWORD: 9,
  STONE_SWORD: 10,
  IRON_SWORD: 11,
} as const;
export const NUM_INV = 12;
export const INV_NAMES: readonly string[] = Object.keys(Inv).map((k) => k.toLowerCase());

// World and view sizes.
export const MAP_SIZE = 64;
export const MAP_CELLS = MAP_SIZE * MAP_SIZE;
export const OBS_ROWS = 7;
export const OBS_COLS = 9;
export const OBS_CHANNELS = NUM_BLOCKS + 4;
export const OBS_MAP_SIZE = OBS_ROWS * OBS_COLS * OBS_CHANNELS; // 1323
/** Length of the symbolic observation: 7 × 9 × 21 map channels, inventory, intrinsics, direction, light/sleep (1345). */
export const OBS_SIZE: number = OBS_MAP_SIZE + NUM_INV + 4 + 4 + 2; // 1345

// Mob slots are stored in one struct-of-arrays block per env, in the original's update order.
export const MAX_ZOMBIES = 3;
export const MAX_COWS = 3;
export const MAX_SKELETONS = 2;
export const MAX_ARROWS = 3;
export const ZOMBIE0 = 0;
export const COW0 = ZOMBIE0 + MAX_ZOMBIES; // 3
export const SKELETON0 = COW0 + MAX_COWS; // 6
export const ARROW0 = SKELETON0 + MAX_SKELETONS; // 8
export const NUM_MOB_SLOTS = ARROW0 + MAX_ARROWS; // 11
export const MAX_PLANTS = 10;

// EnvParams defaults.
export const MAX_TIMESTEPS = 10000;
export const DAY_LENGTH = 300;
export const ZOMBIE_HEALTH = 5;
export const COW_HEALTH = 3;
export const SKELETON_HEALTH = 3;
export const MOB_DESPAWN_DISTANCE = 14;
// Probabilities are float32 in the original; comparisons must use the rounded values.
export const SPAWN_COW_CHANCE = Math.fround(0.1);
export const SPAWN_ZOMBIE_BASE_CHANCE = Math.fround(0.02);
export const SPAWN_ZOMBIE_NIGHT_CHANCE = Math.fround(0.1);
export const SPAWN_SKELETON_CHANCE = Math.fround(0.05);

/** Row/column step for each action id (only 1..4 move; everything else is [0, 0]). */
export const DIR_DR: Int32Array = Int32Array.of(0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const DIR_DC: Int32Array = Int32Array.of(0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

/** Solid blocks stop movement and placement (lava is not solid). Indexed by block id. */
export const IS_SOLID: Uint8Array = (() => {
  const s = new Uint8Array(NUM_BLOCKS);
  for (
    const b of [
      Block.WATER,
      Block.STONE,
      Block.TREE,
      Block.COAL,
      Block.IRON,
      Block.DIAMOND,
      Block.CRAFTING_TABLE,
      Block.FURNACE,
      Block.PLANT,
      Block.RIPE_PLANT,
    ]
  ) s[b] = 1;
  return s;
})();
