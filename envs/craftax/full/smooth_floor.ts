/**
 * The six noise-generated floors of full Craftax (overworld, gnomish mines, troll mines, fire, ice,
 * boss): terrain from fractal noise and a distance falloff, trees, ores, lava, ladders and light.
 *
 * @module
 */

import { type Key, split, uniformMantissas } from "../jax_random.ts";
import { NoiseField } from "../classic/noise_field.ts";
import {
  FULL_MAP_CELLS,
  FULL_MAP_SIZE,
  FullBlock as B,
  Item,
  SMOOTH_CONFIGS,
  type SmoothGenConfig,
} from "./constants.ts";
import { choiceAmongListed, drawn, type FloorOut, keyPair, listCells, listed, setLadders } from "./floor.ts";

const f = Math.fround;
const N = FULL_MAP_SIZE;
const F005 = f(0.05), F07 = f(0.7), F08 = f(0.8), F085 = f(0.85), F04 = f(0.4);

/** Euclidean distance to the spawn (24, 24) in float32, as `get_distance_map`. */
const DISTANCE: Float32Array = (() => {
  const d = new Float32Array(FULL_MAP_CELLS);
  const c = N >> 1;
  for (let r = 0; r < N; r++) {
    for (let col = 0; col < N; col++) d[r * N + col] = f(Math.sqrt((r - c) ** 2 + (col - c) ** 2));
  }
  return d;
})();

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

export function smoothFloor(key: Key, cfg: SmoothGenConfig, out: FloorOut): void {
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
