/**
 * Replays the golden Craftax-Classic traces recorded from JAX Craftax v1.6.1
 * (tests/fixtures/craftax): the generated world, the player's start, the reset
 * observation and every observation, reward and done of 1000 auto-reset steps must match
 * exactly (float32 bit equality).
 */

import assert from "node:assert/strict";
import { prngKey, split } from "../envs/craftax/jax_random.ts";
import { CraftaxClassic } from "../envs/craftax/classic/env.ts";
import { ClassicState } from "../envs/craftax/classic/state.ts";
import { generateWorld } from "../envs/craftax/classic/worldgen.ts";
import { MAP_SIZE, OBS_SIZE } from "../envs/craftax/classic/constants.ts";
import { readJsonFixture } from "./fixture_util.ts";

const SEEDS = [0, 1, 2, 3, 4, 5];

interface Trace {
  seed: number;
  obs_size: number;
  map: number[][];
  player_position: number[];
  obs0: [number[], number[]];
  actions: number[];
  rewards: number[];
  dones: boolean[];
  obs: [number[], number[]][];
  episodes_done: number;
}

const traces = new Map<number, Trace>();

/** The trace of `seed`, read once; a missing file fails the calling test. */
function trace(seed: number): Trace {
  let t = traces.get(seed);
  if (!t) {
    t = readJsonFixture<Trace>(`craftax/classic_seed${seed}.json.gz`);
    traces.set(seed, t);
  }
  return t;
}

function dense(sparse: [number[], number[]]): Float32Array {
  const out = new Float32Array(OBS_SIZE);
  sparse[0].forEach((idx, k) => out[idx] = sparse[1][k]);
  return out;
}

/** Index of the first differing element, or -1. */
function firstDiff(a: Float32Array, b: Float32Array, offset = 0): number {
  for (let i = 0; i < b.length; i++) if (a[offset + i] !== b[i]) return i;
  return -1;
}

for (const seed of SEEDS) {
  Deno.test({
    name: `craftax classic trace seed ${seed}: world generation`,
    fn() {
      const tr = trace(seed);
      assert.equal(tr.obs_size, OBS_SIZE);
      const [, k] = split(prngKey(seed));
      const s = new ClassicState(1);
      generateWorld(s, 0, k[0], k[1]);
      let mismatches = 0;
      for (let r = 0; r < MAP_SIZE; r++) {
        for (let c = 0; c < MAP_SIZE; c++) if (s.map[r * MAP_SIZE + c] !== tr.map[r][c]) mismatches++;
      }
      assert.equal(mismatches, 0, `${mismatches} map cells differ`);
      assert.deepEqual([s.playerPos[0], s.playerPos[1]], tr.player_position);
    },
  });

  Deno.test({
    name: `craftax classic trace seed ${seed}: 1000 steps (obs, reward, done)`,
    fn() {
      const tr = trace(seed);
      const env = new CraftaxClassic();
      const obs0 = env.reset(seed, 1);
      assert.equal(firstDiff(obs0, dense(tr.obs0)), -1, "reset observation differs");
      const action = new Int32Array(1);
      let episodes = 0;
      for (let t = 0; t < tr.actions.length; t++) {
        action[0] = tr.actions[t];
        const res = env.step(action);
        assert.equal(res.rewards[0], Math.fround(tr.rewards[t]), `reward at step ${t}`);
        assert.equal(res.dones[0] === 1, tr.dones[t], `done at step ${t}`);
        const i = firstDiff(res.obs, dense(tr.obs[t]));
        assert.equal(i, -1, `observation element ${i} differs at step ${t}`);
        episodes += res.dones[0];
      }
      assert.equal(episodes, tr.episodes_done);
    },
  });
}

Deno.test({
  name: "craftax classic traces: one batched env per seed reproduces all traces in lockstep",
  fn() {
    const n = SEEDS.length;
    const env = new CraftaxClassic();
    const obs0 = env.reset(0, n);
    for (let e = 0; e < n; e++) {
      assert.equal(firstDiff(obs0, dense(trace(e).obs0), e * OBS_SIZE), -1, `env ${e} reset obs`);
    }
    const actions = new Int32Array(n);
    for (let t = 0; t < 1000; t++) {
      for (let e = 0; e < n; e++) actions[e] = trace(e).actions[t];
      const res = env.step(actions);
      for (let e = 0; e < n; e++) {
        const tr = trace(e);
        assert.equal(res.rewards[e], Math.fround(tr.rewards[t]), `env ${e} reward at ${t}`);
        assert.equal(res.dones[e] === 1, tr.dones[t], `env ${e} done at ${t}`);
        assert.equal(firstDiff(res.obs, dense(tr.obs[t]), e * OBS_SIZE), -1, `env ${e} obs at ${t}`);
      }
    }
  },
});
