/**
 * Full Craftax world generation (the original's `generate_world`): six noise-generated floors
 * (overworld, gnomish mines, troll mines, fire, ice, boss) and three room dungeons (dungeon,
 * sewers, vaults), stacked as floors [O, D, GM, S, V, TM, F, I, B]. Produces block maps, item
 * maps and ladder positions; keys are consumed in the original's order.
 *
 * @module
 */

import {
  bits32At,
  choiceAmongMasked,
  choiceP,
  type Key,
  permutation,
  split,
  uniform,
  uniformAt,
  uniformMantissas,
} from "../jax_random.ts";
import { NoiseField } from "../classic/noise_field.ts";
import {
  DUNGEON_CONFIGS,
  type DungeonConfig,
  FULL_MAP_CELLS,
  FULL_MAP_SIZE,
  FullBlock as B,
  Item,
  NUM_LEVELS,
  SMOOTH_CONFIGS,
  type SmoothGenConfig,
} from "./constants.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE;
const F005 = f(0.05), F07 = f(0.7), F08 = f(0.8), F085 = f(0.85), F04 = f(0.4), F05 = f(0.5);

/** Where a floor generator writes: views of one level of a `FullWorld`, and the level index. */
interface FloorOut {
  map: Uint8Array;
  itemMap: Uint8Array;
  lightMap: Float32Array;
  world: FullWorld;
  level: number;
}

/** Records a floor's ladder cells (flat indices) in the world. */
function setLadders(out: FloorOut, down: number, up: number): void {
  const l = out.level, w = out.world;
  w.downLadders[2 * l] = (down / N) | 0, w.downLadders[2 * l + 1] = down % N;
  w.upLadders[2 * l] = (up / N) | 0, w.upLadders[2 * l + 1] = up % N;
}

/** All nine floors. */
export interface FullWorld {
  /** Block ids, [level][row][col]. */
  map: Uint8Array;
  /** Item ids, [level][row][col]. */
  itemMap: Uint8Array;
  /** Light in [0, 1], [level][row][col]; cells at or below 0.05 are dark in the observation. */
  lightMap: Float32Array;
  /** Ladder positions, [level][2]. */
  downLadders: Int32Array;
  upLadders: Int32Array;
  /** Potion colour -> effect, a random permutation of 0..5 per episode. */
  potionMapping: Int32Array;
}

/** Euclidean distance to the spawn (24, 24) in float32, as `get_distance_map`. */
const DISTANCE: Float32Array = (() => {
  const d = new Float32Array(FULL_MAP_CELLS);
  const c = N >> 1;
  for (let r = 0; r < N; r++) {
    for (let col = 0; col < N; col++) d[r * N + col] = f(Math.sqrt((r - c) ** 2 + (col - c) ** 2));
  }
  return d;
})();

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

/** Scalar `choice(key, n, p=p)` (p unnormalised, as the original passes it). */
function choiceIndex(key: Key, p: ArrayLike<number>): number {
  return choiceP(key, p, 1)[0];
}

// Cells holding a given block or awaiting a draw, row-major, and the draws' mantissas (scratch
// of the floor being generated; room for a padded group of 4).
const listed = new Int32Array(FULL_MAP_CELLS + 3);
const drawn = new Int32Array(FULL_MAP_CELLS + 3);

/** Lists the cells of `map` holding `block` into `listed`; returns how many. */
function listCells(map: Uint8Array, block: number): number {
  let n = 0;
  for (let i = 0; i < map.length; i++) if (map[i] === block) listed[n++] = i;
  return n;
}

/**
 * `choice(key, n, p=p)` where p is 1 on the `count` listed cells (divided by count when
 * `normalised`, as float32) and 0 elsewhere, without building p: the float32 running sum only
 * grows on listed cells, so the searchsorted index is the first listed cell whose running sum
 * reaches r = total * (1 - u). With no listed cell p is 0/0 or all zeros and the general path
 * decides (index 0).
 */
function choiceAmongListed(
  key: Key,
  map: Uint8Array,
  block: number,
  count: number,
  normalised: boolean,
): number {
  if (count === 0) {
    return choiceIndex(key, Float32Array.from(map, (b) => normalised ? f((b === block ? 1 : 0) / 0) : 0));
  }
  const u = uniformAt(key[0], key[1], 0);
  if (!normalised) {
    // The running sum counts 1, 2, 3, ... exactly: the first k >= r.
    const r = f(count * f(1 - u));
    return listed[Math.min(count, Math.max(1, Math.ceil(r))) - 1];
  }
  return listed[choiceAmongMasked(key[0], key[1], count)];
}

// Noise fields of a smooth floor, evaluated in double precision with exact float32 values near the
// thresholds (classic/noise_field.ts); reused floor after floor.
const WATER = new NoiseField(N, 3, 3);
const MOUNTAIN = new NoiseField(N, 3, 3);
const PATH = new NoiseField(N, 6, 24);
const TREE = new NoiseField(N, 12, 12);
/** Float32 rounding of `noise + profile - 1` (and `+ 0.05`) for sums below 32: three roundings of 2^-19. */
const SUM_ERROR = 1e-5;

/** `f(f(water + profile) - 1)`, or a double on the same side of the thresholds t1, t2 and 0.4. */
function waterAt(i: number, profile: number, t1: number, t2: number): number {
  const v = WATER.approxNorm(i) + profile - 1, eps = WATER.eps + SUM_ERROR;
  if (Math.abs(v - t1) > eps && Math.abs(v - t2) > eps && Math.abs(v - F04) > eps) return v;
  return f(f(WATER.exact(i) + profile) - 1);
}

/** `f(f(f(mountain + 0.05) + profile) - 1)`, decided like `waterAt` against 0.7 and 0.85. */
function mountainAt(i: number, profile: number): number {
  const v = MOUNTAIN.approxNorm(i) + F005 + profile - 1, eps = MOUNTAIN.eps + SUM_ERROR;
  if (Math.abs(v - F07) > eps && Math.abs(v - F085) > eps) return v;
  return f(f(f(MOUNTAIN.exact(i) + F005) + profile) - 1);
}

/** Path noise, decided against 0.8. */
function pathAt(i: number): number {
  const v = PATH.approxNorm(i);
  return Math.abs(v - F08) > PATH.eps ? v : PATH.exact(i);
}

/** Tree noise, decided against t and 0.7. */
function treeAt(i: number, t: number): number {
  const v = TREE.approxNorm(i);
  return Math.abs(v - t) > TREE.eps && Math.abs(v - F07) > TREE.eps ? v : TREE.exact(i);
}

/** clip(distance / strength, 0, max) in float32: the water and mountain falloff near the spawn. */
function distanceProfile(strength: number, max: number): Float32Array {
  const p = new Float32Array(FULL_MAP_CELLS), m = f(max);
  for (let i = 0; i < FULL_MAP_CELLS; i++) p[i] = Math.min(Math.max(f(DISTANCE[i] / strength), 0), m);
  return p;
}
// The profiles depend on the floor's config only.
const PROFILES = new Map(
  SMOOTH_CONFIGS.map((c) => [c, {
    water: distanceProfile(c.waterStrength, c.waterMax),
    mountain: distanceProfile(c.mountainStrength, c.mountainMax),
  }]),
);

const lavaMask = new Uint8Array(FULL_MAP_CELLS); // scratch of the floor being generated

function smoothFloor(key: Key, cfg: SmoothGenConfig, out: FloorOut): void {
  const profile = PROFILES.get(cfg) ?? {
    water: distanceProfile(cfg.waterStrength, cfg.waterMax),
    mountain: distanceProfile(cfg.mountainStrength, cfg.mountainMax),
  };
  const profWater = profile.water, profMountain = profile.mountain;
  // rng, sub = split(rng) before each stage
  let rng = key;
  const next = (): Key => {
    const [a, b] = split(rng);
    rng = a;
    return b;
  };
  WATER.generate(...keyPair(next()));
  next(); // water (unused)
  MOUNTAIN.generate(...keyPair(next()));
  PATH.generate(...keyPair(next()));
  next(); // caves (unused)
  TREE.generate(...keyPair(next()));
  const [t0, t1] = keyPair(rng); // the tree uniforms are drawn from the parent key (a quirk)
  let oreRng = next();
  const oreKeys = new Int32Array(10); // split(oreRng) chain: one uniform field per ore
  for (let k = 0; k < 5; k++) {
    const [a, b] = split(oreRng);
    oreRng = a;
    oreKeys[2 * k] = b[0], oreKeys[2 * k + 1] = b[1];
  }
  const diamondKey = next();
  const ladderDownKey = next();
  const ladderUpKey = next();

  const wT = f(cfg.waterThreshold), sT = f(cfg.sandThreshold);
  const tP = f(cfg.treeThresholdPerlin), tU = f(cfg.treeThresholdUniform);
  const map = out.map;
  lavaMask.fill(0);
  // Terrain first; lava overrides everything after it, so lava cells need no tree or ore draw.
  // Tree and ore draws are pure functions of (key, cell): the cells that may change are listed and
  // drawn in batches, stage by stage in the original's order (trees, then ore 0 to 4).
  let nTree = 0;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const i = r * N + c;
      const w = waterAt(i, profWater[i], wT, sT);
      const m = mountainAt(i, profMountain[i]);
      let b = w > wT ? cfg.seaBlock : cfg.defaultBlock;
      if (w > sT && b !== cfg.seaBlock) b = cfg.coastBlock;
      if (m > F07) b = cfg.mountainBlock;
      if (m > F07 && pathAt(i) > F08) b = cfg.pathBlock;
      if (m > F07 && pathAt(c * N + r) > F08) b = cfg.pathBlock;
      if (m > F085 && w > F04) b = cfg.innerMountainBlock;
      if (m > F085 && treeAt(i, tP) > F07) {
        b = cfg.lava, lavaMask[i] = 1;
      } else if (b === cfg.treeRequirementBlock) {
        // tree if (noise > tP ? u : 0) > tU
        if (treeAt(i, tP) > tP) listed[nTree++] = i;
        else if (0 > tU) b = cfg.tree;
      }
      map[i] = b;
    }
  }
  uniformMantissas(t0, t1, listed, nTree, drawn);
  const treeAbove = tU * 2 ** 23;
  for (let k = 0; k < nTree; k++) if (drawn[k] > treeAbove) map[listed[k]] = cfg.tree;
  for (let k = 0; k < 5; k++) {
    const below = f(cfg.oreChances[k]) * 2 ** 23;
    if (!(below > 0)) continue; // u < chance never holds: no cell changes
    let n = 0;
    const need = cfg.oreRequirementBlocks[k];
    for (let i = 0; i < FULL_MAP_CELLS; i++) if (map[i] === need && lavaMask[i] === 0) listed[n++] = i;
    uniformMantissas(oreKeys[2 * k], oreKeys[2 * k + 1], listed, n, drawn);
    for (let j = 0; j < n; j++) if (drawn[j] < below) map[listed[j]] = cfg.ores[k];
  }

  // always_diamond is off in full Craftax: a stone cell is "replaced" by stone, which changes
  // nothing, unless there is no stone at all: then p = 0/0 = NaN, the search returns cell 0 and it
  // becomes STONE (as in the original).
  if (listCells(map, B.STONE) === 0) map[choiceAmongListed(diamondKey, map, B.STONE, 0, true)] = B.STONE;
  map[(N >> 1) * N + (N >> 1)] = cfg.playerSpawn;

  const itemMap = out.itemMap.fill(0);
  const valid = listCells(map, cfg.validLadder);
  const down = choiceAmongListed(ladderDownKey, map, cfg.validLadder, valid, false);
  if (cfg.ladderDown) itemMap[down] = Item.LADDER_DOWN;
  const up = choiceAmongListed(ladderUpKey, map, cfg.validLadder, valid, false);
  if (cfg.ladderUp) itemMap[up] = Item.LADDER_UP;
  setLadders(out, down, up);
  smoothLight(cfg, (up / N) | 0, up % N, lavaMask, out.lightMap);
}

/** Torch light: clip(1 - dist/5, 0, 1) on a 9x9 patch (float32). */
const TORCH_LIGHT: Float32Array = (() => {
  const t = new Float32Array(81);
  for (let a = 0; a < 9; a++) {
    for (let b = 0; b < 9; b++) {
      t[a * 9 + b] = Math.min(1, Math.max(0, f(1 - f(f(Math.sqrt((a - 4) ** 2 + (b - 4) ** 2)) / 5))));
    }
  }
  return t;
})();
const LAVA_GLOW = [f(0.2), f(0.7), f(0.2), f(0.7), 1, f(0.7), f(0.2), f(0.7), f(0.2)];

/**
 * Floor light: the default level, a torch-shaped patch around the up ladder (window clamped
 * into the map like dynamic_update_slice), plus a 3x3 glow around lava, clipped to [0, 1].
 */
function smoothLight(
  cfg: SmoothGenConfig,
  upRow: number,
  upCol: number,
  lavaMask: Uint8Array,
  light: Float32Array,
): void {
  const dl = f(cfg.defaultLight);
  light.fill(dl);
  const r0 = Math.min(Math.max(upRow - 4, 0), N - 9), c0 = Math.min(Math.max(upCol - 4, 0), N - 9);
  for (let a = 0; a < 9; a++) {
    for (let b = 0; b < 9; b++) light[(r0 + a) * N + c0 + b] = f(f(TORCH_LIGHT[a * 9 + b] * f(1 - dl)) + dl);
  }
  const glows = cfg.lava === B.LAVA;
  // Rows with lava, so that cells with no lava row nearby skip the 3x3 gather.
  const lavaRow = new Uint8Array(N + 2);
  if (glows) { for (let i = 0; i < FULL_MAP_CELLS; i++) if (lavaMask[i]) lavaRow[((i / N) | 0) + 1] = 1; }
  for (let r = 0; r < N; r++) {
    // Without lava nearby the glow is 0 and the light, already in [0, 1], stays as it is.
    if (lavaRow[r] === 0 && lavaRow[r + 1] === 0 && lavaRow[r + 2] === 0) continue;
    for (let c = 0; c < N; c++) {
      let g = 0;
      for (let k = 0; k < 9; k++) {
        const rr = r + ((k / 3) | 0) - 1, cc = c + (k % 3) - 1;
        if (rr >= 0 && rr < N && cc >= 0 && cc < N && lavaMask[rr * N + cc]) g = f(g + LAVA_GLOW[k]);
      }
      const i = r * N + c;
      light[i] = Math.min(1, Math.max(0, f(light[i] + g)));
    }
  }
}

function keyPair(k: Key): [number, number] {
  return [k[0], k[1]];
}

const PAD = 10; // max room size: the dungeon is built on a map padded by 10 cells
const PN = N + 2 * PAD;

// Scratch of the dungeon being generated: the padded map and items, and the unpadded map.
const pmap = new Int32Array(PN * PN);
const pitems = new Int32Array(PN * PN);
const map0 = new Int32Array(FULL_MAP_CELLS);

function dungeonFloor(key: Key, cfg: DungeonConfig, out: FloorOut): void {
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

/** An empty world, to be filled by `generateFullWorld`. */
export function newFullWorld(): FullWorld {
  return {
    map: new Uint8Array(NUM_LEVELS * FULL_MAP_CELLS),
    itemMap: new Uint8Array(NUM_LEVELS * FULL_MAP_CELLS),
    lightMap: new Float32Array(NUM_LEVELS * FULL_MAP_CELLS),
    downLadders: new Int32Array(NUM_LEVELS * 2),
    upLadders: new Int32Array(NUM_LEVELS * 2),
    potionMapping: new Int32Array(6),
  };
}

// Floor order [O, D, GM, S, V, TM, F, I, B]: smooth floors 0-5 and dungeons 0-2 by level.
const SMOOTH_LEVELS = [0, 2, 5, 6, 7, 8], DUNGEON_LEVELS = [1, 3, 4];

/** `generate_world(key)` of full Craftax: the nine floors, written into `world` (fresh by default). */
export function generateFullWorld(key: Key, world: FullWorld = newFullWorld()): FullWorld {
  const C = FULL_MAP_CELLS;
  const floor = (level: number): FloorOut => ({
    map: world.map.subarray(level * C, (level + 1) * C),
    itemMap: world.itemMap.subarray(level * C, (level + 1) * C),
    lightMap: world.lightMap.subarray(level * C, (level + 1) * C),
    world,
    level,
  });
  const keys7 = split(key, 7);
  SMOOTH_CONFIGS.forEach((cfg, i) => smoothFloor(keys7[i + 1], cfg, floor(SMOOTH_LEVELS[i])));
  const keys4 = split(keys7[0], 4);
  const [, potionKey] = split(keys4[0]);
  DUNGEON_CONFIGS.forEach((cfg, i) => dungeonFloor(keys4[i + 1], cfg, floor(DUNGEON_LEVELS[i])));
  world.potionMapping.set(permutation(potionKey, 6));
  return world;
}
