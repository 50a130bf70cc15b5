/**
 * The three room dungeons of full Craftax (dungeon, sewers, vaults): rooms in a 3x3 grid of chunks
 * with torches, chests and fountains, corridors between them, mossy walls and rare path blocks,
 * darkness beyond the walls, and ladders on path cells.
 *
 * @module
 */

import { bits32At, type Key, split, uniform, uniformAt } from "../jax_random.ts";
import { type DungeonConfig, FULL_MAP_CELLS, FULL_MAP_SIZE, FullBlock as B, Item } from "./constants.ts";
import { choiceAmongListed, choiceIndex, type FloorOut, keyPair, listCells, setLadders } from "./floor.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE;
const F05 = f(0.5);

/** `randint(key, (n,), minval, maxval)` with per-element int32 bounds. */
function randintVec(key: Key, minvals: number[], maxvals: number[]): number[] {
  const [ka, kb] = split(key);
  const out: number[] = [];
  for (let i = 0; i < minvals.length; i++) {
    const lo = minvals[i], hi = maxvals[i];
    const span = hi <= lo ? 1 : hi - lo;
    const m0 = 65536 % span;
    const mult = (Math.imul(m0, m0) >>> 0) % span;
    const h = (bitsAt(ka, i) % span) >>> 0, l = (bitsAt(kb, i) % span) >>> 0;
    out.push(lo + (((Math.imul(h, mult) >>> 0) + l) >>> 0) % span);
  }
  return out;
}

function bitsAt(key: Key, i: number): number {
  return bits32At(key[0], key[1], i) >>> 0;
}

const PAD = 10; // max room size: the dungeon is built on a map padded by 10 cells
const PN = N + 2 * PAD;

// Scratch of the dungeon being generated: the padded map and items, and the unpadded map.
const pmap = new Int32Array(PN * PN);
const pitems = new Int32Array(PN * PN);
const map0 = new Int32Array(FULL_MAP_CELLS);

export function dungeonFloor(key: Key, cfg: DungeonConfig, out: FloorOut): void {
  const [k0, , roomSizeKey] = split(key, 3);
  let rng = k0;
  const sizes = randintVec(roomSizeKey, new Array(16).fill(5), new Array(16).fill(10));
  pmap.fill(0); // padding is 0 (INVALID)
  pitems.fill(0);
  for (let r = PAD; r < PAD + N; r++) pmap.fill(B.WALL, r * PN + PAD, r * PN + PAD + N);
  const occupancy = new Float32Array(9).fill(1);
  let roomRng: Key;
  [rng, roomRng] = split(rng);
  const rooms: [number, number][] = [];
  for (let room = 0; room < 8; room++) {
    let sub: Key;
    [roomRng, sub] = split(roomRng);
    const chunk = choiceIndex(sub, occupancy);
    occupancy[chunk] = 0;
    [roomRng, sub] = split(roomRng);
    const off = randintVec(sub, [0, 0], [11, 11]);
    const pr = (chunk % 3) * 16 + PAD + off[0], pc = ((chunk / 3) | 0) * 16 + PAD + off[1];
    const s0 = sizes[2 * room], s1 = sizes[2 * room + 1];
    for (let x = 0; x < s0; x++) for (let y = 0; y < s1; y++) pmap[(pr + x) * PN + pc + y] = B.PATH;
    pitems[pr * PN + pc] = Item.TORCH;
    pitems[(pr + s0 - 1) * PN + pc] = Item.TORCH;
    pitems[pr * PN + pc + s1 - 1] = Item.TORCH;
    pitems[(pr + s0 - 1) * PN + pc + s1 - 1] = Item.TORCH;
    [roomRng, sub] = split(roomRng);
    const chest = randintVec(sub, [1, 1], [s0 - 1, s1 - 1]);
    pmap[(pr + chest[0]) * PN + pc + chest[1]] = B.CHEST;
    const [nextRng, fk, uk] = split(roomRng, 3);
    roomRng = nextRng;
    const fountain = randintVec(fk, [1, 1], [s0 - 1, s1 - 1]);
    if (uniform(uk, 1)[0] > F05) pmap[(pr + fountain[0]) * PN + pc + fountain[1]] = cfg.fountainBlock;
    rooms.push([pr, pc]);
  }
  let pathRng: Key;
  [rng, pathRng] = split(rng);
  const included = new Float32Array(8);
  included[7] = 1;
  for (let i = 0; i < 8; i++) {
    const [a, sub] = split(pathRng);
    const sink = rooms[choiceIndex(sub, included)];
    const src = rooms[i];
    // Horizontal leg along the source row, then vertical leg along the sink column; only walls
    // turn into path.
    const hd = sink[1] - src[1];
    for (let c = 0; c < PN; c++) {
      const idx = (c - src[1]) * Math.sign(hd);
      if (hd !== 0 && idx >= 0 && idx <= Math.abs(hd) && pmap[src[0] * PN + c] === B.WALL) {
        pmap[src[0] * PN + c] = B.PATH;
      }
    }
    const vd = sink[0] - src[0];
    for (let r = 0; r < PN; r++) {
      const idx = (r - src[0]) * Math.sign(vd);
      if (vd !== 0 && idx >= 0 && idx <= Math.abs(vd) && pmap[r * PN + sink[1]] === B.WALL) {
        pmap[r * PN + sink[1]] = B.PATH;
      }
    }
    const [, carry] = split(a);
    pathRng = carry;
    included[i] = 1;
  }
  pmap[(rooms[0][0] + 2) * PN + rooms[0][1] + 2] = cfg.specialBlock;

  const itemMap = out.itemMap;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      map0[r * N + c] = pmap[(r + PAD) * PN + c + PAD];
      itemMap[r * N + c] = pitems[(r + PAD) * PN + c + PAD];
    }
  }
  // Walls next to (or under) a non-wall stay walls, other walls become darkness.
  const open = (r: number, c: number) => r >= 0 && r < N && c >= 0 && c < N && map0[r * N + c] !== B.WALL;
  let rareKey: Key;
  [rng, rareKey] = split(rng);
  const [rk0, rk1] = keyPair(rareKey);
  const cum0 = f(0.9), cum1 = f(cum0 + f(0.1));
  const map = out.map;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const i = r * N + c;
      const adj = open(r, c) || open(r - 1, c) || open(r + 1, c) || open(r, c - 1) || open(r, c + 1);
      const b = map0[i];
      // choice([F, T], p=[0.9, 0.1]), drawn only where it can matter
      const needsDraw = adj && (b === B.WALL || (b === B.PATH && itemMap[i] === Item.NONE));
      const rare = needsDraw && f(cum1 * f(1 - uniformAt(rk0, rk1, i))) > cum0;
      if (!adj) map[i] = B.DARKNESS;
      else if (b === B.WALL) map[i] = rare ? B.WALL_MOSS : B.WALL;
      else map[i] = rare ? cfg.rarePathReplacementBlock : b;
    }
  }
  let downKey: Key, upKey: Key;
  [rng, downKey] = split(rng);
  [rng, upKey] = split(rng);
  const paths = listCells(map, B.PATH);
  const down = choiceAmongListed(downKey, map, B.PATH, paths, true);
  itemMap[down] = Item.LADDER_DOWN;
  const up = choiceAmongListed(upKey, map, B.PATH, paths, false);
  itemMap[up] = Item.LADDER_UP;
  out.lightMap.fill(1);
  setLadders(out, down, up);
}
