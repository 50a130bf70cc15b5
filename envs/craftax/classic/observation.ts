/**
 * Symbolic observation (1345 floats), in the original's layout:
 * [0, 1323): 7x9 local view x 21 channels, index (r * 9 + c) * 21 + ch, player at (3, 4);
 *   channels 0..16 one-hot block (off-map = OUT_OF_BOUNDS), 17..20 zombie, cow, skeleton, arrow;
 * [1323, 1335): inventory / 10; [1335, 1339): health, food, drink, energy / 10 (both computed in
 *   float16 as v * float16(0.1), so 0.9 reads 0.89990234375 and 0.7 reads 0.69970703125); [1339, 1343): facing one-hot; 1343: light; 1344: sleeping.
 *
 * @module
 */

import {
  ARROW0,
  Block,
  COW0,
  MAP_CELLS,
  MAP_SIZE,
  NUM_INV,
  NUM_MOB_SLOTS,
  OBS_CHANNELS,
  OBS_COLS,
  OBS_MAP_SIZE,
  OBS_ROWS,
  OBS_SIZE,
  SKELETON0,
} from "./constants.ts";
import type { ClassicState } from "./state.ts";

/** Round a double to the nearest float16 value (ties to even); enough for small counts. */
export function toFloat16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const ax = Math.abs(x);
  const ex = Math.max(Math.floor(Math.log2(ax)), -14);
  const q = 2 ** (ex - 10);
  const m = ax / q;
  let r = Math.round(m);
  if (r - m === 0.5 && r % 2 === 1) r -= 1; // Math.round rounds halves up: make it even
  return Math.sign(x) * r * q;
}

/** XLA turns the float16 division by 10 into a multiplication by float16(0.1). */
const TENTH_F16 = toFloat16(0.1);
const DIV10_F16: Float32Array = Float32Array.from({ length: 16 }, (_, v) => toFloat16(v * TENTH_F16));

function div10(v: number): number {
  return v >= 0 && v < 16 ? DIV10_F16[v] : toFloat16(toFloat16(v) * TENTH_F16);
}

const HALF_R = OBS_ROWS >> 1, HALF_C = OBS_COLS >> 1;
// Mob channel per slot: zombies 17, cows 18, skeletons 19, arrows 20.
const MOB_CHANNEL = Int32Array.from(
  { length: NUM_MOB_SLOTS },
  (_, i) => 17 + (i < COW0 ? 0 : i < SKELETON0 ? 1 : i < ARROW0 ? 2 : 3),
);

/** Writes env `e`'s observation into `out[offset .. offset + 1345)`. */
export function writeObservation(s: ClassicState, e: number, out: Float32Array, offset: number): void {
  out.fill(0, offset, offset + OBS_SIZE);
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = e * MAP_CELLS;
  // Local view (the original pads the map with OUT_OF_BOUNDS and slices a clamped window; the
  // window start is clamped only for positions far off the map, which never occur).
  for (let r = 0; r < OBS_ROWS; r++) {
    const mr = pr - HALF_R + r;
    for (let c = 0; c < OBS_COLS; c++) {
      const mc = pc - HALF_C + c;
      const b = mr >= 0 && mr < MAP_SIZE && mc >= 0 && mc < MAP_SIZE
        ? s.map[base + mr * MAP_SIZE + mc]
        : Block.OUT_OF_BOUNDS;
      out[offset + (r * OBS_COLS + c) * OBS_CHANNELS + b] = 1;
    }
  }
  // Mobs, in slot order. Each slot *sets* its channel at its (wrapped) local cell to on_screen,
  // so a dead or off-screen slot whose local index wraps onto a visible one erases it.
  const m0 = e * NUM_MOB_SLOTS;
  for (let i = 0; i < NUM_MOB_SLOTS; i++) {
    const j = m0 + i;
    const lr = s.mobPos[2 * j] - pr + HALF_R, lc = s.mobPos[2 * j + 1] - pc + HALF_C;
    const onScreen = s.mobMask[j] === 1 && lr >= 0 && lr < OBS_ROWS && lc >= 0 && lc < OBS_COLS;
    const wr = lr < 0 ? lr + OBS_ROWS : lr, wc = lc < 0 ? lc + OBS_COLS : lc;
    if (wr < 0 || wr >= OBS_ROWS || wc < 0 || wc >= OBS_COLS) continue;
    out[offset + (wr * OBS_COLS + wc) * OBS_CHANNELS + MOB_CHANNEL[i]] = onScreen ? 1 : 0;
  }
  let o = offset + OBS_MAP_SIZE;
  const inv = e * NUM_INV;
  for (let k = 0; k < NUM_INV; k++) out[o++] = div10(s.inventory[inv + k]);
  out[o++] = div10(s.health[e]);
  out[o++] = div10(s.food[e]);
  out[o++] = div10(s.drink[e]);
  out[o++] = div10(s.energy[e]);
  const d = s.playerDir[e] - 1;
  if (d >= 0 && d < 4) out[o + d] = 1;
  o += 4;
  out[o++] = s.light[e];
  out[o] = s.sleeping[e];
}

/**
 * Incremental observation writer for a buffer it owns: instead of clearing 1345 floats per step
 * it remembers which block and mob channels it set last time and only rewrites those. The
 * result is identical to `writeObservation` as long as nobody else writes into the buffer.
 */
export class ObservationWriter {
  private readonly lastBlock: Uint8Array;
  private readonly lastMob: Int32Array;

  constructor(numEnvs: number) {
    this.lastBlock = new Uint8Array(numEnvs * OBS_ROWS * OBS_COLS).fill(255);
    this.lastMob = new Int32Array(numEnvs * NUM_MOB_SLOTS).fill(-1);
  }

  write(s: ClassicState, e: number, out: Float32Array, offset: number): void {
    const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
    const base = e * MAP_CELLS, map = s.map;
    const lb = this.lastBlock, k0 = e * OBS_ROWS * OBS_COLS;
    const top = pr - HALF_R, left = pc - HALF_C;
    if (top >= 0 && top + OBS_ROWS <= MAP_SIZE && left >= 0 && left + OBS_COLS <= MAP_SIZE) {
      // The whole window is on the map (the usual case): no per-cell bounds checks.
      let k = k0, cell = offset;
      for (let r = 0; r < OBS_ROWS; r++) {
        let m = base + (top + r) * MAP_SIZE + left;
        for (let c = 0; c < OBS_COLS; c++, k++, m++, cell += OBS_CHANNELS) {
          const b = map[m], prev = lb[k];
          if (prev !== b) {
            if (prev !== 255) out[cell + prev] = 0;
            out[cell + b] = 1;
            lb[k] = b;
          }
        }
      }
    } else {
      for (let r = 0; r < OBS_ROWS; r++) {
        const mr = top + r;
        const rowIn = mr >= 0 && mr < MAP_SIZE;
        for (let c = 0; c < OBS_COLS; c++) {
          const mc = left + c;
          const b = rowIn && mc >= 0 && mc < MAP_SIZE ? map[base + mr * MAP_SIZE + mc] : Block.OUT_OF_BOUNDS;
          const k = k0 + r * OBS_COLS + c;
          const prev = lb[k];
          if (prev !== b) {
            const cell = offset + (r * OBS_COLS + c) * OBS_CHANNELS;
            if (prev !== 255) out[cell + prev] = 0;
            out[cell + b] = 1;
            lb[k] = b;
          }
        }
      }
    }
    const lm = this.lastMob, m0 = e * NUM_MOB_SLOTS;
    for (let i = 0; i < NUM_MOB_SLOTS; i++) {
      if (lm[m0 + i] >= 0) out[lm[m0 + i]] = 0, lm[m0 + i] = -1;
    }
    for (let i = 0; i < NUM_MOB_SLOTS; i++) {
      const j = m0 + i;
      const lr = s.mobPos[2 * j] - pr + HALF_R, lc = s.mobPos[2 * j + 1] - pc + HALF_C;
      const onScreen = s.mobMask[j] === 1 && lr >= 0 && lr < OBS_ROWS && lc >= 0 && lc < OBS_COLS;
      const wr = lr < 0 ? lr + OBS_ROWS : lr, wc = lc < 0 ? lc + OBS_COLS : lc;
      if (wr < 0 || wr >= OBS_ROWS || wc < 0 || wc >= OBS_COLS) continue;
      const idx = offset + (wr * OBS_COLS + wc) * OBS_CHANNELS + MOB_CHANNEL[i];
      out[idx] = onScreen ? 1 : 0;
      if (onScreen) lm[j] = idx;
    }
    let o = offset + OBS_MAP_SIZE;
    const inv = e * NUM_INV;
    for (let k = 0; k < NUM_INV; k++) out[o++] = div10(s.inventory[inv + k]);
    out[o++] = div10(s.health[e]);
    out[o++] = div10(s.food[e]);
    out[o++] = div10(s.drink[e]);
    out[o++] = div10(s.energy[e]);
    const d = s.playerDir[e] - 1;
    for (let k = 0; k < 4; k++) out[o + k] = k === d ? 1 : 0;
    o += 4;
    out[o++] = s.light[e];
    out[o] = s.sleeping[e];
  }
}
