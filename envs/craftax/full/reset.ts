/**
 * Full Craftax reset: the generated floors plus the original's initial player, inventory, mob
 * and clock values (`generate_world`).
 *
 * @module
 */

import type { Key } from "../jax_random.ts";
import { lightLevel, lightLevelAtReset } from "../classic/daylight.ts";
import { FULL_MAP_CELLS, NUM_LEVELS } from "./constants.ts";
import { FULL_MOB_SLOTS, FULL_NUM_ACHIEVEMENTS, FULL_NUM_INV, type FullState } from "./state.ts";
import { generateFullWorld, newFullWorld } from "./worldgen.ts";

// Generated worlds are copied into the state, so one buffer serves every reset.
const scratchWorld = newFullWorld();

/** Boss waves: turns until the next wave spawns (BOSS_FIGHT_SPAWN_TURNS). */
export const BOSS_FIGHT_SPAWN_TURNS = 7;

/**
 * Resets env `e` from the key passed to `generate_world` (reset_env splits once before it).
 * `jitted` selects the light level of a reset inside the jitted step (auto-reset), where XLA
 * fuses the light formula, rather than the eager first reset.
 */
export function resetFullEnv(s: FullState, e: number, worldKey: Key, jitted = false): void {
  const w = generateFullWorld(worldKey, scratchWorld);
  const C = NUM_LEVELS * FULL_MAP_CELLS;
  s.map.set(w.map, e * C);
  s.itemMap.set(w.itemMap, e * C);
  s.lightMap.set(w.lightMap, e * C);
  s.mobMap.fill(0, e * C, (e + 1) * C);
  s.downLadders.set(w.downLadders, e * NUM_LEVELS * 2);
  s.upLadders.set(w.upLadders, e * NUM_LEVELS * 2);
  s.chestsOpened.fill(0, e * NUM_LEVELS, (e + 1) * NUM_LEVELS);
  s.monstersKilled.fill(0, e * NUM_LEVELS, (e + 1) * NUM_LEVELS);
  s.monstersKilled[e * NUM_LEVELS] = 10; // the overworld ladder starts open
  s.playerPos[2 * e] = 24, s.playerPos[2 * e + 1] = 24;
  s.playerLevel[e] = 0;
  s.playerDir[e] = 3; // UP
  s.health[e] = 9;
  s.food[e] = 9, s.drink[e] = 9, s.energy[e] = 9, s.mana[e] = 9;
  s.sleeping[e] = 0, s.resting[e] = 0;
  s.recover[e] = 0, s.hunger[e] = 0, s.thirst[e] = 0, s.fatigue[e] = 0, s.recoverMana[e] = 0;
  s.xp[e] = 0, s.dexterity[e] = 1, s.strength[e] = 1, s.intelligence[e] = 1;
  s.inventory.fill(0, e * FULL_NUM_INV, (e + 1) * FULL_NUM_INV);
  s.potions.fill(0, 6 * e, 6 * e + 6);
  s.armour.fill(0, 4 * e, 4 * e + 4);
  const M = NUM_LEVELS * FULL_MOB_SLOTS;
  s.mobPos.fill(0, 2 * e * M, 2 * (e + 1) * M);
  s.mobHealth.fill(1, e * M, (e + 1) * M); // empty slots hold health 1.0
  s.mobMask.fill(0, e * M, (e + 1) * M);
  s.mobCooldown.fill(0, e * M, (e + 1) * M);
  s.mobType.fill(0, e * M, (e + 1) * M);
  s.mobDir.fill(1, 2 * e * M, 2 * (e + 1) * M);
  s.plantPos.fill(0, 20 * e, 20 * e + 20);
  s.plantAge.fill(0, 10 * e, 10 * e + 10);
  s.plantMask.fill(0, 10 * e, 10 * e + 10);
  s.potionMapping.set(w.potionMapping, 6 * e);
  s.learnedSpells.fill(0, 2 * e, 2 * e + 2);
  s.swordEnchantment[e] = 0, s.bowEnchantment[e] = 0;
  s.armourEnchantments.fill(0, 4 * e, 4 * e + 4);
  s.bossProgress[e] = 0;
  s.bossTimesteps[e] = BOSS_FIGHT_SPAWN_TURNS;
  s.achievements.fill(0, e * FULL_NUM_ACHIEVEMENTS, (e + 1) * FULL_NUM_ACHIEVEMENTS);
  s.light[e] = jitted ? lightLevel(0) : lightLevelAtReset();
  s.timestep[e] = 0;
}
