/**
 * Combat: damage vectors after defence, the player's melee damage, `attack_mob`, and the
 * projectiles (arrows and spells of mobs and player) being fired and flying.
 *
 * @module
 */

import { fma32 } from "../classic/f32math.ts";
import { FULL_MAP_CELLS, FullBlock as B, NUM_LEVELS } from "./constants.ts";
import { FULL_SOLID, MOB_ACHIEVEMENT, MOB_DEFENSE, Projectile, PROJECTILE_DAMAGE } from "./rules.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_ACHIEVEMENTS,
  FULL_NUM_INV,
  FullInv as I,
  type FullState,
  MELEE0,
  MOB_PROJ0,
  PASSIVE0,
  PLAYER_PROJ0,
  RANGED0,
} from "./state.ts";
import { freeSlot, gatherCell, inBounds, scatterCell } from "./grid.ts";
import { maxFood } from "./intrinsics.ts";

const f = Math.fround;
const CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS, NA = FULL_NUM_ACHIEVEMENTS;
const F01 = f(0.1), F02 = f(0.2), F005 = f(0.05);

// Damage vectors are (physical, fire, ice). `dmg` is shared scratch: `playerDamage` fills it, and
// melee mobs and player projectiles reuse it; `dmg2` is private to `damageToPlayer`.
export const dmg = new Float64Array(3);
const dmg2 = new Float64Array(3);

/** sum((1 - defence) * damage) in float32. */
function getDamage(dv: ArrayLike<number>, def: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < 3; k++) sum = f(sum + f(f(1 - def[k]) * dv[k]));
  return sum;
}

const defScratch = new Float64Array(3);
/** Damage the player takes from `dv` after armour and enchantments (boss floor: +50%). */
export function damageToPlayer(s: FullState, e: number, dv: ArrayLike<number>): number {
  let d0 = 0, d1 = 0, d2 = 0;
  for (let k = 0; k < 4; k++) {
    d0 = f(d0 + f(s.armour[4 * e + k] * F01));
    const en = s.armourEnchantments[4 * e + k];
    d1 = f(d1 + (en === 1 ? F02 : 0));
    d2 = f(d2 + (en === 2 ? F02 : 0));
  }
  defScratch[0] = d0, defScratch[1] = d1, defScratch[2] = d2;
  const boss = s.playerLevel[e] === NUM_LEVELS - 1 ? f(1.5) : 1;
  for (let k = 0; k < 3; k++) dmg2[k] = f(dv[k] * boss);
  return getDamage(dmg2, defScratch);
}

const SWORD_DAMAGE = [1, 2, 3, 5, 8];
/** The player's melee damage vector, written to `dmg` (sword, strength, sword enchantment, intelligence). */
export function playerDamage(s: FullState, e: number): void {
  const base = SWORD_DAMAGE[Math.min(4, Math.max(0, s.inventory[e * FULL_NUM_INV + I.SWORD]))];
  const ench = s.swordEnchantment[e];
  const intCoeff = fma32(F005, s.intelligence[e] - 1, 1);
  dmg[0] = f(base * f(1 + f(0.25 * (s.strength[e] - 1))));
  dmg[1] = f(f(base * (ench === 1 ? 1 : 0) * 0.5) * intCoeff);
  dmg[2] = f(f(base * (ench === 2 ? 1 : 0) * 0.5) * intCoeff);
}

/** What the last `attackMob` call did. */
export const attackResult = { attacked: false, killed: false };
/** `attack_mob`: melee, passive then ranged mobs at (r, c) on the player's floor take `dv`. */
export function attackMob(
  s: FullState,
  e: number,
  r: number,
  c: number,
  dv: ArrayLike<number>,
  canEat: boolean,
): void {
  const level = s.playerLevel[e];
  const m0 = (e * NUM_LEVELS + level) * M;
  let attacked = false, killedMonster = false, killed = false;
  const ach = e * NA;
  for (let cls = 0; cls < 3; cls++) {
    // Class order: melee (1), passive (0), ranged (2).
    const mobClass = cls === 0 ? 1 : cls === 1 ? 0 : 2;
    const first = mobClass === 1 ? MELEE0 : mobClass === 0 ? PASSIVE0 : RANGED0;
    const end = mobClass === 1 ? PASSIVE0 : mobClass === 0 ? RANGED0 : MOB_PROJ0;
    let j = -1;
    for (let i = first; i < end; i++) {
      const k = m0 + i;
      if (s.mobMask[k] && s.mobPos[2 * k] === r && s.mobPos[2 * k + 1] === c) {
        j = k;
        break;
      }
    }
    if (j < 0) continue;
    attacked = true;
    const type = s.mobType[j];
    const damage = getDamage(dv, MOB_DEFENSE[Math.min(8, type)][mobClass]);
    s.mobHealth[j] = f(s.mobHealth[j] - damage);
    if (!(s.mobHealth[j] > 0)) {
      s.mobMask[j] = 0;
      killed = true;
      if (mobClass !== 0) killedMonster = true;
      if (mobClass !== 0 || canEat) s.achievements[ach + MOB_ACHIEVEMENT[mobClass][Math.min(7, type)]] = 1;
      if (mobClass === 0 && canEat) {
        s.food[e] = Math.min(maxFood(s, e), s.food[e] + 6);
        s.hunger[e] = 0;
      }
    }
  }
  if (killed) {
    const w = scatterCell(r, c);
    if (w >= 0) s.mobMap[(e * NUM_LEVELS + level) * CELLS + w] = 0;
  }
  if (killedMonster) s.monstersKilled[e * NUM_LEVELS + level] += 1;
  attackResult.attacked = attacked;
  attackResult.killed = killed;
}

/** Puts a projectile in the first free of the three slots from `first` (slot `first` when all are live). */
export function spawnProjectile(
  s: FullState,
  m0: number,
  first: number,
  r: number,
  c: number,
  dr: number,
  dc: number,
  type: number,
): void {
  const j = m0 + freeSlot(s, m0, first, first + 3);
  s.mobPos[2 * j] = r, s.mobPos[2 * j + 1] = c, s.mobMask[j] = 1;
  s.mobDir[2 * j] = dr, s.mobDir[2 * j + 1] = dc, s.mobType[j] = type;
}

/**
 * Mob projectiles fly over water, stop at solid blocks, mobs, the player and the edge; dead
 * ones keep drifting. They break crafting tables and furnaces they fly into.
 */
export function moveMobProjectiles(s: FullState, e: number): void {
  const level = s.playerLevel[e];
  const m0 = (e * NUM_LEVELS + level) * M;
  const base = (e * NUM_LEVELS + level) * CELLS;
  for (let i = MOB_PROJ0; i < PLAYER_PROJ0; i++) {
    const j = m0 + i;
    const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
    const nr = or + s.mobDir[2 * j], nc = oc + s.mobDir[2 * j + 1];
    const alive = s.mobMask[j] === 1;
    const b = s.map[base + gatherCell(nr, nc)];
    const wall = FULL_SOLID[b] === 1 && b !== B.WATER;
    const onPlayer = nr === s.playerPos[2 * e] && nc === s.playerPos[2 * e + 1];
    const inMob = s.mobMap[base + gatherCell(nr, nc)] === 1 || onPlayer;
    const hit = alive && ((or === s.playerPos[2 * e] && oc === s.playerPos[2 * e + 1]) || onPlayer);
    const cont = inBounds(nr, nc) && !wall && !inMob && !hit;
    s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
    s.mobMask[j] = cont && alive ? 1 : 0;
    if (hit) {
      const pd = PROJECTILE_DAMAGE[Math.min(7, s.mobType[j])];
      s.health[e] = f(s.health[e] - damageToPlayer(s, e, pd));
      s.sleeping[e] = 0, s.resting[e] = 0;
    }
    if (alive && (b === B.FURNACE || b === B.CRAFTING_TABLE)) {
      const w = scatterCell(nr, nc);
      if (w >= 0) s.map[base + w] = B.PATH;
    }
  }
}

/** Player projectiles damage the mobs on their cell, then the one they fly into. */
export function movePlayerProjectiles(s: FullState, e: number): void {
  const level = s.playerLevel[e];
  const m0 = (e * NUM_LEVELS + level) * M;
  const base = (e * NUM_LEVELS + level) * CELLS;
  const arrowCoeff = fma32(F02, s.dexterity[e] - 1, 1);
  const magicCoeff = fma32(f(0.5), s.intelligence[e] - 1, 1);
  for (let i = PLAYER_PROJ0; i < M; i++) {
    const j = m0 + i;
    const or = s.mobPos[2 * j], oc = s.mobPos[2 * j + 1];
    const nr = or + s.mobDir[2 * j], nc = oc + s.mobDir[2 * j + 1];
    s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
    if (!s.mobMask[j]) continue;
    const type = s.mobType[j];
    const pd = PROJECTILE_DAMAGE[Math.min(7, type)];
    const arrow = type === Projectile.ARROW || type === Projectile.ARROW2;
    const magic = type === Projectile.FIREBALL || type === Projectile.ICEBALL;
    dmg[0] = pd[0], dmg[1] = pd[1], dmg[2] = pd[2];
    if (arrow) {
      const be = s.bowEnchantment[e];
      if (be === 1 || be === 2) dmg[be] = f(dmg[be] + f(pd[0] / 2));
      for (let k = 0; k < 3; k++) dmg[k] = f(dmg[k] * arrowCoeff);
    }
    if (magic) { for (let k = 0; k < 3; k++) dmg[k] = f(dmg[k] * magicCoeff); }
    const b = s.map[base + gatherCell(nr, nc)];
    const wall = FULL_SOLID[b] === 1 && b !== B.WATER;
    attackMob(s, e, or, oc, dmg, false);
    const att0 = attackResult.attacked;
    if (att0) dmg[0] = 0, dmg[1] = 0, dmg[2] = 0;
    attackMob(s, e, nr, nc, dmg, false);
    const cont = inBounds(nr, nc) && !wall && !att0 && !attackResult.attacked;
    s.mobMask[j] = cont ? 1 : 0;
  }
}
