/**
 * Mob dynamics: movement, attacks, arrows, despawning (`update_mobs`) and spawning
 * (`spawn_mobs`). Every slot, live or dead, has its random draws in the original's order; dead
 * slots keep moving too, because their stale positions are observable through the resurrection
 * and renderer quirks. Keys come from the step's schedule (step_keys.ts), which also holds the
 * draws every step needs (random moves, spawn rolls); the others are computed lazily, only when
 * their value can change the outcome, which leaves the state bit-identical to drawing everything.
 *
 * @module
 */

import { choiceAmongMasked, splitChild, TF_OUT, uniformScalar } from "../jax_random.ts";
import { KEY_SKELETON, KEY_SPAWN, KEY_ZOMBIE, WORD_MOVE, WORD_SPAWN_ROLL } from "./step_keys.ts";
import {
  Achievement as A,
  ARROW0,
  Block,
  COW0,
  COW_HEALTH,
  DIR_DC,
  DIR_DR,
  IS_SOLID,
  MAP_CELLS,
  MAP_SIZE,
  MAX_ARROWS,
  MOB_DESPAWN_DISTANCE,
  NUM_ACHIEVEMENTS,
  NUM_MOB_SLOTS,
  SKELETON0,
  SKELETON_HEALTH,
  SPAWN_COW_CHANCE,
  SPAWN_SKELETON_CHANCE,
  SPAWN_ZOMBIE_BASE_CHANCE,
  SPAWN_ZOMBIE_NIGHT_CHANCE,
  ZOMBIE0,
  ZOMBIE_HEALTH,
} from "./constants.ts";
import { fma32 } from "./f32math.ts";
import { gatherCell, inBounds, scatterCell } from "./indexing.ts";
import type { ClassicState } from "./state.ts";

const f = Math.fround;
const F075 = f(0.75), F085 = f(0.85);

/** Valid mob move target: in bounds, not solid, not a mob, not the player, not lava. */
function canMoveTo(s: ClassicState, e: number, r: number, c: number): boolean {
  if (!inBounds(r, c)) return false;
  const cell = e * MAP_CELLS + r * MAP_SIZE + c;
  const b = s.map[cell];
  if (IS_SOLID[b] || b === Block.LAVA || s.mobMap[cell]) return false;
  return !(r === s.playerPos[2 * e] && c === s.playerPos[2 * e + 1]);
}

/**
 * Axis of the step toward the player, as `choice(arange(2), p=(|d|==max)/sum|d|)` drawn from
 * split(parent)[1]: only a tie needs the uniform draw, otherwise the larger axis wins.
 * Returns 0 (rows) or 1 (cols); when both deltas are 0 the axis does not matter.
 */
function towardAxis(a0: number, a1: number, parent0: number, parent1: number): number {
  if (a0 > a1) return 0;
  if (a1 > a0) return 1;
  if (a0 === 0) return 0;
  const p = f(1 / (a0 + a1));
  const total = f(p + p);
  splitChild(parent0, parent1, 1);
  const u = uniformScalar(TF_OUT[0], TF_OUT[1]);
  const r = f(total * f(1 - u));
  return r <= p ? 0 : 1;
}

/** Shared despawn and mob-map bookkeeping after slot `j` decided its new position. */
function settleMob(s: ClassicState, e: number, j: number, nr: number, nc: number): void {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
  const base = e * MAP_CELLS;
  const alive = s.mobMask[j];
  const keep = alive && Math.abs(or - pr) + Math.abs(oc - pc) < MOB_DESPAWN_DISTANCE ? 1 : 0;
  if (alive) {
    const w = scatterCell(or, oc);
    if (w >= 0) s.mobMap[base + w] = 0;
  }
  if (keep) {
    const w = scatterCell(nr, nc);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
  s.mobPos[2 * j] = nr;
  s.mobPos[2 * j + 1] = nc;
  s.mobMask[j] = keep;
}

/**
 * `update_mobs`: zombies, cows, skeletons, then arrows, each in slot order. `keys` is the step's
 * key schedule and `o` this env's offset in it (see step_keys.ts).
 */
export function updateMobs(s: ClassicState, e: number, keys: Int32Array, o: number): void {
  const m0 = e * NUM_MOB_SLOTS;
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const ach = e * NUM_ACHIEVEMENTS;

  for (let i = ZOMBIE0; i < COW0; i++) {
    const j = m0 + i;
    const zr = s.mobPos[2 * j], zc = s.mobPos[2 * j + 1];
    const k = o + 2 * (KEY_ZOMBIE + 3 * (i - ZOMBIE0));
    const a0k = keys[k], a1k = keys[k + 1], moveBits = keys[o + WORD_MOVE + i];
    const kc0 = keys[k + 4], kc1 = keys[k + 5];
    const d0 = pr - zr, d1 = pc - zc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1);
    const dist = a0 + a1;
    const attacking = dist === 1 && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    let nr = zr, nc = zc;
    if (!attacking) {
      let close = false;
      if (dist < 10) close = uniformScalar(kc0, kc1) < F075;
      if (close) {
        const axis = towardAxis(a0, a1, a0k, a1k);
        if (axis === 0) nr += Math.sign(d0);
        else nc += Math.sign(d1);
      } else {
        const m = 1 + (moveBits >>> 0) % 4; // randint(kRandom, 0, 4)
        nr += DIR_DR[m], nc += DIR_DC[m];
      }
    }
    if (attacking) {
      s.health[e] -= s.sleeping[e] ? 7 : 2;
      if (s.sleeping[e]) s.achievements[ach + A.WAKE_UP] = 1;
      s.sleeping[e] = 0;
      s.mobCooldown[j] = 5;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMoveTo(s, e, nr, nc)) nr = zr, nc = zc;
    settleMob(s, e, j, nr, nc);
  }

  for (let i = COW0; i < SKELETON0; i++) {
    const j = m0 + i;
    // randint(kMove, 0, 8) over DIRECTIONS[1:9]: half are [0, 0]
    const m = 1 + (keys[o + WORD_MOVE + i] >>> 0) % 8;
    const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
    let nr = or + DIR_DR[m], nc = oc + DIR_DC[m];
    if (!canMoveTo(s, e, nr, nc)) nr = or, nc = oc;
    settleMob(s, e, j, nr, nc);
  }

  for (let i = SKELETON0; i < ARROW0; i++) {
    const j = m0 + i;
    const sr = s.mobPos[2 * j], sc = s.mobPos[2 * j + 1];
    const k = o + 2 * (KEY_SKELETON + 3 * (i - SKELETON0));
    const a0k = keys[k], a1k = keys[k + 1], moveBits = keys[o + WORD_MOVE + i];
    const ku0 = keys[k + 4], ku1 = keys[k + 5];

    const d0 = pr - sr, d1 = pc - sc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1);
    const dist = a0 + a1;
    // Toward-player step (also the arrow direction).
    const axis = towardAxis(a0, a1, a0k, a1k);
    const tr = axis === 0 ? Math.sign(d0) : 0, tc = axis === 0 ? 0 : Math.sign(d1);
    const far = dist >= 10, tooClose = dist <= 3;
    let logical = false;
    if (far || tooClose) logical = uniformScalar(ku0, ku1) > F085;
    let nr: number, nc: number;
    if (logical) {
      nr = tooClose ? sr - tr : sr + tr, nc = tooClose ? sc - tc : sc + tc;
    } else {
      const m = 1 + (moveBits >>> 0) % 4; // randint(kRandom, 0, 4)
      nr = sr + DIR_DR[m], nc = sc + DIR_DC[m];
    }
    let attacking = (dist >= 4 && dist <= 5) || (tooClose && !canMoveTo(s, e, nr, nc));
    attacking = attacking && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    if (attacking) {
      // First free arrow slot, if fewer than 3 arrows are live.
      let live = 0, free = -1;
      for (let a = ARROW0; a < ARROW0 + MAX_ARROWS; a++) {
        if (s.mobMask[m0 + a]) live++;
        else if (free < 0) free = a;
      }
      if (live < MAX_ARROWS) {
        const ja = m0 + free;
        s.mobPos[2 * ja] = sr, s.mobPos[2 * ja + 1] = sc, s.mobMask[ja] = 1;
        const ad = 2 * (3 * e + free - ARROW0);
        s.arrowDir[ad] = tr, s.arrowDir[ad + 1] = tc;
      }
      nr = sr, nc = sc;
      s.mobCooldown[j] = 4;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMoveTo(s, e, nr, nc)) nr = sr, nc = sc;
    settleMob(s, e, j, nr, nc);
  }

  // Arrows fly over water, stop at anything else solid, mobs, the player or the map edge, and
  // keep drifting (masked) afterwards. Reads/writes use JAX's gather/scatter rules.
  const base = e * MAP_CELLS;
  for (let a = 0; a < MAX_ARROWS; a++) {
    const j = m0 + ARROW0 + a;
    const ad = 2 * (3 * e + a);
    const nr = s.mobPos[2 * j] + s.arrowDir[ad], nc = s.mobPos[2 * j + 1] + s.arrowDir[ad + 1];
    const alive = s.mobMask[j] === 1;
    const onPlayer = nr === s.playerPos[2 * e] && nc === s.playerPos[2 * e + 1];
    const b = s.map[base + gatherCell(nr, nc)];
    const wall = IS_SOLID[b] && b !== Block.WATER;
    const inMob = s.mobMap[base + gatherCell(nr, nc)] || onPlayer;
    const cont = inBounds(nr, nc) && !wall && !inMob;
    s.mobMask[j] = cont && alive ? 1 : 0;
    s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
    if (onPlayer && alive) {
      s.health[e] -= 2;
      s.sleeping[e] = 0;
    }
    if (alive && (b === Block.FURNACE || b === Block.CRAFTING_TABLE)) {
      const w = scatterCell(nr, nc);
      if (w >= 0) s.map[base + w] = Block.PATH;
    }
  }
}

/** Scratch list of valid spawn cells (row-major order) for the current draw. */
const spawnCells = new Int32Array(MAP_CELLS);

/** `choice(arange(4096), p=valid/count)` over the `count` listed valid cells. */
function pickSpawnCell(count: number, k0: number, k1: number): number {
  return spawnCells[choiceAmongMasked(k0, k1, count)];
}

/**
 * Collects candidate cells at Manhattan distance in (minD, 14) from the player whose block is
 * `b1` or `b2` and that hold no mob. Only the diamond of radius 13 is scanned.
 */
function collectSpawnCells(s: ClassicState, e: number, minD: number, b1: number, b2: number): number {
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = e * MAP_CELLS;
  const maxD = MOB_DESPAWN_DISTANCE - 1;
  let n = 0;
  const r0 = Math.max(0, pr - maxD), r1 = Math.min(MAP_SIZE - 1, pr + maxD);
  for (let r = r0; r <= r1; r++) {
    const dr = Math.abs(r - pr);
    const rem = maxD - dr;
    const cA = Math.max(0, pc - rem), cB = Math.min(MAP_SIZE - 1, pc + rem);
    // Cells within minD of the player form the column interval [pc - inner, pc + inner]:
    // scan left of it, then right of it.
    const inner = minD - dr;
    const leftEnd = inner >= 0 ? Math.min(cB, pc - inner - 1) : cB;
    const rightStart = inner >= 0 ? Math.max(cA, pc + inner + 1) : cB + 1;
    const row = base + r * MAP_SIZE;
    for (let c = cA; c <= leftEnd; c++) {
      const b = s.map[row + c];
      if ((b === b1 || b === b2) && !s.mobMap[row + c]) spawnCells[n++] = r * MAP_SIZE + c;
    }
    for (let c = rightStart; c <= cB; c++) {
      const b = s.map[row + c];
      if ((b === b1 || b === b2) && !s.mobMap[row + c]) spawnCells[n++] = r * MAP_SIZE + c;
    }
  }
  return n;
}

/** Places a spawned mob (or re-marks the chosen slot, as the original's unconditional write does). */
function spawnInto(
  s: ClassicState,
  e: number,
  first: number,
  end: number,
  cell: number,
  health: number,
): void {
  const m0 = e * NUM_MOB_SLOTS;
  let slot = first;
  for (let i = first; i < end; i++) {
    if (!s.mobMask[m0 + i]) {
      slot = i;
      break;
    }
  }
  const j = m0 + slot;
  const base = e * MAP_CELLS;
  if (cell >= 0) {
    s.mobPos[2 * j] = (cell / MAP_SIZE) | 0, s.mobPos[2 * j + 1] = cell % MAP_SIZE;
    s.mobHealth[j] = health, s.mobMask[j] = 1;
    s.mobMap[base + cell] = 1;
  } else if (s.mobMask[j]) {
    const w = scatterCell(s.mobPos[2 * j], s.mobPos[2 * j + 1]);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
}

/** uniform() from its raw bits. */
function roll(bits: number): number {
  return (bits >>> 9) * 1.1920928955078125e-7;
}

function countLive(s: ClassicState, e: number, first: number, end: number): number {
  const m0 = e * NUM_MOB_SLOTS;
  let n = 0;
  for (let i = first; i < end; i++) n += s.mobMask[m0 + i];
  return n;
}

/** `spawn_mobs`: at most one cow, one zombie and one skeleton per step (keys as in `updateMobs`). */
export function spawnMobs(s: ClassicState, e: number, table: Int32Array, o: number): void {
  const keys = table, k = o + 2 * KEY_SPAWN;
  // Cow
  let cell = -1;
  if (countLive(s, e, COW0, SKELETON0) < 3 && roll(keys[o + WORD_SPAWN_ROLL]) < SPAWN_COW_CHANCE) {
    const n = collectSpawnCells(s, e, 3, Block.GRASS, Block.GRASS);
    if (n > 0) cell = pickSpawnCell(n, keys[k + 2], keys[k + 3]);
  }
  spawnInto(s, e, COW0, SKELETON0, cell, COW_HEALTH);
  // Zombie: chance rises at night; XLA fuses base + night * (1 - light)^2 into one FMA.
  cell = -1;
  const dark = f(1 - s.light[e]);
  const chance = fma32(SPAWN_ZOMBIE_NIGHT_CHANCE, f(dark * dark), SPAWN_ZOMBIE_BASE_CHANCE);
  if (countLive(s, e, ZOMBIE0, COW0) < 3 && roll(keys[o + WORD_SPAWN_ROLL + 1]) < chance) {
    const n = collectSpawnCells(s, e, 9, Block.GRASS, Block.PATH);
    if (n > 0) cell = pickSpawnCell(n, keys[k + 6], keys[k + 7]);
  }
  spawnInto(s, e, ZOMBIE0, COW0, cell, ZOMBIE_HEALTH);
  // Skeleton
  cell = -1;
  if (
    countLive(s, e, SKELETON0, ARROW0) < 2 && roll(keys[o + WORD_SPAWN_ROLL + 2]) < SPAWN_SKELETON_CHANCE
  ) {
    const n = collectSpawnCells(s, e, 9, Block.PATH, Block.PATH);
    if (n > 0) cell = pickSpawnCell(n, keys[k + 10], keys[k + 11]);
  }
  spawnInto(s, e, SKELETON0, ARROW0, cell, SKELETON_HEALTH);
}
