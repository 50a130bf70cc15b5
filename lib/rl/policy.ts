/**
 * A trained policy from a run folder (<outDir>/<name> of `deno task rl`): config.yaml rebuilds the run's
 * learner and checkpoint.safetensors restores its networks, optimizer state and observation statistics, so
 * viewers and players can act with it (`deno task view:locomotion --policy runs/rl_halfcheetah_ed-ppo_s0`):
 *
 * ```ts
 * import { createBackend, loadRlConfig, loadRunPolicy, makeRunEnv, makeVecEnv, runRl }
 *   from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const outDir = await Deno.makeTempDir();
 * const options = loadRlConfig(undefined, [ // a one-iteration CartPole run to load from
 *   `outDir=${outDir}`, "iterations=1", "evalEpisodes=1",
 *   "ppo.numEnvs=4", "ppo.unrollLength=8", "ppo.batchSize=2", "ppo.numMinibatches=2",
 * ]);
 * const { dir } = await runRl(options, { backend, makeEnv: makeRunEnv, log: null }); // …/rl_cartpole_…
 * const env = makeVecEnv("cartpole");
 * const { learner } = await loadRunPolicy(dir, env, backend, makeRunEnv);
 * const actor = learner.actor(1, true, 0); // the policy's mode in one environment
 * console.log(await actor.act(env.reset(0, 1))); // Int32Array(1) [0] or [1]: push left or right
 * actor.dispose();
 * learner.dispose();
 * await Deno.remove(outDir, { recursive: true });
 * ```
 *
 * A run trained on another environment is refused with one line naming both environments' sizes.
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backend/backend.ts";
import { readYamlFile } from "../config/yaml.ts";
import { CHECKPOINT_FILE, CONFIG_FILE } from "../io/run_folder.ts";
import { resolveRlConfig } from "./config.ts";
import type { RlOptions } from "./options.ts";
import type { Learner } from "./learner.ts";
import { type EnvFactory, makeLearner } from "./run.ts";
import type { ActionSpace, VecEnv } from "./vec_env.ts";
import { UsageError } from "../io/command.ts";

/** "17 observations, 6 continuous actions" for an error message. */
export function envSizes(env: { obsSize: number; actionSpace: ActionSpace }): string {
  const a = env.actionSpace;
  return `${env.obsSize} observations, ${
    a.kind === "discrete" ? `${a.n} discrete` : `${a.size} continuous`
  } actions`;
}

/**
 * The learner of the run in `runDir`, restored from its last checkpoint, for acting in `env` (an env of the
 * run's kind; `makeEnv` builds the learner's own copy from the run's options).
 */
export async function loadRunPolicy(
  runDir: string,
  env: VecEnv,
  backend: Backend,
  makeEnv: EnvFactory,
): Promise<{ options: RlOptions; learner: Learner }> {
  const configPath = join(runDir, CONFIG_FILE), checkpoint = join(runDir, CHECKPOINT_FILE);
  for (const [path, what] of [[configPath, "config"], [checkpoint, "checkpoint"]]) {
    const exists = await Deno.stat(path).then((s) => s.isFile, () => false);
    if (!exists) {
      throw new UsageError(
        `${runDir}: no ${what} (${path}); --policy needs a run folder written by deno task rl`,
      );
    }
  }
  // config.yaml holds the resolved options, ppo.algo included (a config file leaves it to `algo`).
  const raw = readYamlFile(configPath) as { ppo?: Record<string, unknown> };
  if (raw?.ppo) delete raw.ppo.algo;
  const options = resolveRlConfig(raw, configPath);
  const trained = makeEnv(options);
  const same = trained.obsSize === env.obsSize && trained.actionSpace.kind === env.actionSpace.kind &&
    (trained.actionSpace.kind === "discrete"
      ? trained.actionSpace.n === (env.actionSpace as { n: number }).n
      : trained.actionSpace.size === (env.actionSpace as { size: number }).size);
  if (options.env !== env.name || !same) {
    throw new UsageError(
      `${runDir}: the policy was trained on ${options.env} (${envSizes(trained)}), which does not fit ` +
        `${env.name} (${envSizes(env)})`,
    );
  }
  // Acting needs the networks only: one training env instead of the run's hundreds of resets.
  const acting = { ...options, ppo: { ...options.ppo, numEnvs: 1, batchSize: 1, numMinibatches: 1 } };
  const learner = makeLearner(acting, backend, trained);
  try {
    await learner.load(checkpoint);
  } catch (e) {
    learner.dispose();
    throw e;
  }
  return { options, learner };
}
