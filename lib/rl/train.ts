/**
 * RL runner:
 *
 *   deno run -A lib/rl/train.ts --config configs/rl_halfcheetah.yaml [--set ppo.learningRate=1e-4] [--seed 1]
 *   deno run -A lib/rl/train.ts --env cartpole --algo ed-ppo --seed 0 --iterations 100 [--csv runs/x.csv]
 *
 * envs: cartpole, pendulum, ant, halfcheetah, humanoid, craftax-classic; algos: bp-ppo, dfa-ppo, ed-ppo,
 * ed-ppo-nondale, es. A YAML config (lib/rl/config.ts) lists what differs from the env/algo defaults; the
 * flags below are shorthands for `--set` overrides and apply after the file. Prints one progress line per
 * iteration and writes the per-iteration metrics (mean episode return, losses, fraction of weights at 0,
 * seconds) to a CSV.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Backend } from "../backend/backend.ts";
import { createBackend } from "../backend/mod.ts";
import { writeCsv } from "../io/csv.ts";
import type { CsvRow } from "../io/csv.ts";
import { makeVecEnv } from "./envs.ts";
import type { VecEnv } from "./vec_env.ts";
import { RL_ALGOS, RL_ENVS, type RlOptions } from "./options.ts";
import { PpoLearner } from "./ppo.ts";
import { EsLearner } from "./es.ts";
import { loadRlConfigSync } from "./config.ts";

export const RL_USAGE = `Usage: deno run -A lib/rl/train.ts [options]
  -c, --config <file>        YAML config (configs/rl_*.yaml); missing keys take the env/algo defaults
  --set <key.path=value>     override any config key, e.g. --set ppo.numEnvs=64 (repeatable)
  --env <${RL_ENVS.join("|")}>
                             (default cartpole)
  --algo <${RL_ALGOS.join("|")}>   (default ed-ppo)
  --seed <n>                 (default 0)
  --iterations <n>           (default: per env)
  --csv <path>               per-iteration metrics (default runs/rl_<env>_<algo>_s<seed>.csv; "" for none)
  --lr <x>                   learning rate (PPO policy and value, or ES Adam)
  --eval-every <n>           evaluate every n iterations (default 0: only at the end)
  --eval-episodes <n>        (default 16)
  --episode-length <n>       locomotion only: time limit below 1000 steps
  --backend <auto|cpu|webgpu>  (default cpu)
  --quiet                    no per-iteration lines`;

export interface RunSummary {
  options: RlOptions;
  rows: CsvRow[];
  /** Mean episode return over the last 10% of iterations (at least one). */
  finalTrainReturn: number;
  finalEvalReturn: number;
  seconds: number;
}

/**
 * Builds the options from command-line arguments: the config file (if any) over the env/algo defaults,
 * then the `--set` overrides, then the shorthand flags. Errors name the file or flag and the key.
 */
export function parseRlArgs(args: string[]): RlOptions {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c" },
      set: { type: "string", multiple: true },
      env: { type: "string" },
      algo: { type: "string" },
      seed: { type: "string" },
      iterations: { type: "string" },
      csv: { type: "string" },
      lr: { type: "string" },
      "eval-every": { type: "string" },
      "eval-episodes": { type: "string" },
      "episode-length": { type: "string" },
      backend: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(RL_USAGE);
    Deno.exit(0);
  }
  const flagToKey: Record<string, string[]> = {
    env: ["env"],
    algo: ["algo"],
    seed: ["seed"],
    iterations: ["iterations"],
    lr: ["ppo.learningRate", "es.learningRate"],
    "eval-every": ["evalEvery"],
    "eval-episodes": ["evalEpisodes"],
    "episode-length": ["episodeLength"],
    backend: ["backend"],
  };
  const overrides = [...(values.set ?? [])];
  const v = values as Record<string, unknown>;
  for (const [flag, keys] of Object.entries(flagToKey)) {
    const x = v[flag];
    if (typeof x === "string") { for (const k of keys) overrides.push(`${k}=${x}`); }
  }
  const o = loadRlConfigSync(values.config, overrides);
  if (values.csv !== undefined) o.csv = values.csv;
  else if (!o.csv && !configSetsCsv(values.config, values.set ?? [])) {
    o.csv = `runs/rl_${o.env}_${o.algo}_s${o.seed}.csv`;
  }
  return o;
}

/** True when the config file or a --set names `csv` (then "" means no CSV, not the default path). */
function configSetsCsv(file: string | undefined, sets: readonly string[]): boolean {
  if (sets.some((s) => s.trim().startsWith("csv="))) return true;
  if (!file) return false;
  return /^csv\s*:/m.test(Deno.readTextFileSync(file));
}

/** The environment of a run: classic control, locomotion (optionally with a shorter time limit) or Craftax. */
export function makeEnv(o: RlOptions): VecEnv {
  return makeVecEnv(o.env, o.episodeLength !== undefined ? { episodeLength: o.episodeLength } : {});
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** Runs one training job; `log` receives one line per iteration. */
export async function runRl(
  o: RlOptions,
  backend: Backend,
  log: (line: string) => void = console.log,
): Promise<RunSummary> {
  const env = makeEnv(o), evalEnv = makeEnv(o);
  const rows: CsvRow[] = [];
  const start = performance.now();
  let finalEval = NaN;
  if (o.algo === "es") {
    const es = new EsLearner(backend, env, o.es, o.seed);
    try {
      for (let it = 1; it <= o.iterations; it++) {
        const m = await es.iteration();
        const evalNow = (o.evalEvery > 0 && it % o.evalEvery === 0) || it === o.iterations;
        const evalReturn = evalNow
          ? await es.evaluate(o.evalEpisodes, 1_000_003 + it, !o.deterministicEval)
          : NaN;
        if (evalNow) finalEval = evalReturn;
        rows.push({
          iteration: m.iteration,
          env_steps: m.envSteps,
          episode_return: fmt(m.episodeReturn),
          eval_return: fmt(evalReturn),
          max_return: fmt(m.maxReturn),
          grad_norm: fmt(m.gradNorm),
          zero_fraction: fmt(m.zeroFraction),
          seconds: fmt(m.seconds),
        });
        log(
          `${o.env} es it ${it}/${o.iterations} steps ${m.envSteps} return ${m.episodeReturn.toFixed(1)} ` +
            `max ${m.maxReturn.toFixed(1)}${evalNow ? ` eval ${evalReturn.toFixed(1)}` : ""} ` +
            `zero ${m.zeroFraction.toFixed(3)} ${m.seconds.toFixed(2)}s`,
        );
        if (o.csv) await writeCsv(o.csv, rows);
      }
    } finally {
      es.dispose();
    }
  } else {
    const ppo = new PpoLearner(backend, env, { ...o.ppo, algo: o.algo }, o.seed);
    try {
      for (let it = 1; it <= o.iterations; it++) {
        const m = await ppo.iteration();
        const evalNow = (o.evalEvery > 0 && it % o.evalEvery === 0) || it === o.iterations;
        const evalReturn = evalNow
          ? await ppo.evaluate(evalEnv, o.evalEpisodes, 1_000_003 + it, o.deterministicEval)
          : NaN;
        if (evalNow) finalEval = evalReturn;
        rows.push({
          iteration: m.iteration,
          env_steps: m.envSteps,
          episode_return: fmt(m.episodeReturn),
          episodes: m.episodes,
          eval_return: fmt(evalReturn),
          policy_loss: fmt(m.policyLoss),
          value_loss: fmt(m.valueLoss),
          entropy: fmt(m.entropy),
          approx_kl: fmt(m.approxKl),
          clip_fraction: fmt(m.clipFraction),
          policy_zero_fraction: fmt(m.policyZeroFraction),
          value_zero_fraction: fmt(m.valueZeroFraction),
          policy_negative_fraction: fmt(m.policyNegativeFraction),
          value_negative_fraction: fmt(m.valueNegativeFraction),
          seconds: fmt(m.seconds),
        });
        log(
          `${o.env} ${o.algo} it ${it}/${o.iterations} steps ${m.envSteps} return ${
            m.episodeReturn.toFixed(1)
          }${evalNow ? ` eval ${evalReturn.toFixed(1)}` : ""} pl ${m.policyLoss.toFixed(3)} vl ${
            m.valueLoss.toFixed(3)
          } ent ${m.entropy.toFixed(3)} kl ${m.approxKl.toFixed(4)} zero ${m.policyZeroFraction.toFixed(3)}/${
            m.valueZeroFraction.toFixed(3)
          } ${m.seconds.toFixed(2)}s`,
        );
        if (o.csv) await writeCsv(o.csv, rows);
      }
    } finally {
      ppo.dispose();
    }
  }
  const tail = rows.slice(-Math.max(1, Math.floor(rows.length / 10)))
    .map((r) => Number(r.episode_return)).filter((x) => Number.isFinite(x));
  return {
    options: o,
    rows,
    finalTrainReturn: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN,
    finalEvalReturn: finalEval,
    seconds: (performance.now() - start) / 1000,
  };
}

if (import.meta.main) {
  let options: RlOptions;
  try {
    options = parseRlArgs(Deno.args);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${RL_USAGE}`);
    Deno.exit(2);
  }
  if (options.csv) await Deno.mkdir(options.csv.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  const backend = await createBackend(options.backend);
  const quiet = Deno.args.includes("--quiet");
  const summary = await runRl(options, backend, quiet ? () => {} : console.log);
  console.log(
    `done: ${options.env} ${options.algo} seed ${options.seed}: final train return ${
      summary.finalTrainReturn.toFixed(1)
    }, eval return ${summary.finalEvalReturn.toFixed(1)}, ${summary.seconds.toFixed(1)} s` +
      (options.csv ? `, metrics in ${options.csv}` : ""),
  );
  backend.dispose();
}
