/**
 * The DO action: attack the mob in front, or else mine, chop, collect, drink, eat or open a chest
 * there, or damage the necromancer when it is vulnerable.
 *
 * @module
 */

import {
  choicePScalar,
  randintScalar,
  splitChild,
  TF_OUT,
  TF_OUT2,
  tfBlock2,
  uniformScalar,
} from "../jax_random.ts";
import { FULL_MAP_CELLS, FullBlock as B, NUM_LEVELS } from "./constants.ts";
import { BOSS_FIGHT_SPAWN_TURNS } from "./reset.ts";
import { FullAchievement as A } from "./rules.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_ACHIEVEMENTS,
  FULL_NUM_INV,
  FullInv as I,
  type FullState,
  MELEE0,
  MOB_PROJ0,
  PASSIVE0,
  RANGED0,
} from "./state.ts";
import { dirC, dirR, gatherCell, inBounds } from "./grid.ts";
import { attackMob, attackResult, dmg, playerDamage } from "./combat.ts";
import { maxFood } from "./intrinsics.ts";

const f = Math.fround;
const CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS, NA = FULL_NUM_ACHIEVEMENTS;
const F01 = f(0.1);

const ORE_P = [0.3, 0.3, 0.15, 0.125, 0.125].map(f);
const TOOL_P = [0.4, 0.3, 0.2, 0.1].map(f);
// Keys of the 14 loot draws, chained off the chest key.
const lootKeys = new Int32Array(28);

/** `add_items_from_chest` for a chest being opened. */
function lootChest(s: FullState, e: number, k0: number, k1: number): void {
  let c0 = k0, c1 = k1;
  for (let i = 0; i < 14; i++) {
    tfBlock2(c0, c1, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    lootKeys[2 * i] = TF_OUT2[2], lootKeys[2 * i + 1] = TF_OUT2[3];
  }
  const K = lootKeys;
  const u = (i: number) => uniformScalar(K[2 * i], K[2 * i + 1]);
  const ri = (i: number, lo: number, hi: number) => randintScalar(K[2 * i], K[2 * i + 1], lo, hi);
  const v = s.inventory, o = e * FULL_NUM_INV;
  const level = s.playerLevel[e];
  const opened = s.chestsOpened[e * NUM_LEVELS + level] === 1;
  if (u(0) < f(0.6)) v[o + I.TORCHES] += ri(1, 4, 8);
  if (u(2) < f(0.6)) {
    const ore = choicePScalar(K[6], K[7], ORE_P);
    if (ore === 0) v[o + I.COAL] += ri(4, 1, 4);
    else if (ore === 1) v[o + I.IRON] += ri(4, 1, 3);
    else if (ore === 2) v[o + I.DIAMOND] += ri(4, 1, 2);
    else if (ore === 3) v[o + I.SAPPHIRE] += ri(4, 1, 2);
    else if (ore === 4) v[o + I.RUBY] += ri(4, 1, 2);
  }
  const potion = ri(6, 0, 6), potionAmount = ri(7, 1, 3);
  if (u(5) < f(0.5)) s.potions[6 * e + potion] += potionAmount;
  if (u(8) < f(0.25)) v[o + I.ARROWS] += ri(9, 1, 5);
  if (u(10) < f(0.2)) {
    const tool = ri(11, 0, 2);
    if (tool === 0) {
      const lvl = 1 + choicePScalar(K[24], K[25], TOOL_P);
      v[o + I.PICKAXE] = Math.max(lvl, v[o + I.PICKAXE]);
    } else {
      const lvl = 1 + choicePScalar(K[26], K[27], TOOL_P);
      v[o + I.SWORD] = Math.max(lvl, v[o + I.SWORD]);
    }
  }
  if (level === 1 && !opened) v[o + I.BOW] = 1;
  if (!opened && (level === 3 || level === 4)) v[o + I.BOOKS] += 1;
}

/** The necromancer takes damage only with no melee or ranged mob alive and its spawn wave over. */
function bossVulnerable(s: FullState, e: number): boolean {
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  for (let i = MELEE0; i < PASSIVE0; i++) if (s.mobMask[m0 + i]) return false;
  for (let i = RANGED0; i < MOB_PROJ0; i++) if (s.mobMask[m0 + i]) return false;
  return s.bossTimesteps[e] <= 0;
}

/** DO on the cell the player faces, with the DO key (k0, k1). */
export function doAction(s: FullState, e: number, k0: number, k1: number): void {
  // Keys: K -> (R1, kSapling); R1 -> (_, kChest).
  tfBlock2(k0, k1, 0, 1);
  const r10 = TF_OUT2[0], r11 = TF_OUT2[1], ks0 = TF_OUT2[2], ks1 = TF_OUT2[3];
  const level = s.playerLevel[e];
  const dir = s.playerDir[e];
  const br = s.playerPos[2 * e] + dirR(dir), bc = s.playerPos[2 * e + 1] + dirC(dir);
  playerDamage(s, e);
  attackMob(s, e, br, bc, dmg, true);
  const base = (e * NUM_LEVELS + level) * CELLS;
  const cell = base + gatherCell(br, bc);
  const b = s.map[cell];
  const gate = inBounds(br, bc) && !attackResult.attacked;
  const ach = e * NA;
  const v = s.inventory, o = e * FULL_NUM_INV;
  if (b === B.CHEST) {
    if (gate) {
      splitChild(r10, r11, 1);
      lootChest(s, e, TF_OUT[0], TF_OUT[1]);
      s.map[cell] = B.PATH;
      s.achievements[ach + A.OPEN_CHEST] = 1;
    }
    s.chestsOpened[e * NUM_LEVELS + level] = 1;
    return;
  }
  if (b === B.NECROMANCER && level === NUM_LEVELS - 1 && bossVulnerable(s, e)) {
    s.bossProgress[e] += 1;
    s.bossTimesteps[e] = BOSS_FIGHT_SPAWN_TURNS;
    if (gate) s.achievements[ach + A.DAMAGE_NECROMANCER] = 1;
    return;
  }
  if (!gate) return;
  const pick = v[o + I.PICKAXE];
  switch (b) {
    case B.TREE:
      s.map[cell] = B.GRASS, v[o + I.WOOD]++;
      break;
    case B.FIRE_TREE:
      s.map[cell] = B.FIRE_GRASS, v[o + I.WOOD]++;
      break;
    case B.ICE_SHRUB:
      s.map[cell] = B.ICE_GRASS, v[o + I.WOOD]++;
      break;
    case B.STONE:
      if (pick >= 1) s.map[cell] = B.PATH, v[o + I.STONE]++;
      break;
    case B.FURNACE:
    case B.CRAFTING_TABLE:
      s.map[cell] = B.PATH;
      break;
    case B.COAL:
      if (pick >= 1) s.map[cell] = B.PATH, v[o + I.COAL]++;
      break;
    case B.IRON:
      if (pick >= 2) s.map[cell] = B.PATH, v[o + I.IRON]++;
      break;
    case B.DIAMOND:
      if (pick >= 3) s.map[cell] = B.PATH, v[o + I.DIAMOND]++;
      break;
    case B.SAPPHIRE:
      if (pick >= 4) s.map[cell] = B.PATH, v[o + I.SAPPHIRE]++;
      break;
    case B.RUBY:
      if (pick >= 4) s.map[cell] = B.PATH, v[o + I.RUBY]++;
      break;
    case B.STALAGMITE:
      if (pick >= 1) s.map[cell] = B.PATH, v[o + I.STONE]++;
      break;
    case B.GRASS:
      if (uniformScalar(ks0, ks1) < F01) v[o + I.SAPLING]++;
      break;
    case B.WATER:
    case B.FOUNTAIN:
      s.drink[e] = Math.min(maxFood(s, e), s.drink[e] + 1);
      s.thirst[e] = 0;
      s.achievements[ach + A.COLLECT_DRINK] = 1;
      break;
    case B.RIPE_PLANT: {
      s.map[cell] = B.PLANT;
      s.food[e] = Math.min(maxFood(s, e), s.food[e] + 4);
      s.hunger[e] = 0;
      s.achievements[ach + A.EAT_PLANT] = 1;
      let idx = 0;
      for (let k = 0; k < 10; k++) {
        if (s.plantPos[20 * e + 2 * k] === br && s.plantPos[20 * e + 2 * k + 1] === bc) {
          idx = k;
          break;
        }
      }
      s.plantAge[10 * e + idx] = 0;
      break;
    }
  }
}
