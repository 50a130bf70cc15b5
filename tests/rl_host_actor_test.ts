// PPO's rollout acts on a cpu copy of the policy (lib/rl/host_policy.ts): on a cpu learner the host path
// gives the same bits as the per-step device path; on a WebGPU learner an iteration reads back a handful of
// times, never once per env step.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { readAll } from "../lib/tensor.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { ppoDefaults } from "../lib/rl/options.ts";
import type { ActorPlacement } from "../lib/rl/host_policy.ts";
import type { Backend } from "../lib/backend/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { makeVecEnv } from "../envs/mod.ts";
import { be, countingReads, test } from "./webgpu_test_util.ts";

const small = (actor: ActorPlacement) => ({
  ...ppoDefaults("cartpole", "ed-ppo"),
  numEnvs: 4,
  unrollLength: 16,
  batchSize: 2,
  numMinibatches: 2,
  updateEpochs: 2,
  actor,
});

async function run(backend: Backend, actor: ActorPlacement) {
  const ppo = new PpoLearner(backend, new CartPole(), small(actor), 3);
  const metrics = [await ppo.iteration(), await ppo.iteration()].map(({ seconds: _, ...m }) => m);
  const params = await readAll(ppo.policy.params.map((p) => p.value));
  const evalReturn = await ppo.evaluate(new CartPole(), 4, 11, false);
  ppo.dispose();
  return { metrics, params, evalReturn };
}

Deno.test("host actor: on the cpu backend it gives the per-step path's numbers bit for bit", async () => {
  const cpu = new CpuBackend();
  const device = await run(cpu, "device"), host = await run(cpu, "host");
  assert.deepEqual(host.metrics, device.metrics);
  assert.deepEqual(host.params, device.params);
  assert.equal(host.evalReturn, device.evalReturn);
});

test("host actor: a WebGPU iteration reads back a few times, not once per env step", async (gpu) => {
  const o = { ...small("auto"), numEnvs: 8, unrollLength: 32, batchSize: 8, numMinibatches: 1 };
  const { backend: counted, count } = countingReads(gpu);
  const ppo = new PpoLearner(counted, makeVecEnv("cartpole"), o, 0);
  await ppo.iteration();
  count.reads = 0;
  const m = await ppo.iteration();
  ppo.dispose();
  // The parameters once, the metrics once (GAE runs on the device: tests/webgpu_gae_test.ts).
  assert.ok(count.reads <= 2, `${count.reads} reads for ${o.unrollLength} env steps`);
  assert.ok(Number.isFinite(m.policyLoss) && Number.isFinite(m.valueLoss));
});

Deno.test("webgpu: the device of the host actor tests is released", () => be.dispose());
