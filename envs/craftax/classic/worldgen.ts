/**
 * Craftax-Classic world generation (the original's `generate_world`): noise terrain, paths,
 * caves, ores, trees, lava, the guaranteed diamond, and the initial player/mob/plant state.
 * The key is consumed in exactly the original's split order.
 *
 * @module
 */

import { choiceAmongMasked, TF_OUT2, tfBlock2, uniformMantissas } from "../jax_random.ts";
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
// Two float32 roundings of values below 2 in `noise + prox - 1` (and one more for + 0.05).
const SUM_ERROR = 8e-7;

// Exact float32 values, used where the double value is too close to a threshold to decide (or
// everywhere in the reference mode, which fills the float32 arrays above).
let exactMode = false;
function exactWater(i: number): number {
  return f(f((exactMode ? water[i] : waterField.exact(i)) + PROXIMITY[i]) - 1);
}
function exactMountain(i: number): number {
  return f(f(f((exactMode ? mountain[i] : mountainField.exact(i)) + F005) + PROXIMITY[i]) - 1);
}
function exactPath(i: number): number {
  return exactMode ? pathX[i] : pathField.exact(i);
}
function exactTree(i: number): number {
  return exactMode ? treeNoise[i] : treeField.exact(i);
}

// Candidate lists of the current world (row-major cell indices).
const stoneCells = new Int32Array(MAP_CELLS);
const deepStone = new Uint8Array(MAP_CELLS); // mountain > 0.8 (diamonds allowed)
const treeCells = new Int32Array(MAP_CELLS);

// uniform(key)[i] = (bits >>> 9) * 2^-23 exactly, so `u < c` is `(bits >>> 9) < c * 2^23`.
const COAL_BELOW = C_COAL * 2 ** 23, IRON_BELOW = C_IRON * 2 ** 23;
const DIAMOND_BELOW = C_DIAMOND * 2 ** 23, TREE_ABOVE = F08 * 2 ** 23;

// drawn[k]: mantissa of the uniform draw for list entry k (room for a padded group of 4).
const drawn = new Int32Array(MAP_CELLS + 3);

/**
 * Turns listed stone cells whose uniform draw (key k0, k1, counter = cell) is below `below`
 * into `ore`, and compacts the list to the cells that stay stone. `deepOnly` restricts the
 * ore to deep stone. Returns the new list length.
 */
function placeOre(
  map: Uint8Array,
  base: number,
  n: number,
  k0: number,
  k1: number,
  below: number,
  ore: number,
  deepOnly: boolean,
): number {
  uniformMantissas(k0, k1, stoneCells, n, drawn);
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const cell = stoneCells[k], deep = deepStone[k];
    if (drawn[k] < below && (deep === 1 || !deepOnly)) map[base + cell] = ore;
    else stoneCells[kept] = cell, deepStone[kept++] = deep;
  }
  return kept;
}
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
  const centre = (N >> 1) * N + (N >> 1);
  // Every stage of the original is a per-cell select applied in order, so one pass per cell
  // decides the terrain. Each field's double value decides a threshold unless it lies within the
  // field's error margin of it; then the exact float32 value does (margins are infinite in the
  // reference mode; `0 + exact...` keeps the values unboxed doubles in optimised code).
  // Ores and trees need a uniform draw per candidate cell: the pass lists the candidates
  // (row-major) and the draws follow in batches. Lava overrides both, so lava cells draw nothing
  // (a draw is a pure function of key and cell, so skipping one changes no other).
  const wA = waterField.approx, wMn = waterField.mn, wInv = waterField.inv;
  const mA = mountainField.approx, mMn = mountainField.mn, mInv = mountainField.inv;
  const pA = pathField.approx, pMn = pathField.mn, pInv = pathField.inv;
  const tA = treeField.approx, tMn = treeField.mn, tInv = treeField.inv;
  const wEps = exactMode ? Infinity : waterField.eps + SUM_ERROR;
  const mEps = exactMode ? Infinity : mountainField.eps + SUM_ERROR;
  const pEps = exactMode ? Infinity : pathField.eps;
  const tEps = exactMode ? Infinity : treeField.eps;
  let nStone = 0, nTree = 0;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const i = r * N + c;
      let w = (wA[i] - wMn) * wInv + PROXIMITY[i] - 1;
      if (
        Math.abs(w - F07) <= wEps || Math.abs(w - F075) <= wEps || Math.abs(w - F06) <= wEps ||
        Math.abs(w - F04) <= wEps
      ) w = 0 + exactWater(i);
      let m = (mA[i] - mMn) * mInv + F005 + PROXIMITY[i] - 1;
      if (Math.abs(m - F07) <= mEps || Math.abs(m - F085) <= mEps || Math.abs(m - F08) <= mEps) {
        m = 0 + exactMountain(i);
      }
      let b: number = w > F07 ? Block.WATER : Block.GRASS;
      if (w < F075 && w > F06 && b !== Block.WATER) b = Block.SAND;
      if (m > F07) {
        b = Block.STONE;
        // paths, then transposed tunnels
        const t = c * N + r;
        let p = (pA[i] - pMn) * pInv;
        if (Math.abs(p - F08) <= pEps) p = 0 + exactPath(i);
        let pt = (pA[t] - pMn) * pInv;
        if (Math.abs(pt - F08) <= pEps) pt = 0 + exactPath(t);
        if (p > F08 || pt > F08) b = Block.PATH;
      }
      if (m > F085 && w > F04) b = Block.PATH; // caves
      let tree = -1; // evaluated only where needed
      if (m > F085 || b === Block.GRASS) {
        tree = (tA[i] - tMn) * tInv;
        if (Math.abs(tree - F05) <= tEps || Math.abs(tree - F07) <= tEps) tree = 0 + exactTree(i);
      }
      if (m > F085 && tree > F07) b = Block.LAVA;
      else if (b === Block.STONE) stoneCells[nStone] = i, deepStone[nStone++] = m > F08 ? 1 : 0;
      else if (b === Block.GRASS && tree > F05) treeCells[nTree++] = i;
      map[base + i] = b;
    }
  }
  // Coal, then iron on the remaining stone, then diamonds on the remaining deep stone.
  nStone = placeOre(map, base, nStone, keys[10], keys[11], COAL_BELOW, Block.COAL, false);
  nStone = placeOre(map, base, nStone, keys[12], keys[13], IRON_BELOW, Block.IRON, false);
  nStone = placeOre(map, base, nStone, keys[14], keys[15], DIAMOND_BELOW, Block.DIAMOND, true);
  // Trees draw their uniform field from the parent key of the tree-noise split (a quirk).
  uniformMantissas(parents[16], parents[17], treeCells, nTree, drawn);
  for (let k = 0; k < nTree; k++) if (drawn[k] > TREE_ABOVE) map[base + treeCells[k]] = Block.TREE;
  map[base + centre] = Block.GRASS;

  // always_diamond: choice over all cells with p = isStone / count (float32 cumsum + searchsorted);
  // the stone list is still in row-major order (the centre is grass now).
  let stones = 0;
  for (let k = 0; k < nStone; k++) if (stoneCells[k] !== centre) stoneCells[stones++] = stoneCells[k];
  // (no stone: p = 0/0 and the search lands on cell 0)
  const idx = stones > 0 ? stoneCells[choiceAmongMasked(keys[18], keys[19], stones)] : 0;
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
