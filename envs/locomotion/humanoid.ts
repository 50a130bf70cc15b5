/**
 * Humanoid (Brax v2, generalized backend): 244-d observation `q[2:] (22) ++ qd (23) ++ com_inertia (11x10)
 * ++ com_velocity (11x6) ++ qfrc_actuator (23)`, 17 actions in [-1, 1] rescaled to the ctrlrange [-0.4, 0.4],
 * reward `1.25 vx_com + 5 - 0.1 |a_scaled|^2`, terminate when torso z leaves [1.0, 2.0], dt = 0.003 * 5.
 */

import { HUMANOID_XML } from "./assets/humanoid.ts";
import { LocomotionEnv, type LocomotionOptions, type LocomotionSpec } from "./env.ts";

/**
 * com_inertia: per link, the inertia about the whole-body COM in world axes (row-major 3x3) then the mass;
 * com_velocity: per link, (m_i / M) * velocity of the link COM, then its world angular velocity;
 * qfrc_actuator: gear * clip(ctrl) at each actuated dof. Requires dynamicsOf() for env e.
 */
function humanoidExtraObs(
  env: LocomotionEnv,
  out: Float32Array,
  offset: number,
  ctrl: ArrayLike<number>,
  co: number,
): void {
  const m = env.model, ws = env.pipeline.ws;
  let o = offset;
  let total = 0;
  for (let b = 0; b < m.nbody; b++) total += m.bodyMass[b];
  for (let b = 0; b < m.nbody; b++) {
    const c = b * 10;
    const ixx = ws.cinert[c + 4], iyy = ws.cinert[c + 5], izz = ws.cinert[c + 6];
    const ixy = ws.cinert[c + 7], ixz = ws.cinert[c + 8], iyz = ws.cinert[c + 9];
    out[o++] = ixx;
    out[o++] = ixy;
    out[o++] = ixz;
    out[o++] = ixy;
    out[o++] = iyy;
    out[o++] = iyz;
    out[o++] = ixz;
    out[o++] = iyz;
    out[o++] = izz;
    out[o++] = m.bodyMass[b];
  }
  for (let b = 0; b < m.nbody; b++) {
    const v = b * 6;
    const wx = ws.cvel[v], wy = ws.cvel[v + 1], wz = ws.cvel[v + 2];
    const rx = ws.xipos[b * 3] - ws.rootCom[b * 3];
    const ry = ws.xipos[b * 3 + 1] - ws.rootCom[b * 3 + 1];
    const rz = ws.xipos[b * 3 + 2] - ws.rootCom[b * 3 + 2];
    const s = m.bodyMass[b] / total;
    out[o++] = s * (ws.cvel[v + 3] + wy * rz - wz * ry);
    out[o++] = s * (ws.cvel[v + 4] + wz * rx - wx * rz);
    out[o++] = s * (ws.cvel[v + 5] + wx * ry - wy * rx);
    out[o++] = wx;
    out[o++] = wy;
    out[o++] = wz;
  }
  for (let i = 0; i < m.nv; i++) out[o + i] = 0;
  for (let a = 0; a < m.nu; a++) {
    let u = ctrl[co + a];
    if (m.actCtrlLimited[a]) {
      const lo = m.actCtrlRange[a * 2], hi = m.actCtrlRange[a * 2 + 1];
      u = u < lo ? lo : u > hi ? hi : u;
    }
    out[o + m.actDof[a]] += m.actGear[a] * u;
  }
}

/** The Humanoid's observation, reward and termination (Brax v2), and its MJCF. */
export const HUMANOID_SPEC: LocomotionSpec = {
  name: "humanoid",
  mjcf: HUMANOID_XML,
  nFrames: 5,
  obsSize: 244,
  obsQStart: 2,
  resetNoise: 0.01,
  qdNoise: "uniform",
  forwardWeight: 1.25,
  forward: "com",
  ctrlCostWeight: 0.1,
  healthyReward: 5,
  healthyZ: [1.0, 2.0],
  rescaleActions: true,
  extraObs: humanoidExtraObs,
};

/**
 * Creates a batched Humanoid environment (call reset(seed, numEnvs) next).
 *
 * @example
 * ```ts
 * import { makeHumanoid } from "@diffusing-blame/ed";
 * const env = makeHumanoid();
 * env.reset(0, 2);
 * const { obs, rewards } = env.step(new Float32Array(2 * env.actionSize)); // 17 zero actions each
 * console.log(env.obsSize, obs.length, rewards); // 244 488 ...
 * ```
 */
export function makeHumanoid(options: LocomotionOptions = {}): LocomotionEnv {
  return new LocomotionEnv(HUMANOID_SPEC, options);
}
