// GAE against a hand-computed rollout, the running normaliser against direct statistics, and the classic
// environments' dynamics and episode semantics.
import assert from "assert";
import { gae } from "../lib/rl/gae.ts";
import { RunningNormalizer } from "../lib/rl/normalizer.ts";
import { CARTPOLE, CartPole } from "../envs/classic/cartpole.ts";
import { angleNormalize, Pendulum } from "../envs/classic/pendulum.ts";

const close = (a: number, b: number, tol = 1e-5, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("gae: hand-computed 3-step rollout with a termination", () => {
  // One env, T = 3: r = [1, 2, 3], V = [0.5, 1.0, 1.5], episode terminates at t = 1, V(s_3) = 2.
  const gamma = 0.9, lambda = 0.8;
  const out = gae({
    steps: 3,
    envs: 1,
    rewards: Float32Array.of(1, 2, 3),
    values: Float32Array.of(0.5, 1.0, 1.5),
    bootstrap: Float32Array.of(2),
    dones: Uint8Array.of(0, 1, 0),
    truncations: Uint8Array.of(0, 0, 0),
    gamma,
    lambda,
  });
  // δ2 = 3 + 0.9·2 − 1.5 = 3.3;  A2 = 3.3
  // δ1 = 2 + 0 − 1.0 = 1.0 (terminal); A1 = 1.0 (no carry across the termination)
  // δ0 = 1 + 0.9·1.0 − 0.5 = 1.4;  A0 = 1.4 + 0.9·0.8·1.0 = 2.12
  const expected = [2.12, 1.0, 3.3];
  expected.forEach((a, t) => close(out.advantages[t], a, 1e-5, `A${t}`));
  expected.forEach((a, t) => close(out.targets[t], a + [0.5, 1.0, 1.5][t], 1e-5, `vs${t}`));
  assert.deepEqual([...out.mask], [1, 1, 1]);
});

Deno.test("gae: two envs interleaved time-major, truncation masked, Brax advantage", () => {
  const gamma = 0.5, lambda = 1;
  const input = {
    steps: 2,
    envs: 2,
    rewards: Float32Array.of(1, 10, 1, 10),
    values: Float32Array.of(0, 0, 0, 0),
    bootstrap: Float32Array.of(4, 4),
    dones: Uint8Array.of(0, 0, 1, 0),
    truncations: Uint8Array.of(0, 0, 1, 0),
    gamma,
    lambda,
  };
  const g = gae(input);
  // env 0: step 1 truncated → masked; step 0: δ0 = 1 + 0.5·0 − 0 = 1, no carry through a masked step.
  close(g.advantages[2], 0, 0, "env0 t1");
  close(g.advantages[0], 1, 1e-6, "env0 t0");
  assert.equal(g.mask[2], 0);
  // env 1: δ1 = 10 + 0.5·4 = 12; δ0 = 10; A0 = 10 + 0.5·12 = 16.
  close(g.advantages[3], 12, 1e-6, "env1 t1");
  close(g.advantages[1], 16, 1e-6, "env1 t0");
  // Brax: adv_t = r_t + γ vs_{t+1} − V_t with vs = λ-returns; with λ = 1 it equals GAE.
  const b = gae({ ...input, kind: "brax" });
  [0, 1, 3].forEach((k) => close(b.advantages[k], g.advantages[k], 1e-5, `brax ${k}`));
  // and with λ = 0 it is r + γ·(r' + γV'') − V, a two-step target:
  const b0 = gae({ ...input, lambda: 0, kind: "brax" });
  close(b0.advantages[1], 10 + 0.5 * (10 + 0.5 * 4), 1e-5, "brax λ=0");
});

Deno.test("normalizer: batched Welford equals direct mean/std", () => {
  const norm = new RunningNormalizer(2);
  const all: number[][] = [];
  for (let batch = 0; batch < 3; batch++) {
    const rows = 5 + batch, data = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      data[2 * r] = Math.sin(r * 1.3 + batch) * 3 + 1;
      data[2 * r + 1] = r * batch - 2;
      all.push([data[2 * r], data[2 * r + 1]]);
    }
    norm.update(data);
  }
  for (let j = 0; j < 2; j++) {
    const xs = all.map((r) => r[j]), m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    close(norm.mean[j], m, 1e-9, "mean");
    close(norm.std[j], sd, 1e-5, "std");
  }
  const y = norm.apply(Float32Array.of(all[0][0], all[0][1]));
  close(y[0], (all[0][0] - norm.mean[0]) / norm.std[0], 1e-5, "apply");
});

Deno.test("cartpole: gym dynamics for one step, termination and autoreset", () => {
  const env = new CartPole();
  const obs0 = env.reset(3, 2);
  assert.equal(obs0.length, 8);
  assert.ok(obs0.every((v) => Math.abs(v) <= 0.05));
  const [x, xd, th, thd] = obs0.subarray(0, 4);
  const c = CARTPOLE, total = c.massCart + c.massPole, pml = c.massPole * c.length;
  const temp = (c.forceMag + pml * thd * thd * Math.sin(th)) / total;
  const thAcc = (c.gravity * Math.sin(th) - Math.cos(th) * temp) /
    (c.length * (4 / 3 - (c.massPole * Math.cos(th) ** 2) / total));
  const xAcc = temp - (pml * thAcc * Math.cos(th)) / total;
  const step = env.step(Int32Array.of(1, 0));
  close(step.obs[0], x + c.tau * xd, 1e-6, "x");
  close(step.obs[1], xd + c.tau * xAcc, 1e-6, "x_dot");
  close(step.obs[2], th + c.tau * thd, 1e-6, "theta");
  close(step.obs[3], thd + c.tau * thAcc, 1e-6, "theta_dot");
  assert.deepEqual([...step.rewards], [1, 1]);
  // Always pushing right topples the pole well before the time limit; the env then resets itself.
  let steps = 1, ended = false;
  while (!ended && steps < 200) {
    const s = env.step(Int32Array.of(1, 1));
    steps++;
    if (s.dones[0]) {
      ended = true;
      assert.equal(s.truncations![0], 0);
      assert.ok(s.obs.subarray(0, 4).every((v) => Math.abs(v) <= 0.05), "reset observation");
    }
  }
  assert.ok(ended && steps < 100, `episode should terminate early, took ${steps}`);
});

Deno.test("pendulum: gym dynamics, reward and truncation at 200 steps", () => {
  const env = new Pendulum();
  const obs = env.reset(1, 1);
  const th = Math.atan2(obs[1], obs[0]), thd = obs[2];
  const s = env.step(Float32Array.of(0.5));
  const u = 1.0;
  close(s.rewards[0], -(angleNormalize(th) ** 2 + 0.1 * thd * thd + 0.001 * u * u), 1e-5, "reward");
  const newThd = Math.min(8, Math.max(-8, thd + (15 * Math.sin(th) + 3 * u) * 0.05));
  close(s.obs[2], newThd, 1e-5, "theta_dot");
  close(Math.atan2(s.obs[1], s.obs[0]), angleNormalize(th + newThd * 0.05), 1e-5, "theta");
  let t = 1;
  for (; t < 200; t++) {
    const r = env.step(Float32Array.of(0));
    if (r.dones[0]) {
      assert.equal(r.truncations![0], 1);
      break;
    }
  }
  assert.equal(t, 199, "truncated on the 200th step");
});
