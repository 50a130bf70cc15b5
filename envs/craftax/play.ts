/**
 * Craftax-Classic in the terminal, played by a human or watched as a trained agent plays:
 *
 *   deno task play:craftax [--seed N]                          human play (needs an interactive terminal)
 *   deno task play:craftax --policy RUN_DIR [--steps N] [--delay MS] [--sample] [--seed N]
 *
 * Human keys (the original's layout): w a s d move, space DO, tab sleep, r stone, t table, f furnace,
 * p plant, 1-6 make wood/stone/iron pickaxe and wood/stone/iron sword, e or . noop, q or Ctrl-C quit.
 * With `--policy` (a run folder of `deno task rl` on craftax-classic) the trained policy acts by its mode
 * (`--sample`: by sampling), one frame every `--delay` ms (default 150) for `--steps` steps (default 500);
 * Ctrl-C stops it. A run trained on another env is refused with one line naming both envs' sizes.
 *
 * @module
 */
import { parseFlags } from "../../lib/config/command_line.ts";
import { Action, ACTION_MAP_NOTE, keyToAction } from "./play_keys.ts";
import { renderClassic } from "./render.ts";
import { CraftaxClassicVecEnv } from "./vec_env.ts";
import { createBackend } from "../../lib/backend/mod.ts";
import { loadRunPolicy } from "../../lib/rl/policy.ts";
import { runCommand, UsageError } from "../../lib/io/command.ts";
import { makeRunEnv } from "../mod.ts";

export { keyToAction };

const enc = new TextEncoder();
const clear = (frame: string, lines: string) => `\x1b[2J\x1b[H${frame}\n\n${lines}\n`;

/** The trained agent of `runDir` plays `steps` steps; frames go to `write`. Returns the total reward. */
export async function watchPolicy(
  runDir: string,
  o: { seed: number; steps: number; delay: number; sample: boolean },
  write: (text: string) => void,
): Promise<number> {
  const env = new CraftaxClassicVecEnv();
  const backend = await createBackend("cpu");
  const { learner } = await loadRunPolicy(runDir, env, backend, makeRunEnv);
  const actor = learner.actor(1, !o.sample, o.seed);
  let obs = env.reset(o.seed, 1), total = 0, episodeReturn = 0;
  try {
    for (let t = 1; t <= o.steps; t++) {
      const action = (await actor.act(obs))[0];
      const r = env.step(Int32Array.of(action));
      obs = r.obs.slice();
      total += r.rewards[0];
      episodeReturn += r.rewards[0];
      const info = r.dones[0] ? `  episode over (return ${episodeReturn.toFixed(1)}), new world` : "";
      if (r.dones[0]) episodeReturn = 0;
      write(clear(
        renderClassic(env.env.state, 0),
        `${runDir} step ${t}/${o.steps}: ${Action[action] ?? action}  reward ${r.rewards[0].toFixed(2)}  ` +
          `return ${episodeReturn.toFixed(1)}${info}`,
      ));
      if (o.delay > 0) await new Promise((resolve) => setTimeout(resolve, o.delay));
    }
  } finally {
    actor.dispose();
    learner.dispose();
    backend.dispose();
  }
  return total;
}

/** Human play until q or Ctrl-C. */
async function play(seed: number): Promise<void> {
  if (!Deno.stdin.isTerminal()) {
    throw new UsageError("human play needs an interactive terminal (run it directly, not with piped input)");
  }
  const env = new CraftaxClassicVecEnv();
  env.reset(seed, 1);
  const draw = (msg: string) =>
    Deno.stdout.writeSync(enc.encode(clear(renderClassic(env.env.state, 0), `${msg}\n${ACTION_MAP_NOTE}`)));
  Deno.stdin.setRaw(true);
  let total = 0;
  draw(`seed ${seed}`);
  const buf = new Uint8Array(16);
  try {
    while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      const key = new TextDecoder().decode(buf.subarray(0, n));
      if (key === "q" || key === "\x03") break;
      const action = keyToAction(key);
      if (action < 0) continue;
      const res = env.step(Int32Array.of(action));
      total += res.rewards[0];
      const info = res.dones[0] ? `episode over (return ${total.toFixed(1)}) - new world` : "";
      if (res.dones[0]) total = 0;
      draw(
        `${Action[action] ?? action}  reward ${res.rewards[0].toFixed(2)}  return ${
          total.toFixed(1)
        }  ${info}`,
      );
    }
  } finally {
    Deno.stdin.setRaw(false);
  }
}

const PLAY_USAGE =
  `Usage: deno task play:craftax [--seed N]                 play Craftax-Classic in the terminal
       deno task play:craftax --policy RUN_DIR [--steps N] [--delay MS] [--sample] [--seed N]
                                                          watch a trained agent (a deno task rl run folder)
Keys: w a s d move, space DO, tab sleep, r stone, t table, f furnace, p plant, 1-6 tools, e noop, q quit.`;

/** The command line (see the module doc). */
export async function main(args: string[]): Promise<void> {
  const parsed = parseFlags(args, {
    seed: { type: "string" },
    policy: { type: "string" },
    steps: { type: "string", default: "500" },
    delay: { type: "string", default: "150" },
    sample: { type: "boolean", default: false },
  }, PLAY_USAGE);
  if (!parsed) return;
  const { values } = parsed;
  const seed = values.seed === undefined ? Math.floor(Math.random() * 1e6) : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer`);
  if (!values.policy) return await play(seed);
  const steps = Number(values.steps), delay = Number(values.delay);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a positive integer`);
  if (!(delay >= 0)) throw new UsageError(`--delay must be a number of milliseconds >= 0`);
  const total = await watchPolicy(
    values.policy,
    { seed, steps, delay, sample: values.sample },
    (t) => Deno.stdout.writeSync(enc.encode(t)),
  );
  console.log(`total reward ${total.toFixed(1)} over ${steps} steps`);
}

if (import.meta.main) await runCommand(main);
