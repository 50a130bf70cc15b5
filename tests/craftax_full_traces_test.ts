/**
 * Full Craftax step against the golden full traces (JAX Craftax v1.6.1, tests/fixtures/craftax): every
 * observation (8268 floats), reward and done of 1000 steps, auto-resets included, must match exactly. On a
 * mismatch the test reports the first diverging step and the differing observation elements.
 * Also: the batched API's bad-input errors and a few rules the random-action traces never reach.
 */

import assert from "node:assert/strict";
import { CraftaxFull } from "../envs/craftax/full/env.ts";
import {
  FULL_MAP_CELLS,
  FULL_MAP_SIZE,
  FullBlock,
  Item,
  NUM_LEVELS,
} from "../envs/craftax/full/constants.ts";
import { FULL_OBS_MAP_SIZE, FULL_OBS_SIZE } from "../envs/craftax/full/observation.ts";
import { FullAchievement, FullAction } from "../envs/craftax/full/rules.ts";
import { FULL_NUM_ACHIEVEMENTS, FULL_NUM_INV, FullInv, type FullState } from "../envs/craftax/full/state.ts";
import { readJsonFixture } from "./fixture_util.ts";

interface FullTrace {
  obs_size: number;
  obs0: [number[], number[]];
  actions: number[];
  rewards: number[];
  dones: (boolean | number)[];
  obs: [number[], number[]][];
}

/** The golden trace of `seed`; a missing file fails the calling test. */
function load(seed: number): FullTrace {
  return readJsonFixture<FullTrace>(`craftax/full_seed${seed}.json.gz`);
}

function dense(sparse: [number[], number[]]): Float32Array {
  const out = new Float32Array(FULL_OBS_SIZE);
  sparse[0].forEach((idx, j) => out[idx] = sparse[1][j]);
  return out;
}

/** Names an observation element: view cell and channel, or the flat-vector slot. */
function describe(i: number): string {
  if (i < FULL_OBS_MAP_SIZE) {
    const cell = Math.floor(i / 83), ch = i % 83;
    return `view row ${Math.floor(cell / 11)} col ${cell % 11} channel ${ch}`;
  }
  return `flat slot ${i - FULL_OBS_MAP_SIZE}`;
}

function firstDiffs(a: Float32Array, b: Float32Array, max = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < max; i++) {
    if (a[i] !== b[i]) out.push(`[${i}] ${describe(i)}: got ${a[i]}, want ${b[i]}`);
  }
  return out;
}

for (const seed of [0, 1, 2, 3]) {
  Deno.test({
    name: `craftax full trace seed ${seed}: 1000 steps (obs, reward, done) match`,
    fn() {
      const t = load(seed);
      assert.equal(t.obs_size, FULL_OBS_SIZE);
      const env = new CraftaxFull();
      const obs0 = env.reset(seed, 1);
      const d0 = firstDiffs(obs0, dense(t.obs0));
      assert.equal(d0.length, 0, `reset observation differs:\n${d0.join("\n")}`);
      const action = new Int32Array(1);
      for (let k = 0; k < t.actions.length; k++) {
        action[0] = t.actions[k];
        const r = env.step(action);
        const s = env.state;
        const where = `seed ${seed} step ${k} (action ${t.actions[k]}, floor ${s.playerLevel[0]}, ` +
          `pos ${s.playerPos[0]},${s.playerPos[1]}, t ${s.timestep[0]})`;
        const wantDone = t.dones[k] ? 1 : 0;
        assert.equal(
          r.dones[0],
          wantDone,
          `first divergence at ${where}: done ${r.dones[0]}, want ${wantDone}`,
        );
        assert.equal(
          r.rewards[0],
          Math.fround(t.rewards[k]),
          `first divergence at ${where}: reward ${r.rewards[0]}, want ${t.rewards[k]}`,
        );
        const d = firstDiffs(r.obs, dense(t.obs[k]));
        assert.equal(d.length, 0, `first divergence at ${where}: observation differs:\n${d.join("\n")}`);
      }
    },
  });
}

Deno.test("CraftaxFull: batch shapes and bad input", () => {
  const env = new CraftaxFull();
  assert.throws(() => env.step([0]), /reset/);
  assert.throws(() => env.reset(-1, 1), /seed/);
  assert.throws(() => env.reset(0, 0), /numEnvs/);
  assert.throws(() => env.reset(0, 1.5), /numEnvs/);
  const obs = env.reset(7, 2);
  assert.equal(obs.length, 2 * FULL_OBS_SIZE);
  assert.throws(() => env.step([0]), /expected 2 actions/);
  assert.throws(() => env.step([0, 43]), /action 43/);
  assert.throws(() => env.step([0, -1]), /action -1/);
  assert.throws(() => env.step([0, NaN]), /action NaN/);
  assert.throws(() => env.step([0, 1.5]), /action 1.5/);
  const r = env.step(Int32Array.of(0, 5));
  assert.equal(r.obs.length, 2 * FULL_OBS_SIZE);
  assert.equal(r.rewards.length, 2);
  assert.equal(r.dones.length, 2);
  assert.equal(r.achievements.length, 2 * FULL_NUM_ACHIEVEMENTS);
});

Deno.test("CraftaxFull: env i replays PRNGKey(seed + i)", () => {
  const a = new CraftaxFull(), b = new CraftaxFull();
  const oa = a.reset(3, 2).slice(FULL_OBS_SIZE);
  const ob = b.reset(4, 1);
  assert.deepEqual(oa, ob.slice());
  for (let k = 0; k < 50; k++) {
    const act = (k * 7) % 43;
    const ra = a.step([(k * 3) % 43, act]).obs.slice(FULL_OBS_SIZE);
    const rb = b.step([act]).obs;
    assert.deepEqual(ra, rb.slice());
  }
});

// --- Rules the random-action traces never reach -------------------------------------------------

function at(_s: FullState, level: number, r: number, c: number): number {
  return level * FULL_MAP_CELLS + r * FULL_MAP_SIZE + c;
}

/** A fresh env with the player facing up at (24, 24) on floor 0 and no mobs. */
function sandbox(): { env: CraftaxFull; s: FullState } {
  const env = new CraftaxFull();
  env.reset(11, 1);
  const s = env.state;
  s.mobMask.fill(0);
  s.mobMap.fill(0);
  return { env, s };
}

Deno.test("full rules: descending needs a cleared floor and a ladder; entering grants xp", () => {
  const { env, s } = sandbox();
  const [dr, dc] = [s.downLadders[0], s.downLadders[1]];
  s.playerPos[0] = dr, s.playerPos[1] = dc;
  s.monstersKilled[0] = 0;
  env.step([FullAction.DESCEND]);
  assert.equal(s.playerLevel[0], 0, "floor 0 not cleared: stay");
  s.monstersKilled[0] = 8;
  s.mobMask.fill(0);
  env.step([FullAction.DESCEND]);
  assert.equal(s.playerLevel[0], 1);
  assert.deepEqual([s.playerPos[0], s.playerPos[1]], [s.upLadders[2], s.upLadders[3]]);
  assert.equal(s.achievements[FullAchievement.ENTER_DUNGEON], 1);
  assert.equal(s.xp[0], 1);
  assert.equal(s.itemMap[at(s, 1, s.playerPos[0], s.playerPos[1])], Item.LADDER_UP);
  s.mobMask.fill(0);
  env.step([FullAction.ASCEND]);
  assert.equal(s.playerLevel[0], 0);
  assert.deepEqual([s.playerPos[0], s.playerPos[1]], [dr, dc]);
});

Deno.test("full rules: crafting tiers, armour and torches", () => {
  const { env, s } = sandbox();
  const inv = (k: number) => s.inventory[k];
  s.map[at(s, 0, 24, 25)] = FullBlock.CRAFTING_TABLE;
  s.map[at(s, 0, 24, 23)] = FullBlock.FURNACE;
  s.inventory[FullInv.WOOD] = 10, s.inventory[FullInv.STONE] = 5, s.inventory[FullInv.COAL] = 6;
  s.inventory[FullInv.IRON] = 5, s.inventory[FullInv.DIAMOND] = 5;
  for (
    const a of [
      FullAction.MAKE_WOOD_PICKAXE,
      FullAction.MAKE_STONE_PICKAXE,
      FullAction.MAKE_IRON_PICKAXE,
      FullAction.MAKE_DIAMOND_PICKAXE,
      FullAction.MAKE_IRON_ARMOUR,
      FullAction.MAKE_TORCH,
    ]
  ) {
    s.mobMask.fill(0);
    env.step([a]);
  }
  assert.equal(inv(FullInv.PICKAXE), 4);
  assert.equal(inv(FullInv.DIAMOND), 2);
  assert.deepEqual(Array.from(s.armour), [1, 0, 0, 0]);
  assert.equal(inv(FullInv.TORCHES), 4);
  assert.equal(inv(FullInv.COAL), 6 - 1 - 3 - 1);
  for (
    const a of [
      FullAchievement.MAKE_DIAMOND_PICKAXE,
      FullAchievement.MAKE_IRON_ARMOUR,
      FullAchievement.MAKE_TORCH,
      FullAchievement.MAKE_IRON_PICKAXE,
    ]
  ) assert.equal(s.achievements[a], 1);
});

Deno.test("full rules: torches light the floor, potions follow the hidden mapping", () => {
  const { env, s } = sandbox();
  s.map[at(s, 0, 23, 24)] = FullBlock.GRASS;
  s.itemMap[at(s, 0, 23, 24)] = Item.NONE;
  s.inventory[FullInv.TORCHES] = 1;
  env.step([FullAction.PLACE_TORCH]);
  assert.equal(s.itemMap[at(s, 0, 23, 24)], Item.TORCH);
  assert.equal(s.achievements[FullAchievement.PLACE_TORCH], 1);
  // Potion with effect 2 (+8 mana, clipped to 6 + 3 * intelligence).
  const slot = Array.from(s.potionMapping.subarray(0, 6)).indexOf(2);
  s.potions[slot] = 1;
  s.mana[0] = 0;
  s.mobMask.fill(0);
  env.step([FullAction.DRINK_POTION_RED + slot]);
  assert.equal(s.potions[slot], 0);
  assert.ok(s.mana[0] >= 8 && s.mana[0] <= 9, `mana ${s.mana[0]}`);
  assert.equal(s.achievements[FullAchievement.DRINK_POTION], 1);
});

Deno.test("full rules: opening a chest on the dungeon floor yields the bow", () => {
  const { env, s } = sandbox();
  s.playerLevel[0] = 1;
  s.playerPos[0] = 20, s.playerPos[1] = 20, s.playerDir[0] = FullAction.UP;
  s.map[at(s, 1, 19, 20)] = FullBlock.CHEST;
  s.chestsOpened[1] = 0;
  s.mobMask.fill(0);
  env.step([FullAction.DO]);
  assert.equal(s.map[at(s, 1, 19, 20)], FullBlock.PATH);
  assert.equal(s.inventory[FullInv.BOW], 1);
  assert.equal(s.chestsOpened[1], 1);
  assert.equal(s.achievements[FullAchievement.OPEN_CHEST], 1);
  assert.equal(s.achievements[FullAchievement.FIND_BOW], 1);
  assert.equal(FULL_NUM_INV, 14);
  assert.equal(NUM_LEVELS, 9);
});

/** Live monsters and passive mobs occupy exactly the marked mob-map cells of every floor. */
function checkInvariants(s: FullState, e: number, where: string): void {
  for (let l = 0; l < NUM_LEVELS; l++) {
    let marked = 0;
    for (let i = 0; i < FULL_MAP_CELLS; i++) marked += s.mobMap[(e * NUM_LEVELS + l) * FULL_MAP_CELLS + i];
    let live = 0;
    for (let i = 0; i < 8; i++) {
      const j = (e * NUM_LEVELS + l) * 14 + i;
      if (!s.mobMask[j]) continue;
      live++;
      const [r, c] = [s.mobPos[2 * j], s.mobPos[2 * j + 1]];
      assert.ok(r >= 0 && r < FULL_MAP_SIZE && c >= 0 && c < FULL_MAP_SIZE, `${where}: mob off the map`);
      assert.equal(
        s.mobMap[(e * NUM_LEVELS + l) * FULL_MAP_CELLS + r * FULL_MAP_SIZE + c],
        1,
        `${where}: mob map`,
      );
    }
    assert.equal(marked, live, `${where}: floor ${l} has ${marked} marked cells for ${live} mobs`);
  }
  assert.ok(
    Number.isFinite(s.health[e]) && s.health[e] <= 8 + s.strength[e],
    `${where}: health ${s.health[e]}`,
  );
  for (let k = 0; k < FULL_NUM_INV; k++) {
    const v = s.inventory[e * FULL_NUM_INV + k];
    assert.ok(v >= 0 && v <= 99, `${where}: inventory ${k} = ${v}`);
  }
}

Deno.test("full rules: every floor survives random play with consistent mobs (incl. boss floor)", () => {
  const env = new CraftaxFull();
  const n = NUM_LEVELS;
  env.reset(100, n);
  const s = env.state;
  // Put env l on floor l at its up ladder (floor 0: the start), strong and well equipped.
  for (let e = 0; e < n; e++) {
    s.playerLevel[e] = e;
    if (e > 0) {
      s.playerPos[2 * e] = s.upLadders[(e * NUM_LEVELS + e) * 2];
      s.playerPos[2 * e + 1] = s.upLadders[(e * NUM_LEVELS + e) * 2 + 1];
    }
    const o = e * FULL_NUM_INV;
    s.inventory[o + FullInv.SWORD] = 4,
      s.inventory[o + FullInv.PICKAXE] = 4,
      s.inventory[o + FullInv.BOW] = 1;
    s.inventory[o + FullInv.ARROWS] = 50,
      s.inventory[o + FullInv.BOOKS] = 2,
      s.inventory[o + FullInv.RUBY] = 5;
    s.inventory[o + FullInv.SAPPHIRE] = 5, s.inventory[o + FullInv.TORCHES] = 20;
    s.mana[e] = 9;
    for (let k = 0; k < 6; k++) s.potions[6 * e + k] = 3;
  }
  let rng = 12345;
  const next = () => (rng = (Math.imul(rng, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const actions = new Int32Array(n);
  let dones = 0;
  const seen = new Set<number>();
  for (let t = 0; t < 400; t++) {
    for (let e = 0; e < n; e++) actions[e] = Math.floor(next() * 43);
    const r = env.step(actions);
    for (let e = 0; e < n; e++) {
      dones += r.dones[e];
      assert.ok(Number.isFinite(r.rewards[e]), `reward ${r.rewards[e]}`);
      for (let k = 0; k < FULL_NUM_ACHIEVEMENTS; k++) {
        if (r.achievements[e * FULL_NUM_ACHIEVEMENTS + k]) seen.add(k);
      }
      if (t % 8 === 0) checkInvariants(s, e, `env ${e} step ${t}`);
    }
    if (t % 8 === 0) { for (let i = 0; i < r.obs.length; i++) assert.ok(Number.isFinite(r.obs[i])); }
  }
  console.log(`${dones} episodes ended; achievements seen: ${[...seen].sort((a, b) => a - b).join(" ")}`);
});
