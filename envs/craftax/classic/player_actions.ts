/**
 * The player's own actions, in the original's order: crafting, DO (attack / mine / drink / eat),
 * block placement and movement. Each function updates env `e` in place.
 *
 * @module
 */

import { splitChild, TF_OUT, uniformScalar } from "../jax_random.ts";
import {
  Achievement as A,
  Action,
  Block,
  COW0,
  DIR_DC,
  DIR_DR,
  Inv,
  IS_SOLID,
  MAP_CELLS,
  MAP_SIZE,
  MAX_PLANTS,
  NUM_ACHIEVEMENTS,
  NUM_INV,
  NUM_MOB_SLOTS,
  SKELETON0,
  ZOMBIE0,
} from "./constants.ts";
import { gatherCell, inBounds, scatterCell } from "./indexing.ts";
import type { ClassicState } from "./state.ts";

const SAPLING_CHANCE = Math.fround(0.1);

// 8-neighbourhood used by crafting (diagonals count).
const NEAR_DR = [0, 0, -1, 1, -1, -1, 1, 1];
const NEAR_DC = [-1, 1, 0, 0, -1, 1, -1, 1];

function isNearBlock(s: ClassicState, e: number, block: number): boolean {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = e * MAP_CELLS;
  for (let k = 0; k < 8; k++) {
    const r = pr + NEAR_DR[k], c = pc + NEAR_DC[k];
    if (inBounds(r, c) && s.map[base + r * MAP_SIZE + c] === block) return true;
  }
  return false;
}

/** Crafting (actions 11..16): needs a table nearby, iron tools also a furnace; tools are counts. */
export function doCrafting(s: ClassicState, e: number, action: number): void {
  if (action < Action.MAKE_WOOD_PICKAXE) return;
  if (!isNearBlock(s, e, Block.CRAFTING_TABLE)) return;
  const inv = s.inventory, o = e * NUM_INV, ach = e * NUM_ACHIEVEMENTS;
  const wood = inv[o + Inv.WOOD], stone = inv[o + Inv.STONE];
  switch (action) {
    case Action.MAKE_WOOD_PICKAXE:
      if (wood >= 1) {
        inv[o + Inv.WOOD]--, inv[o + Inv.WOOD_PICKAXE]++, s.achievements[ach + A.MAKE_WOOD_PICKAXE] = 1;
      }
      break;
    case Action.MAKE_STONE_PICKAXE:
      if (wood >= 1 && stone >= 1) {
        inv[o + Inv.WOOD]--, inv[o + Inv.STONE]--, inv[o + Inv.STONE_PICKAXE]++;
        s.achievements[ach + A.MAKE_STONE_PICKAXE] = 1;
      }
      break;
    case Action.MAKE_WOOD_SWORD:
      if (wood >= 1) {
        inv[o + Inv.WOOD]--, inv[o + Inv.WOOD_SWORD]++, s.achievements[ach + A.MAKE_WOOD_SWORD] = 1;
      }
      break;
    case Action.MAKE_STONE_SWORD:
      if (wood >= 1 && stone >= 1) {
        inv[o + Inv.WOOD]--, inv[o + Inv.STONE]--, inv[o + Inv.STONE_SWORD]++;
        s.achievements[ach + A.MAKE_STONE_SWORD] = 1;
      }
      break;
    case Action.MAKE_IRON_PICKAXE:
    case Action.MAKE_IRON_SWORD: {
      const ok = wood >= 1 && stone >= 1 && inv[o + Inv.IRON] >= 1 && inv[o + Inv.COAL] >= 1;
      if (!ok || !isNearBlock(s, e, Block.FURNACE)) break;
      inv[o + Inv.WOOD]--, inv[o + Inv.STONE]--, inv[o + Inv.IRON]--, inv[o + Inv.COAL]--;
      if (action === Action.MAKE_IRON_PICKAXE) {
        inv[o + Inv.IRON_PICKAXE]++, s.achievements[ach + A.MAKE_IRON_PICKAXE] = 1;
      } else {
        inv[o + Inv.IRON_SWORD]++, s.achievements[ach + A.MAKE_IRON_SWORD] = 1;
      }
      break;
    }
  }
}

/** Damage of a player hit: the best of 1, 2*wood, 3*stone, 5*iron (sword counts multiply). */
export function playerDamage(s: ClassicState, e: number): number {
  const o = e * NUM_INV;
  return Math.max(
    1,
    2 * s.inventory[o + Inv.WOOD_SWORD],
    3 * s.inventory[o + Inv.STONE_SWORD],
    5 * s.inventory[o + Inv.IRON_SWORD],
  );
}

/**
 * Attacks the first live mob of [first, end) standing on (r, c). Returns bit 1 when attacking,
 * bit 2 when the hit killed it. Afterwards every slot's mask becomes health > 0: this is the
 * original's resurrection quirk (despawned or never-spawned slots with health > 0 come back).
 */
function attackMobs(
  s: ClassicState,
  e: number,
  first: number,
  end: number,
  r: number,
  c: number,
  dmg: number,
): number {
  const m0 = e * NUM_MOB_SLOTS;
  let target = -1;
  for (let i = first; i < end; i++) {
    const j = m0 + i;
    if (s.mobMask[j] && s.mobPos[2 * j] === r && s.mobPos[2 * j + 1] === c) {
      target = j;
      break;
    }
  }
  let result = 0;
  if (target >= 0) {
    s.mobHealth[target] -= dmg;
    result = 1;
  }
  // argmax over an all-false array is 0: the "old mask" is then slot `first`'s.
  const t = target >= 0 ? target : m0 + first;
  const oldMask = s.mobMask[t];
  for (let i = first; i < end; i++) s.mobMask[m0 + i] = s.mobHealth[m0 + i] > 0 ? 1 : 0;
  if (oldMask && !s.mobMask[t]) result |= 2;
  return result;
}

/** DO (action 5): attack a mob in front, otherwise interact with the block in front. */
export function doAction(s: ClassicState, e: number, k0: number, k1: number): void {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const dir = s.playerDir[e];
  const r = pr + DIR_DR[dir], c = pc + DIR_DC[dir];
  const dmg = playerDamage(s, e);
  const ach = e * NUM_ACHIEVEMENTS;
  const z = attackMobs(s, e, ZOMBIE0, COW0, r, c, dmg);
  if (z & 2) s.achievements[ach + A.DEFEAT_ZOMBIE] = 1;
  const cw = attackMobs(s, e, COW0, SKELETON0, r, c, dmg);
  if (cw & 2) {
    s.achievements[ach + A.EAT_COW] = 1;
    s.food[e] = Math.min(9, s.food[e] + 6);
    s.hunger[e] = 0;
  }
  const sk = attackMobs(s, e, SKELETON0, SKELETON0 + 2, r, c, dmg);
  if (sk & 2) s.achievements[ach + A.DEFEAT_SKELETON] = 1;
  const base = e * MAP_CELLS;
  if ((z | cw | sk) & 2) {
    const w = scatterCell(r, c);
    if (w >= 0) s.mobMap[base + w] = 0;
  }
  if ((z | cw | sk) & 1 || !inBounds(r, c)) return;

  const cell = base + r * MAP_SIZE + c;
  const o = e * NUM_INV;
  const inv = s.inventory;
  switch (s.map[cell]) {
    case Block.TREE:
      s.map[cell] = Block.GRASS, inv[o + Inv.WOOD]++, s.achievements[ach + A.COLLECT_WOOD] = 1;
      break;
    case Block.STONE:
      if (inv[o + Inv.WOOD_PICKAXE]) {
        s.map[cell] = Block.PATH, inv[o + Inv.STONE]++, s.achievements[ach + A.COLLECT_STONE] = 1;
      }
      break;
    case Block.COAL:
      if (inv[o + Inv.WOOD_PICKAXE]) {
        s.map[cell] = Block.PATH, inv[o + Inv.COAL]++, s.achievements[ach + A.COLLECT_COAL] = 1;
      }
      break;
    case Block.IRON:
      if (inv[o + Inv.STONE_PICKAXE]) {
        s.map[cell] = Block.PATH, inv[o + Inv.IRON]++, s.achievements[ach + A.COLLECT_IRON] = 1;
      }
      break;
    case Block.DIAMOND:
      if (inv[o + Inv.IRON_PICKAXE]) {
        s.map[cell] = Block.PATH, inv[o + Inv.DIAMOND]++, s.achievements[ach + A.COLLECT_DIAMOND] = 1;
      }
      break;
    case Block.GRASS: {
      // do_action's key: rng, sub = split(rng); uniform(sub)
      splitChild(k0, k1, 1);
      if (uniformScalar(TF_OUT[0], TF_OUT[1]) < SAPLING_CHANCE) {
        inv[o + Inv.SAPLING]++, s.achievements[ach + A.COLLECT_SAPLING] = 1;
      }
      break;
    }
    case Block.WATER:
      s.drink[e] = Math.min(9, s.drink[e] + 1), s.thirst[e] = 0, s.achievements[ach + A.COLLECT_DRINK] = 1;
      break;
    case Block.RIPE_PLANT: {
      s.map[cell] = Block.PLANT;
      s.food[e] = Math.min(9, s.food[e] + 4), s.hunger[e] = 0, s.achievements[ach + A.EAT_PLANT] = 1;
      // First slot (live or not) at this position, else slot 0 (argmax of all-false).
      const p0 = e * MAX_PLANTS;
      let idx = 0;
      for (let i = 0; i < MAX_PLANTS; i++) {
        if (s.plantPos[2 * (p0 + i)] === r && s.plantPos[2 * (p0 + i) + 1] === c) {
          idx = i;
          break;
        }
      }
      s.plantAge[p0 + idx] = 0;
      break;
    }
  }
}

/** Placement (actions 7..10) on the facing cell; nothing happens off-map or onto a mob. */
export function placeBlock(s: ClassicState, e: number, action: number): void {
  if (action < Action.PLACE_STONE || action > Action.PLACE_PLANT) return;
  const dir = s.playerDir[e];
  const r = s.playerPos[2 * e] + DIR_DR[dir], c = s.playerPos[2 * e + 1] + DIR_DC[dir];
  if (!inBounds(r, c)) return;
  const cell = e * MAP_CELLS + r * MAP_SIZE + c;
  if (s.mobMap[cell]) return;
  const b = s.map[cell];
  const inv = s.inventory, o = e * NUM_INV, ach = e * NUM_ACHIEVEMENTS;
  switch (action) {
    case Action.PLACE_TABLE:
      if (!IS_SOLID[b] && inv[o + Inv.WOOD] >= 2) {
        s.map[cell] = Block.CRAFTING_TABLE, inv[o + Inv.WOOD] -= 2, s.achievements[ach + A.PLACE_TABLE] = 1;
      }
      break;
    case Action.PLACE_FURNACE:
      if (!IS_SOLID[b] && inv[o + Inv.STONE] > 0) {
        s.map[cell] = Block.FURNACE, inv[o + Inv.STONE]--, s.achievements[ach + A.PLACE_FURNACE] = 1;
      }
      break;
    case Action.PLACE_STONE:
      if ((b === Block.WATER || !IS_SOLID[b]) && inv[o + Inv.STONE] > 0) {
        s.map[cell] = Block.STONE, inv[o + Inv.STONE]--, s.achievements[ach + A.PLACE_STONE] = 1;
      }
      break;
    case Action.PLACE_PLANT:
      if (b === Block.GRASS && inv[o + Inv.SAPLING] > 0) {
        s.map[cell] = Block.PLANT, inv[o + Inv.SAPLING]--, s.achievements[ach + A.PLACE_PLANT] = 1;
        // First free growing-plant slot; with all 10 taken the plant never ripens.
        const p0 = e * MAX_PLANTS;
        for (let i = 0; i < MAX_PLANTS; i++) {
          if (!s.plantMask[p0 + i]) {
            s.plantPos[2 * (p0 + i)] = r, s.plantPos[2 * (p0 + i) + 1] = c;
            s.plantAge[p0 + i] = 0, s.plantMask[p0 + i] = 1;
            break;
          }
        }
      }
      break;
  }
}

/**
 * Movement (actions 1..4): the move needs an in-bounds, non-solid, mob-free, non-lava cell, but
 * lava (read with JAX's wrapped/clamped gather) is always accepted. The facing direction changes
 * even when blocked.
 */
export function movePlayer(s: ClassicState, e: number, action: number): void {
  const dr = DIR_DR[action], dc = DIR_DC[action];
  if (dr === 0 && dc === 0) return;
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const r = pr + dr, c = pc + dc;
  const base = e * MAP_CELLS;
  const b = s.map[base + gatherCell(r, c)];
  let valid = b === Block.LAVA;
  if (!valid && inBounds(r, c)) {
    const cell = base + r * MAP_SIZE + c;
    valid = !IS_SOLID[b] && !s.mobMap[cell];
  }
  if (valid) {
    s.playerPos[2 * e] = r;
    s.playerPos[2 * e + 1] = c;
  }
  s.playerDir[e] = action;
}
