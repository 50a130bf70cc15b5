/**
 * Full Craftax constants needed so far (world generation): block and item ids, sizes, and the
 * per-floor generator configurations of the original (craftax/constants.py,
 * world_gen/world_gen_configs.py).
 *
 * @module
 */

import { Block } from "../classic/constants.ts";

/** Block ids (0..36). */
export const FullBlock = {
  // The Classic ids come first, unchanged.
  ...Block,
  WALL: 17,
  DARKNESS: 18,
  WALL_MOSS: 19,
  STALAGMITE: 20,
  SAPPHIRE: 21,
  RUBY: 22,
  CHEST: 23,
  FOUNTAIN: 24,
  FIRE_GRASS: 25,
  ICE_GRASS: 26,
  GRAVEL: 27,
  FIRE_TREE: 28,
  ICE_SHRUB: 29,
  ENCHANTMENT_TABLE_FIRE: 30,
  ENCHANTMENT_TABLE_ICE: 31,
  NECROMANCER: 32,
  GRAVE: 33,
  GRAVE2: 34,
  GRAVE3: 35,
  NECROMANCER_VULNERABLE: 36,
} as const;
export const FULL_NUM_BLOCKS = 37;

/** Item ids on the item map. */
export const Item = { NONE: 0, TORCH: 1, LADDER_DOWN: 2, LADDER_UP: 3, LADDER_DOWN_BLOCKED: 4 } as const;

export const FULL_MAP_SIZE = 48;
export const FULL_MAP_CELLS = FULL_MAP_SIZE * FULL_MAP_SIZE;
export const NUM_LEVELS = 9;

const B = FullBlock;

/** Smooth (noise) generator configuration of one floor. */
export interface SmoothGenConfig {
  defaultBlock: number;
  seaBlock: number;
  coastBlock: number;
  mountainBlock: number;
  pathBlock: number;
  innerMountainBlock: number;
  oreRequirementBlocks: readonly number[];
  ores: readonly number[];
  oreChances: readonly number[];
  treeRequirementBlock: number;
  tree: number;
  lava: number;
  playerSpawn: number;
  validLadder: number;
  ladderUp: boolean;
  ladderDown: boolean;
  waterStrength: number;
  waterMax: number;
  mountainStrength: number;
  mountainMax: number;
  defaultLight: number;
  waterThreshold: number;
  sandThreshold: number;
  treeThresholdUniform: number;
  treeThresholdPerlin: number;
}

const STONE5 = [B.STONE, B.STONE, B.STONE, B.STONE, B.STONE];
const GEMS = [B.COAL, B.IRON, B.DIAMOND, B.SAPPHIRE, B.RUBY];

const OVERWORLD: SmoothGenConfig = {
  defaultBlock: B.GRASS,
  seaBlock: B.WATER,
  coastBlock: B.SAND,
  mountainBlock: B.STONE,
  pathBlock: B.PATH,
  innerMountainBlock: B.PATH,
  oreRequirementBlocks: STONE5,
  ores: [B.COAL, B.IRON, B.DIAMOND, B.OUT_OF_BOUNDS, B.OUT_OF_BOUNDS],
  oreChances: [0.03, 0.02, 0.001, 0, 0],
  treeRequirementBlock: B.GRASS,
  tree: B.TREE,
  lava: B.LAVA,
  playerSpawn: B.GRASS,
  validLadder: B.PATH,
  ladderUp: false,
  ladderDown: true,
  waterStrength: 5,
  waterMax: 1,
  mountainStrength: 5,
  mountainMax: 1,
  defaultLight: 1,
  waterThreshold: 0.7,
  sandThreshold: 0.6,
  treeThresholdUniform: 0.8,
  treeThresholdPerlin: 0.5,
};

const MINES = {
  defaultBlock: B.PATH,
  seaBlock: B.WATER,
  coastBlock: B.PATH,
  mountainBlock: B.STONE,
  pathBlock: B.STONE,
  innerMountainBlock: B.STONE,
  oreRequirementBlocks: STONE5,
  ores: GEMS,
  treeRequirementBlock: B.PATH,
  tree: B.STALAGMITE,
  lava: B.LAVA,
  playerSpawn: B.PATH,
  validLadder: B.PATH,
  ladderUp: true,
  ladderDown: true,
  waterStrength: 5,
  waterMax: 1,
  mountainStrength: 17,
  mountainMax: 1.5,
  defaultLight: 0,
  waterThreshold: 0.7,
  sandThreshold: 0.6,
  treeThresholdUniform: 0.8,
  treeThresholdPerlin: 0.5,
};

const GNOMISH_MINES: SmoothGenConfig = { ...MINES, oreChances: [0.04, 0.02, 0.005, 0.0025, 0.0025] };
const TROLL_MINES: SmoothGenConfig = { ...MINES, oreChances: [0.04, 0.03, 0.01, 0.01, 0.01] };

const FIRE: SmoothGenConfig = {
  ...MINES,
  defaultBlock: B.FIRE_GRASS,
  seaBlock: B.LAVA,
  coastBlock: B.SAND,
  oreChances: [0.05, 0, 0, 0, 0.025],
  treeRequirementBlock: B.FIRE_GRASS,
  tree: B.FIRE_TREE,
  playerSpawn: B.FIRE_GRASS,
  validLadder: B.FIRE_GRASS,
  mountainStrength: 5,
  mountainMax: 1,
  defaultLight: 1,
  waterThreshold: 0.5,
};

const ICE: SmoothGenConfig = {
  ...MINES,
  defaultBlock: B.ICE_GRASS,
  coastBlock: B.ICE_GRASS,
  oreChances: [0, 0, 0.005, 0.02, 0],
  treeRequirementBlock: B.ICE_GRASS,
  tree: B.ICE_SHRUB,
  lava: B.WATER,
  playerSpawn: B.ICE_GRASS,
  validLadder: B.ICE_GRASS,
  waterThreshold: 0.5,
  treeThresholdUniform: 0.4,
};

const BOSS: SmoothGenConfig = {
  ...MINES,
  defaultBlock: B.PATH,
  seaBlock: B.PATH,
  coastBlock: B.PATH,
  mountainBlock: B.WALL,
  pathBlock: B.WALL,
  innerMountainBlock: B.WALL,
  oreRequirementBlocks: [B.WALL, B.GRAVE, B.GRAVE, B.WALL, B.WALL],
  ores: [B.WALL_MOSS, B.GRAVE2, B.GRAVE3, B.SAPPHIRE, B.RUBY],
  oreChances: [0.1, 0.333, 0.5, 0, 0],
  treeRequirementBlock: B.PATH,
  tree: B.GRAVE,
  lava: B.WALL,
  playerSpawn: B.NECROMANCER,
  ladderUp: false,
  ladderDown: false,
  mountainStrength: 10,
  mountainMax: 10,
  treeThresholdUniform: 0.95,
  treeThresholdPerlin: -1,
};

/** Smooth generator configs in generation order: overworld, gnomish mines, troll mines, fire, ice, boss. */
export const SMOOTH_CONFIGS: readonly SmoothGenConfig[] = [
  OVERWORLD,
  GNOMISH_MINES,
  TROLL_MINES,
  FIRE,
  ICE,
  BOSS,
];

/** Room-dungeon generator configuration of one floor. */
export interface DungeonConfig {
  specialBlock: number;
  fountainBlock: number;
  rarePathReplacementBlock: number;
}

/** Dungeon configs in generation order: dungeon, sewers, vaults. */
export const DUNGEON_CONFIGS: readonly DungeonConfig[] = [
  { specialBlock: B.PATH, fountainBlock: B.FOUNTAIN, rarePathReplacementBlock: B.PATH },
  { specialBlock: B.ENCHANTMENT_TABLE_ICE, fountainBlock: B.WATER, rarePathReplacementBlock: B.WATER },
  { specialBlock: B.ENCHANTMENT_TABLE_FIRE, fountainBlock: B.FOUNTAIN, rarePathReplacementBlock: B.PATH },
];
