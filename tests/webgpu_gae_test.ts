// GAE on the backend (ops.gae, lib/backend/*/gae): the cpu kernel equals lib/rl/gae.ts's host function bit for
// bit, the WGSL kernel agrees with it on awkward shapes for both advantage kinds, the device-side masked
// normalisation agrees with the host one, and a PPO update with GAE on the device needs no read-back between
// minibatches (on the cpu it gives the host path's numbers to float32 rounding).
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import type { AdvantageKind, Backend } from "../lib/backend/backend.ts";
import * as ops from "../lib/ops.ts";
import { readAll } from "../lib/tensor.ts";
import { Rng } from "../lib/random.ts";
import { gae, normalizeMasked, normalizeMaskedTensor } from "../lib/rl/gae.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { ppoDefaults } from "../lib/rl/options.ts";
import type { PpoOptions } from "../lib/rl/ppo_options.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { makeVecEnv } from "../envs/mod.ts";
import { be, close, countingReads, test } from "./webgpu_test_util.ts";

const cpu = new CpuBackend();
const SHAPES: [number, number][] = [[1, 1], [7, 3], [63, 1], [65, 130], [130, 7]];

/** A random rollout [T, N] with episode ends about one step in five, a third of them truncations. */
function rollout(T: number, N: number, seed: number) {
  const rng = new Rng(seed), n = T * N;
  const dones = new Uint8Array(n), truncations = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const u = rng.uniform();
    dones[k] = u < 0.2 ? 1 : 0;
    truncations[k] = u < 0.07 ? 1 : 0;
  }
  const uniform = (size: number) => Float32Array.from({ length: size }, () => 2 * rng.uniform() - 1);
  return {
    steps: T,
    envs: N,
    rewards: uniform(n),
    values: uniform(n),
    bootstrap: uniform(N),
    dones,
    truncations,
  };
}

async function onBackend(b: Backend, r: ReturnType<typeof rollout>, kind: AdvantageKind) {
  const grid = (a: Float32Array | Uint8Array) => ops.tensor(b, Float32Array.from(a), [r.steps, r.envs]);
  const inputs = {
    rewards: grid(r.rewards),
    values: grid(r.values),
    bootstrap: ops.tensor(b, r.bootstrap, [r.envs]),
    dones: grid(r.dones),
    truncations: grid(r.truncations),
  };
  const g = ops.gae(inputs, { gamma: 0.97, lambda: 0.9, kind });
  const normalized = normalizeMaskedTensor(g.advantages, g.mask);
  const [advantages, targets, mask, norm] = await readAll([g.advantages, g.targets, g.mask, normalized]);
  [...Object.values(inputs), g.advantages, g.targets, g.mask, normalized].forEach((t) => t.dispose());
  return { advantages, targets, mask, normalized: norm };
}

for (const kind of ["gae", "brax"] as const) {
  Deno.test(`gae (${kind}): the cpu kernel gives the host function's bits on every shape`, async () => {
    for (const [T, N] of SHAPES) {
      const r = rollout(T, N, T * 1000 + N);
      const want = gae({ ...r, gamma: 0.97, lambda: 0.9, kind });
      const got = await onBackend(cpu, r, kind);
      assert.deepEqual(got.advantages, want.advantages, `advantages [${T}, ${N}]`);
      assert.deepEqual(got.targets, want.targets, `targets [${T}, ${N}]`);
      assert.deepEqual(got.mask, want.mask, `mask [${T}, ${N}]`);
      close(
        got.normalized,
        normalizeMasked(want.advantages, want.mask),
        1e-5,
        1e-5,
        `normalised [${T}, ${N}]`,
      );
    }
  });

  test(`gae (${kind}): the WGSL kernel matches the cpu reference on awkward shapes`, async (gpu) => {
    for (const [T, N] of SHAPES) {
      const r = rollout(T, N, T * 1000 + N);
      const [got, want] = [await onBackend(gpu, r, kind), await onBackend(cpu, r, kind)];
      // f32 recursion vs f64: a few ulps per step, over up to 130 steps of returns of size ~10.
      close(got.advantages, want.advantages, 1e-5, 1e-5, `advantages [${T}, ${N}]`);
      close(got.targets, want.targets, 1e-5, 1e-5, `targets [${T}, ${N}]`);
      assert.deepEqual(got.mask, want.mask, `mask [${T}, ${N}]`);
      close(got.normalized, want.normalized, 1e-4, 1e-4, `normalised [${T}, ${N}]`);
    }
  });
}

Deno.test("gae: every step truncated normalises to zeros, not NaN", async () => {
  const r = rollout(3, 2, 5);
  r.dones.fill(1), r.truncations.fill(1);
  const got = await onBackend(cpu, r, "gae");
  assert.deepEqual([...got.normalized], [0, 0, 0, 0, 0, 0]);
});

Deno.test("gae: bad shapes and settings name the problem", () => {
  const t = (shape: number[]) => ops.zeros(cpu, shape);
  const good = {
    rewards: t([4, 3]),
    values: t([4, 3]),
    bootstrap: t([3]),
    dones: t([4, 3]),
    truncations: t([4, 3]),
  };
  const settings = { gamma: 0.99, lambda: 0.95, kind: "gae" as const };
  assert.throws(
    () => ops.gae({ ...good, values: t([3, 4]) }, settings),
    /values must be shaped like rewards/,
  );
  assert.throws(() => ops.gae({ ...good, bootstrap: t([4]) }, settings), /bootstrap must be \[3\]/);
  assert.throws(() => ops.gae(good, { ...settings, gamma: 1.5 }), /gamma must be in \[0, 1\]/);
  assert.throws(() => ops.gae(good, { ...settings, lambda: NaN }), /lambda must be in \[0, 1\]/);
});

const small = (advantagesOn: "host" | "device"): PpoOptions => ({
  ...ppoDefaults("cartpole", "ed-ppo"),
  numEnvs: 4,
  unrollLength: 16,
  batchSize: 2,
  numMinibatches: 2,
  updateEpochs: 2,
  recomputeAdvantages: true,
  advantagesOn,
});

Deno.test("gae: PPO with GAE on the device follows the host path to float32 rounding (cpu)", async () => {
  const run = async (at: "host" | "device") => {
    const ppo = new PpoLearner(cpu, new CartPole(), small(at), 3);
    const metrics = [await ppo.iteration(), await ppo.iteration()];
    const params = await readAll(ppo.policy.params.map((p) => p.value));
    ppo.dispose();
    return { metrics, params };
  };
  const host = await run("host"), device = await run("device");
  for (let i = 0; i < 2; i++) {
    for (const key of ["policyLoss", "valueLoss", "approxKl", "entropy"] as const) {
      close([device.metrics[i][key]], [host.metrics[i][key]], 1e-4, 1e-3, `iteration ${i} ${key}`);
    }
  }
  device.params.forEach((p, i) => close(p, host.params[i], 1e-4, 1e-3, `policy parameter ${i}`));
});

test("gae: a WebGPU PPO iteration reads back twice (parameters, metrics), whatever the minibatch count", async (gpu) => {
  const o = {
    ...small("device"),
    numEnvs: 8,
    unrollLength: 32,
    batchSize: 2,
    numMinibatches: 4,
    actor: "auto" as const,
  };
  const { backend: counted, count } = countingReads(gpu);
  const ppo = new PpoLearner(counted, makeVecEnv("cartpole"), o, 0);
  await ppo.iteration();
  count.reads = 0;
  const m = await ppo.iteration();
  ppo.dispose();
  assert.equal(count.reads, 2, `${count.reads} reads for ${o.updateEpochs * o.numMinibatches} minibatches`);
  assert.ok(Number.isFinite(m.policyLoss) && Number.isFinite(m.valueLoss));
});

Deno.test("webgpu: the device of the gae tests is released", () => (be.dispose(), cpu.dispose()));
