/**
 * Struct-of-arrays state for a batch of full-Craftax environments (9 floors of 48x48).
 * Mob classes per floor: melee 3, passive 3, ranged 2, mob projectiles 3, player projectiles 3,
 * stored as 14 slots per floor in that order.
 *
 * @module
 */

import { FULL_MAP_CELLS, NUM_LEVELS } from "./constants.ts";

/** First mob slot of each class per floor, and the slots per floor. */
export const MELEE0 = 0, PASSIVE0 = 3, RANGED0 = 6, MOB_PROJ0 = 8, PLAYER_PROJ0 = 11, FULL_MOB_SLOTS = 14;
/** Mob class (0 melee, 1 passive, 2 ranged, 3 mob projectile, 4 player projectile) per slot. */
export const SLOT_CLASS: Int32Array = Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4);
/** Number of achievements (67). */
export const FULL_NUM_ACHIEVEMENTS = 67;
/** Inventory slots (scalars); potions and armour are separate arrays. */
export const FullInv = {
  WOOD: 0,
  STONE: 1,
  COAL: 2,
  IRON: 3,
  DIAMOND: 4,
  SAPLING: 5,
  PICKAXE: 6,
  SWORD: 7,
  BOW: 8,
  ARROWS: 9,
  TORCHES: 10,
  RUBY: 11,
  SAPPHIRE: 12,
  BOOKS: 13,
} as const;
/** Number of inventory scalars (14). */
export const FULL_NUM_INV = 14;

/**
 * The state of a batch of full-Craftax environments as flat typed arrays, env-major (then floor-major for
 * per-floor arrays). {@link CraftaxFull.state} is one.
 */
export class FullState {
  /** Environments in the batch. */
  readonly numEnvs: number;
  /** Block ids, [env][level][row][col]. */
  readonly map: Uint8Array;
  /** Items on the ground (torches, ladders), [env][level][row][col]. */
  readonly itemMap: Uint8Array;
  /** Cells occupied by a mob, [env][level][row][col]. */
  readonly mobMap: Uint8Array;
  /** Light level per cell, [env][level][row][col]. */
  readonly lightMap: Float32Array;
  /** Down-ladder position per floor, [env][level][2]. */
  readonly downLadders: Int32Array;
  /** Up-ladder position per floor, [env][level][2]. */
  readonly upLadders: Int32Array;
  /** 1 where the floor's chest has been opened, [env][level]. */
  readonly chestsOpened: Uint8Array;
  /** Monsters killed per floor (a floor's ladder opens after enough kills), [env][level]. */
  readonly monstersKilled: Int32Array;
  /** Player row/col, [env][2]. */
  readonly playerPos: Int32Array;
  /** Floor the player is on (0..8). */
  readonly playerLevel: Int32Array;
  /** Facing direction as an action id in 1..4. */
  readonly playerDir: Int32Array;
  /** Health per env (fractional in full Craftax). */
  readonly health: Float32Array;
  /** Food per env. */
  readonly food: Int32Array;
  /** Drink per env. */
  readonly drink: Int32Array;
  /** Energy per env. */
  readonly energy: Int32Array;
  /** Mana per env. */
  readonly mana: Int32Array;
  /** 1 while the player sleeps. */
  readonly sleeping: Uint8Array;
  /** 1 while the player rests. */
  readonly resting: Uint8Array;
  /** Health recovery accumulator. */
  readonly recover: Float32Array;
  /** Hunger accumulator. */
  readonly hunger: Float32Array;
  /** Thirst accumulator. */
  readonly thirst: Float32Array;
  /** Fatigue accumulator. */
  readonly fatigue: Float32Array;
  /** Mana recovery accumulator. */
  readonly recoverMana: Float32Array;
  /** Unspent experience points. */
  readonly xp: Int32Array;
  /** Dexterity attribute. */
  readonly dexterity: Int32Array;
  /** Strength attribute. */
  readonly strength: Int32Array;
  /** Intelligence attribute. */
  readonly intelligence: Int32Array;
  /** Inventory counts, [env][14] ({@link FullInv} order). */
  readonly inventory: Int32Array;
  /** Potion counts by colour, [env][6]. */
  readonly potions: Int32Array;
  /** Armour tier per slot, [env][4]. */
  readonly armour: Int32Array;
  /** Mob slots, [env][level][14]. */
  readonly mobPos: Int32Array;
  /** Mob health, [env][level][14]. */
  readonly mobHealth: Float32Array;
  /** 1 where the mob slot is alive, [env][level][14]. */
  readonly mobMask: Uint8Array;
  /** Attack cooldown, [env][level][14]. */
  readonly mobCooldown: Int32Array;
  /** Mob type within its class (depends on the floor), [env][level][14]. */
  readonly mobType: Int32Array;
  /** Projectile directions, [env][level][14][2] (only projectile slots are used). */
  readonly mobDir: Int32Array;
  /** Sapling positions, [env][10][2]. */
  readonly plantPos: Int32Array;
  /** Sapling ages, [env][10]. */
  readonly plantAge: Int32Array;
  /** 1 where the sapling slot is used, [env][10]. */
  readonly plantMask: Uint8Array;
  /** Which effect each potion colour has (shuffled per world), [env][6]. */
  readonly potionMapping: Int32Array;
  /** 1 where the spell (fireball, iceball) is learned, [env][2]. */
  readonly learnedSpells: Uint8Array;
  /** Sword enchantment (0 none, 1 fire, 2 ice). */
  readonly swordEnchantment: Int32Array;
  /** Bow enchantment (0 none, 1 fire, 2 ice). */
  readonly bowEnchantment: Int32Array;
  /** Enchantment per armour slot, [env][4]. */
  readonly armourEnchantments: Int32Array;
  /** Boss fight rounds completed (floor 8). */
  readonly bossProgress: Int32Array;
  /** Steps left in the current spawn wave (counts down on the boss floor; the boss is vulnerable at ≤ 0). */
  readonly bossTimesteps: Int32Array;
  /** Daylight level in [0, 1] per env. */
  readonly light: Float32Array;
  /** Achievement flags of the current episode, [env][67]. */
  readonly achievements: Uint8Array;
  /** Steps in the current episode per env. */
  readonly timestep: Int32Array;

  /** Zeroed state for `numEnvs` environments (worlds are generated by reset). */
  constructor(numEnvs: number) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
    }
    const n = numEnvs, L = NUM_LEVELS, C = FULL_MAP_CELLS, M = FULL_MOB_SLOTS;
    this.numEnvs = n;
    this.map = new Uint8Array(n * L * C);
    this.itemMap = new Uint8Array(n * L * C);
    this.mobMap = new Uint8Array(n * L * C);
    this.lightMap = new Float32Array(n * L * C);
    this.downLadders = new Int32Array(n * L * 2);
    this.upLadders = new Int32Array(n * L * 2);
    this.chestsOpened = new Uint8Array(n * L);
    this.monstersKilled = new Int32Array(n * L);
    this.playerPos = new Int32Array(n * 2);
    this.playerLevel = new Int32Array(n);
    this.playerDir = new Int32Array(n);
    this.health = new Float32Array(n);
    this.food = new Int32Array(n);
    this.drink = new Int32Array(n);
    this.energy = new Int32Array(n);
    this.mana = new Int32Array(n);
    this.sleeping = new Uint8Array(n);
    this.resting = new Uint8Array(n);
    this.recover = new Float32Array(n);
    this.hunger = new Float32Array(n);
    this.thirst = new Float32Array(n);
    this.fatigue = new Float32Array(n);
    this.recoverMana = new Float32Array(n);
    this.xp = new Int32Array(n);
    this.dexterity = new Int32Array(n);
    this.strength = new Int32Array(n);
    this.intelligence = new Int32Array(n);
    this.inventory = new Int32Array(n * FULL_NUM_INV);
    this.potions = new Int32Array(n * 6);
    this.armour = new Int32Array(n * 4);
    this.mobPos = new Int32Array(n * L * M * 2);
    this.mobHealth = new Float32Array(n * L * M);
    this.mobMask = new Uint8Array(n * L * M);
    this.mobCooldown = new Int32Array(n * L * M);
    this.mobType = new Int32Array(n * L * M);
    this.mobDir = new Int32Array(n * L * M * 2);
    this.plantPos = new Int32Array(n * 10 * 2);
    this.plantAge = new Int32Array(n * 10);
    this.plantMask = new Uint8Array(n * 10);
    this.potionMapping = new Int32Array(n * 6);
    this.learnedSpells = new Uint8Array(n * 2);
    this.swordEnchantment = new Int32Array(n);
    this.bowEnchantment = new Int32Array(n);
    this.armourEnchantments = new Int32Array(n * 4);
    this.bossProgress = new Int32Array(n);
    this.bossTimesteps = new Int32Array(n);
    this.light = new Float32Array(n);
    this.achievements = new Uint8Array(n * FULL_NUM_ACHIEVEMENTS);
    this.timestep = new Int32Array(n);
  }
}
