/**
 * The player's slow processes and limits: attribute-dependent stat caps, plant growth, sleep,
 * rest, hunger, thirst, fatigue, health and mana recovery, the end-of-step clipping and the
 * inventory achievements.
 *
 * @module
 */

import { FULL_MAP_CELLS, FullBlock as B, NUM_LEVELS } from "./constants.ts";
import { FullAchievement as A, FullAction as Act } from "./rules.ts";
import { FULL_NUM_ACHIEVEMENTS, FULL_NUM_INV, FullInv as I, type FullState } from "./state.ts";
import { scatterCell } from "./grid.ts";

const f = Math.fround;
const CELLS = FULL_MAP_CELLS, NA = FULL_NUM_ACHIEVEMENTS;

// Caps raised by the attributes: strength for health, dexterity for food, drink and energy,
// intelligence for mana.
export const maxHealth = (s: FullState, e: number) => 8 + s.strength[e];
export const maxFood = (s: FullState, e: number) => 7 + 2 * s.dexterity[e];
export const maxEnergy = maxFood;
export const maxMana = (s: FullState, e: number) => 6 + 3 * s.intelligence[e];

/** Saplings (all on the overworld) age while their slot is live; from age 600 the cell is RIPE_PLANT. */
export function updatePlants(s: FullState, e: number): void {
  const base = e * NUM_LEVELS * CELLS;
  for (let k = 0; k < 10; k++) {
    const age = s.plantMask[10 * e + k] ? s.plantAge[10 * e + k] + 1 : 0;
    s.plantAge[10 * e + k] = age;
    if (age >= 600) {
      const w = scatterCell(s.plantPos[20 * e + 2 * k], s.plantPos[20 * e + 2 * k + 1]);
      if (w >= 0) s.map[base + w] = B.RIPE_PLANT;
    }
  }
}

/**
 * Sleep and rest toggles, then hunger, thirst, fatigue, health and mana recovery; on the boss
 * floor nothing drains.
 */
export function updateIntrinsics(s: FullState, e: number, action: number): void {
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

/** Inventory, potions and armour cap at 99; health, food, drink, energy and mana clip to [0, cap]. */
export function clipAll(s: FullState, e: number): void {
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

/** Achievements earned by holding an item (collected, found or made). */
export function inventoryAchievements(s: FullState, e: number): void {
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
