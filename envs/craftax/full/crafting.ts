/**
 * Building: the MAKE_* actions at a crafting table (some also need a furnace) and the PLACE_*
 * actions (table, furnace, stone, torch, sapling) on the cell the player faces.
 *
 * @module
 */

import { FULL_MAP_CELLS, FULL_MAP_SIZE, FullBlock as B, Item, NUM_LEVELS } from "./constants.ts";
import { CAN_PLACE_ITEM, FULL_SOLID, FullAchievement as A, FullAction as Act, TORCH_LIGHT } from "./rules.ts";
import { FULL_NUM_ACHIEVEMENTS, FULL_NUM_INV, FullInv as I, type FullState } from "./state.ts";
import { dirC, dirR, inBounds } from "./grid.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE, CELLS = FULL_MAP_CELLS, NA = FULL_NUM_ACHIEVEMENTS;
// The 8 neighbours of the player that count as "near" a crafting table or furnace.
const NEAR_DR = [0, 0, -1, 1, -1, -1, 1, 1], NEAR_DC = [-1, 1, 0, 0, -1, 1, -1, 1];

function isNear(s: FullState, e: number, block: number): boolean {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  for (let k = 0; k < 8; k++) {
    const r = pr + NEAR_DR[k], c = pc + NEAR_DC[k];
    if (inBounds(r, c) && s.map[base + r * N + c] === block) return true;
  }
  return false;
}

/** MAKE_* actions: tools, armour, arrows and torches, near a crafting table. */
export function doCrafting(s: FullState, e: number, action: number): void {
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

/** PLACE_* actions on the faced cell, which must be free of mobs and the player. */
export function placeBlock(s: FullState, e: number, action: number): void {
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
