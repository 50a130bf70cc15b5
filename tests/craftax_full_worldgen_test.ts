/**
 * Full Craftax reset against the golden full traces (JAX Craftax v1.6.1, tests/fixtures/craftax): all
 * nine generated 48x48 floors and the reset observation (8268 floats) must match exactly.
 */

import assert from "node:assert/strict";
import { prngKey, split } from "../envs/craftax/jax_random.ts";
import { generateFullWorld } from "../envs/craftax/full/worldgen.ts";
import {
  FULL_MAP_CELLS,
  FULL_MAP_SIZE,
  FullBlock,
  Item,
  NUM_LEVELS,
} from "../envs/craftax/full/constants.ts";
import { FullState } from "../envs/craftax/full/state.ts";
import { resetFullEnv } from "../envs/craftax/full/reset.ts";
import { FULL_OBS_SIZE, writeFullObservation } from "../envs/craftax/full/observation.ts";
import { readJsonFixture } from "./fixture_util.ts";

interface FullTrace {
  map: number[][][];
  player_position: number[];
  obs_size: number;
  obs0: [number[], number[]];
}

/** The golden trace of `seed`; a missing file fails the calling test. */
function load(seed: number): FullTrace {
  return readJsonFixture<FullTrace>(`craftax/full_seed${seed}.json.gz`);
}

for (const seed of [0, 1, 2, 3]) {
  Deno.test({
    name: `craftax full trace seed ${seed}: nine generated floors match`,
    fn() {
      const trace = load(seed);
      // Harness: key, k = split(PRNGKey(seed)); reset_env(k) splits once more before generate_world.
      const [, k] = split(prngKey(seed));
      const [, worldKey] = split(k);
      const w = generateFullWorld(worldKey);
      for (let l = 0; l < NUM_LEVELS; l++) {
        let diff = 0;
        for (let r = 0; r < FULL_MAP_SIZE; r++) {
          for (let c = 0; c < FULL_MAP_SIZE; c++) {
            if (w.map[l * FULL_MAP_CELLS + r * FULL_MAP_SIZE + c] !== trace.map[l][r][c]) diff++;
          }
        }
        assert.equal(diff, 0, `floor ${l}: ${diff} cells differ`);
      }
      assert.deepEqual(trace.player_position, [24, 24]);
    },
  });

  Deno.test({
    name: `craftax full trace seed ${seed}: reset observation matches`,
    fn() {
      const trace = load(seed);
      const [, k] = split(prngKey(seed));
      const [, worldKey] = split(k);
      const s = new FullState(1);
      resetFullEnv(s, 0, worldKey);
      const obs = new Float32Array(FULL_OBS_SIZE);
      writeFullObservation(s, 0, obs, 0);
      assert.equal(trace.obs_size, FULL_OBS_SIZE);
      const ref = new Float32Array(FULL_OBS_SIZE);
      trace.obs0[0].forEach((idx, j) => ref[idx] = trace.obs0[1][j]);
      let first = -1;
      for (let i = 0; i < FULL_OBS_SIZE && first < 0; i++) if (obs[i] !== ref[i]) first = i;
      assert.equal(first, -1, `observation element ${first} differs`);
    },
  });
}

Deno.test("full world generation: floor structure and ladders", () => {
  const w = generateFullWorld(prngKey(123));
  const at = (l: number, r: number, c: number) => w.map[l * FULL_MAP_CELLS + r * FULL_MAP_SIZE + c];
  assert.equal(at(0, 24, 24), FullBlock.GRASS);
  assert.equal(at(8, 24, 24), FullBlock.NECROMANCER);
  for (let l = 0; l < NUM_LEVELS; l++) {
    const [dr, dc] = [w.downLadders[2 * l], w.downLadders[2 * l + 1]];
    assert.ok(dr >= 0 && dr < FULL_MAP_SIZE && dc >= 0 && dc < FULL_MAP_SIZE);
    // Floors 0-7 have a down ladder on the item map (the boss floor has none).
    const item = w.itemMap[l * FULL_MAP_CELLS + dr * FULL_MAP_SIZE + dc];
    if (l < 8) assert.ok(item === Item.LADDER_DOWN || item === Item.LADDER_UP, `floor ${l} ladder`);
  }
  // Dungeon floors (1, 3, 4) are rooms of path inside walls and darkness, with chests.
  for (const l of [1, 3, 4]) {
    let chests = 0, dark = 0;
    for (let i = 0; i < FULL_MAP_CELLS; i++) {
      const b = w.map[l * FULL_MAP_CELLS + i];
      if (b === FullBlock.CHEST) chests++;
      if (b === FullBlock.DARKNESS) dark++;
    }
    assert.ok(chests >= 1 && chests <= 8, `floor ${l}: ${chests} chests`);
    assert.ok(dark > FULL_MAP_CELLS / 4);
  }
});
