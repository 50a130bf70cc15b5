/**
 * Test helpers that drive MuJoCo's official WASM build (npm mujoco-js) as the reference engine for the
 * locomotion physics. Both engines load the project's own MJCF models (envs/locomotion/assets); that these
 * files describe Brax's models is checked against numbers stored in tests/fixtures/locomotion.
 */

import loadMujoco from "mujoco-js";
import { loadMjcf } from "../envs/locomotion/physics/mjcf.ts";
import type { Model } from "../envs/locomotion/physics/model.ts";
import { ANT_XML } from "../envs/locomotion/assets/ant.ts";
import { HALF_CHEETAH_XML } from "../envs/locomotion/assets/half_cheetah.ts";
import { HUMANOID_XML } from "../envs/locomotion/assets/humanoid.ts";

// deno-lint-ignore no-explicit-any
export type Mj = any;

let mjPromise: Promise<Mj> | undefined;

/** The MuJoCo WASM module (loaded once). */
export function mujoco(): Promise<Mj> {
  if (!mjPromise) {
    mjPromise = (async () => {
      const mj = await loadMujoco();
      mj.FS.mkdir("/models");
      return mj;
    })();
  }
  return mjPromise;
}

export const MODELS = ["ant", "half_cheetah", "humanoid"] as const;
export type ModelName = typeof MODELS[number];

/** Compiles MJCF text in MuJoCo (through its virtual file system, as `fileName`): returns the module,
 * mjModel and a fresh mjData. */
export async function compileInMujoco(xml: string, fileName: string): Promise<{ mj: Mj; m: Mj; d: Mj }> {
  const mj = await mujoco();
  const path = `/models/${fileName}`;
  mj.FS.writeFile(path, xml);
  const m = mj.MjModel.loadFromXML(path);
  const d = new mj.MjData(m);
  return { mj, m, d };
}

const OWN_XML: Record<ModelName, string> = {
  ant: ANT_XML,
  half_cheetah: HALF_CHEETAH_XML,
  humanoid: HUMANOID_XML,
};

/** The project's MJCF text for `name` (envs/locomotion/assets). */
export function ownXml(name: ModelName): string {
  return OWN_XML[name];
}

/** Loads our own XML for `name` into MuJoCo. */
export function loadOwnInMujoco(name: ModelName): Promise<{ mj: Mj; m: Mj; d: Mj }> {
  return compileInMujoco(ownXml(name), `${name}.xml`);
}

/** Loads our own XML for `name` into our engine. */
export function loadOwn(name: ModelName): Model {
  return loadMjcf(ownXml(name));
}

/** Dense mass matrix from MuJoCo's legacy sparse qM (row i: diagonal then ancestors via dof_parentid). */
export function mujocoFullM(m: Mj, d: Mj): Float64Array {
  const nv = m.nv;
  const out = new Float64Array(nv * nv);
  const qM = d.qM, madr = m.dof_Madr, parent = m.dof_parentid;
  for (let i = 0; i < nv; i++) {
    let adr = madr[i];
    for (let j = i; j >= 0; j = parent[j]) {
      out[i * nv + j] = qM[adr];
      out[j * nv + i] = qM[adr];
      adr++;
    }
  }
  return out;
}

/** MuJoCo body ids (with at least one joint) in document order: they correspond to our links. */
export function jointedBodies(m: Mj): number[] {
  const ids: number[] = [];
  for (let b = 1; b < m.nbody; b++) if (m.body_jntnum[b] > 0) ids.push(b);
  return ids;
}

/** Max-abs relative error: max|a-b| / max(max|b|, floor). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) return Infinity;
  let num = 0, den = floor;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Small deterministic PRNG for tests (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What {@link randomState} needs to know about the joints (our Model has it; so does MuJoCo's). */
export interface JointLayout {
  nq: number;
  nv: number;
  njnt: number;
  jntType: ArrayLike<number>; // 0 = free joint (MuJoCo's numbering)
  jntQposAdr: ArrayLike<number>;
  jntLimited: ArrayLike<number>;
  jntRange: ArrayLike<number>;
}

/** The joint layout of a MuJoCo model. */
export function mujocoJointLayout(m: Mj): JointLayout {
  return {
    nq: m.nq,
    nv: m.nv,
    njnt: m.njnt,
    jntType: m.jnt_type,
    jntQposAdr: m.jnt_qposadr,
    jntLimited: m.jnt_limited,
    jntRange: m.jnt_range,
  };
}

/** A random state: hinges/slides uniform in their range (or +-1), free joints at height z with a random
 * orientation, velocities uniform in +-vscale. */
export function randomState(model: JointLayout, rand: () => number, z: number, vscale: number): {
  q: Float64Array;
  qd: Float64Array;
} {
  const q = new Float64Array(model.nq), qd = new Float64Array(model.nv);
  for (let j = 0; j < model.njnt; j++) {
    const a = model.jntQposAdr[j];
    if (model.jntType[j] === 0) {
      q[a] = rand() - 0.5;
      q[a + 1] = rand() - 0.5;
      q[a + 2] = z;
      const v = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5];
      const n = Math.hypot(...v);
      for (let k = 0; k < 4; k++) q[a + 3 + k] = v[k] / n;
    } else if (model.jntLimited[j]) {
      const lo = model.jntRange[j * 2], hi = model.jntRange[j * 2 + 1];
      q[a] = lo + (hi - lo) * rand();
    } else {
      q[a] = 2 * rand() - 1;
    }
  }
  for (let i = 0; i < model.nv; i++) qd[i] = vscale * (2 * rand() - 1);
  return { q, qd };
}

/** Writes the next random control into `ctrl`: uniform in 1.2x each actuator's range (`ctrlRange`, 2 per
 * actuator), so some values get clipped. Both engines draw their rollout controls through this. */
export function randomControl(
  rand: () => number,
  ctrlRange: ArrayLike<number>,
  ctrl: { [i: number]: number },
) {
  for (let i = 0; i < ctrlRange.length / 2; i++) ctrl[i] = 1.2 * (2 * rand() - 1) * ctrlRange[2 * i + 1];
}
