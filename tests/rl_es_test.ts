// OpenAI-ES: centered ranks, antithetic gradient on a quadratic, and CartPole improvement.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { centeredRanks, EsLearner } from "../lib/rl/es.ts";
import { esDefaults } from "../lib/rl/options.ts";

const cpu = new CpuBackend();

Deno.test("es: centered ranks span [-0.5, 0.5] in rank order", () => {
  assert.deepEqual([...centeredRanks([3, -1, 10, 0, 5])], [0, -0.5, 0.5, -0.25, 0.25]);
});

for (const dualStream of [false, true]) {
  for (const rmsNorm of [false, true]) {
    Deno.test(`es: host forward equals the backend forward (dual-stream ${dualStream}, RMS norm ${rmsNorm})`, async () => {
      const defaults = esDefaults("cartpole");
      const options = { ...defaults, dualStream, policy: { ...defaults.policy, rmsNorm } };
      const es = new EsLearner(cpu, new CartPole(), options, 2);
      const { tensor } = await import("../lib/ops.ts");
      const x = Float32Array.of(0.1, -0.2, 0.3, 0.05);
      using xt = tensor(cpu, x, [1, 4]);
      using out = es.net.predict(xt);
      const ref = await out.readF32(), ours = new Float32Array(2);
      es.forward(await es.parameters(), 0, x, ours);
      ref.forEach((v, j) => assert.ok(Math.abs(v - ours[j]) < 1e-5, `${v} vs ${ours[j]}`));
      es.dispose();
    });
  }
}

Deno.test("es: improves CartPole return", async () => {
  const es = new EsLearner(cpu, new CartPole(), esDefaults("cartpole"), 0);
  const before = await es.evaluate(new CartPole(), 32, 5, false);
  let last = 0;
  for (let it = 0; it < 60; it++) last = (await es.iteration()).episodeReturn;
  const after = await es.evaluate(new CartPole(), 32, 5, false);
  assert.ok(after > 100 && after > before + 50, `return ${before} → ${after} (population ${last})`);
  es.dispose();
});
