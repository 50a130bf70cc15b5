/**
 * Full Craftax symbolic observation (8268 floats), in the original's layout:
 * [0, 8217): 9x11 view x 83 channels, index (r * 11 + c) * 83 + ch: 37 block one-hot, 5 item
 *   one-hot, 40 mob channels (class * 8 + type id: melee, passive, ranged, mob projectile, player
 *   projectile), then visibility (light > 0.05); all other channels are zero on dark cells;
 * then inventory (16), potions (6), intrinsics (9), facing one-hot (4), armour (4), armour
 * enchantments (4) and 8 flags (light, sleeping, resting, spells x2, floor / 10, ladder open,
 * boss vulnerable).
 *
 * @module
 */

import { FULL_MAP_CELLS, FULL_MAP_SIZE, FULL_NUM_BLOCKS, NUM_LEVELS } from "./constants.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_INV,
  FullInv,
  type FullState,
  MELEE0,
  RANGED0,
  SLOT_CLASS,
} from "./state.ts";

export const FULL_OBS_ROWS = 9, FULL_OBS_COLS = 11, FULL_OBS_CHANNELS = 83;
export const FULL_OBS_MAP_SIZE = FULL_OBS_ROWS * FULL_OBS_COLS * FULL_OBS_CHANNELS; // 8217
/** Length of the symbolic observation: 9 × 11 × 83 map channels plus 51 scalars (8268). */
export const FULL_OBS_SIZE: number = FULL_OBS_MAP_SIZE + 51; // 8268
const ITEM0 = FULL_NUM_BLOCKS, MOB0 = ITEM0 + 5, VIS = FULL_OBS_CHANNELS - 1;
const f = Math.fround;
const F01 = f(0.1);
// Eagerly (first reset) `x / 10` divides; inside the jitted step XLA turns it into `x * 0.1f`.
const div10 = (v: number) => f(v / 10);
const mul01 = (v: number) => f(v * F01);

/**
 * Writes env `e`'s observation into `out[offset .. offset + 8268)`. `jitted`: the observation is
 * computed inside the jitted step (after a step or an auto-reset), where divisions by 10 become
 * multiplications by float32 0.1.
 */
export function writeFullObservation(
  s: FullState,
  e: number,
  out: Float32Array,
  offset: number,
  jitted = false,
): void {
  out.fill(0, offset, offset + FULL_OBS_SIZE);
  readView(s, e);
  for (let k = 0; k < VIEW_CELLS; k++) {
    if (viewBlock[k] !== DARK) setCell(out, offset + k * FULL_OBS_CHANNELS, viewBlock[k], viewItem[k], 1);
  }
  writeMobsAndTail(s, e, out, offset, jitted, NO_LIST, 0);
}

/**
 * Incremental writer for observation buffers it owns: instead of clearing 8268 floats per step it
 * rewrites only the view cells whose block, item or visibility changed since the env's last
 * observation, and clears the mob channels it set last time. The result equals
 * `writeFullObservation` as long as nobody else writes into the buffer.
 */
/**
 * Writes full-Craftax observations incrementally: it remembers what it wrote for each env's view and
 * rewrites only the changed cells, so a caller must keep passing the same output rows.
 */
export class FullObservationWriter {
  // Per env and view cell: the block (DARK when not visible, NONE before the first write) and item.
  private readonly lastBlock: Uint8Array;
  private readonly lastItem: Uint8Array;
  /** Per env: count, then the view indices of the mob channels set to 1 last time. */
  private readonly mobOnes: Int32Array;

  /** A writer for `numEnvs` environments. */
  constructor(numEnvs: number) {
    this.lastBlock = new Uint8Array(numEnvs * VIEW_CELLS).fill(NONE);
    this.lastItem = new Uint8Array(numEnvs * VIEW_CELLS);
    this.mobOnes = new Int32Array(numEnvs * MOB_STRIDE);
  }

  /** Writes env `e`'s observation into `out` at `offset` (`jitted`: reproduce the jitted step's float ops). */
  write(s: FullState, e: number, out: Float32Array, offset: number, jitted = false): void {
    const ones = this.mobOnes, l0 = e * MOB_STRIDE;
    for (let k = 1; k <= ones[l0]; k++) out[offset + ones[l0 + k]] = 0;
    readView(s, e);
    const lb = this.lastBlock, li = this.lastItem, v0 = e * VIEW_CELLS;
    for (let k = 0; k < VIEW_CELLS; k++) {
      const b = viewBlock[k], it = viewItem[k], pb = lb[v0 + k], pi = li[v0 + k];
      if (b === pb && it === pi) continue;
      const cell = offset + k * FULL_OBS_CHANNELS;
      if (pb !== DARK && pb !== NONE) setCell(out, cell, pb, pi, 0);
      if (b !== DARK) setCell(out, cell, b, it, 1);
      lb[v0 + k] = b, li[v0 + k] = it;
    }
    writeMobsAndTail(s, e, out, offset, jitted, ones, l0);
  }
}

const VIEW_CELLS = FULL_OBS_ROWS * FULL_OBS_COLS;
const DARK = 254, NONE = 255; // view-cell markers outside the block ids
const MOB_STRIDE = 1 + FULL_MOB_SLOTS;
const NO_LIST = new Int32Array(MOB_STRIDE);
// The view of the env being written: block per cell (DARK when not visible) and item.
const viewBlock = new Uint8Array(VIEW_CELLS);
const viewItem = new Uint8Array(VIEW_CELLS);
const INV_SQRT = [
  FullInv.WOOD,
  FullInv.STONE,
  FullInv.COAL,
  FullInv.IRON,
  FullInv.DIAMOND,
  FullInv.SAPPHIRE,
  FullInv.RUBY,
  FullInv.SAPLING,
  FullInv.TORCHES,
  FullInv.ARROWS,
];

/** Sets (v = 1) or clears (v = 0) a visible cell's block, item and visibility channels. */
function setCell(out: Float32Array, cell: number, block: number, item: number, v: number): void {
  out[cell + block] = v, out[cell + ITEM0 + item] = v, out[cell + VIS] = v;
}

/** Fills viewBlock / viewItem for env `e`: cells off the map or at light <= 0.05 are dark. */
function readView(s: FullState, e: number): void {
  const N = FULL_MAP_SIZE, R = FULL_OBS_ROWS, Cc = FULL_OBS_COLS;
  const level = s.playerLevel[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = (e * NUM_LEVELS + level) * FULL_MAP_CELLS;
  for (let r = 0, k = 0; r < R; r++) {
    for (let c = 0; c < Cc; c++, k++) {
      const mr = pr - (R >> 1) + r, mc = pc - (Cc >> 1) + c;
      const inside = mr >= 0 && mr < N && mc >= 0 && mc < N;
      // Off the map the padded light is 0, so the whole cell stays zero.
      if (!inside || !(s.lightMap[base + mr * N + mc] > 0.05)) {
        viewBlock[k] = DARK, viewItem[k] = 0;
        continue;
      }
      viewBlock[k] = s.map[base + mr * N + mc], viewItem[k] = s.itemMap[base + mr * N + mc];
    }
  }
}

/**
 * Writes the mob channels (recording each one set after ones[l0], counted there) and the whole
 * tail. Expects the view written and the previous mob ones cleared.
 */
function writeMobsAndTail(
  s: FullState,
  e: number,
  out: Float32Array,
  offset: number,
  jitted: boolean,
  ones: Int32Array,
  l0: number,
): void {
  const tenth = jitted ? mul01 : div10;
  const R = FULL_OBS_ROWS, Cc = FULL_OBS_COLS, CH = FULL_OBS_CHANNELS;
  const level = s.playerLevel[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  let n = 0;
  // Mobs of the current floor, class by class in slot order; each slot sets its channel at its
  // (wrapped) local cell, so off-screen slots can erase visible ones (as in the original).
  const m0 = (e * NUM_LEVELS + level) * FULL_MOB_SLOTS;
  for (let i = 0; i < FULL_MOB_SLOTS; i++) {
    const j = m0 + i;
    const lr = s.mobPos[2 * j] - pr + (R >> 1), lc = s.mobPos[2 * j + 1] - pc + (Cc >> 1);
    const onScreen = s.mobMask[j] === 1 && lr >= 0 && lr < R && lc >= 0 && lc < Cc;
    const wr = lr < 0 ? lr + R : lr, wc = lc < 0 ? lc + Cc : lc;
    if (wr < 0 || wr >= R || wc < 0 || wc >= Cc) continue;
    const ch = MOB0 + SLOT_CLASS[i] * 8 + s.mobType[j];
    if (ch < MOB0 || ch >= VIS) continue;
    // Dark cells are masked after the mob channels are written.
    const idx = (wr * Cc + wc) * CH + ch;
    if (onScreen && viewBlock[wr * Cc + wc] !== DARK) out[offset + idx] = 1, ones[l0 + ++n] = idx;
    else out[offset + idx] = 0;
  }
  ones[l0] = n;
  let o = offset + FULL_OBS_MAP_SIZE;
  const inv = e * FULL_NUM_INV, I = s.inventory;
  for (let k = 0; k < INV_SQRT.length; k++) out[o++] = tenth(f(Math.sqrt(I[inv + INV_SQRT[k]])));
  out[o++] = f(I[inv + FullInv.BOOKS] / 2);
  out[o++] = f(I[inv + FullInv.PICKAXE] / 4);
  out[o++] = f(I[inv + FullInv.SWORD] / 4);
  out[o++] = s.swordEnchantment[e];
  out[o++] = s.bowEnchantment[e];
  out[o++] = I[inv + FullInv.BOW];
  for (let k = 0; k < 6; k++) out[o++] = tenth(f(Math.sqrt(s.potions[6 * e + k])));
  out[o++] = tenth(s.health[e]);
  out[o++] = tenth(s.food[e]);
  out[o++] = tenth(s.drink[e]);
  out[o++] = tenth(s.energy[e]);
  out[o++] = tenth(s.mana[e]);
  out[o++] = tenth(s.xp[e]);
  out[o++] = tenth(s.dexterity[e]);
  out[o++] = tenth(s.strength[e]);
  out[o++] = tenth(s.intelligence[e]);
  const d = s.playerDir[e] - 1;
  for (let k = 0; k < 4; k++) out[o++] = k === d ? 1 : 0;
  for (let k = 0; k < 4; k++) out[o++] = f(s.armour[4 * e + k] / 2);
  for (let k = 0; k < 4; k++) out[o++] = s.armourEnchantments[4 * e + k];
  out[o++] = s.light[e];
  out[o++] = s.sleeping[e];
  out[o++] = s.resting[e];
  out[o++] = s.learnedSpells[2 * e];
  out[o++] = s.learnedSpells[2 * e + 1];
  out[o++] = tenth(level);
  out[o++] = s.monstersKilled[e * NUM_LEVELS + level] >= 8 ? 1 : 0;
  let fighters = 0;
  for (let i = MELEE0; i < MELEE0 + 3; i++) fighters += s.mobMask[m0 + i];
  for (let i = RANGED0; i < RANGED0 + 2; i++) fighters += s.mobMask[m0 + i];
  out[o] = fighters === 0 && s.bossTimesteps[e] <= 0 ? 1 : 0;
}
