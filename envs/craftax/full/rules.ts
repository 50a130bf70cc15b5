/**
 * Full Craftax game tables used by the step: actions, achievements and their rewards, and the
 * per-mob-type tables (floor mobs, spawn chances, collisions, damage, health, defence) of the
 * original (craftax/constants.py). Float tables hold float32 values.
 *
 * @module
 */

import { Achievement, Action } from "../classic/constants.ts";
import { FullBlock as B } from "./constants.ts";

const f = Math.fround;

/** The 43 actions. */
export const FullAction = {
  // The Classic ids come first, unchanged.
  ...Action,
  REST: 17,
  DESCEND: 18,
  ASCEND: 19,
  MAKE_DIAMOND_PICKAXE: 20,
  MAKE_DIAMOND_SWORD: 21,
  MAKE_IRON_ARMOUR: 22,
  MAKE_DIAMOND_ARMOUR: 23,
  SHOOT_ARROW: 24,
  MAKE_ARROW: 25,
  CAST_FIREBALL: 26,
  CAST_ICEBALL: 27,
  PLACE_TORCH: 28,
  DRINK_POTION_RED: 29,
  DRINK_POTION_GREEN: 30,
  DRINK_POTION_BLUE: 31,
  DRINK_POTION_PINK: 32,
  DRINK_POTION_CYAN: 33,
  DRINK_POTION_YELLOW: 34,
  READ_BOOK: 35,
  ENCHANT_SWORD: 36,
  ENCHANT_ARMOUR: 37,
  MAKE_TORCH: 38,
  LEVEL_UP_DEXTERITY: 39,
  LEVEL_UP_STRENGTH: 40,
  LEVEL_UP_INTELLIGENCE: 41,
  ENCHANT_BOW: 42,
} as const;
/** Number of actions (43). */
export const FULL_NUM_ACTIONS = 43;
/** Action names in id order, lower case. */
export const FULL_ACTION_NAMES: readonly string[] = Object.keys(FullAction).map((k) => k.toLowerCase());

/** The 67 achievements (ids as in the original; not in declaration order). */
export const FullAchievement = {
  // The Classic ids come first, unchanged.
  ...Achievement,
  MAKE_ARROW: 22,
  MAKE_TORCH: 23,
  PLACE_TORCH: 24,
  MAKE_DIAMOND_SWORD: 25,
  MAKE_IRON_ARMOUR: 26,
  MAKE_DIAMOND_ARMOUR: 27,
  ENTER_GNOMISH_MINES: 28,
  ENTER_DUNGEON: 29,
  ENTER_SEWERS: 30,
  ENTER_VAULT: 31,
  ENTER_TROLL_MINES: 32,
  ENTER_FIRE_REALM: 33,
  ENTER_ICE_REALM: 34,
  ENTER_GRAVEYARD: 35,
  DEFEAT_GNOME_WARRIOR: 36,
  DEFEAT_GNOME_ARCHER: 37,
  DEFEAT_ORC_SOLIDER: 38,
  DEFEAT_ORC_MAGE: 39,
  DEFEAT_LIZARD: 40,
  DEFEAT_KOBOLD: 41,
  DEFEAT_TROLL: 42,
  DEFEAT_DEEP_THING: 43,
  DEFEAT_PIGMAN: 44,
  DEFEAT_FIRE_ELEMENTAL: 45,
  DEFEAT_FROST_TROLL: 46,
  DEFEAT_ICE_ELEMENTAL: 47,
  DAMAGE_NECROMANCER: 48,
  DEFEAT_NECROMANCER: 49,
  EAT_BAT: 50,
  EAT_SNAIL: 51,
  FIND_BOW: 52,
  FIRE_BOW: 53,
  COLLECT_SAPPHIRE: 54,
  LEARN_FIREBALL: 55,
  CAST_FIREBALL: 56,
  LEARN_ICEBALL: 57,
  CAST_ICEBALL: 58,
  COLLECT_RUBY: 59,
  MAKE_DIAMOND_PICKAXE: 60,
  OPEN_CHEST: 61,
  DRINK_POTION: 62,
  ENCHANT_SWORD: 63,
  ENCHANT_ARMOUR: 64,
  DEFEAT_KNIGHT: 65,
  DEFEAT_ARCHER: 66,
} as const;
/** Achievement names by id, lower case. */
export const FULL_ACHIEVEMENT_NAMES: readonly string[] = (() => {
  const names = new Array<string>(67);
  for (const [k, v] of Object.entries(FullAchievement)) names[v] = k.toLowerCase();
  return names;
})();

const A = FullAchievement;

/** Reward per achievement: 1 (basic, ids <= 24), 3 (intermediate), 5 (advanced), 8 (very advanced). */
export const ACHIEVEMENT_REWARD: Int32Array = (() => {
  const intermediate = [
    A.COLLECT_SAPPHIRE,
    A.COLLECT_RUBY,
    A.MAKE_DIAMOND_PICKAXE,
    A.MAKE_DIAMOND_SWORD,
    A.MAKE_IRON_ARMOUR,
    A.MAKE_DIAMOND_ARMOUR,
    A.ENTER_GNOMISH_MINES,
    A.ENTER_DUNGEON,
    A.DEFEAT_GNOME_WARRIOR,
    A.DEFEAT_GNOME_ARCHER,
    A.DEFEAT_ORC_SOLIDER,
    A.DEFEAT_ORC_MAGE,
    A.EAT_BAT,
    A.EAT_SNAIL,
    A.FIND_BOW,
    A.FIRE_BOW,
    A.OPEN_CHEST,
    A.DRINK_POTION,
  ] as number[];
  const veryAdvanced = [
    A.ENTER_FIRE_REALM,
    A.ENTER_ICE_REALM,
    A.ENTER_GRAVEYARD,
    A.DEFEAT_PIGMAN,
    A.DEFEAT_FIRE_ELEMENTAL,
    A.DEFEAT_FROST_TROLL,
    A.DEFEAT_ICE_ELEMENTAL,
    A.DAMAGE_NECROMANCER,
    A.DEFEAT_NECROMANCER,
  ] as number[];
  const out = new Int32Array(67);
  for (let i = 0; i < 67; i++) {
    out[i] = i <= 24 ? 1 : intermediate.includes(i) ? 3 : veryAdvanced.includes(i) ? 8 : 5;
  }
  return out;
})();

/** Achievement for entering each floor (floor 0 maps to id 0, never set by a floor change). */
export const LEVEL_ACHIEVEMENT: Int32Array = Int32Array.of(
  0,
  A.ENTER_DUNGEON,
  A.ENTER_GNOMISH_MINES,
  A.ENTER_SEWERS,
  A.ENTER_VAULT,
  A.ENTER_TROLL_MINES,
  A.ENTER_FIRE_REALM,
  A.ENTER_ICE_REALM,
  A.ENTER_GRAVEYARD,
);

/** Kill achievement per [class (0 passive, 1 melee, 2 ranged)][type]. */
export const MOB_ACHIEVEMENT: readonly Int32Array[] = [
  Int32Array.of(A.EAT_COW, A.EAT_BAT, A.EAT_SNAIL, 0, 0, 0, 0, 0),
  Int32Array.of(
    A.DEFEAT_ZOMBIE,
    A.DEFEAT_GNOME_WARRIOR,
    A.DEFEAT_ORC_SOLIDER,
    A.DEFEAT_LIZARD,
    A.DEFEAT_KNIGHT,
    A.DEFEAT_TROLL,
    A.DEFEAT_PIGMAN,
    A.DEFEAT_FROST_TROLL,
  ),
  Int32Array.of(
    A.DEFEAT_SKELETON,
    A.DEFEAT_GNOME_ARCHER,
    A.DEFEAT_ORC_MAGE,
    A.DEFEAT_KOBOLD,
    A.DEFEAT_ARCHER,
    A.DEFEAT_DEEP_THING,
    A.DEFEAT_FIRE_ELEMENTAL,
    A.DEFEAT_ICE_ELEMENTAL,
  ),
];

/** Mob type spawned per floor: [floor][0 passive, 1 melee, 2 ranged]. */
export const FLOOR_MOB_TYPE: readonly number[][] = [
  [0, 0, 0],
  [2, 2, 2],
  [1, 1, 1],
  [2, 3, 3],
  [2, 4, 4],
  [1, 5, 5],
  [1, 6, 6],
  [1, 7, 7],
  [0, 0, 0],
];

/** Spawn chances per floor: passive, melee, ranged, extra melee at night (float32). */
export const FLOOR_SPAWN_CHANCE: readonly number[][] = [
  [0.1, 0.02, 0.05, 0.1],
  [0.1, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
  [0, 0.06, 0.05, 0],
  [0.1, 0.06, 0.05, 0],
].map((row) => row.map(f));

// Collision flags: (ground blocks, water, lava); everything collides with solid blocks.
const LAND = [0, 1, 1], FLY = [0, 0, 0], AQUATIC = [1, 0, 1], AMPHIBIAN = [0, 0, 1];
/** Collision flags per [type][class (0 passive, 1 melee, 2 ranged, 3 projectile)]. */
export const MOB_COLLISION: readonly number[][][] = [
  [LAND, LAND, LAND, FLY],
  [FLY, LAND, LAND, FLY],
  [LAND, LAND, LAND, FLY],
  [LAND, AMPHIBIAN, LAND, FLY],
  [LAND, LAND, LAND, FLY],
  [LAND, LAND, AQUATIC, FLY],
  [LAND, LAND, FLY, FLY],
  [LAND, LAND, FLY, FLY],
  [LAND, LAND, LAND, FLY],
];

/** Damage vectors (physical, fire, ice) per type: melee attack and projectile. */
export const MELEE_DAMAGE: readonly number[][] = [
  [2, 0, 0],
  [4, 0, 0],
  [3, 0, 0],
  [5, 0, 0],
  [6, 0, 0],
  [6, 1, 1],
  [3, 5, 0],
  [4, 0, 5],
];
export const PROJECTILE_DAMAGE: readonly number[][] = [
  [2, 0, 0],
  [4, 0, 0],
  [0, 3, 0],
  [0, 0, 3],
  [5, 0, 0],
  [4, 3, 3],
  [3, 5, 0],
  [4, 0, 5],
];

/** Health at spawn per [type][class 0 passive, 1 melee, 2 ranged]. */
export const MOB_HEALTH: readonly number[][] = [
  [3, 5, 3],
  [4, 7, 5],
  [6, 9, 6],
  [8, 11, 8],
  [0, 12, 12],
  [0, 20, 4],
  [0, 20, 14],
  [0, 24, 16],
  [0, 0, 0],
];

const ND = [0, 0, 0];
/** Defence vectors per [type][class 0 passive, 1 melee, 2 ranged] (float32). */
export const MOB_DEFENSE: readonly number[][][] = [
  [ND, ND, ND],
  [ND, ND, ND],
  [ND, ND, ND],
  [ND, ND, ND],
  [ND, [0.5, 0, 0], [0.5, 0, 0]],
  [ND, [0.2, 0, 0], ND],
  [ND, [0.9, 1, 0], [0.9, 1, 0]],
  [ND, [0.9, 0, 1], [0.9, 0, 1]],
  [ND, ND, ND],
].map((t) => t.map((v) => v.map(f)));

/** Projectile type fired by each ranged mob type. */
export const RANGED_PROJECTILE: Int32Array = Int32Array.of(0, 0, 2, 1, 4, 5, 6, 7);
export const Projectile = { ARROW: 0, DAGGER: 1, FIREBALL: 2, ICEBALL: 3, ARROW2: 4 } as const;

const SOLID_LIST = [
  B.STONE,
  B.TREE,
  B.COAL,
  B.IRON,
  B.DIAMOND,
  B.CRAFTING_TABLE,
  B.FURNACE,
  B.PLANT,
  B.RIPE_PLANT,
  B.WALL,
  B.WALL_MOSS,
  B.STALAGMITE,
  B.RUBY,
  B.SAPPHIRE,
  B.CHEST,
  B.FOUNTAIN,
  B.FIRE_TREE,
  B.ENCHANTMENT_TABLE_FIRE,
  B.ENCHANTMENT_TABLE_ICE,
  B.GRAVE,
  B.GRAVE2,
  B.GRAVE3,
  B.NECROMANCER,
] as number[];
/** 1 for blocks nothing can walk through. */
export const FULL_SOLID: Uint8Array = Uint8Array.from(
  { length: 37 },
  (_, b) => SOLID_LIST.includes(b) ? 1 : 0,
);
const PLACE_ITEM_LIST = [B.GRASS, B.SAND, B.PATH, B.FIRE_GRASS, B.ICE_GRASS] as number[];
/** 1 for blocks a torch can be placed on. */
export const CAN_PLACE_ITEM: Uint8Array = Uint8Array.from(
  { length: 37 },
  (_, b) => PLACE_ITEM_LIST.includes(b) ? 1 : 0,
);

/** Light added by a torch over the 9x9 window around it: clip(1 - |d| / 5, 0, 1) in float32. */
export const TORCH_LIGHT: Float32Array = (() => {
  const out = new Float32Array(81);
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const d = f(Math.sqrt((i - 4) ** 2 + (j - 4) ** 2));
      out[i * 9 + j] = Math.min(1, Math.max(0, f(1 - f(d / 5))));
    }
  }
  return out;
})();

export const MONSTERS_KILLED_TO_CLEAR_LEVEL = 8;
export const MOB_DESPAWN_DISTANCE = 14;
export const FULL_MAX_TIMESTEPS = 100000;
