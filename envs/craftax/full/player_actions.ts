/**
 * The player's actions besides DO and building, each a no-op unless `action` selects it: floor
 * change, bow and spells, potions, spell books, enchanting, attribute level-ups and movement.
 *
 * @module
 */

import { choicePScalar, splitChild, TF_OUT } from "../jax_random.ts";
import { FULL_MAP_CELLS, FullBlock as B, Item, NUM_LEVELS } from "./constants.ts";
import {
  FullAchievement as A,
  FullAction as Act,
  LEVEL_ACHIEVEMENT,
  MONSTERS_KILLED_TO_CLEAR_LEVEL,
  Projectile,
} from "./rules.ts";
import {
  FULL_MOB_SLOTS,
  FULL_NUM_ACHIEVEMENTS,
  FULL_NUM_INV,
  FullInv as I,
  type FullState,
  PLAYER_PROJ0,
} from "./state.ts";
import { canMove, countLive, DC, dirC, dirR, DR, gatherCell } from "./grid.ts";
import { spawnProjectile } from "./combat.ts";

const f = Math.fround;
const CELLS = FULL_MAP_CELLS, M = FULL_MOB_SLOTS, NA = FULL_NUM_ACHIEVEMENTS;

/** DESCEND on a down ladder of a cleared floor, or ASCEND on an up ladder; a new floor earns xp once. */
export function changeFloor(s: FullState, e: number, action: number): void {
  const level = s.playerLevel[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const item = s.itemMap[(e * NUM_LEVELS + level) * CELLS + gatherCell(pr, pc)];
  const down = action === Act.DESCEND && item === Item.LADDER_DOWN &&
    s.monstersKilled[e * NUM_LEVELS + level] >= MONSTERS_KILLED_TO_CLEAR_LEVEL && level < NUM_LEVELS - 1;
  const up = action === Act.ASCEND && item === Item.LADDER_UP && level > 0;
  const delta = (down ? 1 : 0) - (up ? 1 : 0);
  const nl = level + delta;
  if (down) {
    s.playerPos[2 * e] = s.upLadders[(e * NUM_LEVELS + level + 1) * 2];
    s.playerPos[2 * e + 1] = s.upLadders[(e * NUM_LEVELS + level + 1) * 2 + 1];
  } else if (up) {
    s.playerPos[2 * e] = s.downLadders[(e * NUM_LEVELS + level - 1) * 2];
    s.playerPos[2 * e + 1] = s.downLadders[(e * NUM_LEVELS + level - 1) * 2 + 1];
  }
  const a = e * NA + LEVEL_ACHIEVEMENT[nl];
  if (nl !== 0) {
    if (!s.achievements[a]) s.xp[e] += 1;
    s.achievements[a] = 1;
  }
  s.playerLevel[e] = nl;
}

/** SHOOT_ARROW (bow and an arrow) or a learnt spell for 2 mana, while a player projectile slot is free. */
export function shootAndCast(s: FullState, e: number, action: number): void {
  if (action !== Act.SHOOT_ARROW && action !== Act.CAST_FIREBALL && action !== Act.CAST_ICEBALL) return;
  const m0 = (e * NUM_LEVELS + s.playerLevel[e]) * M;
  if (countLive(s, m0, PLAYER_PROJ0, PLAYER_PROJ0 + 3) >= 3) return;
  const dir = s.playerDir[e];
  const pr = s.playerPos[2 * e], pc = s.playerPos[2 * e + 1];
  const v = s.inventory, o = e * FULL_NUM_INV, ach = e * NA;
  if (action === Act.SHOOT_ARROW) {
    if (v[o + I.BOW] >= 1 && v[o + I.ARROWS] >= 1) {
      spawnProjectile(s, m0, PLAYER_PROJ0, pr, pc, dirR(dir), dirC(dir), Projectile.ARROW2);
      v[o + I.ARROWS] -= 1;
      s.achievements[ach + A.FIRE_BOW] = 1;
    }
    return;
  }
  const fire = action === Act.CAST_FIREBALL;
  if (s.mana[e] >= 2 && s.learnedSpells[2 * e + (fire ? 0 : 1)]) {
    spawnProjectile(
      s,
      m0,
      PLAYER_PROJ0,
      pr,
      pc,
      dirR(dir),
      dirC(dir),
      fire ? Projectile.FIREBALL : Projectile.ICEBALL,
    );
    s.mana[e] -= 2;
    s.achievements[ach + (fire ? A.CAST_FIREBALL : A.CAST_ICEBALL)] = 1;
  }
}

/** DRINK_POTION_*: the colour's effect is shuffled per game by `potionMapping`. */
export function drinkPotion(s: FullState, e: number, action: number): void {
  if (action < Act.DRINK_POTION_RED || action > Act.DRINK_POTION_YELLOW) return;
  const idx = action - Act.DRINK_POTION_RED;
  if (s.potions[6 * e + idx] <= 0) return;
  s.potions[6 * e + idx] -= 1;
  const effect = s.potionMapping[6 * e + idx];
  if (effect === 0) s.health[e] = f(s.health[e] + 8);
  else if (effect === 1) s.health[e] = f(s.health[e] - 3);
  else if (effect === 2) s.mana[e] += 8;
  else if (effect === 3) s.mana[e] -= 3;
  else if (effect === 4) s.energy[e] += 8;
  else if (effect === 5) s.energy[e] -= 3;
  s.achievements[e * NA + A.DRINK_POTION] = 1;
}

/** READ_BOOK learns a spell not yet known (uniformly between the two when neither is). */
export function readBook(s: FullState, e: number, action: number, k0: number, k1: number): void {
  if (action !== Act.READ_BOOK || s.inventory[e * FULL_NUM_INV + I.BOOKS] <= 0) return;
  // rng, _rng = split(rng): the draw uses the second child.
  splitChild(k0, k1, 1);
  const l0 = s.learnedSpells[2 * e] ? 0 : 1, l1 = s.learnedSpells[2 * e + 1] ? 0 : 1;
  const sum = l0 + l1;
  const idx = choicePScalar(TF_OUT[0], TF_OUT[1], [f(l0 / sum), f(l1 / sum)]);
  s.inventory[e * FULL_NUM_INV + I.BOOKS] -= 1;
  s.learnedSpells[2 * e + idx] = 1;
  s.achievements[e * NA + (idx === 1 ? A.LEARN_ICEBALL : A.LEARN_FIREBALL)] = 1;
}

/** ENCHANT_* at a fire (ruby) or ice (sapphire) enchantment table the player faces, for 9 mana and a gem. */
export function enchant(s: FullState, e: number, action: number, k0: number, k1: number): void {
  if (action !== Act.ENCHANT_BOW && action !== Act.ENCHANT_SWORD && action !== Act.ENCHANT_ARMOUR) return;
  const dir = s.playerDir[e];
  const r = s.playerPos[2 * e] + dirR(dir), c = s.playerPos[2 * e + 1] + dirC(dir);
  const b = s.map[(e * NUM_LEVELS + s.playerLevel[e]) * CELLS + gatherCell(r, c)];
  if (b !== B.ENCHANTMENT_TABLE_FIRE && b !== B.ENCHANTMENT_TABLE_ICE) return;
  const type = b === B.ENCHANTMENT_TABLE_FIRE ? 1 : 2;
  const v = s.inventory, o = e * FULL_NUM_INV, ach = e * NA;
  const gems = type === 1 ? v[o + I.RUBY] : v[o + I.SAPPHIRE];
  if (s.mana[e] < 9 || gems < 1) return;
  let done = false;
  if (action === Act.ENCHANT_BOW && v[o + I.BOW] > 0) {
    s.bowEnchantment[e] = type, done = true;
  } else if (action === Act.ENCHANT_SWORD && v[o + I.SWORD] > 0) {
    s.swordEnchantment[e] = type, done = true;
    s.achievements[ach + A.ENCHANT_SWORD] = 1;
  } else if (action === Act.ENCHANT_ARMOUR) {
    let armour = 0;
    for (let k = 0; k < 4; k++) armour += s.armour[4 * e + k];
    if (armour > 0) {
      const p: number[] = [];
      let unench = 0;
      for (let k = 0; k < 4; k++) unench += s.armourEnchantments[4 * e + k] === 0 ? 1 : 0;
      for (let k = 0; k < 4; k++) {
        const en = s.armourEnchantments[4 * e + k];
        p.push((en === 0 ? 1 : 0) + (unench === 0 && en !== 0 && en !== type ? 1 : 0));
      }
      splitChild(k0, k1, 1);
      const target = Math.min(3, choicePScalar(TF_OUT[0], TF_OUT[1], p));
      s.armourEnchantments[4 * e + target] = type;
      done = true;
      s.achievements[ach + A.ENCHANT_ARMOUR] = 1;
    }
  }
  if (!done) return;
  if (type === 1) v[o + I.RUBY] -= 1;
  else v[o + I.SAPPHIRE] -= 1;
  s.mana[e] -= 9;
}

/** LEVEL_UP_* spends one xp on an attribute below 5. */
export function levelUp(s: FullState, e: number, action: number): void {
  if (s.xp[e] < 1) return;
  let attr: Int32Array | null = null;
  if (action === Act.LEVEL_UP_DEXTERITY) attr = s.dexterity;
  else if (action === Act.LEVEL_UP_STRENGTH) attr = s.strength;
  else if (action === Act.LEVEL_UP_INTELLIGENCE) attr = s.intelligence;
  if (attr === null || attr[e] >= 5) return;
  attr[e] += 1;
  s.xp[e] -= 1;
}

// The player walks on land: water and lava block it.
const LAND_COL = [0, 1, 1];

/** Moves 1-4 turn the player and step where `canMove` allows. */
export function movePlayer(s: FullState, e: number, action: number): void {
  if (action < 1 || action > 4) return;
  const r = s.playerPos[2 * e] + DR[action], c = s.playerPos[2 * e + 1] + DC[action];
  if (canMove(s, e, r, c, LAND_COL)) s.playerPos[2 * e] = r, s.playerPos[2 * e + 1] = c;
  s.playerDir[e] = action;
}
