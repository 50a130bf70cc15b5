// BP-PPO and DFA-PPO on single-stream nets: CartPole within a small budget (a random policy averages about
// 22), and the deterministic evaluation of the trained policy.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { PpoLearner } from "../lib/rl/ppo.ts";
import { ppoDefaults } from "../lib/rl/options.ts";

const cpu = new CpuBackend();

for (const algo of ["bp-ppo", "dfa-ppo"] as const) {
  Deno.test(`${algo}: solves or clearly improves CartPole`, async () => {
    const ppo = new PpoLearner(cpu, new CartPole(), ppoDefaults("cartpole", algo), 0);
    let best = 0;
    for (let it = 0; it < 50 && best <= 150; it++) {
      const m = await ppo.iteration();
      if (ppo.tracker.recent.length === ppo.tracker.window) best = Math.max(best, m.episodeReturn);
    }
    assert.ok(best > 150, `mean return over 20 episodes reached ${best}`);
    const evalReturn = await ppo.evaluate(new CartPole(), 8, 99, true);
    assert.ok(evalReturn > 100, `deterministic evaluation ${evalReturn}`);
    ppo.dispose();
  });
}
