/** Batched locomotion environments: shapes, rewards, termination, truncation, auto-reset and bad input. */

import assert from "assert";
import { makeAnt, makeHalfCheetah, makeHumanoid, PhysicsExplodedError } from "../envs/locomotion/mod.ts";

Deno.test("locomotion/env: observation and action sizes follow Brax", () => {
  for (
    const [make, obs, act] of [[makeAnt, 27, 8], [makeHalfCheetah, 17, 6], [makeHumanoid, 244, 17]] as const
  ) {
    const env = make();
    const o = env.reset(1, 3);
    assert.equal(env.obsSize, obs);
    assert.equal(env.actionSize, act);
    assert.ok(o instanceof Float32Array && o.length === 3 * obs);
    const r = env.step(new Float32Array(3 * act));
    assert.equal(r.obs.length, 3 * obs);
    assert.equal(r.rewards.length, 3);
    assert.ok(r.obs.every(Number.isFinite));
  }
});

Deno.test("locomotion/env: reset is seeded and noisy; ant starts at z 0.55 with ankles at +-1", () => {
  const a = makeAnt(), b = makeAnt();
  const oa = a.reset(42, 4).slice(), ob = b.reset(42, 4);
  assert.deepEqual(oa, ob);
  assert.notDeepEqual(oa, makeAnt().reset(43, 4));
  for (let e = 0; e < 4; e++) {
    assert.ok(Math.abs(a.q[e * 15 + 2] - 0.55) <= 0.1);
    assert.ok(Math.abs(a.q[e * 15 + 8] - 1) <= 0.1 && Math.abs(a.q[e * 15 + 10] + 1) <= 0.1);
    assert.notEqual(a.q[e * 15 + 3], 1); // quaternion perturbed too
  }
  // Obs = q[2:] ++ qd.
  assert.equal(oa[0], Math.fround(a.q[2]));
  assert.equal(oa[13], Math.fround(a.qd[0]));
});

Deno.test("locomotion/env: ant reward = torso x velocity + 1 - 0.5|a|^2", () => {
  const env = makeAnt();
  env.reset(3, 2);
  const x0 = [env.q[0], env.q[15]];
  const act = Float32Array.from({ length: 16 }, (_, i) => ((i * 37) % 11) / 11 - 0.5);
  const r = env.step(act);
  for (let e = 0; e < 2; e++) {
    let c = 0;
    for (let i = 0; i < 8; i++) c += act[e * 8 + i] ** 2;
    const expect = (env.q[e * 15] - x0[e]) / 0.05 + 1 - 0.5 * c;
    assert.ok(Math.abs(r.rewards[e] - expect) < 1e-4, `${r.rewards[e]} vs ${expect}`);
  }
});

Deno.test("locomotion/env: humanoid rescales actions and observes qfrc_actuator", () => {
  const env = makeHumanoid();
  env.reset(0, 1);
  const act = new Float32Array(17).fill(1);
  const r = env.step(act);
  // a = 1 -> ctrl 0.4; qfrc_actuator occupies the last 23 entries; dof 6+1 = abdomen_y has gear 100.
  const qfrc = r.obs.slice(244 - 23);
  assert.deepEqual(Array.from(qfrc.slice(0, 6)), [0, 0, 0, 0, 0, 0]);
  assert.ok(
    Math.abs(qfrc[7] - 40) < 1e-4 && Math.abs(qfrc[11] - 120) < 1e-4 && Math.abs(qfrc[12] - 80) < 1e-4,
  );
  // Reward: 5 alive - 0.1 * 17 * 0.16 + 1.25 vx_com.
  assert.ok(Math.abs(r.rewards[0] - (5 - 0.272)) < 1.0);
  // com_inertia mass entries (every 10th, starting after q and qd) are the link masses.
  assert.ok(Math.abs(r.obs[45 + 9] - env.model.bodyMass[0]) < 1e-4);
});

Deno.test("locomotion/env: 1000-step truncation and auto-reset to the first sampled state", () => {
  const env = makeHalfCheetah();
  const first = env.reset(9, 2).slice();
  const q0 = env.q.slice();
  const act = new Float32Array(12);
  for (let t = 1; t <= 1000; t++) {
    const r = env.step(act);
    if (t < 1000) {
      assert.equal(r.dones[0], 0);
      assert.equal(r.truncations[0], 0);
    } else {
      assert.deepEqual(Array.from(r.dones), [1, 1]);
      assert.deepEqual(Array.from(r.truncations), [1, 1]);
      assert.deepEqual(r.obs, first);
      assert.deepEqual(env.q, q0);
    }
  }
  assert.equal(env.step(act).dones[0], 0);
});

Deno.test("locomotion/env: termination is not truncation; humanoid falls and terminates", () => {
  const env = makeHumanoid();
  env.reset(0, 1);
  const act = new Float32Array(17);
  let t = 0, r;
  do {
    r = env.step(act);
    t++;
  } while (!r.dones[0] && t < 1000);
  assert.ok(t < 1000, "a passive humanoid should fall");
  assert.equal(r.truncations[0], 0);
  assert.ok(r.rewards[0] > 4, "healthy reward is paid on the terminating step");
});

Deno.test("locomotion/env: rejects NaN/Inf actions and reports an exploding state with its step", () => {
  const env = makeAnt();
  env.reset(0, 2);
  const act = new Float32Array(16);
  act[11] = NaN;
  assert.throws(() => env.step(act), /non-finite action NaN at env 1, index 3/);
  act[11] = Infinity;
  assert.throws(() => env.step(act), /non-finite action Infinity/);
  assert.throws(() => env.step(new Float32Array(3)), /expected numEnvs\*actionSize = 16/);
  act[11] = 0;
  env.step(act);
  env.step(act);
  env.qd[14 + 3] = 1e300; // env 1 blows up on its 3rd step
  assert.throws(() => env.step(act), (e: unknown) => {
    assert.ok(e instanceof PhysicsExplodedError);
    assert.equal(e.env, 1);
    assert.equal(e.step, 3);
    return true;
  });
});
