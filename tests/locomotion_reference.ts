/**
 * The quantities that pin a locomotion model's dynamics down, measured the same way in MuJoCo and in our
 * engine so that either can serve as the other's reference: per-link inertial properties at qpos0, the
 * mass matrix and bias forces at given states, and contact-free rollouts under random controls. The Brax
 * fixtures (tests/fixtures/locomotion) store these as MuJoCo measured them on Brax's own MJCF files.
 */

import { forwardKinematics } from "../envs/locomotion/physics/kinematics.ts";
import type { Model } from "../envs/locomotion/physics/model.ts";
import { Pipeline } from "../envs/locomotion/physics/pipeline.ts";
import { Workspace } from "../envs/locomotion/physics/workspace.ts";
import {
  jointedBodies,
  type JointLayout,
  type Mj,
  mujocoFullM,
  randomControl,
  randomState,
  relErr,
  rng,
} from "./locomotion_mujoco_util.ts";

/** One link (a jointed body plus the joint-less bodies welded to it) at qpos0, in the world frame. */
export interface LinkQuantities {
  mass: number;
  com: number[];
  /** 3x3 inertia about the COM, row-major. */
  inertia: number[];
  /** Translational inverse weight at qpos0; null where MuJoCo's body has welded children (MuJoCo's value is
   * for the unfused body, Brax's and ours for the fused link). */
  invweight: number | null;
}

export interface Inertials {
  links: LinkQuantities[];
  dofInvweight: number[];
}

export interface StateTerms {
  q: number[];
  qd: number[];
  /** Dense nv x nv mass matrix, row-major. */
  M: number[];
  bias: number[];
}

export interface Rollout {
  q: number[];
  qd: number[];
  /** Seed of the {@link rng} that draws the controls ({@link randomControl}, one call per step). */
  ctrlSeed: number;
  steps: number;
  /** Positions after `steps` contact- and limit-free steps. */
  qEnd: number[];
}

export type RolloutStart = Omit<Rollout, "qEnd">;
export type State = { q: ArrayLike<number>; qd: ArrayLike<number> };

/** Tolerances of our engine against MuJoCo (the measured errors are about 1e-14 and below). */
export const TOLERANCE = { inertial: 1e-6, invweight: 1e-6, M: 1e-4, bias: 1e-4, rollout: 1e-3 };

/** `count` random states for the mass-matrix checks: free bodies 1-2 m up, velocities within +-2. */
export function sampleStates(layout: JointLayout, count: number): { q: number[]; qd: number[] }[] {
  const rand = rng(11);
  return Array.from({ length: count }, () => {
    const { q, qd } = randomState(layout, rand, 1 + rand(), 2);
    return { q: Array.from(q), qd: Array.from(qd) };
  });
}

/** `count` rollout starts: free bodies 2 m up, velocities within +-1, 100 steps each. */
export function sampleRolloutStarts(layout: JointLayout, count: number): RolloutStart[] {
  const rand = rng(5);
  return Array.from({ length: count }, (_, t) => {
    const { q, qd } = randomState(layout, rand, 2, 1);
    return { q: Array.from(q), qd: Array.from(qd), ctrlSeed: 100 + t, steps: 100 };
  });
}

/** World-frame composite mass, COM and inertia of a set of MuJoCo bodies after mj_forward. */
function mujocoComposite(m: Mj, d: Mj, ids: number[]): Omit<LinkQuantities, "invweight"> {
  let mass = 0;
  const com = [0, 0, 0];
  for (const b of ids) {
    mass += m.body_mass[b];
    for (let k = 0; k < 3; k++) com[k] += m.body_mass[b] * d.xipos[3 * b + k];
  }
  for (let k = 0; k < 3; k++) com[k] /= mass;
  const inertia = new Array<number>(9).fill(0);
  for (const b of ids) {
    const R = d.ximat.slice(9 * b, 9 * b + 9);
    const p = [0, 1, 2].map((k) => d.xipos[3 * b + k] - com[k]);
    const pp = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
    const mb = m.body_mass[b];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += R[3 * i + k] * m.body_inertia[3 * b + k] * R[3 * j + k];
        inertia[3 * i + j] += s + mb * ((i === j ? pp : 0) - p[i] * p[j]);
      }
    }
  }
  return { mass, com, inertia };
}

/** Link inertials as MuJoCo computes them at qpos0. */
export function mujocoInertials(mj: Mj, m: Mj, d: Mj): Inertials {
  mj.mj_resetData(m, d);
  mj.mj_forward(m, d);
  const links = jointedBodies(m).map((body) => {
    const ids: number[] = [];
    for (let b = 1; b < m.nbody; b++) if (m.body_weldid[b] === body) ids.push(b);
    const invweight = ids.length === 1 ? m.body_invweight0[2 * body] : null;
    return { ...mujocoComposite(m, d, ids), invweight };
  });
  return { links, dofInvweight: Array.from(m.dof_invweight0 as ArrayLike<number>) };
}

/** Link inertials as our engine computes them at qpos0. */
export function engineInertials(model: Model): Inertials {
  const ws = new Workspace(model);
  ws.q.set(model.qpos0);
  forwardKinematics(model, ws);
  const links: LinkQuantities[] = [];
  for (let l = 0; l < model.nbody; l++) {
    const R = ws.xmat.slice(9 * l, 9 * l + 9);
    const inertia = new Array<number>(9).fill(0);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) {
            inertia[3 * i + j] += R[3 * i + a] * model.bodyInertia[9 * l + 3 * a + b] * R[3 * j + b];
          }
        }
      }
    }
    links.push({
      mass: model.bodyMass[l],
      com: Array.from(ws.xipos.slice(3 * l, 3 * l + 3)),
      inertia,
      invweight: model.bodyInvweight[l],
    });
  }
  return { links, dofInvweight: Array.from(model.dofInvweight) };
}

/** Mass matrix and bias forces at each state, from MuJoCo. */
export function mujocoStateTerms(mj: Mj, m: Mj, d: Mj, states: State[]): StateTerms[] {
  return states.map(({ q, qd }) => {
    mj.mj_resetData(m, d);
    for (let i = 0; i < m.nq; i++) d.qpos[i] = q[i];
    for (let i = 0; i < m.nv; i++) d.qvel[i] = qd[i];
    mj.mj_forward(m, d);
    return {
      q: Array.from(q),
      qd: Array.from(qd),
      M: Array.from(mujocoFullM(m, d)),
      bias: Array.from(d.qfrc_bias as ArrayLike<number>),
    };
  });
}

/** Mass matrix and bias forces at each state, from our engine. */
export function engineStateTerms(model: Model, states: State[]): StateTerms[] {
  const p = new Pipeline(model);
  return states.map(({ q, qd }) => {
    p.ws.q.set(q);
    p.ws.qd.set(qd);
    p.ws.ctrl.fill(0);
    if (!p.smooth()) throw new Error("smooth dynamics failed");
    return { q: Array.from(q), qd: Array.from(qd), M: Array.from(p.ws.M), bias: Array.from(p.ws.bias) };
  });
}

/** Contact- and limit-free rollouts in MuJoCo. */
export function mujocoRollouts(mj: Mj, m: Mj, d: Mj, starts: RolloutStart[]): Rollout[] {
  // No constraints (contacts, limits), as in the engine's rollouts. mjDSBL_EULERDAMP: MuJoCo's Euler
  // integrator otherwise treats joint damping implicitly, while Brax (and our engine) apply it as an explicit
  // force. With the flag the engines agree to ~1e-14 after 100 steps; without it they differ by 0.05-0.07.
  const flags = m.opt.disableflags;
  const bits = mj.mjtDisableBit; // read from the module: the bit numbers moved between MuJoCo versions
  m.opt.disableflags = flags | bits.mjDSBL_CONSTRAINT.value | bits.mjDSBL_EULERDAMP.value;
  try {
    return starts.map((start) => {
      mj.mj_resetData(m, d);
      for (let i = 0; i < m.nq; i++) d.qpos[i] = start.q[i];
      for (let i = 0; i < m.nv; i++) d.qvel[i] = start.qd[i];
      const rand = rng(start.ctrlSeed);
      for (let s = 0; s < start.steps; s++) {
        randomControl(rand, m.actuator_ctrlrange, d.ctrl);
        mj.mj_step(m, d);
      }
      return { ...start, qEnd: Array.from(d.qpos as ArrayLike<number>) };
    });
  } finally {
    m.opt.disableflags = flags;
  }
}

/** Contact- and limit-free rollouts in our engine. */
export function engineRollouts(model: Model, starts: RolloutStart[]): Rollout[] {
  const p = new Pipeline(model, { contacts: false, limits: false });
  return starts.map((start) => {
    p.ws.q.set(start.q);
    p.ws.qd.set(start.qd);
    const rand = rng(start.ctrlSeed);
    for (let s = 0; s < start.steps; s++) {
      randomControl(rand, model.actCtrlRange, p.ws.ctrl);
      if (!p.substep()) throw new Error(`substep ${s} failed`);
    }
    return { ...start, qEnd: Array.from(p.ws.q) };
  });
}

/** Largest errors of `ours` against `ref`: inertials (mass, COM, inertia, relative) and inverse weights
 * (relative; links only where `ref` has one). */
export function inertialErrors(ours: Inertials, ref: Inertials): { inertial: number; invweight: number } {
  if (ours.links.length !== ref.links.length) {
    throw new Error(`${ours.links.length} links, reference has ${ref.links.length}`);
  }
  let inertial = 0, invweight = relErr(ours.dofInvweight, ref.dofInvweight);
  ours.links.forEach((a, l) => {
    const b = ref.links[l];
    inertial = Math.max(
      inertial,
      Math.abs(a.mass - b.mass) / b.mass,
      relErr(a.com, b.com, 1e-3),
      relErr(a.inertia, b.inertia),
    );
    if (a.invweight !== null && b.invweight !== null) {
      invweight = Math.max(invweight, Math.abs(a.invweight - b.invweight) / b.invweight);
    }
  });
  return { inertial, invweight };
}

/** Largest relative errors of mass matrices and bias forces (the states must be the same). */
export function stateTermErrors(ours: StateTerms[], ref: StateTerms[]): { M: number; bias: number } {
  let M = 0, bias = 0;
  ref.forEach((b, t) => {
    M = Math.max(M, relErr(ours[t].M, b.M));
    bias = Math.max(bias, relErr(ours[t].bias, b.bias));
  });
  return { M, bias };
}

/** Largest |q - q_ref| at the end of the rollouts (the starts must be the same). */
export function rolloutError(ours: Rollout[], ref: Rollout[]): number {
  let worst = 0;
  ref.forEach((b, t) => {
    const a = ours[t].qEnd;
    if (a.length !== b.qEnd.length) worst = Infinity;
    for (let i = 0; i < b.qEnd.length; i++) worst = Math.max(worst, Math.abs(a[i] - b.qEnd[i]));
  });
  return worst;
}
