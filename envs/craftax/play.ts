/**
 * Human play for Craftax-Classic in the terminal:
 *   deno run -A envs/craftax/play.ts [--seed N]
 * Keys (the original's layout): w a s d move, space DO, tab sleep, r stone, t table,
 * f furnace, p plant, 1-6 make wood/stone/iron pickaxe and wood/stone/iron sword, e or . noop,
 * q or Ctrl-C quit.
 *
 * @module
 */

import { CraftaxClassic } from "./classic/env.ts";
import { Action, ACTION_MAP_NOTE, keyToAction } from "./play_keys.ts";
import { renderClassic } from "./render.ts";

export { keyToAction };

async function main(): Promise<void> {
  const seedArg = Deno.args.indexOf("--seed");
  const seed = seedArg >= 0 ? Number(Deno.args[seedArg + 1]) : Math.floor(Math.random() * 1e6);
  const env = new CraftaxClassic();
  env.reset(seed, 1);
  const enc = new TextEncoder();
  const draw = (msg: string) => {
    const frame = renderClassic(env.state, 0);
    Deno.stdout.writeSync(enc.encode(`\x1b[2J\x1b[H${frame}\n\n${msg}\n${ACTION_MAP_NOTE}\n`));
  };
  if (!Deno.stdin.isTerminal()) {
    console.error("play.ts needs an interactive terminal (run it directly, not with piped input)");
    Deno.exit(1);
  }
  Deno.stdin.setRaw(true);
  let total = 0;
  draw(`seed ${seed}`);
  const buf = new Uint8Array(16);
  const actions = new Int32Array(1);
  try {
    while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      const key = new TextDecoder().decode(buf.subarray(0, n));
      if (key === "q" || key === "\x03") break;
      const action = keyToAction(key);
      if (action < 0) continue;
      actions[0] = action;
      const res = env.step(actions);
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

if (import.meta.main) await main();
