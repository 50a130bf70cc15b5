/**
 * One full-Craftax transition (`craftax_step` + `is_game_over`) for env `e`, in the original's
 * order: floor change, crafting, DO, placement, shooting, spells, potions, books, enchanting,
 * boss, attributes, movement, mobs, spawning, plants, intrinsics, clipping, inventory
 * achievements; then reward, clock and light. Random draws follow the original's key chain.
 * The phases live in the sibling modules; this one keeps the key chain and their order.
 *
 * @module
 */

import { splitChild, TF_OUT, TF_OUT2, tfBlock2 } from "../jax_random.ts";
import { lightLevel } from "../classic/daylight.ts";
import { fma32 } from "../classic/f32math.ts";
import { NUM_LEVELS } from "./constants.ts";
import { ACHIEVEMENT_REWARD, FULL_MAX_TIMESTEPS, FullAchievement as A, FullAction as Act } from "./rules.ts";
import { FULL_NUM_ACHIEVEMENTS, type FullState } from "./state.ts";
import { doCrafting, placeBlock } from "./crafting.ts";
import { doAction } from "./do_action.ts";
import { clipAll, inventoryAchievements, updateIntrinsics, updatePlants } from "./intrinsics.ts";
import { updateMobs } from "./mobs.ts";
import {
  changeFloor,
  drinkPotion,
  enchant,
  levelUp,
  movePlayer,
  readBook,
  shootAndCast,
} from "./player_actions.ts";
import { spawnMobs } from "./spawning.ts";

const f = Math.fround;
const NA = FULL_NUM_ACHIEVEMENTS;
const F01 = f(0.1);

/** Result of the last `stepFullEnv` call. */
export const fullStepResult = { reward: 0, done: false };

/** Sum of the rewards of the achievements env `e` holds (the reward is its change). */
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
