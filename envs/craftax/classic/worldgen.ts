/**
 * Craftax-Classic world generation (the original's `generate_world`): noise terrain, paths,
 * caves, ores, trees, lava, the guaranteed diamond, and the initial player/mob/plant state.
 * The key is consumed in exactly the original's split order.
 *
 * @module
 */

import { TF_OUT2, tfBlock2, uniformAt } from "../jax_random.ts";
import {
  Block,
  COW0,
  COW_HEALTH,
  MAP_CELLS,
  MAP_SIZE,
  MAX_PLANTS,
  NUM_ACHIEVEMENTS,
  NUM_INV,
  NUM_MOB_SLOTS,
  SKELETON0,
  ZOMBIE0,
} from "./constants.ts";
import { fractalNoise } from "./noise.ts";
import { NoiseField } from "./noise_field.ts";
import type { ClassicState } from "./state.ts";
import { lightLevel, lightLevelAtReset } from "./daylight.ts";

const f = Math.fround;
const F07 = f(0.7), F06 = f(0.6), F075 = f(0.75), F08 = f(0.8), F085 = f(0.85), F04 = f(0.4);
const F005 = f(0.05), F05 = f(0.5), C_COAL = f(0.04), C_IRON = f(0.03), C_DIAMOND = f(0.005);

/** Player proximity: clip(manhattan distance to the centre / 5, 0, 1) in float32. */
const PROXIMITY: Float32Array = (() => {
  const p = new Float32Array(MAP_CELLS);
  const c = MAP_SIZE >> 1;
  for (let r = 0; r < MAP_SIZE; r++) {
    for (let col = 0; col < MAP_SIZE; col++) {
      p[r * MAP_SIZE + col] = Math.min(1, f(f(Math.abs(r - c) + Math.abs(col - c)) / 5));
    }
  }
  return p;
})();

// Noise fields (fast path) and their fully float32 counterparts (reference path).
const waterField = new NoiseField(MAP_SIZE, 4, 4);
const mountainField = new NoiseField(MAP_SIZE, 4, 4);
const pathField = new NoiseField(MAP_SIZE, 8, 32);
const treeField = new NoiseField(MAP_SIZE, 16, 16);
const water = new Float32Array(MAP_CELLS);
const mountain = new Float32Array(MAP_CELLS);
const pathX = new Float32Array(MAP_CELLS);
const treeNoise = new Float32Array(MAP_CELLS);
let exactMode = false;
// Two float32 roundings of values below 2 in `noise + prox - 1` (and one more for + 0.05).
const SUM_ERROR = 8e-7;

/** True when `v` is within `margin` of any of the thresholds. */
function near(v: number, margin: number, t0: number, t1: number, t2: number, t3: number): boolean {
  return Math.abs(v - t0) <= margin || Math.abs(v - t1) <= margin || Math.abs(v - t2) <= margin ||
    Math.abs(v - t3) <= margin;
}

/** water + proximity - 1: exact float32, or a double on the same side of every threshold. */
function waterAt(i: number): number {
  if (exactMode) return f(f(water[i] + PROXIMITY[i]) - 1);
  const v = waterField.approxNorm(i) + PROXIMITY[i] - 1;
  if (!near(v, waterField.eps + SUM_ERROR, F07, F075, F06, F04)) return v;
  return f(f(waterField.exact(i) + PROXIMITY[i]) - 1);
}

/** mountain + 0.05 + proximity - 1, decided like `waterAt`. */
function mountainAt(i: number): number {
  if (exactMode) return f(f(f(mountain[i] + F005) + PROXIMITY[i]) - 1);
  const v = mountainField.approxNorm(i) + F005 + PROXIMITY[i] - 1;
  if (!near(v, mountainField.eps + SUM_ERROR, F07, F085, F08, F08)) return v;
  return f(f(f(mountainField.exact(i) + F005) + PROXIMITY[i]) - 1);
}

/** Path noise at cell i, decided against 0.8. */
function pathAt(i: number): number {
  if (exactMode) return pathX[i];
  const v = pathField.approxNorm(i);
  return Math.abs(v - F08) > pathField.eps ? v : pathField.exact(i);
}

/** Tree noise at cell i, decided against 0.5 and 0.7. */
function treeAt(i: number): number {
  if (exactMode) return treeNoise[i];
  const v = treeField.approxNorm(i);
  return Math.abs(v - F05) > treeField.eps && Math.abs(v - F07) > treeField.eps ? v : treeField.exact(i);
}
const diamondCells = new Int32Array(MAP_CELLS);
const keys = new Int32Array(20); // sub-keys of the 10 chained splits, flattened pairs
const parents = new Int32Array(20); // parent key after each split

/**
 * Generates a fresh world for env `e` from the reset key (k0, k1). `jitted` selects the light
 * level of a reset inside the jitted step (auto-reset) rather than the eager first reset.
 * `referenceNoise` evaluates every noise cell in float32 (slow; for verification).
 */
export function generateWorld(
  s: ClassicState,
  e: number,
  k0: number,
  k1: number,
  jitted = false,
  referenceNoise = false,
): void {
  const N = MAP_SIZE;
  // Key chain: each stage does `rng, sub = split(rng)`.
  let r0 = k0, r1 = k1;
  for (let i = 0; i < 10; i++) {
    tfBlock2(r0, r1, 0, 1); // rng, sub = split(rng)
    r0 = TF_OUT2[0], r1 = TF_OUT2[1];
    parents[2 * i] = r0, parents[2 * i + 1] = r1;
    keys[2 * i] = TF_OUT2[2], keys[2 * i + 1] = TF_OUT2[3];
  }
  exactMode = referenceNoise;
  if (referenceNoise) {
    fractalNoise(keys[0], keys[1], N, 4, 4, water);
    fractalNoise(keys[4], keys[5], N, 4, 4, mountain);
    fractalNoise(keys[6], keys[7], N, 8, 32, pathX);
    fractalNoise(keys[16], keys[17], N, 16, 16, treeNoise);
  } else {
    waterField.generate(keys[0], keys[1]);
    mountainField.generate(keys[4], keys[5]);
    pathField.generate(keys[6], keys[7]);
    treeField.generate(keys[16], keys[17]);
  }

  const map = s.map;
  const base = e * MAP_CELLS;
  // Every stage of the original is a per-cell select applied in order, so one pass per cell
  // reproduces the whole pipeline.
  let stones = 0;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const i = r * N + c;
      const w = waterAt(i);
      const m = mountainAt(i);
      let b: number = w > F07 ? Block.WATER : Block.GRASS;
      if (w < F075 && w > F06 && b !== Block.WATER) b = Block.SAND;
      if (m > F07) {
        b = Block.STONE;
        if (pathAt(i) > F08 || pathAt(c * N + r) > F08) b = Block.PATH; // paths, then transposed tunnels
      }
      if (m > F085 && w > F04) b = Block.PATH; // caves
      if (b === Block.STONE && uniformAt(keys[10], keys[11], i) < C_COAL) b = Block.COAL;
      if (b === Block.STONE && uniformAt(keys[12], keys[13], i) < C_IRON) b = Block.IRON;
      if (m > F08 && b === Block.STONE && uniformAt(keys[14], keys[15], i) < C_DIAMOND) b = Block.DIAMOND;
      // Trees draw their uniform field from the parent key of the tree-noise split (a quirk).
      if (b === Block.GRASS && treeAt(i) > F05 && uniformAt(parents[16], parents[17], i) > F08) {
        b = Block.TREE;
      }
      if (m > F085 && treeAt(i) > F07) b = Block.LAVA;
      map[base + i] = b;
    }
  }
  const centre = (N >> 1) * N + (N >> 1);
  map[base + centre] = Block.GRASS;

  // always_diamond: choice over all cells with p = isStone / count (float32 cumsum + searchsorted).
  for (let i = 0; i < MAP_CELLS; i++) if (map[base + i] === Block.STONE) diamondCells[stones++] = i;
  const pv = f(1 / stones);
  let total = 0;
  for (let k = 0; k < stones; k++) total = f(total + pv);
  const rr = f(total * f(1 - uniformAt(keys[18], keys[19], 0)));
  let acc = 0, idx = 0;
  for (let k = 0; k < stones; k++) {
    acc = f(acc + pv);
    if (acc >= rr) {
      idx = diamondCells[k];
      break;
    }
  }
  map[base + idx] = Block.DIAMOND;

  resetPlayerAndMobs(s, e, jitted);
}

/** Initial player, inventory, mob, plant and clock state (the original's constructor values). */
function resetPlayerAndMobs(s: ClassicState, e: number, jitted: boolean): void {
  s.mobMap.fill(0, e * MAP_CELLS, (e + 1) * MAP_CELLS);
  s.playerPos[2 * e] = MAP_SIZE >> 1;
  s.playerPos[2 * e + 1] = MAP_SIZE >> 1;
  s.playerDir[e] = 3; // UP
  s.health[e] = 9;
  s.food[e] = 9;
  s.drink[e] = 9;
  s.energy[e] = 9;
  s.sleeping[e] = 0;
  s.recover[e] = 0;
  s.hunger[e] = 0;
  s.thirst[e] = 0;
  s.fatigue[e] = 0;
  s.inventory.fill(0, e * NUM_INV, (e + 1) * NUM_INV);
  const m0 = e * NUM_MOB_SLOTS;
  s.mobPos.fill(0, 2 * m0, 2 * (m0 + NUM_MOB_SLOTS));
  s.mobMask.fill(0, m0, m0 + NUM_MOB_SLOTS);
  s.mobCooldown.fill(0, m0, m0 + NUM_MOB_SLOTS);
  // Dead-slot health matters (resurrection quirk): zombies 1, cows 3, skeletons/arrows 0.
  for (let i = ZOMBIE0; i < COW0; i++) s.mobHealth[m0 + i] = 1;
  for (let i = COW0; i < SKELETON0; i++) s.mobHealth[m0 + i] = COW_HEALTH;
  for (let i = SKELETON0; i < NUM_MOB_SLOTS; i++) s.mobHealth[m0 + i] = 0;
  s.arrowDir.fill(1, 6 * e, 6 * e + 6);
  s.plantPos.fill(0, 2 * MAX_PLANTS * e, 2 * MAX_PLANTS * (e + 1));
  s.plantAge.fill(0, MAX_PLANTS * e, MAX_PLANTS * (e + 1));
  s.plantMask.fill(0, MAX_PLANTS * e, MAX_PLANTS * (e + 1));
  s.achievements.fill(0, e * NUM_ACHIEVEMENTS, (e + 1) * NUM_ACHIEVEMENTS);
  s.light[e] = jitted ? lightLevel(0) : lightLevelAtReset();
  s.timestep[e] = 0;
}
