/**
 * Validation of the locomotion physics against MuJoCo's official WASM build. MuJoCo runs Brax's own MJCF
 * files; our engine runs the project's own files (envs/locomotion/assets).
 */

import assert from "assert";
import { forwardKinematics } from "../envs/locomotion/physics/kinematics.ts";
import { Pipeline } from "../envs/locomotion/physics/pipeline.ts";
import { Workspace } from "../envs/locomotion/physics/workspace.ts";
import {
  jointedBodies,
  loadOwn,
  loadReference,
  MODELS,
  mujocoFullM,
  randomState,
  relErr,
  rng,
} from "./locomotion_mujoco_util.ts";

const mjDSBL_CONSTRAINT = 1, mjDSBL_EULERDAMP = 32768;

/** World-frame inertia (about the COM, 3x3) of a set of MuJoCo bodies after mj_forward. */
function mujocoComposite(m: ReturnType<typeof Object>, d: ReturnType<typeof Object>, ids: number[]) {
  let mass = 0;
  const com = [0, 0, 0];
  for (const b of ids) {
    mass += m.body_mass[b];
    for (let k = 0; k < 3; k++) com[k] += m.body_mass[b] * d.xipos[3 * b + k];
  }
  for (let k = 0; k < 3; k++) com[k] /= mass;
  const I = new Float64Array(9);
  for (const b of ids) {
    const R = d.ximat.slice(9 * b, 9 * b + 9);
    const p = [0, 1, 2].map((k) => d.xipos[3 * b + k] - com[k]);
    const pp = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
    const mb = m.body_mass[b];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += R[3 * i + k] * m.body_inertia[3 * b + k] * R[3 * j + k];
        I[3 * i + j] += s + mb * ((i === j ? pp : 0) - p[i] * p[j]);
      }
    }
  }
  return { mass, com, I };
}

for (const name of MODELS) {
  Deno.test(`locomotion/${name}: link masses, COMs and inertias match MuJoCo`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadReference(name);
    for (let i = 0; i < m.nq; i++) d.qpos[i] = m.qpos0[i];
    mj.mj_forward(m, d);
    const ws = new Workspace(own);
    ws.q.set(own.qpos0);
    forwardKinematics(own, ws);
    const bodies = jointedBodies(m);
    assert.equal(bodies.length, own.nbody, "links after fusion");
    let worst = 0;
    for (let l = 0; l < own.nbody; l++) {
      // Our link = the MuJoCo body with joints plus every joint-less body welded to it.
      const ids: number[] = [];
      for (let b = 1; b < m.nbody; b++) if (m.body_weldid[b] === bodies[l]) ids.push(b);
      const ref = mujocoComposite(m, d, ids);
      const R = ws.xmat.slice(9 * l, 9 * l + 9);
      const I = new Float64Array(9);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let a = 0; a < 3; a++) {
            for (let b = 0; b < 3; b++) s += R[3 * i + a] * own.bodyInertia[9 * l + 3 * a + b] * R[3 * j + b];
          }
          I[3 * i + j] = s;
        }
      }
      worst = Math.max(
        worst,
        Math.abs(own.bodyMass[l] - ref.mass) / ref.mass,
        relErr(ws.xipos.slice(3 * l, 3 * l + 3), ref.com, 1e-3),
        relErr(I, ref.I),
      );
    }
    console.log(`  ${name}: max relative error mass/COM/inertia ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-6, `mass/inertia error ${worst}`);
    // Inverse weights: dofs everywhere; links only where MuJoCo has no welded child bodies (Brax fuses
    // first, so a welded foot changes MuJoCo's value for the unfused shin but not Brax's).
    assert.ok(relErr(own.dofInvweight, m.dof_invweight0) <= 1e-6, "dof_invweight0");
    for (let l = 0; l < own.nbody; l++) {
      let welded = false;
      for (let b = 1; b < m.nbody; b++) if (b !== bodies[l] && m.body_weldid[b] === bodies[l]) welded = true;
      if (welded) continue;
      const ref = m.body_invweight0[2 * bodies[l]];
      assert.ok(Math.abs(own.bodyInvweight[l] - ref) <= 1e-6 * ref, `body_invweight0 of link ${l}`);
    }
  });

  Deno.test(`locomotion/${name}: mass matrix and bias forces match MuJoCo at random states`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadReference(name);
    const p = new Pipeline(own);
    const r = rng(11);
    let errM = 0, errB = 0;
    for (let t = 0; t < 20; t++) {
      const { q, qd } = randomState(own, r, 1 + r(), 2);
      p.ws.q.set(q);
      p.ws.qd.set(qd);
      p.ws.ctrl.fill(0);
      assert.ok(p.smooth());
      for (let i = 0; i < m.nq; i++) d.qpos[i] = q[i];
      for (let i = 0; i < m.nv; i++) d.qvel[i] = qd[i];
      mj.mj_forward(m, d);
      errM = Math.max(errM, relErr(p.ws.M, mujocoFullM(m, d)));
      errB = Math.max(errB, relErr(p.ws.bias, d.qfrc_bias));
    }
    console.log(`  ${name}: max relative error M ${errM.toExponential(2)}, bias ${errB.toExponential(2)}`);
    assert.ok(errM <= 1e-4, `mass matrix error ${errM}`);
    assert.ok(errB <= 1e-4, `bias force error ${errB}`);
  });

  Deno.test(`locomotion/${name}: contact-free 100-step rollouts match MuJoCo`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadReference(name);
    // No constraints (contacts, limits) in either engine; explicit damping in MuJoCo as in Brax.
    m.opt.disableflags = mjDSBL_CONSTRAINT | mjDSBL_EULERDAMP;
    const p = new Pipeline(own, { contacts: false, limits: false });
    const r = rng(5);
    let worst = 0;
    for (let t = 0; t < 5; t++) {
      const { q, qd } = randomState(own, r, 2, 1);
      mj.mj_resetData(m, d);
      p.ws.q.set(q);
      p.ws.qd.set(qd);
      for (let i = 0; i < m.nq; i++) d.qpos[i] = q[i];
      for (let i = 0; i < m.nv; i++) d.qvel[i] = qd[i];
      for (let s = 0; s < 100; s++) {
        for (let i = 0; i < m.nu; i++) {
          const c = 1.2 * (2 * r() - 1) * own.actCtrlRange[2 * i + 1]; // includes clipped values
          d.ctrl[i] = c;
          p.ws.ctrl[i] = c;
        }
        assert.ok(p.substep());
        mj.mj_step(m, d);
      }
      for (let i = 0; i < m.nq; i++) worst = Math.max(worst, Math.abs(d.qpos[i] - p.ws.q[i]));
    }
    m.opt.disableflags = 0;
    console.log(`  ${name}: max |q - q_mujoco| after 100 steps ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-3, `rollout error ${worst}`);
  });
}

Deno.test("locomotion/ant: dropped from its start pose, settles within 5% of MuJoCo's torso height", async () => {
  const own = loadOwn("ant");
  const { mj, m, d } = await loadReference("ant");
  const init = own.numeric.get("init_qpos")!;
  mj.mj_resetData(m, d);
  for (let i = 0; i < m.nq; i++) d.qpos[i] = init[i] + (i === 2 ? 0.1 : 0); // dropped from 10 cm higher
  const p = new Pipeline(own);
  p.ws.q.set(init);
  p.ws.q[2] += 0.1;
  p.ws.qd.fill(0);
  p.ws.ctrl.fill(0);
  for (let s = 0; s < 150; s++) {
    assert.ok(p.substep());
    mj.mj_step(m, d);
  }
  const ours = p.ws.q[2], ref = d.qpos[2];
  console.log(`  ant settle height after 1.5 s: ours ${ours.toFixed(4)}, MuJoCo ${ref.toFixed(4)}`);
  assert.ok(Math.abs(ours - ref) <= 0.05 * ref, `ours ${ours} vs MuJoCo ${ref}`);
});

Deno.test("locomotion/half_cheetah: never sinks through the floor under random actions", async () => {
  const own = loadOwn("half_cheetah");
  const { mj, m, d } = await loadReference("half_cheetah");
  const p = new Pipeline(own);
  const r = rng(3);
  let oursMin = Infinity, refMin = Infinity;
  p.ws.q.set(own.qpos0);
  p.ws.qd.fill(0);
  mj.mj_resetData(m, d);
  for (let s = 0; s < 2000; s++) {
    if (s % 5 === 0) {
      for (let i = 0; i < m.nu; i++) {
        const c = 2 * r() - 1;
        p.ws.ctrl[i] = c;
        d.ctrl[i] = c;
      }
    }
    assert.ok(p.substep());
    mj.mj_step(m, d);
    for (let c = 0; c < p.ws.ncon; c++) oursMin = Math.min(oursMin, p.ws.conDist[c]);
    for (let c = 0; c < d.ncon; c++) refMin = Math.min(refMin, d.contact.get(c).dist);
  }
  console.log(
    `  cheetah deepest penetration over 20 s: ours ${oursMin.toFixed(4)}, MuJoCo ${refMin.toFixed(4)}`,
  );
  // HalfCheetah's geoms are deliberately soft (solimp dmin 0, width 1 cm), so both engines let the 4.6 cm
  // capsules sink a few centimetres. "Through the floor" = a whole end sphere under the plane (dist < -2r);
  // we also require our deepest point within 2 cm of MuJoCo's.
  const radius = own.geomSize[3 * own.pairGeom[0]];
  assert.ok(oursMin > -2 * radius, `a capsule end went through the floor: ${oursMin}`);
  assert.ok(oursMin >= refMin - 0.02, `penetration ${oursMin} vs MuJoCo ${refMin}`);
  assert.ok(p.ws.q[1] > -0.7, "torso below the floor");
});
