/**
 * RL throughput: env steps/s of the environments alone (through the VecEnv adapters, random actions) and
 * of whole PPO iterations (rollout + GAE + update) with the configs/rl_*.yaml networks and per-sample
 * settings, per rule. Locomotion iterations are cut to 64 trajectories in one minibatch with the config's
 * epochs (the configs' 40,960-step iterations take minutes each on a CPU), at Brax's network sizes.
 *   deno bench -A bench/rl_bench.ts                 (one PPO iteration of halfcheetah, ED and BP)
 *   deno run -A bench/rl_bench.ts [env ...]         (steps/s by wall clock and per CPU-second, the scalar
 *                                                    and wasm kernels in the same run; envs default:
 *                                                    halfcheetah craftax-classic)
 * CPU time is the steadier figure on a shared host (it counts every thread of the CPU backend).
 */

import process from "node:process";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { loadRlConfig } from "../lib/rl/config.ts";
import { makeVecEnv } from "../envs/mod.ts";
import { PpoLearner, ppoStepsPerIteration } from "../lib/rl/ppo.ts";
import type { RlEnvName } from "../lib/rl/options.ts";
import type { PpoAlgo } from "../lib/rl/nets.ts";

const cpu = new CpuBackend();
const CONFIG: Record<string, string> = {
  ant: "configs/rl_ant.yaml",
  halfcheetah: "configs/rl_halfcheetah.yaml",
  humanoid: "configs/rl_humanoid.yaml",
  "craftax-classic": "configs/rl_craftax.yaml",
  cartpole: "configs/rl_cartpole.yaml",
  pendulum: "configs/rl_pendulum.yaml",
};

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Locomotion: 64 trajectories in one minibatch, with the config's epochs, so every sample gets as many
 * updates per env step as in the full 40,960-step iterations (which take minutes each on a CPU); the other
 * envs as configured.
 */
const SHORT = ["ppo.numEnvs=64", "ppo.batchSize=64", "ppo.numMinibatches=1"];

function ppoFor(env: RlEnvName, algo: string, backend = cpu): PpoLearner {
  const short = ["ant", "halfcheetah", "humanoid"].includes(env) ? SHORT : [];
  const o = loadRlConfig(CONFIG[env], [`algo=${algo}`, ...short]);
  return new PpoLearner(backend, makeVecEnv(env), { ...o.ppo, algo: o.algo as PpoAlgo }, 0);
}

const benchPpo = { ed: ppoFor("halfcheetah", "ed-ppo"), bp: ppoFor("halfcheetah", "bp-ppo") };
for (const [rule, ppo] of Object.entries(benchPpo)) {
  Deno.bench({
    name: `halfcheetah ${rule}-ppo: one iteration (${ppoStepsPerIteration(ppo.options)} steps)`,
    n: 3,
    warmup: 1,
    async fn() {
      await ppo.iteration();
    },
  });
}

/** Env-only steps/s through the adapter with uniform random actions. */
function envOnly(name: RlEnvName, numEnvs: number, seconds: number): { wall: number; cpu: number } {
  const env = makeVecEnv(name);
  env.reset(0, numEnvs);
  const space = env.actionSpace;
  let x = 12345;
  const rnd = () => ((x ^= x << 13, x ^= x >>> 17, x ^= x << 5) >>> 0) / 4294967296;
  const a = space.kind === "discrete" ? new Int32Array(numEnvs) : new Float32Array(numEnvs * space.size);
  let steps = 0;
  const t0 = performance.now(), c0 = cpuMs();
  while (performance.now() - t0 < seconds * 1000) {
    if (a instanceof Int32Array) a.forEach((_, i) => (a[i] = Math.floor(rnd() * 17)));
    else a.forEach((_, i) => (a[i] = 2 * rnd() - 1));
    env.step(a);
    steps += numEnvs;
  }
  return { wall: steps / ((performance.now() - t0) / 1000), cpu: steps / ((cpuMs() - c0) / 1000) };
}

/** Env steps per second (wall and per CPU-second) of `iterations` PPO iterations after one warm-up. */
async function ppoRate(ppo: PpoLearner, iterations = 2): Promise<{ wall: number; cpu: number }> {
  await ppo.iteration(); // warm-up (first-call compilation, allocation)
  const t0 = performance.now(), c0 = cpuMs();
  let steps = 0;
  for (let i = 0; i < iterations; i++) {
    await ppo.iteration();
    steps += ppoStepsPerIteration(ppo.options);
  }
  return { wall: steps / ((performance.now() - t0) / 1000), cpu: steps / ((cpuMs() - c0) / 1000) };
}

if (import.meta.main) {
  const envs = (Deno.args.length ? Deno.args : ["halfcheetah", "craftax-classic"]) as RlEnvName[];
  const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  console.log(`load average before: ${load()}`);
  console.log(
    "| env | what | kernels | env steps/s (wall) | env steps/s per CPU-second | × scalar (CPU) |\n" +
      "|---|---|---|---:|---:|---:|",
  );
  for (const env of envs) {
    const o = loadRlConfig(CONFIG[env]);
    const e = envOnly(env, o.ppo.numEnvs, 2);
    console.log(
      `| ${env} | env only (${o.ppo.numEnvs} envs) | — | ${e.wall.toFixed(0)} | ${e.cpu.toFixed(0)} | |`,
    );
    for (const algo of ["ed-ppo", "bp-ppo"]) {
      let scalar = NaN;
      for (const kernels of ["scalar", "wasm"] as const) {
        const ppo = ppoFor(env, algo, new CpuBackend({ kernels }));
        const r = await ppoRate(ppo);
        ppo.dispose();
        if (kernels === "scalar") scalar = r.cpu;
        console.log(
          `| ${env} | ${algo} PPO iteration | ${kernels} | ${r.wall.toFixed(0)} | ${r.cpu.toFixed(0)} | ` +
            `${kernels === "wasm" ? (r.cpu / scalar).toFixed(2) : ""} |`,
        );
      }
    }
  }
  console.log(`load average after: ${load()}`);
}
