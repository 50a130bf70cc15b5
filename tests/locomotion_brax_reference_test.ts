/**
 * The project's MJCF files describe Brax's models: checked against numbers MuJoCo computed from Brax's own
 * files (tests/fixtures/locomotion, written by its generate.ts). MuJoCo compiles our files to the same model
 * (every physics field, then the same inertials, mass matrices, bias forces and rollouts), and our engine
 * reproduces Brax's numbers within the tolerances it has against MuJoCo.
 */

import assert from "assert";
import {
  MODEL_FIELDS,
  mujocoModelFields,
  OPTION_FIELDS,
  readBraxFixture,
} from "./locomotion_brax_fixture.ts";
import { loadOwn, loadOwnInMujoco, MODELS, relErr } from "./locomotion_mujoco_util.ts";
import {
  engineInertials,
  engineRollouts,
  engineStateTerms,
  inertialErrors,
  mujocoInertials,
  mujocoRollouts,
  mujocoStateTerms,
  rolloutError,
  stateTermErrors,
  TOLERANCE,
} from "./locomotion_reference.ts";

// MuJoCo compiles our files to exactly Brax's numbers today; the slack only absorbs rounding changes.
const SAME = 1e-14;

for (const name of MODELS) {
  Deno.test(`locomotion/${name}: MuJoCo compiles our MJCF to Brax's model`, async () => {
    const ref = readBraxFixture(name);
    const { mj, m, d } = await loadOwnInMujoco(name);
    const hint = `(fixture from MuJoCo ${ref.mujoco}, running ${mj.mj_versionString()})`;
    const ours = mujocoModelFields(m);
    for (const f of MODEL_FIELDS) {
      assert.ok(
        relErr(ours.model[f], ref.model[f]) <= SAME,
        `${f}: ${ours.model[f]} vs ${ref.model[f]} ${hint}`,
      );
    }
    for (const f of OPTION_FIELDS) {
      assert.ok(
        relErr(ours.option[f], ref.option[f]) <= SAME,
        `opt.${f}: ${ours.option[f]} vs ${ref.option[f]}`,
      );
    }
    const inertial = inertialErrors(mujocoInertials(mj, m, d), ref.inertials);
    assert.ok(inertial.inertial <= SAME && inertial.invweight <= SAME, `inertials ${hint}`);
    const terms = stateTermErrors(mujocoStateTerms(mj, m, d, ref.states), ref.states);
    assert.ok(terms.M <= SAME && terms.bias <= SAME, `mass matrix ${terms.M}, bias ${terms.bias} ${hint}`);
    const rollout = rolloutError(mujocoRollouts(mj, m, d, ref.rollouts), ref.rollouts);
    assert.ok(rollout <= SAME, `rollout error ${rollout} ${hint}`);
  });

  Deno.test(`locomotion/${name}: link masses, COMs, inertias and inverse weights match Brax's`, () => {
    const { inertial, invweight } = inertialErrors(
      engineInertials(loadOwn(name)),
      readBraxFixture(name).inertials,
    );
    console.log(
      `  ${name}: max relative error inertials ${inertial.toExponential(2)}, invweight ${
        invweight.toExponential(2)
      }`,
    );
    assert.ok(inertial <= TOLERANCE.inertial, `mass/COM/inertia error ${inertial}`);
    assert.ok(invweight <= TOLERANCE.invweight, `inverse weight error ${invweight}`);
  });

  Deno.test(`locomotion/${name}: mass matrix and bias forces match Brax's at the stored states`, () => {
    const ref = readBraxFixture(name);
    const { M, bias } = stateTermErrors(engineStateTerms(loadOwn(name), ref.states), ref.states);
    console.log(`  ${name}: max relative error M ${M.toExponential(2)}, bias ${bias.toExponential(2)}`);
    assert.ok(M <= TOLERANCE.M, `mass matrix error ${M}`);
    assert.ok(bias <= TOLERANCE.bias, `bias force error ${bias}`);
  });

  Deno.test(`locomotion/${name}: contact-free 100-step rollouts match Brax's model in MuJoCo`, () => {
    const ref = readBraxFixture(name);
    const worst = rolloutError(engineRollouts(loadOwn(name), ref.rollouts), ref.rollouts);
    console.log(`  ${name}: max |q - q_brax| after 100 steps ${worst.toExponential(2)}`);
    assert.ok(worst <= TOLERANCE.rollout, `rollout error ${worst}`);
  });
}
