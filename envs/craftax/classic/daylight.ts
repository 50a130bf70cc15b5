/**
 * Day/night cycle: light = 1 - |cos(pi * ((t / 300) mod 1 + 0.3))|^3, evaluated in float32 like
 * the original (int32 timestep divided in float32, cube as x * (x * x)).
 *
 * @module
 */

import { DAY_LENGTH } from "./constants.ts";
import { cosf, fma32 } from "./f32math.ts";

const f = Math.fround;
const PI_F = f(Math.PI);
const OFFSET_F = f(0.3);

// Light depends only on the timestep: cache one period of episodes (t <= 10000).
const TABLE = new Float32Array(10001).fill(-1);

/** Light level after `t` steps (the value stored after a step sets timestep = t). */
export function lightLevel(t: number): number {
  if (t >= 0 && t < TABLE.length) {
    const v = TABLE[t];
    if (v >= 0) return v;
    return TABLE[t] = computeLight(t);
  }
  return computeLight(t);
}

function computeLight(t: number): number {
  const q = f(f(t) / DAY_LENGTH);
  const progress = f(f(q - Math.floor(q)) + OFFSET_F);
  const c = Math.abs(cosf(f(PI_F * progress)));
  // XLA fuses `1 - c * c^2` into one FMA inside the jitted step.
  return fma32(-c, f(c * c), 1);
}

/**
 * Light level of the first world (`reset_env` run eagerly, op by op). The original evaluates `pi * 0.3` in Python doubles (the timestep is a
 * Python 0 there), then rounds once to float32 before the cosine.
 */
export function lightLevelAtReset(): number {
  const c = Math.abs(cosf(f(Math.PI * 0.3)));
  return f(1 - f(c * f(c * c)));
}
