/**
 * One Craftax-Classic transition (`craftax_step` + `is_game_over`) for env `e`, in the
 * original's order: crafting, DO, placement, movement, mobs, spawning, plants, intrinsics,
 * inventory cap, health; then reward, clock and light.
 *
 * @module
 */

import { Action, MAX_TIMESTEPS, NUM_ACHIEVEMENTS } from "./constants.ts";
import { lightLevel } from "./daylight.ts";
import { fma32 } from "./f32math.ts";
import { capInventory, onLava, updateHealth, updateIntrinsics, updatePlants } from "./intrinsics.ts";
import { spawnMobs, updateMobs } from "./mobs.ts";
import { doAction, doCrafting, movePlayer, placeBlock } from "./player_actions.ts";
import type { ClassicState } from "./state.ts";
import { deriveStepKeys, KEY_DO, KEY_WORDS } from "./step_keys.ts";

const F01 = Math.fround(0.1);

/** Result of the last `stepEnv` call (kept in module scope to avoid allocations). */
export const stepResult = { reward: 0, done: false };

function countAchievements(s: ClassicState, e: number): number {
  let n = 0;
  const o = e * NUM_ACHIEVEMENTS;
  for (let i = 0; i < NUM_ACHIEVEMENTS; i++) n += s.achievements[o + i];
  return n;
}

const singleTable = new Int32Array(KEY_WORDS);

/** Steps env `e` with `action` and the step key (k0, k1); fills `stepResult`. */
export function stepEnv(s: ClassicState, e: number, action: number, k0: number, k1: number): void {
  deriveStepKeys(k0, k1, k0, k1, singleTable, 0, 0);
  stepWithKeys(s, e, action, singleTable, 0);
}

/**
 * Steps env `e` with `action`, reading its random keys from a key schedule (`keys`, this env's
 * offset `o`; see step_keys.ts); fills `stepResult`.
 */
export function stepWithKeys(s: ClassicState, e: number, action: number, keys: Int32Array, o: number): void {
  const ach0 = countAchievements(s, e);
  const health0 = s.health[e];
  if (s.sleeping[e]) action = Action.NOOP;

  doCrafting(s, e, action);
  if (action === Action.DO) doAction(s, e, keys[o + 2 * KEY_DO], keys[o + 2 * KEY_DO + 1]);
  placeBlock(s, e, action);
  movePlayer(s, e, action);
  updateMobs(s, e, keys, o);
  spawnMobs(s, e, keys, o);
  updatePlants(s, e);
  updateIntrinsics(s, e, action);
  capInventory(s, e);
  updateHealth(s, e);

  // XLA fuses `achievements + 0.1 * health_delta` into one float32 FMA.
  stepResult.reward = fma32(s.health[e] - health0, F01, countAchievements(s, e) - ach0);
  const t = s.timestep[e] + 1;
  s.timestep[e] = t;
  s.light[e] = lightLevel(t);
  stepResult.done = t >= MAX_TIMESTEPS || onLava(s, e) || s.health[e] <= 0;
}
