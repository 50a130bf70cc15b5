/**
 * `jax.random.choice(arange(n), p=p)` with a scalar key, in float32 as the original computes it;
 * chest loot, spell books and armour enchanting draw through it.
 *
 * @module
 */

import { uniformScalar } from "../jax_random.ts";

const f = Math.fround;

/** `choice(arange(n), p=p)` with a scalar uniform: searchsorted_left(cumsum(p), total * (1 - u)). */
export function choiceP(k0: number, k1: number, p: readonly number[]): number {
  const cum: number[] = [];
  let acc = 0;
  for (const x of p) cum.push(acc = f(acc + x));
  const total = cum[cum.length - 1];
  const r = f(total * f(1 - uniformScalar(k0, k1)));
  if (Number.isNaN(r)) return 0;
  for (let i = 0; i < cum.length; i++) if (cum[i] >= r) return i;
  return cum.length;
}
