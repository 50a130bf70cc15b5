/**
 * Long random-action runs: 10,000 env steps per model (10 envs x 1000 steps, through truncation and
 * auto-reset) with no NaN and no floor penetration deeper than PENETRATION_TOL.
 *
 * Brax's reset noise (U(+-0.1) on every q entry, quaternion included) tilts the Ant enough that reset states
 * can start with a foot up to ~16 cm inside the floor, so penetration is measured from the 20th step of
 * each episode on, once the contacts have had time to push the start state out. For reference, MuJoCo
 * (Brax's XML, same random-action protocol) reaches 9.2 cm (Ant), 7.0 cm (HalfCheetah), 3.1 cm (Humanoid).
 */

import assert from "assert";
import { collide } from "../envs/locomotion/physics/collision.ts";
import { makeAnt, makeHalfCheetah, makeHumanoid } from "../envs/locomotion/mod.ts";
import { rng } from "./locomotion_mujoco_util.ts";

/** Deepest allowed contact distance (m). HalfCheetah's soft geoms (solimp dmin 0) sink most. */
const PENETRATION_TOL = { ant: 0.1, half_cheetah: 0.08, humanoid: 0.05 };
const SETTLE_STEPS = 20;

for (
  const [name, make] of [["ant", makeAnt], ["half_cheetah", makeHalfCheetah], [
    "humanoid",
    makeHumanoid,
  ]] as const
) {
  Deno.test(`locomotion/${name}: 10,000 random-action steps without NaN or deep floor penetration`, () => {
    const env = make();
    const N = 10;
    env.reset(123, N);
    const r = rng(77);
    const act = new Float32Array(N * env.actionSize);
    let deepest = 0, dones = 0;
    for (let t = 0; t < 1000; t++) {
      for (let i = 0; i < act.length; i++) act[i] = 2 * r() - 1;
      const res = env.step(act);
      for (let e = 0; e < N; e++) {
        dones += res.dones[e];
        if (res.dones[e] || env.steps[e] < SETTLE_STEPS) continue;
        env.pipeline.kinematicsOf(env.q, env.qd, e);
        collide(env.model, env.pipeline.ws);
        for (let c = 0; c < env.pipeline.ws.ncon; c++) {
          deepest = Math.min(deepest, env.pipeline.ws.conDist[c]);
        }
      }
      for (let i = 0; i < res.obs.length; i++) {
        if (!Number.isFinite(res.obs[i])) assert.fail(`NaN obs at step ${t}`);
      }
      for (let i = 0; i < N; i++) assert.ok(Number.isFinite(res.rewards[i]));
    }
    console.log(`  ${name}: deepest penetration ${deepest.toFixed(4)} m, episodes ended ${dones}`);
    assert.ok(deepest > -PENETRATION_TOL[name], `penetration ${deepest}`);
  });
}
