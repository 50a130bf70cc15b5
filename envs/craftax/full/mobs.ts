/**
 * `update_mobs` for the player's floor: melee, passive and ranged mobs move, attack and despawn
 * when far (melee and ranged never on the boss floor), then the projectiles fly. Every slot, live
 * or dead, consumes its random draws in the original's key order.
 *
 * @module
 */

import { randintScalar, splitChild, TF_OUT, TF_OUT2, tfBlock2, uniformScalar } from "../jax_random.ts";
import { FULL_MAP_CELLS, NUM_LEVELS } from "./constants.ts";
import {
  FullAchievement as A,
  MELEE_DAMAGE,
  MOB_COLLISION,
  MOB_DESPAWN_DISTANCE,
  RANGED_PROJECTILE,
} from "./rules.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_ACHIEVEMENTS,
  type FullState,
  MELEE0,
  MOB_PROJ0,
  PASSIVE0,
  RANGED0,
} from "./state.ts";
import { canMove, countLive, DC, dirC, dirR, DR, scatterCell } from "./grid.ts";
import { damageToPlayer, dmg, moveMobProjectiles, movePlayerProjectiles, spawnProjectile } from "./combat.ts";

const f = Math.fround;
const CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS, NA = FULL_NUM_ACHIEVEMENTS;
const F075 = f(0.75), F085 = f(0.85);

/** Axis toward the player: `choice(arange(2), p=(|d| == max) / sum|d|)` with key k. */
function towardAxis(a0: number, a1: number, k0: number, k1: number): number {
  if (a0 > a1) return 0;
  if (a1 > a0) return 1;
  if (a0 === 0) return 0;
  const p = f(1 / (a0 + a1));
  const total = f(p + p);
  const r = f(total * f(1 - uniformScalar(k0, k1)));
  return r <= p ? 0 : 1;
}

/** Moves mob slot `j` to (nr, nc) and keeps it alive only if `keep`, updating the mob map. */
function settle(s: FullState, e: number, j: number, nr: number, nc: number, keep: boolean): void {
  const base = (e * NUM_LEVELS + s.playerLevel[e]) * CELLS;
  if (s.mobMask[j]) {
    const w = scatterCell(s.mobPos[2 * j], s.mobPos[2 * j + 1]);
    if (w >= 0) s.mobMap[base + w] = 0;
  }
  if (keep) {
    const w = scatterCell(nr, nc);
    if (w >= 0) s.mobMap[base + w] = 1;
  }
  s.mobPos[2 * j] = nr, s.mobPos[2 * j + 1] = nc;
  s.mobMask[j] = keep ? 1 : 0;
}

/** Moves and attacks with every mob on the player's floor, with the mobs key (k0, k1). */
export function updateMobs(s: FullState, e: number, k0: number, k1: number): void {
  const level = s.playerLevel[e];
  const boss = level === NUM_LEVELS - 1;
  const m0 = (e * NUM_LEVELS + level) * M;
  const ach = e * NA;
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  splitChild(k0, k1, 0);
  let c0 = TF_OUT[0], c1 = TF_OUT[1];

  // Melee mobs attack when adjacent and off cooldown; otherwise, within distance 10 (anywhere on
  // the boss floor), they step toward the player 75% of the time, else in a random direction.
  for (let i = MELEE0; i < PASSIVE0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    const a0k = TF_OUT2[0], a1k = TF_OUT2[1], kr0 = TF_OUT2[2], kr1 = TF_OUT2[3];
    tfBlock2(a0k, a1k, 0, 1);
    const b0k = TF_OUT2[0], b1k = TF_OUT2[1], ka0 = TF_OUT2[2], ka1 = TF_OUT2[3];
    tfBlock2(b0k, b1k, 0, 1);
    const kc0 = TF_OUT2[2], kc1 = TF_OUT2[3];
    splitChild(TF_OUT2[0], TF_OUT2[1], 1);
    c0 = TF_OUT[0], c1 = TF_OUT[1];

    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    const d0 = pr - mr, d1 = pc - mc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1), dist = a0 + a1;
    const type = s.mobType[j];
    const attacking = dist === 1 && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    let nr = mr, nc = mc;
    if (!attacking) {
      const close = (dist < 10 || boss) && uniformScalar(kc0, kc1) < F075;
      if (close) {
        const axis = towardAxis(a0, a1, ka0, ka1);
        if (axis === 0) nr += Math.sign(d0);
        else nc += Math.sign(d1);
      } else {
        const m = 1 + randintScalar(kr0, kr1, 0, 4);
        nr += DR[m], nc += DC[m];
      }
    }
    if (attacking) {
      const md = MELEE_DAMAGE[Math.min(7, type)];
      const sleepMul = s.sleeping[e] ? f(3.5) : 1;
      for (let k = 0; k < 3; k++) dmg[k] = f(md[k] * sleepMul);
      s.health[e] = f(s.health[e] - damageToPlayer(s, e, dmg));
      if (s.sleeping[e]) s.achievements[ach + A.WAKE_UP] = 1;
      s.sleeping[e] = 0, s.resting[e] = 0;
      s.mobCooldown[j] = 5;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMove(s, e, nr, nc, MOB_COLLISION[Math.min(8, type)][1])) nr = mr, nc = mc;
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && (dist < MOB_DESPAWN_DISTANCE || boss));
  }

  // Passive mobs wander; a draw of 5-8 stays put.
  splitChild(c0, c1, 0);
  c0 = TF_OUT[0], c1 = TF_OUT[1];
  for (let i = PASSIVE0; i < RANGED0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    const m = 1 + randintScalar(TF_OUT2[2], TF_OUT2[3], 0, 8);
    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    let nr = mr + dirR(m), nc = mc + dirC(m);
    if (!canMove(s, e, nr, nc, MOB_COLLISION[Math.min(8, s.mobType[j])][0])) nr = mr, nc = mc;
    const dist = Math.abs(mr - pr) + Math.abs(mc - pc);
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && dist < MOB_DESPAWN_DISTANCE);
  }

  // Ranged mobs keep their distance: 15% of the time they back off within 3 or close in from 6,
  // otherwise they wander; they shoot at range 4-5, or when too close and their move is blocked.
  splitChild(c0, c1, 0);
  c0 = TF_OUT[0], c1 = TF_OUT[1];
  for (let i = RANGED0; i < MOB_PROJ0; i++) {
    const j = m0 + i;
    tfBlock2(c0, c1, 0, 1);
    const a0k = TF_OUT2[0], a1k = TF_OUT2[1], kr0 = TF_OUT2[2], kr1 = TF_OUT2[3];
    tfBlock2(a0k, a1k, 0, 1);
    const b0k = TF_OUT2[0], b1k = TF_OUT2[1], ka0 = TF_OUT2[2], ka1 = TF_OUT2[3];
    tfBlock2(b0k, b1k, 0, 1);
    c0 = TF_OUT2[0], c1 = TF_OUT2[1];
    const ku0 = TF_OUT2[2], ku1 = TF_OUT2[3];

    const mr = s.mobPos[2 * j], mc = s.mobPos[2 * j + 1];
    const d0 = pr - mr, d1 = pc - mc;
    const a0 = Math.abs(d0), a1 = Math.abs(d1), dist = a0 + a1;
    const type = s.mobType[j];
    const col = MOB_COLLISION[Math.min(8, type)][2];
    const axis = towardAxis(a0, a1, ka0, ka1);
    const tr = axis === 0 ? Math.sign(d0) : 0, tc = axis === 0 ? 0 : Math.sign(d1);
    const m = 1 + randintScalar(kr0, kr1, 0, 4);
    const rr = mr + DR[m], rc = mc + DC[m];
    let nr = rr, nc = rc;
    if (dist <= 3) nr = mr - tr, nc = mc - tc;
    else if (dist >= 6) nr = mr + tr, nc = mc + tc;
    if (!(uniformScalar(ku0, ku1) > F085)) nr = rr, nc = rc;
    let attacking = (dist >= 4 && dist <= 5) || (dist <= 3 && !canMove(s, e, nr, nc, col));
    attacking = attacking && s.mobCooldown[j] <= 0 && s.mobMask[j] === 1;
    if (attacking) {
      if (countLive(s, m0, MOB_PROJ0, MOB_PROJ0 + 3) < 3) {
        spawnProjectile(s, m0, MOB_PROJ0, mr, mc, tr, tc, RANGED_PROJECTILE[Math.min(7, type)]);
      }
      nr = mr, nc = mc;
      s.mobCooldown[j] = 4;
    } else {
      s.mobCooldown[j] -= 1;
    }
    if (!canMove(s, e, nr, nc, col)) nr = mr, nc = mc;
    settle(s, e, j, nr, nc, s.mobMask[j] === 1 && (dist < MOB_DESPAWN_DISTANCE || boss));
  }

  moveMobProjectiles(s, e);
  movePlayerProjectiles(s, e);
}
