/**
 * RL run configs in YAML (configs/rl_*.yaml): a typed schema over {@link RlOptions} and the loader behind
 *
 *   deno task rl --config configs/rl_halfcheetah.yaml [--set ppo.learningRate=1e-4] [--seed 2]
 *
 * Defaults depend on the environment and the algorithm, so a config is resolved in three steps: `env` and
 * `algo` are read first (defaults cartpole, ed-ppo), the file is merged over `defaultRlOptions(env, algo)`,
 * and the merged object is validated. A file therefore only lists what differs from the defaults; every
 * error names the file (or `--set`) and the key path, e.g.
 * `configs/rl_ant.yaml: ppo.numEnvs must be an integer, got 0.5`.
 * `ppo.algo` is not a key: it follows `algo` (bp-ppo for the unused PPO options of an ES run).
 *
 * @module
 */
import {
  array,
  boolean,
  ConfigError,
  integer,
  LIMITS,
  number,
  object,
  oneOf,
  optional,
  type Schema,
  schemaTable,
  string,
  validate,
} from "../config/schema.ts";
import { parseYamlFile, readYamlFile } from "../config/yaml.ts";
import { applyOverrides, deepMerge } from "../config/overrides.ts";
import { type CommandSpec, parseCommandLine, SHARED_FLAGS_USAGE } from "../config/command_line.ts";
import { BACKEND_CHOICES } from "../backend/mod.ts";
import { RUN_NAME } from "../io/run_folder.ts";
import { DALEAN_INITS } from "../nn/init.ts";
import { defaultRlOptions, RL_ALGOS, RL_ENVS, type RlOptions } from "./options.ts";
import type { PpoOptions } from "./ppo.ts";
import { ACTOR_PLACEMENTS } from "./host_policy.ts";

const ACTIVATIONS = ["identity", "sigmoid", "relu", "tanh", "silu", "softplus"] as const;

function netSchema(role: string) {
  return object({
    hidden: array(integer({ min: 1, max: LIMITS.units }), {
      minItems: 1,
      maxItems: LIMITS.layers,
      doc: `${role} hidden layer widths`,
    }),
    activation: object({
      kind: oneOf(ACTIVATIONS, { doc: "hidden activation" }),
      width: optional(number({ gt: 0, doc: "sigmoid width u0 (sigmoid only)" })),
    }),
    rmsNorm: boolean({ doc: "RMS-normalise hidden pre-activations before the activation" }),
    init: oneOf(DALEAN_INITS, { doc: "dual-stream weight distribution, × scale/√fan_in" }),
    excitatoryScale: number({ min: 0, doc: "dual-stream init scale of the excitatory pathways" }),
    inhibitoryScale: number({ min: 0, doc: "dual-stream init scale of the inhibitory pathways" }),
    outputScale: number({ min: 0, doc: "multiplies the output layer's initial weights" }),
  }, { doc: `${role} network` });
}

const ppoSchema = object({
  numEnvs: integer({ min: 1, max: LIMITS.units, doc: "parallel environments" }),
  unrollLength: integer({ min: 1, max: 100_000, doc: "steps per trajectory (Brax unroll_length)" }),
  batchSize: integer({ min: 1, max: LIMITS.units, doc: "trajectories per minibatch (Brax batch_size)" }),
  numMinibatches: integer({
    min: 1,
    doc: "minibatches per epoch; batchSize·numMinibatches trajectories per iteration, a multiple of numEnvs",
  }),
  updateEpochs: integer({ min: 1, doc: "SGD epochs over each batch" }),
  recomputeAdvantages: boolean({
    doc: "Brax: values and GAE per minibatch with the current value net (false: once per iteration)",
  }),
  actor: optional(oneOf(ACTOR_PLACEMENTS, {
    doc: "where the rollout acts: a cpu copy of the policy (host: no device read per env step), the " +
      "learner's backend (device), or auto (unset: host on a GPU, device on the cpu)",
  })),
  advantagesOn: optional(oneOf(ACTOR_PLACEMENTS, {
    doc: "where per-minibatch GAE runs: the learner's backend (device: no read-back per minibatch), the " +
      "host (values read back per minibatch), or auto (unset: device on a GPU, host on the cpu)",
  })),
  learningRate: number({ gt: 0, doc: "Adam learning rate (policy, and value unless set)" }),
  valueLearningRate: optional(number({ gt: 0, doc: "Adam learning rate of the value net" })),
  gamma: number({ min: 0, max: 1, doc: "discount" }),
  gaeLambda: number({ min: 0, max: 1, doc: "GAE λ" }),
  advantage: oneOf(["gae", "brax"] as const, { doc: "advantage estimator (see gae.ts)" }),
  clip: number({ gt: 0, doc: "PPO ratio clip ε" }),
  entropyCost: number({ min: 0, doc: "entropy bonus coefficient" }),
  vfCoef: number({ min: 0, doc: "value loss coefficient" }),
  normalizeAdvantage: boolean({ doc: "per-minibatch advantage normalisation" }),
  normalizeObservations: boolean({ doc: "running mean/std observation normalisation" }),
  rewardScaling: number({ gt: 0, doc: "multiplies rewards for learning (not for reported returns)" }),
  policy: netSchema("policy"),
  value: netSchema("value"),
}, { doc: "PPO options (bp-ppo, dfa-ppo, ed-ppo, ed-ppo-nondale)" });

const esSchema = object({
  populationSize: integer({ min: 1, max: LIMITS.units, doc: "antithetic pairs (2× episodes per iteration)" }),
  sigma: number({ gt: 0, doc: "perturbation std" }),
  learningRate: number({ gt: 0, doc: "Adam learning rate" }),
  weightDecay: number({ min: 0, doc: "l2 coefficient subtracted from the ES gradient" }),
  fitnessShaping: oneOf(["centered-rank", "raw"] as const, { doc: "fitness shaping" }),
  normalizeObservations: boolean({ doc: "running observation normalisation" }),
  stochasticActions: boolean({ doc: "sample actions (Brax ES) instead of the mode" }),
  dualStream: boolean({ doc: "dual-stream Dalean policy" }),
  policy: netSchema("ES policy"),
}, { doc: "ES options" });

/**
 * What {@link rlConfigSchema} validates to: {@link RlOptions} without `ppo.algo` (it follows `algo`) and
 * with an optional name.
 */
export type RlConfig = Omit<RlOptions, "ppo" | "name"> & { ppo: Omit<PpoOptions, "algo">; name?: string };

const envSchema = oneOf(RL_ENVS, { doc: "environment" });
/** The environments with a configurable time limit. */
const LOCOMOTION: readonly string[] = ["ant", "halfcheetah", "humanoid"];
const algoSchema = oneOf(RL_ALGOS, { doc: "learning algorithm" });

/** The schema of an RL run config (after merging over the env/algo defaults; every key is then present). */
export const rlConfigSchema: Schema<RlConfig> = object({
  env: envSchema,
  algo: algoSchema,
  seed: integer({ min: 0, max: LIMITS.seed, doc: "seed of the nets, sampling and environments" }),
  iterations: integer({ min: 1, doc: "training iterations (an upper bound when envSteps is set)" }),
  envSteps: integer({ min: 0, doc: "env-step budget: stop after the iteration that reaches it (0: none)" }),
  evalEvery: integer({ min: 0, doc: "evaluate every n iterations (0: only at the end)" }),
  evalEpisodes: integer({ min: 1, max: LIMITS.units, doc: "episodes per evaluation" }),
  deterministicEval: boolean({ doc: "evaluate the mode instead of sampling" }),
  episodeLength: optional(integer({ min: 1, max: 1000, doc: "locomotion only: time limit below 1000" })),
  backend: oneOf(BACKEND_CHOICES, { doc: "compute backend" }),
  name: optional(string({ pattern: RUN_NAME, doc: "run folder name (default rl_<env>_<algo>_s<seed>)" })),
  outDir: string({ doc: "runs go to <outDir>/<name>" }),
  checkpointEvery: integer({ min: 0, doc: "iterations between checkpoints (0 = only the last)" }),
  ppo: ppoSchema,
  es: esSchema,
});

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Resolves a raw (parsed, unvalidated) RL config: merges it over the defaults of its env and algo and
 * validates it. `file` labels errors; `root` prefixes key paths (for a config nested in a larger file).
 */
export function resolveRlConfig(raw: unknown, file = "<config>", root = ""): RlOptions {
  if (raw === null || raw === undefined) raw = {};
  if (!isMap(raw)) validate(rlConfigSchema, raw, file, root); // throws: "must be an object with keys …"
  const map = raw as Record<string, unknown>;
  const at = (k: string) => (root === "" ? k : `${root}.${k}`);
  const env = validate(envSchema, map.env ?? "cartpole", file, at("env"));
  const algo = validate(algoSchema, map.algo ?? "ed-ppo", file, at("algo"));
  // The default name follows the run's seed, so it is filled in after validation.
  const { name: _, ...defaults } = defaultRlOptions(env, algo);
  const { algo: ppoAlgo, ...ppoDefaults } = defaults.ppo;
  const merged = deepMerge({ ...defaults, ppo: ppoDefaults }, map);
  const config = dropUndefined(validate(rlConfigSchema, merged, file, root)) as RlConfig;
  const p = config.ppo;
  if (config.algo !== "es" && (p.batchSize * p.numMinibatches) % p.numEnvs !== 0) {
    throw new ConfigError(
      file,
      at("ppo.numEnvs"),
      `must divide ppo.batchSize·ppo.numMinibatches = ${p.batchSize}·${p.numMinibatches} = ` +
        `${p.batchSize * p.numMinibatches} (trajectories per iteration), got ${p.numEnvs}`,
    );
  }
  if (config.episodeLength !== undefined && !LOCOMOTION.includes(config.env)) {
    throw new ConfigError(
      file,
      at("episodeLength"),
      `applies only to ${LOCOMOTION.join(", ")}, not ${config.env}`,
    );
  }
  return {
    ...config,
    name: config.name ?? `rl_${config.env}_${config.algo}_s${config.seed}`,
    ppo: { ...config.ppo, algo: ppoAlgo },
  };
}

/** Removes keys whose value is `undefined` (unset optional keys), recursively. */
function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (!isMap(v)) return v;
  return Object.fromEntries(
    Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, dropUndefined(x)]),
  );
}

/** Parses YAML text and resolves it (see {@link resolveRlConfig}), with `--set key=value` overrides. */
export function parseRlConfig(text: string, file: string, overrides: readonly string[] = []): RlOptions {
  return resolveOverridden(parseYamlFile(text, file), file, overrides);
}

/**
 * Reads, overrides and resolves an RL config file (no file: the defaults of cartpole and ed-ppo, or of the
 * `env` and `algo` the overrides set). Throws a `ConfigError` naming the file or override and the key.
 *
 * @example A config file that lists only what differs from the defaults, and one override
 * ```ts
 * import { loadRlConfig } from "@diffusing-blame/ed";
 * const file = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(file, "env: halfcheetah\nalgo: ed-ppo\nenvSteps: 409600\n");
 * const o = loadRlConfig(file, ["seed=2"]);
 * console.log(o.ppo.numEnvs, o.ppo.clip, o.name); // 256 0.3 rl_halfcheetah_ed-ppo_s2 (Brax, shrunk)
 * try {
 *   loadRlConfig(file, ["ppo.numEnvs=0.5"]);
 * } catch (e) {
 *   console.log((e as Error).message); // "… (with --set ppo.numEnvs=0.5): ppo.numEnvs must be an integer …"
 * }
 * await Deno.remove(file);
 * ```
 */
export function loadRlConfig(file: string | undefined, overrides: readonly string[] = []): RlOptions {
  return resolveOverridden(file ? readYamlFile(file) : {}, file ?? "<defaults>", overrides);
}

function resolveOverridden(raw: unknown, file: string, overrides: readonly string[]): RlOptions {
  const merged = applyOverrides(raw, overrides, rlConfigSchema as Schema<unknown>);
  const label = overrides.length > 0 ? `${file} (with --set ${overrides.join(" ")})` : file;
  return resolveRlConfig(merged, label);
}

/** A Markdown table of every RL config key (type and meaning; defaults depend on env and algo). */
export function rlConfigDocs(): string {
  return schemaTable(rlConfigSchema as Schema<unknown>);
}

/** The `deno task rl` command line. */
export const RL_COMMAND: CommandSpec = {
  usage: `Usage: deno task rl [--config FILE] [options]

Options:
${SHARED_FLAGS_USAGE}
      --env NAME           same as --set env=NAME (${RL_ENVS.join(", ")}; default cartpole)
      --algo NAME          same as --set algo=NAME (${RL_ALGOS.join(", ")}; default ed-ppo)
      --seed N             same as --set seed=N
      --iterations N       same as --set iterations=N (default: per env)
      --env-steps N        same as --set envSteps=N: stop once N env steps are done (default 0: no budget)
      --lr X               learning rate of PPO (policy and value) and of ES
      --eval-every N       evaluate every N iterations (default 0: only at the end)
      --eval-episodes N    episodes per evaluation (default 16)
      --episode-length N   locomotion only: time limit below 1000 steps
      --backend NAME       same as --set backend=NAME (${BACKEND_CHOICES.join(", ")})
      --out-dir DIR        same as --set outDir=DIR (default runs)
      --name NAME          same as --set name=NAME (default rl_<env>_<algo>_s<seed>)
      --resume             continue a killed run from its last checkpoint
      --overwrite          replace an existing run folder of the same name
      --quiet              no per-iteration lines
      --keys               list every config key with its type
      --debug              show the stack trace of an error`,
  shorthands: {
    env: ["env"],
    algo: ["algo"],
    seed: ["seed"],
    iterations: ["iterations"],
    "env-steps": ["envSteps"],
    lr: ["ppo.learningRate", "es.learningRate"],
    "eval-every": ["evalEvery"],
    "eval-episodes": ["evalEpisodes"],
    "episode-length": ["episodeLength"],
    backend: ["backend"],
    "out-dir": ["outDir"],
    name: ["name"],
  },
  switches: ["resume", "overwrite", "quiet", "keys"],
};

/**
 * Options from a command line: the config file (if any) over the env/algo defaults, then the `--set`
 * overrides, then the shorthand flags. Errors name the file or flag and the key.
 */
export function parseRlArgs(args: readonly string[]): RlOptions {
  const line = parseCommandLine(args, RL_COMMAND);
  return loadRlConfig(line.configPath, line.overrides);
}
