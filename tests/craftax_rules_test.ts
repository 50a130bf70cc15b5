/**
 * Craftax-Classic rules on hand-built states: recipes, placement, DO, damage, intrinsics timers,
 * day and night, achievements and reward, termination, world generation and the batched API.
 */

import assert from "node:assert/strict";
import {
  Achievement,
  Action,
  Block,
  COW0,
  Inv,
  MAP_SIZE,
  NUM_ACHIEVEMENTS,
  NUM_MOB_SLOTS,
  OBS_SIZE,
  ZOMBIE0,
} from "../envs/craftax/classic/constants.ts";
import { lightLevel } from "../envs/craftax/classic/daylight.ts";
import { CraftaxClassic } from "../envs/craftax/classic/env.ts";
import { ClassicState } from "../envs/craftax/classic/state.ts";
import { stepEnv, stepResult } from "../envs/craftax/classic/step.ts";
import { generateWorld } from "../envs/craftax/classic/worldgen.ts";
import { writeObservation } from "../envs/craftax/classic/observation.ts";

const C = 32; // player start row/col

/**
 * A fresh state whose map is all SAND (no cow/zombie/skeleton can spawn on sand), player at the
 * centre facing UP. Random draws still happen, with a fixed key.
 */
function sandWorld(): ClassicState {
  const s = new ClassicState(1);
  generateWorld(s, 0, 1, 2);
  s.map.fill(Block.SAND);
  return s;
}
const at = (r: number, c: number) => r * MAP_SIZE + c;
let tick = 0;
function step(s: ClassicState, action: number): { reward: number; done: boolean } {
  tick++;
  stepEnv(s, 0, action, tick, 12345);
  return { reward: stepResult.reward, done: stepResult.done };
}
const inv = (s: ClassicState, k: number) => s.inventory[k];
const ach = (s: ClassicState, a: number) => s.achievements[a] === 1;

Deno.test("crafting: wood pickaxe needs a nearby table (diagonal counts) and 1 wood", () => {
  const s = sandWorld();
  s.inventory[Inv.WOOD] = 1;
  step(s, Action.MAKE_WOOD_PICKAXE);
  assert.equal(inv(s, Inv.WOOD_PICKAXE), 0, "no table: nothing crafted");
  s.map[at(C - 1, C + 1)] = Block.CRAFTING_TABLE;
  const r = step(s, Action.MAKE_WOOD_PICKAXE);
  assert.equal(inv(s, Inv.WOOD_PICKAXE), 1);
  assert.equal(inv(s, Inv.WOOD), 0);
  assert.ok(ach(s, Achievement.MAKE_WOOD_PICKAXE));
  assert.equal(r.reward, 1);
  step(s, Action.MAKE_WOOD_PICKAXE);
  assert.equal(inv(s, Inv.WOOD_PICKAXE), 1, "no wood left");
});

Deno.test("crafting: stone tools cost wood+stone, iron tools also need a furnace, counts stack", () => {
  const s = sandWorld();
  s.map[at(C, C + 1)] = Block.CRAFTING_TABLE;
  s.inventory.set([5, 5, 2, 2], Inv.WOOD);
  step(s, Action.MAKE_STONE_SWORD);
  step(s, Action.MAKE_STONE_SWORD);
  assert.equal(inv(s, Inv.STONE_SWORD), 2, "tools are counts");
  assert.deepEqual([inv(s, Inv.WOOD), inv(s, Inv.STONE)], [3, 3]);
  step(s, Action.MAKE_IRON_PICKAXE);
  assert.equal(inv(s, Inv.IRON_PICKAXE), 0, "no furnace");
  s.map[at(C + 1, C - 1)] = Block.FURNACE;
  step(s, Action.MAKE_IRON_PICKAXE);
  assert.equal(inv(s, Inv.IRON_PICKAXE), 1);
  assert.deepEqual([inv(s, Inv.WOOD), inv(s, Inv.STONE), inv(s, Inv.COAL), inv(s, Inv.IRON)], [2, 2, 1, 1]);
  step(s, Action.MAKE_IRON_SWORD);
  assert.equal(inv(s, Inv.IRON_SWORD), 1);
  assert.ok(ach(s, Achievement.MAKE_IRON_PICKAXE) && ach(s, Achievement.MAKE_IRON_SWORD));
});

Deno.test("placement: table costs 2 wood and needs a non-solid target; stone fills water", () => {
  const s = sandWorld();
  s.inventory[Inv.WOOD] = 1;
  step(s, Action.PLACE_TABLE);
  assert.equal(s.map[at(C - 1, C)], Block.SAND, "1 wood is not enough");
  s.inventory[Inv.WOOD] = 2;
  s.map[at(C - 1, C)] = Block.WATER;
  step(s, Action.PLACE_TABLE);
  assert.equal(s.map[at(C - 1, C)], Block.WATER, "water is solid for tables");
  s.inventory[Inv.STONE] = 1;
  step(s, Action.PLACE_STONE);
  assert.equal(s.map[at(C - 1, C)], Block.STONE, "stone goes onto water");
  assert.equal(inv(s, Inv.STONE), 0);
  s.map[at(C - 1, C)] = Block.SAND;
  step(s, Action.PLACE_TABLE);
  assert.equal(s.map[at(C - 1, C)], Block.CRAFTING_TABLE);
  assert.equal(inv(s, Inv.WOOD), 0);
  assert.ok(ach(s, Achievement.PLACE_TABLE) && ach(s, Achievement.PLACE_STONE));
});

Deno.test("placement and growth: saplings go on grass only and ripen after 600 steps", () => {
  const s = sandWorld();
  s.inventory[Inv.SAPLING] = 1;
  step(s, Action.PLACE_PLANT);
  assert.equal(s.map[at(C - 1, C)], Block.SAND, "not on sand");
  s.map[at(C - 1, C)] = Block.GRASS;
  step(s, Action.PLACE_PLANT);
  assert.equal(s.map[at(C - 1, C)], Block.PLANT);
  assert.equal(s.plantMask[0], 1);
  // Keep the player alive while the plant grows.
  for (let t = 0; t < 598; t++) {
    s.food[0] = s.drink[0] = s.energy[0] = 9;
    step(s, Action.NOOP);
  }
  assert.equal(s.map[at(C - 1, C)], Block.PLANT, "age 599");
  step(s, Action.NOOP);
  assert.equal(s.map[at(C - 1, C)], Block.RIPE_PLANT, "age 600");
  s.food[0] = 2;
  step(s, Action.DO);
  assert.equal(s.food[0], 6);
  assert.equal(s.map[at(C - 1, C)], Block.PLANT);
  assert.equal(s.plantAge[0], 1, "eating resets the age, then it grows this step");
  assert.ok(ach(s, Achievement.EAT_PLANT));
});

Deno.test("DO: trees give wood and become grass; stone needs a pickaxe; water quenches", () => {
  const s = sandWorld();
  s.map[at(C - 1, C)] = Block.TREE;
  const r = step(s, Action.DO);
  assert.equal(inv(s, Inv.WOOD), 1);
  assert.equal(s.map[at(C - 1, C)], Block.GRASS);
  assert.equal(r.reward, 1, "first COLLECT_WOOD");
  s.map[at(C - 1, C)] = Block.TREE;
  assert.equal(step(s, Action.DO).reward, 0, "achievement rewarded once");
  s.map[at(C - 1, C)] = Block.STONE;
  step(s, Action.DO);
  assert.equal(s.map[at(C - 1, C)], Block.STONE, "no pickaxe");
  s.inventory[Inv.WOOD_PICKAXE] = 1;
  step(s, Action.DO);
  assert.equal(s.map[at(C - 1, C)], Block.PATH);
  assert.equal(inv(s, Inv.STONE), 1);
  s.map[at(C - 1, C)] = Block.WATER;
  s.drink[0] = 3;
  step(s, Action.DO);
  assert.equal(s.drink[0], 4);
  assert.equal(s.thirst[0], 1, "thirst reset by drinking, then +1 this step");
});

Deno.test("movement: solid blocks stop the player but turn it; lava kills", () => {
  const s = sandWorld();
  s.map[at(C, C + 1)] = Block.STONE;
  step(s, Action.RIGHT);
  assert.deepEqual([s.playerPos[0], s.playerPos[1], s.playerDir[0]], [C, C, Action.RIGHT]);
  step(s, Action.LEFT);
  assert.deepEqual([s.playerPos[0], s.playerPos[1]], [C, C - 1]);
  s.map[at(C + 1, C - 1)] = Block.LAVA;
  const r = step(s, Action.DOWN);
  assert.equal(r.done, true);
  assert.equal(s.health[0], 0);
  assert.equal(r.reward, Math.fround(-9 * Math.fround(0.1)), "health 9 -> 0 gives 0.1f * -9");
});

Deno.test("zombie: adjacent attack deals 2 (7 asleep), wakes the player, cooldown 5", () => {
  const s = sandWorld();
  const z = ZOMBIE0;
  s.mobPos[2 * z] = C - 1, s.mobPos[2 * z + 1] = C;
  s.mobMask[z] = 1, s.mobHealth[z] = 5, s.mobCooldown[z] = 0;
  s.mobMap[at(C - 1, C)] = 1;
  const r = step(s, Action.NOOP);
  assert.equal(s.health[0], 7);
  assert.equal(s.mobCooldown[z], 5);
  assert.equal(r.reward, Math.fround(-0.2));
  s.sleeping[0] = 1, s.energy[0] = 3, s.mobCooldown[z] = 0;
  s.mobPos[2 * z] = C - 1, s.mobPos[2 * z + 1] = C;
  step(s, Action.NOOP);
  assert.equal(s.health[0], 0, "7 damage while asleep");
  assert.equal(s.sleeping[0], 0);
  assert.ok(ach(s, Achievement.WAKE_UP));
});

Deno.test("combat: sword damage and killing a cow feeds the player", () => {
  const s = sandWorld();
  const cow = COW0;
  s.mobPos[2 * cow] = C - 1, s.mobPos[2 * cow + 1] = C;
  s.mobMask[cow] = 1, s.mobHealth[cow] = 3;
  s.mobMap[at(C - 1, C)] = 1;
  s.inventory[Inv.STONE_SWORD] = 1; // damage max(1, 3) = 3
  s.food[0] = 1;
  const r = step(s, Action.DO);
  assert.equal(s.mobMask[cow], 0);
  assert.equal(s.food[0], 7);
  assert.ok(ach(s, Achievement.EAT_COW));
  assert.equal(r.reward, 1);
});

Deno.test("intrinsics: food drops at step 26, drink at 21, energy at 31; sleep restores energy", () => {
  const s = sandWorld();
  const firstDrop = { food: 0, drink: 0, energy: 0 };
  for (let t = 1; t <= 40; t++) {
    step(s, Action.NOOP);
    if (!firstDrop.food && s.food[0] < 9) firstDrop.food = t;
    if (!firstDrop.drink && s.drink[0] < 9) firstDrop.drink = t;
    if (!firstDrop.energy && s.energy[0] < 9) firstDrop.energy = t;
  }
  assert.deepEqual(firstDrop, { food: 26, drink: 21, energy: 31 });
  step(s, Action.SLEEP);
  assert.equal(s.sleeping[0], 1);
  let t = 0;
  while (s.sleeping[0] && t < 100) step(s, Action.NOOP), t++;
  assert.equal(s.energy[0], 9);
  assert.ok(ach(s, Achievement.WAKE_UP));
});

Deno.test("intrinsics: unmet needs drain health every 16 steps, sleeping at full energy is refused", () => {
  const s = sandWorld();
  s.food[0] = 0;
  let t = 0;
  while (s.health[0] === 9 && t < 50) step(s, Action.NOOP), t++;
  assert.equal(t, 16, "recover < -15 after 16 steps");
  const s2 = sandWorld();
  step(s2, Action.SLEEP);
  assert.equal(s2.sleeping[0], 0, "energy 9: cannot fall asleep");
});

Deno.test("day and night: light starts near 0.8, reaches 0 at t = 210 and repeats every 300", () => {
  assert.ok(Math.abs(lightLevel(0) - 0.7969) < 1e-3);
  assert.ok(lightLevel(210) < 1e-6);
  assert.ok(lightLevel(60) > 0.99);
  for (let t = 0; t < 300; t += 7) {
    const v = lightLevel(t);
    assert.ok(v >= 0 && v <= 1);
    assert.ok(Math.abs(lightLevel(t + 300) - v) < 1e-5);
  }
  const s = sandWorld();
  step(s, Action.NOOP);
  assert.equal(s.timestep[0], 1);
  assert.equal(s.light[0], lightLevel(1));
});

Deno.test("termination: the 10000-step cap ends the episode", () => {
  const s = sandWorld();
  s.timestep[0] = 9998;
  assert.equal(step(s, Action.NOOP).done, false);
  assert.equal(step(s, Action.NOOP).done, true);
});

Deno.test("world generation: spawn on grass, a diamond, only valid blocks, plausible terrain", () => {
  const counts = new Float64Array(17);
  for (let seed = 0; seed < 8; seed++) {
    const s = new ClassicState(1);
    generateWorld(s, 0, 0, seed);
    assert.equal(s.map[at(C, C)], Block.GRASS);
    let diamonds = 0;
    for (let i = 0; i < MAP_SIZE * MAP_SIZE; i++) {
      const b = s.map[i];
      assert.ok(b >= Block.GRASS && b <= Block.LAVA && b !== Block.WOOD, `block ${b}`);
      counts[b]++;
      if (b === Block.DIAMOND) diamonds++;
    }
    assert.ok(diamonds >= 1);
    assert.equal(s.health[0], 9);
    assert.equal(s.mobMask.reduce((a, b) => a + b, 0), 0, "no mobs at reset");
    // Near spawn the proximity term keeps the terrain walkable.
    for (let r = C - 2; r <= C + 2; r++) {
      for (let c = C - 2; c <= C + 2; c++) assert.notEqual(s.map[at(r, c)], Block.LAVA);
    }
  }
  for (const b of [Block.GRASS, Block.WATER, Block.STONE, Block.TREE, Block.PATH, Block.COAL, Block.SAND]) {
    assert.ok(counts[b] > 0, `block ${b} never generated`);
  }
  assert.ok(counts[Block.GRASS] > counts[Block.COAL]);
});

Deno.test("observation: layout, one-hots and scaled intrinsics", () => {
  const s = sandWorld();
  s.map[at(C - 1, C)] = Block.TREE;
  s.inventory[Inv.WOOD] = 9;
  const obs = new Float32Array(OBS_SIZE);
  writeObservation(s, 0, obs, 0);
  const cell = (r: number, c: number) => (r * 9 + c) * 21;
  for (let r = 0; r < 7; r++) {
    for (let c = 0; c < 9; c++) {
      let sum = 0;
      for (let ch = 0; ch < 17; ch++) sum += obs[cell(r, c) + ch];
      assert.equal(sum, 1, "one block per cell");
    }
  }
  assert.equal(obs[cell(2, 4) + Block.TREE], 1, "tree above the player");
  assert.equal(obs[1323], 0.89990234375, "9 wood in float16 / 10");
  assert.equal(obs[1335], 0.89990234375, "health 9");
  assert.equal(obs[1339 + 2], 1, "facing UP");
  assert.equal(obs[1344], 0);
  // A cow two cells left of the player shows in channel 18.
  s.mobPos[2 * COW0] = C, s.mobPos[2 * COW0 + 1] = C - 2, s.mobMask[COW0] = 1;
  writeObservation(s, 0, obs, 0);
  assert.equal(obs[cell(3, 2) + 18], 1);
});

Deno.test("batched API: shapes, auto-reset and clear errors", () => {
  const env = new CraftaxClassic();
  const obs = env.reset(3, 4);
  assert.equal(obs.length, 4 * OBS_SIZE);
  const res = env.step(new Int32Array([0, 1, 2, 5]));
  assert.equal(res.obs.length, 4 * OBS_SIZE);
  assert.equal(res.rewards.length, 4);
  assert.equal(res.dones.length, 4);
  assert.equal(res.achievements.length, 4 * NUM_ACHIEVEMENTS);
  assert.throws(() => env.step(new Int32Array([0, 1, 2])), /expected 4 actions/);
  assert.throws(() => env.step([0, 1, 17, 0]), /action 17/);
  assert.throws(() => env.step([0, -1, 0, 0]), /action -1/);
  assert.throws(() => env.step([0, NaN, 0, 0]), /action NaN/);
  assert.throws(() => env.step([0, 1.5, 0, 0]), /action 1.5/);
  assert.throws(() => env.reset(NaN, 2), /seed/);
  assert.throws(() => env.reset(0, 0), /numEnvs/);
  assert.throws(() => new CraftaxClassic().step([0]), /reset/);
  // Walking into lava ends the episode and the env restarts at the spawn point.
  const s = env.state;
  const e = 1;
  s.map[e * 4096 + (s.playerPos[2 * e] - 1) * MAP_SIZE + s.playerPos[2 * e + 1]] = Block.LAVA;
  const r = env.step([0, Action.UP, 0, 0]);
  assert.equal(r.dones[1], 1);
  assert.ok(r.rewards[1] < 0);
  assert.deepEqual([s.playerPos[2], s.playerPos[3]], [C, C]);
  assert.equal(s.timestep[1], 0);
  // Mob slots of the fresh world are back to their initial values.
  for (let i = 0; i < NUM_MOB_SLOTS; i++) assert.equal(s.mobMask[NUM_MOB_SLOTS + i], 0);
});

Deno.test("world generation: the fast noise path decides every cell like full float32 noise", () => {
  const fast = new ClassicState(1), ref = new ClassicState(1);
  for (let seed = 0; seed < 300; seed++) {
    generateWorld(fast, 0, seed * 7919, seed, false, false);
    generateWorld(ref, 0, seed * 7919, seed, false, true);
    let diff = 0;
    for (let i = 0; i < MAP_SIZE * MAP_SIZE; i++) if (fast.map[i] !== ref.map[i]) diff++;
    assert.equal(diff, 0, `seed ${seed}: ${diff} cells differ`);
  }
});

Deno.test("quirk: DO resurrects empty zombie/cow slots, which despawn again when far away", () => {
  const s = sandWorld();
  // Initial empty slots: zombies health 1, cows health 3, all at (0, 0), masks off.
  assert.equal(s.mobHealth[ZOMBIE0], 1);
  assert.equal(s.mobHealth[COW0], 3);
  s.playerPos[0] = 5, s.playerPos[1] = 5; // within 14 of (0, 0): resurrected slots survive
  step(s, Action.DO);
  let live = 0;
  for (let i = 0; i < 6; i++) live += s.mobMask[i];
  assert.equal(live, 6, "3 zombies + 3 cows come back");
  const far = sandWorld();
  step(far, Action.DO); // player at (32, 32): 64 away, so they despawn in the same step
  for (let i = 0; i < 6; i++) assert.equal(far.mobMask[i], 0);
});

Deno.test("quirk: an arrow leaving row 0 wraps its map write onto row 63 and breaks a table there", () => {
  const s = sandWorld();
  const a = 8; // first arrow slot
  s.mobPos[2 * a] = 0, s.mobPos[2 * a + 1] = 10, s.mobMask[a] = 1;
  s.arrowDir[0] = -1, s.arrowDir[1] = 0;
  s.map[at(63, 10)] = Block.CRAFTING_TABLE;
  step(s, Action.NOOP);
  assert.equal(s.mobMask[a], 0, "stopped at the edge");
  assert.equal(s.map[at(63, 10)], Block.PATH, "wrapped write");
  assert.equal(s.mobPos[2 * a], -1, "dead arrows keep drifting");
  step(s, Action.NOOP);
  assert.equal(s.mobPos[2 * a], -2);
});

Deno.test("quirk: a dead mob slot whose local index wraps onto a visible mob erases it from the view", () => {
  const s = sandWorld();
  const obs = new Float32Array(OBS_SIZE);
  // Live zombie 0 one cell above the player: local (2, 4).
  s.mobPos[0] = C - 1, s.mobPos[1] = C, s.mobMask[0] = 1;
  writeObservation(s, 0, obs, 0);
  assert.equal(obs[(2 * 9 + 4) * 21 + 17], 1);
  // Dead zombie 1 at local (2 - 7, 4) = (-5, 4): wraps to (2, 4) and writes 0 there.
  s.mobPos[2] = C - 1 - 7, s.mobPos[3] = C, s.mobMask[1] = 0;
  writeObservation(s, 0, obs, 0);
  assert.equal(obs[(2 * 9 + 4) * 21 + 17], 0);
});

Deno.test("skeleton: shoots an arrow toward the player at distance 4-5", () => {
  const s = sandWorld();
  s.map.fill(Block.PATH); // skeletons live on paths (spawns stay random but cannot matter here)
  const k = 6; // first skeleton slot
  s.mobPos[2 * k] = C - 4,
    s.mobPos[2 * k + 1] = C,
    s.mobMask[k] = 1,
    s.mobHealth[k] = 3,
    s.mobCooldown[k] = 0;
  s.mobMap[at(C - 4, C)] = 1;
  step(s, Action.NOOP);
  assert.equal(s.mobCooldown[k], 4);
  assert.equal(s.mobMask[8], 1, "arrow spawned");
  assert.deepEqual([s.arrowDir[0], s.arrowDir[1]], [1, 0], "flying down toward the player");
  assert.deepEqual([s.mobPos[16], s.mobPos[17]], [C - 3, C], "and already moved one cell");
});
