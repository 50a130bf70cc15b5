/** MJCF loader: fusion, masses from the spec, and rejection of malformed or unsupported input. */

import assert from "assert";
import { MjcfError } from "../envs/locomotion/physics/errors.ts";
import { loadMjcf } from "../envs/locomotion/physics/mjcf.ts";
import { loadOwn } from "./locomotion_mujoco_util.ts";

const base = (body: string, extra = "") =>
  `<mujoco model="t">
  <compiler angle="degree"/>
  <worldbody>
    <geom type="plane" size="1 1 1"/>
    <body name="b" pos="0 0 1">
      ${body}
    </body>
  </worldbody>${extra}
</mujoco>`;

function rejects(xml: string, pattern: RegExp, line?: number): void {
  try {
    loadMjcf(xml);
  } catch (e) {
    assert.ok(e instanceof MjcfError, `expected MjcfError, got ${e}`);
    assert.match(e.message, pattern);
    if (line !== undefined) assert.equal(e.line, line, e.message);
    return;
  }
  assert.fail(`accepted invalid MJCF (${pattern})`);
}

Deno.test("locomotion/mjcf: fusion gives Brax's link counts, sizes and masses", () => {
  const ant = loadOwn("ant");
  assert.equal(ant.nbody, 9);
  assert.deepEqual([ant.nq, ant.nv, ant.nu, ant.npair], [15, 14, 8, 4]);
  const antMass = ant.bodyMass.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(antMass - 0.911) < 1e-3, `ant mass ${antMass}`);
  assert.ok(Math.abs(ant.bodyMass[0] - 0.4839) < 1e-4);
  const cheetah = loadOwn("half_cheetah");
  assert.deepEqual([cheetah.nbody, cheetah.nq, cheetah.nv, cheetah.nu, cheetah.ncontactMax], [
    7,
    9,
    9,
    6,
    10,
  ]);
  assert.ok(Math.abs(cheetah.bodyMass.reduce((a, b) => a + b, 0) - 14) < 1e-9);
  const humanoid = loadOwn("humanoid");
  assert.deepEqual([humanoid.nbody, humanoid.nq, humanoid.nv, humanoid.nu, humanoid.npair], [
    11,
    24,
    23,
    17,
    2,
  ]);
  const hm = humanoid.bodyMass.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(hm - 42.12) < 0.01, `humanoid mass ${hm}`);
  // The fused foot sphere sits at (0, 0, -0.35) in the shin frame.
  const foot = humanoid.pairGeom[0];
  assert.deepEqual(Array.from(humanoid.geomPos.slice(3 * foot, 3 * foot + 3)).map((v) => +v.toFixed(6)), [
    0,
    0,
    -0.35,
  ]);
});

Deno.test("locomotion/mjcf: rejects unsupported elements and attributes with path and line", () => {
  rejects(
    base(`<joint type="hinge"/><geom type="sphere" size="0.1"/><site name="s"/>`),
    /unsupported element <site>.*body\[b\]\/site\[s\].*line 6/,
  );
  rejects(
    base(`<joint type="hinge" frictionloss="1"/><geom size="0.1"/>`),
    /unsupported attribute 'frictionloss'.*joint\[#1\]/,
    6,
  );
  rejects(base(`<joint/><geom type="box" size="0.1 0.1 0.1"/>`), /unsupported geom type 'box'/);
  rejects(base(`<joint/><geom size="0.1"/>`, `<asset/>`), /unsupported element <asset>/, 8);
});

Deno.test("locomotion/mjcf: rejects missing sizes, unknown joint types and bad references", () => {
  rejects(base(`<joint/><geom type="sphere"/>`), /sphere geom needs size/, 6);
  rejects(base(`<joint/><geom type="capsule" size="0.1"/>`), /capsule geom needs size .* or fromto/);
  rejects(base(`<joint type="ball"/><geom size="0.1"/>`), /unknown joint type 'ball'.*joint\[#1\]/, 6);
  rejects(base(`<joint limited="true"/><geom size="0.1"/>`), /limited joint needs a range/);
  rejects(
    base(`<joint name="j"/><geom size="0.1"/>`, `<actuator><motor joint="nope"/></actuator>`),
    /unknown joint 'nope'/,
  );
  rejects(base(`<joint/><geom size="0.1" pos="0 0"/>`), /'pos'="0 0" must be 3/);
  rejects(`<mujoco><worldbody><body><joint/></body></worldbody>`, /unclosed <mujoco>/);
});

Deno.test("locomotion/mjcf: default classes and childclass resolve", () => {
  const m = loadMjcf(`<mujoco>
  <default>
    <joint damping="2"/>
    <default class="heavy"><geom density="2000"/><joint armature="0.5"/></default>
  </default>
  <worldbody>
    <body name="a" childclass="heavy"><joint type="hinge"/><geom size="0.1"/>
      <body name="c" pos="0 0 -0.3"><joint class="main" type="slide"/><geom size="0.1"/></body>
    </body>
  </worldbody>
</mujoco>`);
  assert.deepEqual(Array.from(m.dofDamping), [2, 2]);
  assert.deepEqual(Array.from(m.dofArmature), [0.5, 0]);
  const sphere = 2000 * (4 / 3) * Math.PI * 0.001;
  assert.ok(Math.abs(m.bodyMass[0] - sphere) < 1e-12 && Math.abs(m.bodyMass[1] - sphere) < 1e-12);
});
