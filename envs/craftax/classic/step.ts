/**
 * One Craftax-Classic transition (`craftax_step` + `is_game_over`) for env `e`, in the
 * original's order: crafting, DO, placement, movement, mobs, spawning, plants, intrinsics,
 * inventory cap, health; then reward, clock and light.
 *
 * @module
 */

import { splitChild, TF_OUT, TF_OUT2, tfBlock2 } from "../jax_random.ts";
import { Action, MAX_TIMESTEPS, NUM_ACHIEVEMENTS } from "./constants.ts";
import { lightLevel } from "./daylight.ts";
import { fma32 } from "./f32math.ts";
import { capInventory, onLava, updateHealth, updateIntrinsics, updatePlants } from "./intrinsics.ts";
import { spawnMobs, updateMobs } from "./mobs.ts";
import { doAction, doCrafting, movePlayer, placeBlock } from "./player_actions.ts";
import type { ClassicState } from "./state.ts";

const F01 = Math.fround(0.1);

/** Result of the last `stepEnv` call (kept in module scope to avoid allocations). */
export const stepResult = { reward: 0, done: false };

function countAchievements(s: ClassicState, e: number): number {
  let n = 0;
  const o = e * NUM_ACHIEVEMENTS;
  for (let i = 0; i < NUM_ACHIEVEMENTS; i++) n += s.achievements[o + i];
  return n;
}

/** Steps env `e` with `action` and the step key (k0, k1); fills `stepResult`. */
export function stepEnv(s: ClassicState, e: number, action: number, k0: number, k1: number): void {
  const ach0 = countAchievements(s, e);
  const health0 = s.health[e];
  if (s.sleeping[e]) action = Action.NOOP;

  // Keys: rng -> (r1, kDo); r1 -> (r2, kMobs); r2 -> (_, kSpawn).
  tfBlock2(k0, k1, 0, 1);
  const r10 = TF_OUT2[0], r11 = TF_OUT2[1], kd0 = TF_OUT2[2], kd1 = TF_OUT2[3];
  tfBlock2(r10, r11, 0, 1);
  const r20 = TF_OUT2[0], r21 = TF_OUT2[1], km0 = TF_OUT2[2], km1 = TF_OUT2[3];

  doCrafting(s, e, action);
  if (action === Action.DO) doAction(s, e, kd0, kd1);
  placeBlock(s, e, action);
  movePlayer(s, e, action);
  updateMobs(s, e, km0, km1);
  splitChild(r20, r21, 1);
  spawnMobs(s, e, TF_OUT[0], TF_OUT[1]);
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
