/**
 * Slow processes of a step: plant growth, the player's needs (sleep, hunger, thirst, fatigue,
 * health recovery), the inventory cap and the lava / non-negative health rule.
 *
 * @module
 */

import {
  Achievement as A,
  Action,
  Block,
  MAP_CELLS,
  MAX_PLANTS,
  NUM_ACHIEVEMENTS,
  NUM_INV,
} from "./constants.ts";
import { gatherCell, scatterCell } from "./indexing.ts";
import type { ClassicState } from "./state.ts";

/** Saplings age while their slot is live; from age 600 the cell is (re)set to RIPE_PLANT. */
export function updatePlants(s: ClassicState, e: number): void {
  const p0 = e * MAX_PLANTS;
  for (let i = 0; i < MAX_PLANTS; i++) {
    const k = p0 + i;
    const age = s.plantMask[k] ? s.plantAge[k] + 1 : 0;
    s.plantAge[k] = age;
    if (age >= 600) {
      const w = scatterCell(s.plantPos[2 * k], s.plantPos[2 * k + 1]);
      if (w >= 0) s.map[e * MAP_CELLS + w] = Block.RIPE_PLANT;
    }
  }
}

/**
 * Sleep/wake, then hunger (food -1 when the counter passes 25), thirst (drink -1 past 20),
 * fatigue (energy -1 past 30 awake, +1 below -10 asleep) and health recovery (+1 past 25, -1
 * below -15). Sleeping halves hunger and thirst and doubles recovery.
 */
export function updateIntrinsics(s: ClassicState, e: number, action: number): void {
  let sleeping = s.sleeping[e] === 1;
  if (action === Action.SLEEP && s.energy[e] < 9) sleeping = true;
  if (sleeping && s.energy[e] >= 9) {
    sleeping = false;
    s.achievements[e * NUM_ACHIEVEMENTS + A.WAKE_UP] = 1;
  }
  s.sleeping[e] = sleeping ? 1 : 0;

  let hunger = s.hunger[e] + (sleeping ? 0.5 : 1);
  if (hunger > 25) s.food[e] = Math.max(s.food[e] - 1, 0), hunger = 0;
  s.hunger[e] = hunger;

  let thirst = s.thirst[e] + (sleeping ? 0.5 : 1);
  if (thirst > 20) s.drink[e] = Math.max(s.drink[e] - 1, 0), thirst = 0;
  s.thirst[e] = thirst;

  let fatigue = sleeping ? Math.min(s.fatigue[e] - 1, 0) : s.fatigue[e] + 1;
  if (fatigue > 30) s.energy[e] = Math.max(s.energy[e] - 1, 0), fatigue = 0;
  if (fatigue < -10) s.energy[e] = Math.min(s.energy[e] + 1, 9), fatigue = 0;
  s.fatigue[e] = fatigue;

  const met = s.food[e] > 0 && s.drink[e] > 0 && (s.energy[e] > 0 || sleeping);
  let recover = s.recover[e] + (met ? (sleeping ? 2 : 1) : (sleeping ? -0.5 : -1));
  if (recover > 25) s.health[e] = Math.min(s.health[e] + 1, 9), recover = 0;
  if (recover < -15) s.health[e] = s.health[e] - 1, recover = 0;
  s.recover[e] = recover;
}

/** Inventory counts are capped at 9. */
export function capInventory(s: ClassicState, e: number): void {
  const o = e * NUM_INV;
  for (let i = 0; i < NUM_INV; i++) if (s.inventory[o + i] > 9) s.inventory[o + i] = 9;
}

/** Standing on lava (wrapped/clamped read) sets health to 0; health never goes below 0. */
export function updateHealth(s: ClassicState, e: number): void {
  if (s.map[e * MAP_CELLS + gatherCell(s.playerPos[2 * e], s.playerPos[2 * e + 1])] === Block.LAVA) {
    s.health[e] = 0;
  }
  if (s.health[e] < 0) s.health[e] = 0;
}

/** Lava under the player (wrapped/clamped read), as in `is_game_over`. */
export function onLava(s: ClassicState, e: number): boolean {
  return s.map[e * MAP_CELLS + gatherCell(s.playerPos[2 * e], s.playerPos[2 * e + 1])] === Block.LAVA;
}
