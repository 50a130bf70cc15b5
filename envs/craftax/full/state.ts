/**
 * Struct-of-arrays state for a batch of full-Craftax environments (9 floors of 48x48).
 * Mob classes per floor: melee 3, passive 3, ranged 2, mob projectiles 3, player projectiles 3,
 * stored as 14 slots per floor in that order.
 *
 * @module
 */

import { FULL_MAP_CELLS, NUM_LEVELS } from "./constants.ts";

export const MELEE0 = 0, PASSIVE0 = 3, RANGED0 = 6, MOB_PROJ0 = 8, PLAYER_PROJ0 = 11, FULL_MOB_SLOTS = 14;
/** Mob class (0 melee, 1 passive, 2 ranged, 3 mob projectile, 4 player projectile) per slot. */
export const SLOT_CLASS: Int32Array = Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4);
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
export const FULL_NUM_INV = 14;

export class FullState {
  readonly numEnvs: number;
  readonly map: Uint8Array;
  readonly itemMap: Uint8Array;
  readonly mobMap: Uint8Array;
  readonly lightMap: Float32Array;
  readonly downLadders: Int32Array;
  readonly upLadders: Int32Array;
  readonly chestsOpened: Uint8Array;
  readonly monstersKilled: Int32Array;
  readonly playerPos: Int32Array;
  readonly playerLevel: Int32Array;
  readonly playerDir: Int32Array;
  readonly health: Float32Array;
  readonly food: Int32Array;
  readonly drink: Int32Array;
  readonly energy: Int32Array;
  readonly mana: Int32Array;
  readonly sleeping: Uint8Array;
  readonly resting: Uint8Array;
  readonly recover: Float32Array;
  readonly hunger: Float32Array;
  readonly thirst: Float32Array;
  readonly fatigue: Float32Array;
  readonly recoverMana: Float32Array;
  readonly xp: Int32Array;
  readonly dexterity: Int32Array;
  readonly strength: Int32Array;
  readonly intelligence: Int32Array;
  readonly inventory: Int32Array;
  readonly potions: Int32Array;
  readonly armour: Int32Array;
  /** Mob slots, [env][level][14]. */
  readonly mobPos: Int32Array;
  readonly mobHealth: Float32Array;
  readonly mobMask: Uint8Array;
  readonly mobCooldown: Int32Array;
  readonly mobType: Int32Array;
  /** Projectile directions, [env][level][14][2] (only projectile slots are used). */
  readonly mobDir: Int32Array;
  readonly plantPos: Int32Array;
  readonly plantAge: Int32Array;
  readonly plantMask: Uint8Array;
  readonly potionMapping: Int32Array;
  readonly learnedSpells: Uint8Array;
  readonly swordEnchantment: Int32Array;
  readonly bowEnchantment: Int32Array;
  readonly armourEnchantments: Int32Array;
  readonly bossProgress: Int32Array;
  readonly bossTimesteps: Int32Array;
  readonly light: Float32Array;
  readonly achievements: Uint8Array;
  readonly timestep: Int32Array;

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
