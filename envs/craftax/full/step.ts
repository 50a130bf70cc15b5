/**
 * One full-Craftax transition (`craftax_step` + `is_game_over`) for env `e`, in the original's
 * order: floor change, crafting, DO, placement, shooting, spells, potions, books, enchanting,
 * boss, attributes, movement, mobs, spawning, plants, intrinsics, clipping, inventory
 * achievements; then reward, clock and light. Random draws follow the original's key chain.
 *
 * @module
 */

import { randintScalar, splitChild, TF_OUT, TF_OUT2, tfBlock2, uniformScalar } from "../jax_random.ts";
import { lightLevel } from "../classic/daylight.ts";
import { fma32 } from "../classic/f32math.ts";
import { FULL_MAP_CELLS, FULL_MAP_SIZE, FullBlock as B, Item, NUM_LEVELS } from "./constants.ts";
import { BOSS_FIGHT_SPAWN_TURNS } from "./reset.ts";
import {
  ACHIEVEMENT_REWARD,
  CAN_PLACE_ITEM,
  FLOOR_MOB_TYPE,
  FLOOR_SPAWN_CHANCE,
  FULL_MAX_TIMESTEPS,
  FULL_SOLID,
  FullAchievement as A,
  FullAction as Act,
  LEVEL_ACHIEVEMENT,
  MELEE_DAMAGE,
  MOB_ACHIEVEMENT,
  MOB_COLLISION,
  MOB_DEFENSE,
  MOB_DESPAWN_DISTANCE,
  MOB_HEALTH,
  MONSTERS_KILLED_TO_CLEAR_LEVEL,
  Projectile,
  PROJECTILE_DAMAGE,
  RANGED_PROJECTILE,
  TORCH_LIGHT,
} from "./rules.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_ACHIEVEMENTS,
  FULL_NUM_INV,
  FullInv as I,
  type FullState,
  MELEE0,
  MOB_PROJ0,
  PASSIVE0,
  PLAYER_PROJ0,
  RANGED0,
} from "./state.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE, CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS, NA = FULL_NUM_ACHIEVEMENTS;
const F01 = f(0.1), F02 = f(0.2), F005 = f(0.05), F075 = f(0.75), F085 = f(0.85);
const DR = [0, 0, 0, -1, 1], DC = [0, -1, 1, 0, 0];
const dirR = (d: number) => (d >= 1 && d <= 4 ? DR[d] : 0);
const dirC = (d: number) => (d >= 1 && d <= 4 ? DC[d] : 0);
const NEAR_DR = [0, 0, -1, 1, -1, -1, 1, 1], NEAR_DC = [-1, 1, 0, 0, -1, 1, -1, 1];

// JAX indexing on a 48x48 floor: negative indices wrap once, reads clamp, writes out of range drop.
function gIdx(i: number): number {
  const w = i < 0 ? i + N : i;
  return w < 0 ? 0 : w >= N ? N - 1 : w;
}
function sIdx(i: number): number {
  const w = i < 0 ? i + N : i;
  return w < 0 || w >= N ? -1 : w;
}
function gCell(r: number, c: number): number {
  return gIdx(r) * N + gIdx(c);
}
function sCell(r: number, c: number): number {
  const rr = sIdx(r), cc = sIdx(c);
  return rr < 0 || cc < 0 ? -1 : rr * N + cc;
}
function inBounds(r: number, c: number): boolean {
  return r >= 0 && r < N && c >= 0 && c < N;
}

/** Result of the last `stepFullEnv` call. */
export const fullStepResult = { reward: 0, done: false };

const maxHealth = (s: FullState, e: number) => 8 + s.strength[e];
const maxFood = (s: FullState, e: number) => 7 + 2 * s.dexterity[e];
const maxEnergy = maxFood;
const maxMana = (s: FullState, e: number) => 6 + 3 * s.intelligence[e];

// Scratch vectors (physical, fire, ice).
const dmg = new Float64Array(3);
const dmg2 = new Float64Array(3);

/** sum((1 - defence) * damage) in float32. */
function getDamage(dv: ArrayLike<number>, def: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < 3; k++) sum = f(sum + f(f(1 - def[k]) * dv[k]));
  return sum;
}

const defScratch = new Float64Array(3);
/** Damage the player takes from `dv` after armour and enchantments (boss floor: +50%). */
function damageToPlayer(s: FullState, e: number, dv: ArrayLike<number>): number {
  let d0 = 0, d1 = 0, d2 = 0;
  for (let k = 0; k < 4; k++) {
    d0 = f(d0 + f(s.armour[4 * e + k] * F01));
    const en = s.armourEnchantments[4 * e + k];
    d1 = f(d1 + (en === 1 ? F02 : 0));
    d2 = f(d2 + (en === 2 ? F02 : 0));
  }
  defScratch[0] = d0, defScratch[1] = d1, defScratch[2] = d2;
  const boss = s.playerLevel[e] === NUM_LEVELS - 1 ? f(1.5) : 1;
  for (let k = 0; k < 3; k++) dmg2[k] = f(dv[k] * boss);
  return getDamage(dmg2, defScratch);
}

const SWORD_DAMAGE = [1, 2, 3, 5, 8];
/** The player's melee damage vector (sword, strength, sword enchantment, intelligence). */
function playerDamage(s: FullState, e: number): void {
  const base = SWORD_DAMAGE[Math.min(4, Math.max(0, s.inventory[e * FULL_NUM_INV + I.SWORD]))];
  const ench = s.swordEnchantment[e];
  const intCoeff = fma32(F005, s.intelligence[e] - 1, 1);
  dmg[0] = f(base * f(1 + f(0.25 * (s.strength[e] - 1))));
  dmg[1] = f(f(base * (ench === 1 ? 1 : 0) * 0.5) * intCoeff);
  dmg[2] = f(f(base * (ench === 2 ? 1 : 0) * 0.5) * intCoeff);
}

const atk = { attacked: false, killed: false };
/** `attack_mob`: melee, passive then ranged mobs at (r, c) on the player's floor take `dv`. */
function attackMob(
  s: FullState,
  e: number,
  r: number,
  c: number,
  dv: ArrayLike<number>,
  canEat: boolean,
): void {
  const level = s.playerLevel[e];
  const m0 = (e * NUM_LEVELS + level) * M;
  let attacked = false, killedMonster = false, killed = false;
  const ach = e * NA;
  for (let cls = 0; cls < 3; cls++) {
    // Class order: melee (1), passive (0), ranged (2).
    const mobClass = cls === 0 ? 1 : cls === 1 ? 0 : 2;
    const first = mobClass === 1 ? MELEE0 : mobClass === 0 ? PASSIVE0 : RANGED0;
    const end = mobClass === 1 ? PASSIVE0 : mobClass === 0 ? RANGED0 : MOB_PROJ0;
    let j = -1;
    for (let i = first; i < end; i++) {
      const k = m0 + i;
      if (s.mobMask[k] && s.mobPos[2 * k] === r && s.mobPos[2 * k + 1] === c) {
        j = k;
        break;
      }
    }
    if (j < 0) continue;
    attacked = true;
    const type = s.mobType[j];
    const damage = getDamage(dv, MOB_DEFENSE[Math.min(8, type)][mobClass]);
    s.mobHealth[j] = f(s.mobHealth[j] - damage);
    if (!(s.mobHealth[j] > 0)) {
      s.mobMask[j] = 0;
      killed = true;
      if (mobClass !== 0) killedMonster = true;
      if (mobClass !== 0 || canEat) s.achievements[ach + MOB_ACHIEVEMENT[mobClass][Math.min(7, type)]] = 1;
      if (mobClass === 0 && canEat) {
        s.food[e] = Math.min(maxFood(s, e), s.food[e] + 6);
        s.hunger[e] = 0;
      }
    }
  }
  if (killed) {
    const w = sCell(r, c);
    if (w >= 0) s.mobMap[(e * NUM_LEVELS + level) * CELLS + w] = 0;
  }
  if (killedMonster) s.monstersKilled[e * NUM_LEVELS + level] += 1;
  atk.attacked = attacked;
  atk.killed = killed;
}

// ------------------------------------------------------------------------------------------------
// Player actions

function changeFloor(s: FullState, e: number, action: number): void {
  const level = s.playerLevel[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const item = s.itemMap[(e * NUM_LEVELS + level) * CELLS + gCell(pr, pc)];
  const down = action === Act.DESCEND && item === Item.LADDER_DOWN &&
    s.monstersKilled[e * NUM_LEVELS + level] >= MONSTERS_KILLED_TO_CLEAR_LEVEL && level < NUM_LEVELS - 1;
  const up = action === Act.ASCEND && item === Item.LADDER_UP && level > 0;
  const delta = (down ? 1 : 0) - (up ? 1 : 0);
  const nl = level + delta;
  if (down) {
    s.playerPos[2 * e] = s.upLadders[(e * NUM_LEVELS + level + 1) * 2];
    s.playerPos[2 * e + 1] = s.upLadders[(e * NUM_LEVELS + level + 1) * 2 + 1];
  } else if (up) {
    s.playerPos[2 * e] = s.downLadders[(e * NUM_LEVELS + level - 1) * 2];
    s.playerPos[2 * e + 1] = s.downLadders[(e * NUM_LEVELS + level - 1) * 2 + 1];
  }
  const a = e * NA + LEVEL_ACHIEVEMENT[nl];
  if (nl !== 0) {
    if (!s.achievements[a]) s.xp[e] += 1;
    s.achievements[a] = 1;
  }
  s.playerLevel[e] = nl;
}

function isNear(s: FullState, e: number, block: number): boolean {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  for (let k = 0; k < 8; k++) {
    const r = pr + NEAR_DR[k], c = pc + NEAR_DC[k];
    if (inBounds(r, c) && s.map[base + r * N + c] === block) return true;
  }
  return false;
}

function doCrafting(s: FullState, e: number, action: number): void {
  const craft = (action >= Act.MAKE_WOOD_PICKAXE && action <= Act.MAKE_IRON_SWORD) ||
    (action >= Act.MAKE_DIAMOND_PICKAXE && action <= Act.MAKE_DIAMOND_ARMOUR) || action === Act.MAKE_ARROW ||
    action === Act.MAKE_TORCH;
  if (!craft) return;
  if (!isNear(s, e, B.CRAFTING_TABLE)) return;
  const furnace = isNear(s, e, B.FURNACE);
  const v = s.inventory, o = e * FULL_NUM_INV;
  const wood = v[o + I.WOOD], stone = v[o + I.STONE], coal = v[o + I.COAL], iron = v[o + I.IRON];
  const diamond = v[o + I.DIAMOND], pick = v[o + I.PICKAXE], sword = v[o + I.SWORD];
  switch (action) {
    case Act.MAKE_WOOD_PICKAXE:
      if (wood >= 1 && pick < 1) v[o + I.WOOD]--, v[o + I.PICKAXE] = 1;
      break;
    case Act.MAKE_STONE_PICKAXE:
      if (wood >= 1 && stone >= 1 && pick < 2) v[o + I.WOOD]--, v[o + I.STONE]--, v[o + I.PICKAXE] = 2;
      break;
    case Act.MAKE_IRON_PICKAXE:
      if (furnace && wood >= 1 && stone >= 1 && iron >= 1 && coal >= 1 && pick < 3) {
        v[o + I.WOOD]--, v[o + I.STONE]--, v[o + I.IRON]--, v[o + I.COAL]--, v[o + I.PICKAXE] = 3;
      }
      break;
    case Act.MAKE_DIAMOND_PICKAXE:
      if (wood >= 1 && diamond >= 3 && pick < 4) v[o + I.WOOD]--, v[o + I.DIAMOND] -= 3, v[o + I.PICKAXE] = 4;
      break;
    case Act.MAKE_WOOD_SWORD:
      if (wood >= 1 && sword < 1) v[o + I.WOOD]--, v[o + I.SWORD] = 1;
      break;
    case Act.MAKE_STONE_SWORD:
      if (wood >= 1 && stone >= 1 && sword < 2) v[o + I.WOOD]--, v[o + I.STONE]--, v[o + I.SWORD] = 2;
      break;
    case Act.MAKE_IRON_SWORD:
      if (furnace && wood >= 1 && stone >= 1 && iron >= 1 && coal >= 1 && sword < 3) {
        v[o + I.WOOD]--, v[o + I.STONE]--, v[o + I.IRON]--, v[o + I.COAL]--, v[o + I.SWORD] = 3;
      }
      break;
    case Act.MAKE_DIAMOND_SWORD:
      if (wood >= 1 && diamond >= 2 && sword < 4) v[o + I.WOOD]--, v[o + I.DIAMOND] -= 2, v[o + I.SWORD] = 4;
      break;
    case Act.MAKE_IRON_ARMOUR: {
      let slot = -1;
      for (let k = 0; k < 4; k++) if (s.armour[4 * e + k] < 1 && slot < 0) slot = k;
      if (furnace && slot >= 0 && iron >= 3 && coal >= 3) {
        v[o + I.IRON] -= 3, v[o + I.COAL] -= 3, s.armour[4 * e + slot] = 1;
        s.achievements[e * NA + A.MAKE_IRON_ARMOUR] = 1;
      }
      break;
    }
    case Act.MAKE_DIAMOND_ARMOUR: {
      let slot = -1;
      for (let k = 0; k < 4; k++) if (s.armour[4 * e + k] < 2 && slot < 0) slot = k;
      if (slot >= 0 && diamond >= 3) {
        v[o + I.DIAMOND] -= 3, s.armour[4 * e + slot] = 2;
        s.achievements[e * NA + A.MAKE_DIAMOND_ARMOUR] = 1;
      }
      break;
    }
    case Act.MAKE_ARROW:
      if (wood >= 1 && stone >= 1 && v[o + I.ARROWS] < 99) {
        v[o + I.WOOD]--, v[o + I.STONE]--, v[o + I.ARROWS] += 2;
      }
      break;
    case Act.MAKE_TORCH:
      if (wood >= 1 && coal >= 1 && v[o + I.TORCHES] < 99) {
        v[o + I.WOOD]--, v[o + I.COAL]--, v[o + I.TORCHES] += 4;
      }
      break;
  }
}

/** `choice(arange(n), p=p)` with a scalar uniform: searchsorted_left(cumsum(p), total * (1 - u)). */
function choiceP(k0: number, k1: number, p: readonly number[]): number {
  const cum: number[] = [];
  let acc = 0;
  for (const x of p) cum.push(acc = f(acc + x));
  const total = cum[cum.length - 1];
  const r = f(total * f(1 - uniformScalar(k0, k1)));
  if (Number.isNaN(r)) return 0;
  for (let i = 0; i < cum.length; i++) if (cum[i] >= r) return i;
  return cum.length;
}

const ORE_P = [0.3, 0.3, 0.15, 0.125, 0.125].map(f);
const TOOL_P = [0.4, 0.3, 0.2, 0.1].map(f);
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
    const ore = choiceP(K[6], K[7], ORE_P);
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
      const lvl = 1 + choiceP(K[24], K[25], TOOL_P);
      v[o + I.PICKAXE] = Math.max(lvl, v[o + I.PICKAXE]);
    } else {
      const lvl = 1 + choiceP(K[26], K[27], TOOL_P);
      v[o + I.SWORD] = Math.max(lvl, v[o + I.SWORD]);
    }
  }
  if (level === 1 && !opened) v[o + I.BOW] = 1;
  if (!opened && (level === 3 || level === 4)) v[o + I.BOOKS] += 1;
}

function bossVulnerable(s: FullState, e: number): boolean {
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  for (let i = MELEE0; i < PASSIVE0; i++) if (s.mobMask[m0 + i]) return false;
  for (let i = RANGED0; i < MOB_PROJ0; i++) if (s.mobMask[m0 + i]) return false;
  return s.bossTimesteps[e] <= 0;
}

function doAction(s: FullState, e: number, k0: number, k1: number): void {
  // Keys: K -> (R1, kSapling); R1 -> (_, kChest).
  tfBlock2(k0, k1, 0, 1);
  const r10 = TF_OUT2[0], r11 = TF_OUT2[1], ks0 = TF_OUT2[2], ks1 = TF_OUT2[3];
  const level = s.playerLevel[e];
  const dir = s.playerDir[e];
  const br = s.playerPos[2 * e] + dirR(dir), bc = s.playerPos[2 * e + 1] + dirC(dir);
  playerDamage(s, e);
  attackMob(s, e, br, bc, dmg, true);
  const base = (e * NUM_LEVELS + level) * CELLS;
  const cell = base + gCell(br, bc);
  const b = s.map[cell];
  const gate = inBounds(br, bc) && !atk.attacked;
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

function placeBlock(s: FullState, e: number, action: number): void {
  if (
    action !== Act.PLACE_TABLE && action !== Act.PLACE_FURNACE && action !== Act.PLACE_STONE &&
    action !== Act.PLACE_TORCH && action !== Act.PLACE_PLANT
  ) return;
  const level = s.playerLevel[e];
  const dir = s.playerDir[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const r = pr + dirR(dir), c = pc + dirC(dir);
  if (!inBounds(r, c)) return;
  const base = (e * NUM_LEVELS + level) * CELLS;
  const cell = base + r * N + c;
  if (s.mobMap[cell] || (r === pr && c === pc)) return;
  const b = s.map[cell];
  const blocked = FULL_SOLID[b] === 1 || s.itemMap[cell] !== Item.NONE;
  const v = s.inventory, o = e * FULL_NUM_INV, ach = e * NA;
  switch (action) {
    case Act.PLACE_TABLE:
      if (!blocked && v[o + I.WOOD] >= 2) {
        s.map[cell] = B.CRAFTING_TABLE, v[o + I.WOOD] -= 2, s.achievements[ach + A.PLACE_TABLE] = 1;
      }
      break;
    case Act.PLACE_FURNACE:
      if (!blocked && v[o + I.STONE] > 0) {
        s.map[cell] = B.FURNACE, v[o + I.STONE] -= 1, s.achievements[ach + A.PLACE_FURNACE] = 1;
      }
      break;
    case Act.PLACE_STONE:
      if ((b === B.WATER || !blocked) && v[o + I.STONE] > 0) {
        s.map[cell] = B.STONE, v[o + I.STONE] -= 1, s.achievements[ach + A.PLACE_STONE] = 1;
      }
      break;
    case Act.PLACE_TORCH:
      if (CAN_PLACE_ITEM[b] && s.itemMap[cell] === Item.NONE && v[o + I.TORCHES] > 0) {
        s.itemMap[cell] = Item.TORCH, v[o + I.TORCHES] -= 1, s.achievements[ach + A.PLACE_TORCH] = 1;
        for (let i = 0; i < 9; i++) {
          for (let j = 0; j < 9; j++) {
            const rr = r - 4 + i, cc = c - 4 + j;
            if (!inBounds(rr, cc)) continue;
            const k = base + rr * N + cc;
            s.lightMap[k] = Math.min(1, Math.max(0, f(TORCH_LIGHT[i * 9 + j] + s.lightMap[k])));
          }
        }
      }
      break;
    case Act.PLACE_PLANT:
      if (b === B.GRASS && v[o + I.SAPLING] > 0 && s.itemMap[cell] === Item.NONE) {
        s.map[cell] = B.PLANT, v[o + I.SAPLING] -= 1, s.achievements[ach + A.PLACE_PLANT] = 1;
        for (let k = 0; k < 10; k++) {
          if (!s.plantMask[10 * e + k]) {
            s.plantPos[20 * e + 2 * k] = r, s.plantPos[20 * e + 2 * k + 1] = c;
            s.plantAge[10 * e + k] = 0, s.plantMask[10 * e + k] = 1;
            break;
          }
        }
      }
      break;
  }
}

/** First free slot of [first, end) on the player's floor (argmax(!mask): `first` when full). */
function freeSlot(s: FullState, m0: number, first: number, end: number): number {
  for (let i = first; i < end; i++) if (!s.mobMask[m0 + i]) return i;
  return first;
}
function countLive(s: FullState, m0: number, first: number, end: number): number {
  let n = 0;
  for (let i = first; i < end; i++) n += s.mobMask[m0 + i];
  return n;
}

function spawnProjectile(
  s: FullState,
  m0: number,
  first: number,
  r: number,
  c: number,
  dr: number,
  dc: number,
  type: number,
): void {
  const j = m0 + freeSlot(s, m0, first, first + 3);
  s.mobPos[2 * j] = r, s.mobPos[2 * j + 1] = c, s.mobMask[j] = 1;
  s.mobDir[2 * j] = dr, s.mobDir[2 * j + 1] = dc, s.mobType[j] = type;
}

function shootAndCast(s: FullState, e: number, action: number): void {
  if (action !== Act.SHOOT_ARROW && action !== Act.CAST_FIREBALL && action !== Act.CAST_ICEBALL) return;
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  if (countLive(s, m0, PLAYER_PROJ0, PLAYER_PROJ0 + 3) >= 3) return;
  const dir = s.playerDir[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const v = s.inventory, o = e * FULL_NUM_INV, ach = e * NA;
  if (action === Act.SHOOT_ARROW) {
    if (v[o + I.BOW] >= 1 && v[o + I.ARROWS] >= 1) {
      spawnProjectile(s, m0, PLAYER_PROJ0, pr, pc, dirR(dir), dirC(dir), Projectile.ARROW2);
      v[o + I.ARROWS] -= 1;
      s.achievements[ach + A.FIRE_BOW] = 1;
    }
    return;
  }
  const fire = action === Act.CAST_FIREBALL;
  if (s.mana[e] >= 2 && s.learnedSpells[2 * e + (fire ? 0 : 1)]) {
    spawnProjectile(
      s,
      m0,
      PLAYER_PROJ0,
      pr,
      pc,
      dirR(dir),
      dirC(dir),
      fire ? Projectile.FIREBALL : Projectile.ICEBALL,
    );
    s.mana[e] -= 2;
    s.achievements[ach + (fire ? A.CAST_FIREBALL : A.CAST_ICEBALL)] = 1;
  }
}

function drinkPotion(s: FullState, e: number, action: number): void {
  if (action < Act.DRINK_POTION_RED || action > Act.DRINK_POTION_YELLOW) return;
  const idx = action - Act.DRINK_POTION_RED;
  if (s.potions[6 * e + idx] <= 0) return;
  s.potions[6 * e + idx] -= 1;
  const effect = s.potionMapping[6 * e + idx];
  if (effect === 0) s.health[e] = f(s.health[e] + 8);
  else if (effect === 1) s.health[e] = f(s.health[e] - 3);
  else if (effect === 2) s.mana[e] += 8;
  else if (effect === 3) s.mana[e] -= 3;
  else if (effect === 4) s.energy[e] += 8;
  else if (effect === 5) s.energy[e] -= 3;
  s.achievements[e * NA + A.DRINK_POTION] = 1;
}

function readBook(s: FullState, e: number, action: number, k0: number, k1: number): void {
  if (action !== Act.READ_BOOK || s.inventory[e * FULL_NUM_INV + I.BOOKS] <= 0) return;
  // rng, _rng = split(rng): the draw uses the second child.
  splitChild(k0, k1, 1);
  const l0 = s.learnedSpells[2 * e] ? 0 : 1, l1 = s.learnedSpells[2 * e + 1] ? 0 : 1;
  const sum = l0 + l1;
  const idx = choiceP(TF_OUT[0], TF_OUT[1], [f(l0 / sum), f(l1 / sum)]);
  s.inventory[e * FULL_NUM_INV + I.BOOKS] -= 1;
  s.learnedSpells[2 * e + idx] = 1;
  s.achievements[e * NA + (idx === 1 ? A.LEARN_ICEBALL : A.LEARN_FIREBALL)] = 1;
}

function enchant(s: FullState, e: number, action: number, k0: number, k1: number): void {
  if (action !== Act.ENCHANT_BOW && action !== Act.ENCHANT_SWORD && action !== Act.ENCHANT_ARMOUR) return;
  const dir = s.playerDir[e];
  const r = s.playerPos[2 * e] + dirR(dir), c = s.playerPos[2 * e + 1] + dirC(dir);
  const b = s.map[(e * NUM_LEVELS + s.playerLevel[e]) * CELLS + gCell(r, c)];
  if (b !== B.ENCHANTMENT_TABLE_FIRE && b !== B.ENCHANTMENT_TABLE_ICE) return;
  const type = b === B.ENCHANTMENT_TABLE_FIRE ? 1 : 2;
  const v = s.inventory, o = e * FULL_NUM_INV, ach = e * NA;
  const gems = type === 1 ? v[o + I.RUBY] : v[o + I.SAPPHIRE];
  if (s.mana[e] < 9 || gems < 1) return;
  let done = false;
  if (action === Act.ENCHANT_BOW && v[o + I.BOW] > 0) {
    s.bowEnchantment[e] = type, done = true;
  } else if (action === Act.ENCHANT_SWORD && v[o + I.SWORD] > 0) {
    s.swordEnchantment[e] = type, done = true;
    s.achievements[ach + A.ENCHANT_SWORD] = 1;
  } else if (action === Act.ENCHANT_ARMOUR) {
    let armour = 0;
    for (let k = 0; k < 4; k++) armour += s.armour[4 * e + k];
    if (armour > 0) {
      const p: number[] = [];
      let unench = 0;
      for (let k = 0; k < 4; k++) unench += s.armourEnchantments[4 * e + k] === 0 ? 1 : 0;
      for (let k = 0; k < 4; k++) {
        const en = s.armourEnchantments[4 * e + k];
        p.push((en === 0 ? 1 : 0) + (unench === 0 && en !== 0 && en !== type ? 1 : 0));
      }
      splitChild(k0, k1, 1);
      const target = Math.min(3, choiceP(TF_OUT[0], TF_OUT[1], p));
      s.armourEnchantments[4 * e + target] = type;
      done = true;
      s.achievements[ach + A.ENCHANT_ARMOUR] = 1;
    }
  }
  if (!done) return;
  if (type === 1) v[o + I.RUBY] -= 1;
  else v[o + I.SAPPHIRE] -= 1;
  s.mana[e] -= 9;
}

function levelUp(s: FullState, e: number, action: number): void {
  if (s.xp[e] < 1) return;
  let attr: Int32Array | null = null;
  if (action === Act.LEVEL_UP_DEXTERITY) attr = s.dexterity;
  else if (action === Act.LEVEL_UP_STRENGTH) attr = s.strength;
  else if (action === Act.LEVEL_UP_INTELLIGENCE) attr = s.intelligence;
  if (attr === null || attr[e] >= 5) return;
  attr[e] += 1;
  s.xp[e] -= 1;
}

/** Valid move for a creature with collision flags `col` on the player's floor. */
function canMove(s: FullState, e: number, r: number, c: number, col: readonly number[]): boolean {
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
const LAND_COL = [0, 1, 1];

function movePlayer(s: FullState, e: number, action: number): void {
  if (action < 1 || action > 4) return;
  const r = s.playerPos[2 * e] + DR[action], c = s.playerPos[2 * e + 1] + DC[action];
  if (canMove(s, e, r, c, LAND_COL)) s.playerPos[2 * e] = r, s.playerPos[2 * e + 1] = c;
  s.playerDir[e] = action;
}

// ------------------------------------------------------------------------------------------------
// Mobs

/** Axis toward the player: `choice(arange(2), p=(|d| == max) / sum|d|)` with key k. */
function towardAxis(a0: number, a1: number, k0: number, k1: number): number {
  if (a0 > a1) return 0;
  if (a1 > a0) return 1;
  if (a0 === 0) return 0;
  const p = f(1 / (a0 + a1));
  const total = f(p + p);
  const r = f(total * f(1 - uniformScalar(k0, k1)));
  return r <= p ? 0 : 1;
}

function settle(s: FullState, e: number, j: number, nr: number, nc: number, keep: boolean): void {
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  if (s.mobMask[j]) {
    const w = sCell(s.mobPos[2 * j], s.mobPos[2 * j + 1]);
    if (w >= 0) s.mobMap[base + w] = 0;
  }
  if (keep) {
    const w = sCell(nr, nc);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
  s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
  s.mobMask[j] = keep ? 1 : 0;
}

function updateMobs(s: FullState, e: number, k0: number, k1: number): void {
  const level = s.playerLevel[e];
  const boss = level === NUM_LEVELS - 1;
  const m0 = (e * NUM_LEVELS + level) * M;
  const base = (e * NUM_LEVELS + level) * CELLS;
  const ach = e * NA;
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  splitChild(k0, k1, 0);
  let c0 = TF_OUT[0], c1 = TF_OUT[1];

  for (let i = MELEE0; i < PASSIVE0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    const a0k = TF_OUT2[0], a1k = TF_OUT2[1], kr0 = TF_OUT2[2], kr1 = TF_OUT2[3];
    tfBlock2(a0k, a1k, 0, 1);
    const b0k = TF_OUT2[0], b1k = TF_OUT2[1], ka0 = TF_OUT2[2], ka1 = TF_OUT2[3];
    tfBlock2(b0k, b1k, 0, 1);
    const kc0 = TF_OUT2[2], kc1 = TF_OUT2[3];
    splitChild(TF_OUT2[0], TF_OUT2[1], 1);
    c0 = TF_OUT[0], c1 = TF_OUT[1];

    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    const d0 = pr - mr, d1 = pc - mc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1), dist = a0 + a1;
    const type = s.mobType[j];
    const attacking = dist === 1 && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    let nr = mr, nc = mc;
    if (!attacking) {
      const close = (dist < 10 || boss) && uniformScalar(kc0, kc1) < F075;
      if (close) {
        const axis = towardAxis(a0, a1, ka0, ka1);
        if (axis === 0) nr += Math.sign(d0);
        else nc += Math.sign(d1);
      } else {
        const m = 1 + randintScalar(kr0, kr1, 0, 4);
        nr += DR[m], nc += DC[m];
      }
    }
    if (attacking) {
      const md = MELEE_DAMAGE[Math.min(7, type)];
      const sleepMul = s.sleeping[e] ? f(3.5) : 1;
      for (let k = 0; k < 3; k++) dmg[k] = f(md[k] * sleepMul);
      s.health[e] = f(s.health[e] - damageToPlayer(s, e, dmg));
      if (s.sleeping[e]) s.achievements[ach + A.WAKE_UP] = 1;
      s.sleeping[e] = 0, s.resting[e] = 0;
      s.mobCooldown[j] = 5;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMove(s, e, nr, nc, MOB_COLLISION[Math.min(8, type)][1])) nr = mr, nc = mc;
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && (dist < MOB_DESPAWN_DISTANCE || boss));
  }

  splitChild(c0, c1, 0);
  c0 = TF_OUT[0], c1 = TF_OUT[1];
  for (let i = PASSIVE0; i < RANGED0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    const m = 1 + randintScalar(TF_OUT2[2], TF_OUT2[3], 0, 8);
    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    let nr = mr + dirR(m), nc = mc + dirC(m);
    if (!canMove(s, e, nr, nc, MOB_COLLISION[Math.min(8, s.mobType[j])][0])) nr = mr, nc = mc;
    const dist = Math.abs(mr - pr) + Math.abs(mc - pc);
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && dist < MOB_DESPAWN_DISTANCE);
  }

  splitChild(c0, c1, 0);
  c0 = TF_OUT[0], c1 = TF_OUT[1];
  for (let i = RANGED0; i < MOB_PROJ0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    const a0k = TF_OUT2[0], a1k = TF_OUT2[1], kr0 = TF_OUT2[2], kr1 = TF_OUT2[3];
    tfBlock2(a0k, a1k, 0, 1);
    const b0k = TF_OUT2[0], b1k = TF_OUT2[1], ka0 = TF_OUT2[2], ka1 = TF_OUT2[3];
    tfBlock2(b0k, b1k, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    const ku0 = TF_OUT2[2], ku1 = TF_OUT2[3];

    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    const d0 = pr - mr, d1 = pc - mc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1), dist = a0 + a1;
    const type = s.mobType[j];
    const col = MOB_COLLISION[Math.min(8, type)][2];
    const axis = towardAxis(a0, a1, ka0, ka1);
    const tr = axis === 0 ? Math.sign(d0) : 0, tc = axis === 0 ? 0 : Math.sign(d1);
    const m = 1 + randintScalar(kr0, kr1, 0, 4);
    const rr = mr + DR[m], rc = mc + DC[m];
    let nr = rr, nc = rc;
    if (dist <= 3) nr = mr - tr, nc = mc - tc;
    else if (dist >= 6) nr = mr + tr, nc = mc + tc;
    if (!(uniformScalar(ku0, ku1) > F085)) nr = rr, nc = rc;
    let attacking = (dist >= 4 && dist <= 5) || (dist <= 3 && !canMove(s, e, nr, nc, col));
    attacking = attacking && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    if (attacking) {
      if (countLive(s, m0, MOB_PROJ0, MOB_PROJ0 + 3) < 3) {
        spawnProjectile(s, m0, MOB_PROJ0, mr, mc, tr, tc, RANGED_PROJECTILE[Math.min(7, type)]);
      }
      nr = mr, nc = mc;
      s.mobCooldown[j] = 4;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMove(s, e, nr, nc, col)) nr = mr, nc = mc;
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && (dist < MOB_DESPAWN_DISTANCE || boss));
  }

  // Mob projectiles fly over water, stop at solid blocks, mobs, the player and the edge; dead
  // ones keep drifting. They break crafting tables and furnaces they fly into.
  for (let i = MOB_PROJ0; i < PLAYER_PROJ0; i++) {
    const j = m0 + i;
    const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
    const nr = or + s.mobDir[2 * j], nc = oc + s.mobDir[2 * j + 1];
    const alive = s.mobMask[j] === 1;
    const b = s.map[base + gCell(nr, nc)];
    const wall = FULL_SOLID[b] === 1 && b !== B.WATER;
    const onPlayer = nr === s.playerPos[2 * e] && nc === s.playerPos[2 * e + 1];
    const inMob = s.mobMap[base + gCell(nr, nc)] === 1 || onPlayer;
    const hit = alive && ((or === s.playerPos[2 * e] && oc === s.playerPos[2 * e + 1]) || onPlayer);
    const cont = inBounds(nr, nc) && !wall && !inMob && !hit;
    s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
    s.mobMask[j] = cont && alive ? 1 : 0;
    if (hit) {
      const pd = PROJECTILE_DAMAGE[Math.min(7, s.mobType[j])];
      s.health[e] = f(s.health[e] - damageToPlayer(s, e, pd));
      s.sleeping[e] = 0, s.resting[e] = 0;
    }
    if (alive && (b === B.FURNACE || b === B.CRAFTING_TABLE)) {
      const w = sCell(nr, nc);
      if (w >= 0) s.map[base + w] = B.PATH;
    }
  }

  // Player projectiles damage the mobs on their cell, then the one they fly into.
  const arrowCoeff = fma32(F02, s.dexterity[e] - 1, 1);
  const magicCoeff = fma32(f(0.5), s.intelligence[e] - 1, 1);
  for (let i = PLAYER_PROJ0; i < M; i++) {
    const j = m0 + i;
    const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
    const nr = or + s.mobDir[2 * j], nc = oc + s.mobDir[2 * j + 1];
    s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
    if (!s.mobMask[j]) continue;
    const type = s.mobType[j];
    const pd = PROJECTILE_DAMAGE[Math.min(7, type)];
    const arrow = type === Projectile.ARROW || type === Projectile.ARROW2;
    const magic = type === Projectile.FIREBALL || type === Projectile.ICEBALL;
    dmg[0] = pd[0], dmg[1] = pd[1], dmg[2] = pd[2];
    if (arrow) {
      const be = s.bowEnchantment[e];
      if (be === 1 || be === 2) dmg[be] = f(dmg[be] + f(pd[0] / 2));
      for (let k = 0; k < 3; k++) dmg[k] = f(dmg[k] * arrowCoeff);
    }
    if (magic) { for (let k = 0; k < 3; k++) dmg[k] = f(dmg[k] * magicCoeff); }
    const b = s.map[base + gCell(nr, nc)];
    const wall = FULL_SOLID[b] === 1 && b !== B.WATER;
    attackMob(s, e, or, oc, dmg, false);
    const att0 = atk.attacked;
    if (att0) dmg[0] = 0, dmg[1] = 0, dmg[2] = 0;
    attackMob(s, e, nr, nc, dmg, false);
    const cont = inBounds(nr, nc) && !wall && !att0 && !atk.attacked;
    s.mobMask[j] = cont ? 1 : 0;
  }
}

// ------------------------------------------------------------------------------------------------
// Spawning

const spawnCells = new Int32Array(FULL_MAP_CELLS);
const spawnKeys = new Int32Array(12);

function pickSpawnCell(count: number, k0: number, k1: number): number {
  const p = f(1 / count);
  let total = 0;
  for (let i = 0; i < count; i++) total = f(total + p);
  const r = f(total * f(1 - uniformScalar(k0, k1)));
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc = f(acc + p);
    if (acc >= r) return spawnCells[i];
  }
  return spawnCells[count - 1];
}

/** Candidate cells (row-major) by squared distance window (lo, hi] and block predicate. */
function collect(
  s: FullState,
  e: number,
  minSq: number,
  maxSq: number,
  ok: (b: number) => boolean,
): number {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  let n = 0;
  for (let r = Math.max(0, pr - 13); r <= Math.min(N - 1, pr + 13); r++) {
    for (let c = Math.max(0, pc - 13); c <= Math.min(N - 1, pc + 13); c++) {
      const d = (r - pr) * (r - pr) + (c - pc) * (c - pc);
      if (d <= minSq || d > maxSq || d >= 196) continue;
      const cell = r * N + c;
      if (s.mobMap[base + cell] || !ok(s.map[base + cell])) continue;
      spawnCells[n++] = cell;
    }
  }
  return n;
}

function spawnInto(
  s: FullState,
  e: number,
  first: number,
  end: number,
  cell: number,
  health: number,
  type: number,
): void {
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  const j = m0 + freeSlot(s, m0, first, end);
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  if (cell >= 0) {
    s.mobPos[2 * j] = (cell / N) | 0, s.mobPos[2 * j + 1] = cell % N;
    s.mobHealth[j] = health, s.mobMask[j] = 1;
    s.mobMap[base + cell] = 1;
  } else if (s.mobMask[j]) {
    const w = sCell(s.mobPos[2 * j], s.mobPos[2 * j + 1]);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
  s.mobType[j] = type;
}

const validGround = (b: number) => b === B.GRASS || b === B.PATH || b === B.FIRE_GRASS || b === B.ICE_GRASS;
const isGrave = (b: number) => b === B.GRAVE || b === B.GRAVE2 || b === B.GRAVE3;
const isWater = (b: number) => b === B.WATER;

function spawnMobs(s: FullState, e: number, k0: number, k1: number): void {
  let c0 = k0, c1 = k1;
  const K = spawnKeys;
  for (let i = 0; i < 6; i++) {
    tfBlock2(c0, c1, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    K[2 * i] = TF_OUT2[2], K[2 * i + 1] = TF_OUT2[3];
  }
  const level = s.playerLevel[e];
  const boss = level === NUM_LEVELS - 1;
  const m0 = (e * NUM_LEVELS + level) * M;
  const chance = FLOOR_SPAWN_CHANCE[level];
  let coeff = s.monstersKilled[e * NUM_LEVELS + level] < MONSTERS_KILLED_TO_CLEAR_LEVEL ? 3 : 1;
  if (boss) coeff *= s.bossTimesteps[e] >= 1 ? 1000 : 0;

  // Passive
  let cell = -1;
  const ptype = FLOOR_MOB_TYPE[level][0];
  if (countLive(s, m0, PASSIVE0, RANGED0) < 3 && uniformScalar(K[0], K[1]) < chance[0] && !boss) {
    const n = collect(s, e, 9, 195, validGround);
    if (n > 0) cell = pickSpawnCell(n, K[2], K[3]);
  }
  spawnInto(s, e, PASSIVE0, RANGED0, cell, MOB_HEALTH[ptype][0], ptype);

  const minSq = boss ? -1 : 81, maxSq = boss ? 36 : 195;
  // Melee
  cell = -1;
  const mtype = boss ? FLOOR_MOB_TYPE[Math.min(8, s.bossProgress[e])][1] : FLOOR_MOB_TYPE[level][1];
  const dark = f(1 - s.light[e]);
  const mChance = f(fma32(chance[3], f(dark * dark), chance[1]) * coeff);
  if (countLive(s, m0, MELEE0, PASSIVE0) < 3 && uniformScalar(K[4], K[5]) < mChance) {
    const n = collect(s, e, minSq, maxSq, boss ? isGrave : validGround);
    if (n > 0) cell = pickSpawnCell(n, K[6], K[7]);
  }
  spawnInto(s, e, MELEE0, PASSIVE0, cell, MOB_HEALTH[mtype][1], mtype);

  // Ranged
  cell = -1;
  const rtype = boss ? FLOOR_MOB_TYPE[Math.min(8, s.bossProgress[e])][2] : FLOOR_MOB_TYPE[level][2];
  if (countLive(s, m0, RANGED0, MOB_PROJ0) < 2 && uniformScalar(K[8], K[9]) < f(chance[2] * coeff)) {
    const n = collect(s, e, minSq, maxSq, boss ? isGrave : rtype === 5 ? isWater : validGround);
    if (n > 0) cell = pickSpawnCell(n, K[10], K[11]);
  }
  spawnInto(s, e, RANGED0, MOB_PROJ0, cell, MOB_HEALTH[rtype][2], rtype);
}

// ------------------------------------------------------------------------------------------------
// Plants, intrinsics, inventory

function updatePlants(s: FullState, e: number): void {
  const base = e * NUM_LEVELS * CELLS;
  for (let k = 0; k < 10; k++) {
    const age = s.plantMask[10 * e + k] ? s.plantAge[10 * e + k] + 1 : 0;
    s.plantAge[10 * e + k] = age;
    if (age >= 600) {
      const w = sCell(s.plantPos[20 * e + 2 * k], s.plantPos[20 * e + 2 * k + 1]);
      if (w >= 0) s.map[base + w] = B.RIPE_PLANT;
    }
  }
}

function updateIntrinsics(s: FullState, e: number, action: number): void {
  const ach = e * NA;
  const maxE = maxEnergy(s, e), maxH = maxHealth(s, e);
  if (action === Act.SLEEP && s.energy[e] < maxE) s.sleeping[e] = 1;
  if (s.energy[e] >= maxE && s.sleeping[e]) {
    s.sleeping[e] = 0;
    s.achievements[ach + A.WAKE_UP] = 1;
  }
  if (action === Act.REST && s.health[e] < maxH) s.resting[e] = 1;
  if (s.resting[e] && (s.health[e] >= maxH || s.food[e] <= 0 || s.drink[e] <= 0)) s.resting[e] = 0;
  const notBoss = s.playerLevel[e] !== NUM_LEVELS - 1 ? 1 : 0;
  const sleeping = s.sleeping[e] === 1;
  const decay = f(1 - f(0.125 * (s.dexterity[e] - 1)));
  const rate = f((sleeping ? 0.5 : 1) * decay);

  let hunger = f(s.hunger[e] + rate);
  if (hunger > 25) s.food[e] = Math.max(s.food[e] - notBoss, 0), hunger = 0;
  s.hunger[e] = hunger;

  let thirst = f(s.thirst[e] + rate);
  if (thirst > 20) s.drink[e] = Math.max(s.drink[e] - notBoss, 0), thirst = 0;
  s.thirst[e] = thirst;

  const energy0 = s.energy[e];
  let fatigue = sleeping ? Math.min(f(s.fatigue[e] - 1), 0) : f(s.fatigue[e] + decay);
  if (fatigue > 30) s.energy[e] = Math.max(energy0 - notBoss, 0), fatigue = 0;
  if (fatigue < -10) s.energy[e] = Math.min(energy0 + 1, maxE), fatigue = 0;
  s.fatigue[e] = fatigue;

  const all = s.food[e] > 0 && s.drink[e] > 0 && (s.energy[e] > 0 || sleeping);
  const add = all ? (sleeping ? 2 : 1) : (sleeping ? -0.5 : -1) * notBoss;
  let recover = f(s.recover[e] + add);
  const h0 = s.health[e];
  if (recover > 25) s.health[e] = Math.min(f(h0 + 1), maxH), recover = 0;
  else if (recover < -15) s.health[e] = f(h0 - 1), recover = 0;
  s.recover[e] = recover;

  const manaCoeff = f(1 + f(0.25 * (s.intelligence[e] - 1)));
  let rm = f(f(s.recoverMana[e] + (sleeping ? 2 : 1)) * manaCoeff);
  if (rm > 30) s.mana[e] += 1, rm = 0;
  s.recoverMana[e] = rm;
}

function clipAll(s: FullState, e: number): void {
  const o = e * FULL_NUM_INV;
  for (let k = 0; k < FULL_NUM_INV; k++) s.inventory[o + k] = Math.min(99, s.inventory[o + k]);
  for (let k = 0; k < 6; k++) s.potions[6 * e + k] = Math.min(99, s.potions[6 * e + k]);
  for (let k = 0; k < 4; k++) s.armour[4 * e + k] = Math.min(99, s.armour[4 * e + k]);
  s.health[e] = Math.min(Math.max(s.health[e], 0), maxHealth(s, e));
  s.food[e] = Math.min(Math.max(s.food[e], 0), maxFood(s, e));
  s.drink[e] = Math.min(Math.max(s.drink[e], 0), maxFood(s, e));
  s.energy[e] = Math.min(Math.max(s.energy[e], 0), maxEnergy(s, e));
  s.mana[e] = Math.min(Math.max(s.mana[e], 0), maxMana(s, e));
}

function inventoryAchievements(s: FullState, e: number): void {
  const a = s.achievements, o = e * NA, v = s.inventory, p = e * FULL_NUM_INV;
  const set = (id: number, cond: boolean) => {
    if (cond) a[o + id] = 1;
  };
  set(A.COLLECT_WOOD, v[p + I.WOOD] > 0);
  set(A.COLLECT_STONE, v[p + I.STONE] > 0);
  set(A.COLLECT_COAL, v[p + I.COAL] > 0);
  set(A.COLLECT_IRON, v[p + I.IRON] > 0);
  set(A.COLLECT_DIAMOND, v[p + I.DIAMOND] > 0);
  set(A.COLLECT_RUBY, v[p + I.RUBY] > 0);
  set(A.COLLECT_SAPPHIRE, v[p + I.SAPPHIRE] > 0);
  set(A.COLLECT_SAPLING, v[p + I.SAPLING] > 0);
  set(A.FIND_BOW, v[p + I.BOW] > 0);
  set(A.MAKE_ARROW, v[p + I.ARROWS] > 0);
  set(A.MAKE_TORCH, v[p + I.TORCHES] > 0);
  set(A.MAKE_WOOD_PICKAXE, v[p + I.PICKAXE] >= 1);
  set(A.MAKE_STONE_PICKAXE, v[p + I.PICKAXE] >= 2);
  set(A.MAKE_IRON_PICKAXE, v[p + I.PICKAXE] >= 3);
  set(A.MAKE_DIAMOND_PICKAXE, v[p + I.PICKAXE] >= 4);
  set(A.MAKE_WOOD_SWORD, v[p + I.SWORD] >= 1);
  set(A.MAKE_STONE_SWORD, v[p + I.SWORD] >= 2);
  set(A.MAKE_IRON_SWORD, v[p + I.SWORD] >= 3);
  set(A.MAKE_DIAMOND_SWORD, v[p + I.SWORD] >= 4);
}

function achievementScore(s: FullState, e: number): number {
  let n = 0;
  for (let i = 0; i < NA; i++) if (s.achievements[e * NA + i]) n += ACHIEVEMENT_REWARD[i];
  return n;
}

/** Steps env `e` with `action` and the step key (k0, k1); fills `fullStepResult`. */
export function stepFullEnv(s: FullState, e: number, action: number, k0: number, k1: number): void {
  const score0 = achievementScore(s, e);
  const health0 = s.health[e];
  if (s.sleeping[e] || s.resting[e]) action = Act.NOOP;

  // rng -> (r1, kDo); r1 -> (r2, kBook); r2 -> (r3, kEnchant); r3 -> (r4, kMobs); r4 -> (_, kSpawn).
  tfBlock2(k0, k1, 0, 1);
  const r10 = TF_OUT2[0], r11 = TF_OUT2[1], kd0 = TF_OUT2[2], kd1 = TF_OUT2[3];
  tfBlock2(r10, r11, 0, 1);
  const r20 = TF_OUT2[0], r21 = TF_OUT2[1], kb0 = TF_OUT2[2], kb1 = TF_OUT2[3];
  tfBlock2(r20, r21, 0, 1);
  const r30 = TF_OUT2[0], r31 = TF_OUT2[1], ke0 = TF_OUT2[2], ke1 = TF_OUT2[3];
  tfBlock2(r30, r31, 0, 1);
  const r40 = TF_OUT2[0], r41 = TF_OUT2[1], km0 = TF_OUT2[2], km1 = TF_OUT2[3];
  splitChild(r40, r41, 1);
  const kp0 = TF_OUT[0], kp1 = TF_OUT[1];

  changeFloor(s, e, action);
  doCrafting(s, e, action);
  if (action === Act.DO) doAction(s, e, kd0, kd1);
  placeBlock(s, e, action);
  shootAndCast(s, e, action);
  drinkPotion(s, e, action);
  readBook(s, e, action, kb0, kb1);
  enchant(s, e, action, ke0, ke1);
  // Boss
  if (s.bossProgress[e] >= NUM_LEVELS - 1) s.achievements[e * NA + A.DEFEAT_NECROMANCER] = 1;
  if (s.playerLevel[e] === NUM_LEVELS - 1) s.bossTimesteps[e] -= 1;
  levelUp(s, e, action);
  movePlayer(s, e, action);
  updateMobs(s, e, km0, km1);
  spawnMobs(s, e, kp0, kp1);
  updatePlants(s, e);
  updateIntrinsics(s, e, action);
  clipAll(s, e);
  inventoryAchievements(s, e);

  fullStepResult.reward = fma32(f(s.health[e] - health0), F01, achievementScore(s, e) - score0);
  const t = s.timestep[e] + 1;
  s.timestep[e] = t;
  s.light[e] = lightLevel(t);
  fullStepResult.done = t >= FULL_MAX_TIMESTEPS || s.health[e] <= 0 || s.bossProgress[e] >= NUM_LEVELS - 1;
}
