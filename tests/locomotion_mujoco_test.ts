/**
 * Validation of the locomotion physics against MuJoCo's official WASM build: both engines run the project's
 * own MJCF files (envs/locomotion/assets). That those files are Brax's models is checked against stored
 * reference numbers in locomotion_brax_reference_test.ts.
 */

import assert from "assert";
import { Pipeline } from "../envs/locomotion/physics/pipeline.ts";
import { loadOwn, loadOwnInMujoco, MODELS, rng } from "./locomotion_mujoco_util.ts";
import {
  engineInertials,
  engineRollouts,
  engineStateTerms,
  inertialErrors,
  mujocoInertials,
  mujocoRollouts,
  mujocoStateTerms,
  rolloutError,
  sampleRolloutStarts,
  sampleStates,
  stateTermErrors,
  TOLERANCE,
} from "./locomotion_reference.ts";

for (const name of MODELS) {
  Deno.test(`locomotion/${name}: link masses, COMs, inertias and inverse weights match MuJoCo`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadOwnInMujoco(name);
    const { inertial, invweight } = inertialErrors(engineInertials(own), mujocoInertials(mj, m, d));
    console.log(
      `  ${name}: max relative error inertials ${inertial.toExponential(2)}, invweight ${
        invweight.toExponential(2)
      }`,
    );
    assert.ok(inertial <= TOLERANCE.inertial, `mass/COM/inertia error ${inertial}`);
    assert.ok(invweight <= TOLERANCE.invweight, `inverse weight error ${invweight}`);
  });

  Deno.test(`locomotion/${name}: mass matrix and bias forces match MuJoCo at random states`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadOwnInMujoco(name);
    const states = sampleStates(own, 20);
    const { M, bias } = stateTermErrors(engineStateTerms(own, states), mujocoStateTerms(mj, m, d, states));
    console.log(`  ${name}: max relative error M ${M.toExponential(2)}, bias ${bias.toExponential(2)}`);
    assert.ok(M <= TOLERANCE.M, `mass matrix error ${M}`);
    assert.ok(bias <= TOLERANCE.bias, `bias force error ${bias}`);
  });

  Deno.test(`locomotion/${name}: contact-free 100-step rollouts match MuJoCo`, async () => {
    const own = loadOwn(name);
    const { mj, m, d } = await loadOwnInMujoco(name);
    const starts = sampleRolloutStarts(own, 5);
    const worst = rolloutError(engineRollouts(own, starts), mujocoRollouts(mj, m, d, starts));
    console.log(`  ${name}: max |q - q_mujoco| after 100 steps ${worst.toExponential(2)}`);
    assert.ok(worst <= TOLERANCE.rollout, `rollout error ${worst}`);
  });
}

// The two contact tests below run MuJoCo with its default (implicit) joint damping, unlike the rollouts
// above. At their tolerances it makes no difference: the ant settles at 0.54855 m with either integrator,
// and the cheetah's deepest point stays within the bound (MuJoCo sinks 4.0 cm with implicit damping, 9.2 cm
// with explicit; ours 5.0 cm).

Deno.test("locomotion/ant: dropped from its start pose, settles within 5% of MuJoCo's torso height", async () => {
  const own = loadOwn("ant");
  const { mj, m, d } = await loadOwnInMujoco("ant");
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
  const { mj, m, d } = await loadOwnInMujoco("half_cheetah");
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
