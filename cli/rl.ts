/**
 * One RL training run:
 *
 *   deno task rl --config configs/rl_halfcheetah.yaml [--set ppo.learningRate=1e-4] [--seed 1]
 *   deno task rl --env cartpole --algo ed-ppo --seed 0 --iterations 100
 *
 * envs: cartpole, pendulum, ant, halfcheetah, humanoid, craftax-classic; algos: bp-ppo, dfa-ppo, ed-ppo,
 * ed-ppo-nondale, es. A YAML config (lib/rl/config.ts) lists what differs from the env/algo defaults; the
 * flags are shorthands for `--set` overrides and apply after the file. Prints one line per iteration and
 * writes the run folder described in lib/rl/run.ts.
 *
 * @module
 */
import { parseCommandLine } from "../lib/config/command_line.ts";
import { createBackend } from "../lib/backend/mod.ts";
import { loadRlConfig, RL_COMMAND, rlConfigDocs } from "../lib/rl/config.ts";
import { runRl } from "../lib/rl/run.ts";
import { runCommand } from "../lib/io/command.ts";
import { makeRunEnv } from "../envs/mod.ts";

export async function main(args: string[]): Promise<void> {
  const line = parseCommandLine(args, RL_COMMAND);
  if (line.help) return console.log(RL_COMMAND.usage);
  if (line.switches.keys) return console.log(`# RL config keys\n\n${rlConfigDocs()}`);
  const o = loadRlConfig(line.configPath, line.overrides);
  const backend = await createBackend(o.backend);
  try {
    const result = await runRl(o, {
      backend,
      makeEnv: makeRunEnv,
      log: line.switches.quiet ? null : console.log,
      resume: line.switches.resume,
      overwrite: line.switches.overwrite,
    });
    console.log(
      `done: ${o.env} ${o.algo} seed ${o.seed}: final train return ${result.finalTrainReturn.toFixed(1)}, ` +
        `eval return ${result.finalEvalReturn.toFixed(1)}, ${
          result.seconds.toFixed(1)
        } s; run folder ${result.dir}`,
    );
  } finally {
    backend.dispose();
  }
}

if (import.meta.main) await runCommand(main);
