/**
 * RL runner:
 *
 *   deno run -A lib/rl/train.ts --env cartpole --algo ed-ppo --seed 0 --iterations 100 [--csv runs/x.csv]
 *
 * algos: bp-ppo, dfa-ppo, ed-ppo, ed-ppo-nondale, es. Prints one progress line per iteration and writes the
 * per-iteration metrics (mean episode return, losses, fraction of weights at 0, seconds) to a CSV.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Backend } from "../backend/backend.ts";
import { createBackend } from "../backend/mod.ts";
import { writeCsv } from "../io/csv.ts";
import type { CsvRow } from "../io/csv.ts";
import { makeClassicEnv } from "../../envs/classic/mod.ts";
import type { VecEnv } from "./vec_env.ts";
import { defaultRlOptions, isRlAlgo, isRlEnv, RL_ALGOS, RL_ENVS, type RlOptions } from "./options.ts";
import { PpoLearner } from "./ppo.ts";
import { EsLearner } from "./es.ts";

export const RL_USAGE = `Usage: deno run -A lib/rl/train.ts [options]
  --env <${RL_ENVS.join("|")}>        (default cartpole)
  --algo <${RL_ALGOS.join("|")}>   (default ed-ppo)
  --seed <n>                 (default 0)
  --iterations <n>           (default: per env)
  --csv <path>               per-iteration metrics (default runs/rl_<env>_<algo>_s<seed>.csv; "" for none)
  --lr <x>                   learning rate (PPO policy and value, or ES Adam)
  --eval-every <n>           evaluate every n iterations (default 0: only at the end)
  --eval-episodes <n>        (default 16)
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

/** Builds the options from command-line arguments over the defaults. */
export function parseRlArgs(args: string[]): RlOptions {
  const { values } = parseArgs({
    args,
    options: {
      env: { type: "string", default: "cartpole" },
      algo: { type: "string", default: "ed-ppo" },
      seed: { type: "string", default: "0" },
      iterations: { type: "string" },
      csv: { type: "string" },
      lr: { type: "string" },
      "eval-every": { type: "string" },
      "eval-episodes": { type: "string" },
      backend: { type: "string", default: "cpu" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(RL_USAGE);
    Deno.exit(0);
  }
  const env = values.env!, algo = values.algo!;
  if (!isRlEnv(env)) {
    throw new Error(`--env: unknown environment "${env}"; choose one of ${RL_ENVS.join(", ")}`);
  }
  if (!isRlAlgo(algo)) {
    throw new Error(`--algo: unknown algorithm "${algo}"; choose one of ${RL_ALGOS.join(", ")}`);
  }
  const o = defaultRlOptions(env, algo);
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`--${name}: expected a non-negative integer, got "${v}"`);
    }
    return n;
  };
  o.seed = int("seed", values.seed!);
  if (values.iterations !== undefined) o.iterations = int("iterations", values.iterations);
  if (values["eval-every"] !== undefined) o.evalEvery = int("eval-every", values["eval-every"]);
  if (values["eval-episodes"] !== undefined) o.evalEpisodes = int("eval-episodes", values["eval-episodes"]);
  if (values.lr !== undefined) {
    const lr = Number(values.lr);
    if (!(lr > 0)) throw new Error(`--lr: expected a positive number, got "${values.lr}"`);
    o.ppo.learningRate = lr;
    o.es.learningRate = lr;
  }
  const backend = values.backend!;
  if (backend !== "auto" && backend !== "cpu" && backend !== "webgpu") {
    throw new Error(`--backend: expected auto, cpu or webgpu, got "${backend}"`);
  }
  o.backend = backend;
  o.csv = values.csv ?? `runs/rl_${env}_${algo}_s${o.seed}.csv`;
  return o;
}

function makeEnv(o: RlOptions): VecEnv {
  return makeClassicEnv(o.env);
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
