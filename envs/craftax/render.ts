/**
 * Terminal renderer for Craftax-Classic: a local map view (ANSI colours or plain glyphs), the
 * inventory and the player's status. Used by the human-play mode and for watching agents.
 *
 * @module
 */

import {
  ACHIEVEMENT_NAMES,
  ARROW0,
  Block,
  COW0,
  INV_NAMES,
  MAP_CELLS,
  MAP_SIZE,
  NUM_ACHIEVEMENTS,
  NUM_INV,
  NUM_MOB_SLOTS,
  SKELETON0,
} from "./classic/constants.ts";
import type { ClassicState } from "./classic/state.ts";

/** Two-character glyph and 256-colour background per block id. */
const BLOCK_STYLE: ReadonlyArray<readonly [string, number]> = [
  ["??", 0], // INVALID
  ["  ", 16], // OUT_OF_BOUNDS
  ["  ", 71], // GRASS
  ["~~", 26], // WATER
  ["##", 245], // STONE
  ["TT", 22], // TREE
  ["==", 130], // WOOD
  ["..", 180], // PATH
  ["co", 238], // COAL
  ["ir", 173], // IRON
  ["<>", 87], // DIAMOND
  ["CT", 94], // CRAFTING_TABLE
  ["FU", 88], // FURNACE
  [",,", 223], // SAND
  ["^^", 202], // LAVA
  ["sp", 71], // PLANT
  ["SP", 70], // RIPE_PLANT
];

const MOB_GLYPH = ["Zo", "Co", "Sk", "->"];
const PLAYER_GLYPH = ["@@", "<@", "@>", "^@", "@v"]; // by facing direction (1..4)

/** Options of {@link renderClassic}. */
export interface RenderOptions {
  /** View rows (odd; default 9). */
  rows?: number;
  /** View columns (odd; default 11). */
  cols?: number;
  /** Use ANSI colours (default true). */
  color?: boolean;
}

function mobAt(s: ClassicState, e: number, r: number, c: number): number {
  const m0 = e * NUM_MOB_SLOTS;
  for (let i = 0; i < NUM_MOB_SLOTS; i++) {
    const j = m0 + i;
    if (s.mobMask[j] && s.mobPos[2 * j] === r && s.mobPos[2 * j + 1] === c) {
      return i < COW0 ? 0 : i < SKELETON0 ? 1 : i < ARROW0 ? 2 : 3;
    }
  }
  return -1;
}

function bar(v: number, glyph: string): string {
  const n = Math.max(0, Math.min(9, v));
  return glyph.repeat(n) + ".".repeat(9 - n);
}

/** Renders env `e` of `s` as a multi-line string. */
export function renderClassic(s: ClassicState, e = 0, opts: RenderOptions = {}): string {
  const rows = opts.rows ?? 9, cols = opts.cols ?? 11, color = opts.color ?? true;
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const base = e * MAP_CELLS;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line = "";
    for (let j = 0; j < cols; j++) {
      const r = pr - (rows >> 1) + i, c = pc - (cols >> 1) + j;
      const inside = r >= 0 && r < MAP_SIZE && c >= 0 && c < MAP_SIZE;
      const b = inside ? s.map[base + r * MAP_SIZE + c] : Block.OUT_OF_BOUNDS;
      let [glyph, bg] = BLOCK_STYLE[b] ?? BLOCK_STYLE[0];
      if (r === pr && c === pc) glyph = PLAYER_GLYPH[s.playerDir[e]] ?? "@@";
      else if (inside) {
        const m = mobAt(s, e, r, c);
        if (m >= 0) glyph = MOB_GLYPH[m];
      }
      line += color ? `\x1b[48;5;${bg}m\x1b[38;5;231m${glyph}\x1b[0m` : glyph;
    }
    lines.push(line);
  }
  const inv = e * NUM_INV;
  const items: string[] = [];
  for (let k = 0; k < NUM_INV; k++) {
    const v = s.inventory[inv + k];
    if (v > 0) items.push(`${INV_NAMES[k]}:${v}`);
  }
  const achieved: string[] = [];
  for (let a = 0; a < NUM_ACHIEVEMENTS; a++) {
    if (s.achievements[e * NUM_ACHIEVEMENTS + a]) achieved.push(ACHIEVEMENT_NAMES[a]);
  }
  const light = s.light[e];
  lines.push(
    `health ${bar(s.health[e], "♥")} ${s.health[e]}   food  ${bar(s.food[e], "o")} ${s.food[e]}`,
    `drink  ${bar(s.drink[e], "~")} ${s.drink[e]}   energy ${bar(s.energy[e], "z")} ${s.energy[e]}`,
    `step ${s.timestep[e]}  light ${light.toFixed(2)} ${light < 0.3 ? "(night)" : ""}${
      s.sleeping[e] ? "  sleeping" : ""
    }`,
    `inventory: ${items.length ? items.join(" ") : "(empty)"}`,
    `achievements (${achieved.length}/${NUM_ACHIEVEMENTS}): ${achieved.join(" ")}`,
  );
  return lines.join("\n");
}
