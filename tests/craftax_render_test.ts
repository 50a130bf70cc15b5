/** Terminal renderer and key bindings of the human-play mode. */

import assert from "node:assert/strict";
import { Action, Block, COW0, Inv, MAP_SIZE } from "../envs/craftax/classic/constants.ts";
import { ClassicState } from "../envs/craftax/classic/state.ts";
import { generateWorld } from "../envs/craftax/classic/worldgen.ts";
import { renderClassic } from "../envs/craftax/render.ts";
import { keyToAction } from "../envs/craftax/play_keys.ts";

Deno.test("renderer shows the local view, the player, mobs, inventory and status", () => {
  const s = new ClassicState(1);
  generateWorld(s, 0, 0, 5);
  s.map.fill(Block.GRASS);
  s.map[31 * MAP_SIZE + 32] = Block.TREE;
  s.mobPos[2 * COW0] = 32, s.mobPos[2 * COW0 + 1] = 34, s.mobMask[COW0] = 1;
  s.inventory[Inv.WOOD] = 3;
  s.achievements[0] = 1;
  const text = renderClassic(s, 0, { rows: 3, cols: 5, color: false });
  const lines = text.split("\n");
  assert.equal(lines[0], "    TT    "); // row above: tree in the middle column
  assert.equal(lines[1], "    ^@  Co"); // player facing up, cow two cells right
  assert.match(text, /wood:3/);
  assert.match(text, /achievements \(1\/22\): collect_wood/);
  assert.match(text, /health ♥{9} 9/);
  // Off-map cells render as blanks; colour mode wraps cells in ANSI codes.
  s.playerPos[0] = 0;
  assert.equal(renderClassic(s, 0, { rows: 3, cols: 3, color: false }).split("\n")[0], "      ");
  assert.ok(renderClassic(s, 0).includes("\x1b[48;5;"), "ANSI background codes");
});

Deno.test("play keys follow the original layout", () => {
  assert.equal(keyToAction("w"), Action.UP);
  assert.equal(keyToAction("A"), Action.LEFT);
  assert.equal(keyToAction(" "), Action.DO);
  assert.equal(keyToAction("\t"), Action.SLEEP);
  assert.equal(keyToAction("t"), Action.PLACE_TABLE);
  assert.equal(keyToAction("6"), Action.MAKE_IRON_SWORD);
  assert.equal(keyToAction("\x1b[C"), Action.RIGHT);
  assert.equal(keyToAction("z"), -1);
});
