/**
 * The fast world-generation noise (double precision, exact float32 only near thresholds) against the
 * all-float32 reference, for every lattice geometry the Classic (64x64) and full (48x48) games use.
 */

import assert from "node:assert/strict";
import { fractalNoise } from "../envs/craftax/classic/noise.ts";
import { NoiseField } from "../envs/craftax/classic/noise_field.ts";

const GEOMETRIES: [number, number, number][] = [
  [64, 4, 4],
  [64, 8, 32],
  [64, 16, 16],
  [48, 3, 3],
  [48, 6, 24],
  [48, 12, 12],
];
// Thresholds the games compare normalised noise against (raw noise, before any profile is added).
const THRESHOLDS = [0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85].map(Math.fround);

Deno.test("noise field: exact values equal fractalNoise and double values decide thresholds alike", () => {
  for (const [size, res0, res1] of GEOMETRIES) {
    const field = new NoiseField(size, res0, res1);
    let nearCells = 0;
    for (let seed = 0; seed < 40; seed++) {
      const k0 = seed * 7919 + res1, k1 = seed ^ 0x5bd1e995;
      const ref = fractalNoise(k0, k1, size, res0, res1);
      field.generate(k0, k1);
      for (let i = 0; i < size * size; i++) {
        if (field.exact(i) !== ref[i]) {
          assert.fail(
            `${size}x${size} res ${res0}x${res1} seed ${seed} cell ${i}: exact ${field.exact(i)} != ${
              ref[i]
            }`,
          );
        }
        const v = field.approxNorm(i);
        for (const t of THRESHOLDS) {
          if (Math.abs(v - t) <= field.eps) {
            nearCells++;
            continue; // the games recompute these cells exactly
          }
          if ((v > t) !== (ref[i] > t)) {
            assert.fail(
              `${size}x${size} res ${res0}x${res1} seed ${seed} cell ${i}: ${v} vs ${ref[i]} at ${t}`,
            );
          }
        }
      }
    }
    assert.ok(nearCells < 0.01 * 40 * size * size * THRESHOLDS.length, "the exact path stays rare");
  }
});
