/**
 * A recorded locomotion trajectory for the viewers (./view.ts writes the SVG page, ./viewer3d.ts the
 * three.js page): per frame, both segment ends of every body geom in world coordinates, so a page can draw
 * capsules and spheres without the physics. Actions come from a policy (a trained run, see
 * lib/rl/policy.ts) or, without one, from a fixed-seed uniform generator in [−1, 1].
 *
 * @module
 */
import type { LocomotionEnv } from "./env.ts";
import { GEOM_CAPSULE, GEOM_PLANE } from "./physics/model.ts";
import { quatMul, quatRotate } from "./physics/math3d.ts";

/** One drawable geom: a capsule (halfLength > 0) or a sphere. */
export interface TrajectoryGeom {
  radius: number;
  halfLength: number;
  /** RGBA in [0, 1] from the model. */
  rgba: number[];
}

export interface Trajectory {
  /** The environment's name (Brax's). */
  env: string;
  /** Seconds per frame (the control step). */
  dt: number;
  geoms: TrajectoryGeom[];
  /** Per frame, per geom: [x, y, z] of both segment ends (equal for spheres); frame 0 is the reset state. */
  frames: number[][];
  /** Reward of each step (frames.length − 1 entries). */
  rewards: number[];
  /** Who acted: "random actions" or a run folder. */
  actor: string;
}

/** Acts from an observation [obsSize]: actions [actionSize] in [−1, 1]. */
export type LocomotionPolicy = (obs: Float32Array) => Promise<Float32Array>;

/** A policy of uniform random actions from a fixed-seed generator (the viewers' default). */
export function randomPolicy(actionSize: number, seed: number): LocomotionPolicy {
  let s = (seed * 2654435761) >>> 0;
  return () => {
    const act = new Float32Array(actionSize);
    for (let i = 0; i < act.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      act[i] = (s / 4294967296) * 2 - 1;
    }
    return Promise.resolve(act);
  };
}

/**
 * Records `steps` control steps of one environment (reset with `seed`) acted by `policy`. An episode that
 * ends early auto-resets, and the recording continues from the new first state.
 */
export async function recordTrajectory(
  env: LocomotionEnv,
  steps: number,
  seed: number,
  policy: LocomotionPolicy = randomPolicy(env.actionSize, seed),
  actor = "random actions",
): Promise<Trajectory> {
  const m = env.model, ws = env.pipeline.ws;
  const geoms: TrajectoryGeom[] = [], ids: number[] = [];
  for (let g = 0; g < m.ngeom; g++) {
    if (m.geomType[g] === GEOM_PLANE || m.geomBody[g] < 0) continue;
    ids.push(g);
    geoms.push({
      radius: m.geomSize[g * 3],
      halfLength: m.geomType[g] === GEOM_CAPSULE ? m.geomSize[g * 3 + 1] : 0,
      rgba: Array.from(m.geomRgba.slice(g * 4, g * 4 + 4)),
    });
  }
  const p = new Float64Array(6), q = new Float64Array(4), z = Float64Array.of(0, 0, 1);
  const frames: number[][] = [], rewards: number[] = [];
  const capture = () => {
    env.pipeline.kinematicsOf(env.q, env.qd, 0);
    const f: number[] = [];
    ids.forEach((g, k) => {
      const b = m.geomBody[g], h = geoms[k].halfLength;
      quatRotate(p, 0, ws.xquat, b * 4, m.geomPos, g * 3);
      for (let c = 0; c < 3; c++) p[c] += ws.xpos[b * 3 + c];
      quatMul(q, 0, ws.xquat, b * 4, m.geomQuat, g * 4);
      quatRotate(p, 3, q, 0, z, 0);
      for (let c = 0; c < 3; c++) f.push(+(p[c] + h * p[3 + c]).toFixed(4));
      for (let c = 0; c < 3; c++) f.push(+(p[c] - h * p[3 + c]).toFixed(4));
    });
    frames.push(f);
  };
  let obs = env.reset(seed, 1);
  capture();
  for (let t = 0; t < steps; t++) {
    const r = env.step(await policy(obs));
    rewards.push(r.rewards[0]);
    obs = r.obs.slice();
    capture();
  }
  return { env: env.spec.name, dt: env.dt, geoms, frames, rewards, actor };
}
