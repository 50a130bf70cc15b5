/**
 * `spawn_mobs`: at most one passive, one melee and one ranged mob per step on the player's floor,
 * each on a uniformly chosen free cell at a valid distance; the boss floor spawns on graves during
 * a wave.
 *
 * @module
 */

import { choiceAmongMasked, TF_OUT2, tfBlock2, uniformScalar } from "../jax_random.ts";
import { fma32 } from "../classic/f32math.ts";
import { FULL_MAP_CELLS, FULL_MAP_SIZE, FullBlock as B, NUM_LEVELS } from "./constants.ts";
import { FLOOR_MOB_TYPE, FLOOR_SPAWN_CHANCE, MOB_HEALTH, MONSTERS_KILLED_TO_CLEAR_LEVEL } from "./rules.ts";
import { FULL_MOB_SLOTS, type FullState, MELEE0, MOB_PROJ0, PASSIVE0, RANGED0 } from "./state.ts";
import { countLive, freeSlot, scatterCell } from "./grid.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE, CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS;

const spawnCells = new Int32Array(FULL_MAP_CELLS);
const spawnKeys = new Int32Array(12);

/** `choice(p=valid/count)` over the first `count` candidate cells. */
function pickSpawnCell(count: number, k0: number, k1: number): number {
  return spawnCells[choiceAmongMasked(k0, k1, count)];
}

/** Candidate cells (row-major) by squared distance window (lo, hi] and block predicate. */
function collect(
  s: FullState,
  e: number,
  minSq: number,
  maxSq: number,
  ok: (b: number) => boolean,
): number {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  let n = 0;
  for (let r = Math.max(0, pr - 13); r <= Math.min(N - 1, pr + 13); r++) {
    for (let c = Math.max(0, pc - 13); c <= Math.min(N - 1, pc + 13); c++) {
      const d = (r - pr) * (r - pr) + (c - pc) * (c - pc);
      if (d <= minSq || d > maxSq || d >= 196) continue;
      const cell = r * N + c;
      if (s.mobMap[base + cell] || !ok(s.map[base + cell])) continue;
      spawnCells[n++] = cell;
    }
  }
  return n;
}

function spawnInto(
  s: FullState,
  e: number,
  first: number,
  end: number,
  cell: number,
  health: number,
  type: number,
): void {
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  const j = m0 + freeSlot(s, m0, first, end);
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  if (cell >= 0) {
    s.mobPos[2 * j] = (cell / N) | 0, s.mobPos[2 * j + 1] = cell % N;
    s.mobHealth[j] = health, s.mobMask[j] = 1;
    s.mobMap[base + cell] = 1;
  } else if (s.mobMask[j]) {
    const w = scatterCell(s.mobPos[2 * j], s.mobPos[2 * j + 1]);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
  s.mobType[j] = type;
}

const validGround = (b: number) => b === B.GRASS || b === B.PATH || b === B.FIRE_GRASS || b === B.ICE_GRASS;
const isGrave = (b: number) => b === B.GRAVE || b === B.GRAVE2 || b === B.GRAVE3;
const isWater = (b: number) => b === B.WATER;

/** Rolls and places this step's spawns, with the spawn key (k0, k1). */
export function spawnMobs(s: FullState, e: number, k0: number, k1: number): void {
  let c0 = k0, c1 = k1;
  const K = spawnKeys;
  for (let i = 0; i < 6; i++) {
    tfBlock2(c0, c1, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    K[2 * i] = TF_OUT2[2], K[2 * i + 1] = TF_OUT2[3];
  }
  const level = s.playerLevel[e];
  const boss = level === NUM_LEVELS - 1;
  const m0 = (e * NUM_LEVELS + level) * M;
  const chance = FLOOR_SPAWN_CHANCE[level];
  let coeff = s.monstersKilled[e * NUM_LEVELS + level] < MONSTERS_KILLED_TO_CLEAR_LEVEL ? 3 : 1;
  if (boss) coeff *= s.bossTimesteps[e] >= 1 ? 1000 : 0;

  // Passive
  let cell = -1;
  const ptype = FLOOR_MOB_TYPE[level][0];
  if (countLive(s, m0, PASSIVE0, RANGED0) < 3 && uniformScalar(K[0], K[1]) < chance[0] && !boss) {
    const n = collect(s, e, 9, 195, validGround);
    if (n > 0) cell = pickSpawnCell(n, K[2], K[3]);
  }
  spawnInto(s, e, PASSIVE0, RANGED0, cell, MOB_HEALTH[ptype][0], ptype);

  const minSq = boss ? -1 : 81, maxSq = boss ? 36 : 195;
  // Melee
  cell = -1;
  const mtype = boss ? FLOOR_MOB_TYPE[Math.min(8, s.bossProgress[e])][1] : FLOOR_MOB_TYPE[level][1];
  const dark = f(1 - s.light[e]);
  const mChance = f(fma32(chance[3], f(dark * dark), chance[1]) * coeff);
  if (countLive(s, m0, MELEE0, PASSIVE0) < 3 && uniformScalar(K[4], K[5]) < mChance) {
    const n = collect(s, e, minSq, maxSq, boss ? isGrave : validGround);
    if (n > 0) cell = pickSpawnCell(n, K[6], K[7]);
  }
  spawnInto(s, e, MELEE0, PASSIVE0, cell, MOB_HEALTH[mtype][1], mtype);

  // Ranged
  cell = -1;
  const rtype = boss ? FLOOR_MOB_TYPE[Math.min(8, s.bossProgress[e])][2] : FLOOR_MOB_TYPE[level][2];
  if (countLive(s, m0, RANGED0, MOB_PROJ0) < 2 && uniformScalar(K[8], K[9]) < f(chance[2] * coeff)) {
    const n = collect(s, e, minSq, maxSq, boss ? isGrave : rtype === 5 ? isWater : validGround);
    if (n > 0) cell = pickSpawnCell(n, K[10], K[11]);
  }
  spawnInto(s, e, RANGED0, MOB_PROJ0, cell, MOB_HEALTH[rtype][2], rtype);
}
