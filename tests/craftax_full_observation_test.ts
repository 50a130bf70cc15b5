/** The incremental full-Craftax observation writer against a from-scratch write, over random play. */

import assert from "node:assert/strict";
import { CraftaxFull } from "../envs/craftax/full/env.ts";
import { FULL_OBS_SIZE, writeFullObservation } from "../envs/craftax/full/observation.ts";

Deno.test("full observation: the env's incremental writer equals a fresh write every step", () => {
  const n = 6;
  const env = new CraftaxFull();
  env.reset(3, n);
  const fresh = new Float32Array(FULL_OBS_SIZE);
  let x = 12345, resets = 0;
  for (let t = 0; t < 400; t++) {
    const actions = Int32Array.from({ length: n }, () => {
      x ^= x << 13, x ^= x >>> 17, x ^= x << 5;
      return (x >>> 0) % CraftaxFull.NUM_ACTIONS;
    });
    const { obs, dones } = env.step(actions);
    for (let e = 0; e < n; e++) {
      resets += dones[e];
      writeFullObservation(env.state, e, fresh, 0, !dones[e]);
      const got = obs.subarray(e * FULL_OBS_SIZE, (e + 1) * FULL_OBS_SIZE);
      for (let i = 0; i < FULL_OBS_SIZE; i++) {
        if (got[i] !== fresh[i]) assert.fail(`step ${t} env ${e} index ${i}: ${got[i]} != ${fresh[i]}`);
      }
    }
  }
  assert.ok(resets > 0, "auto-resets happened");
});
