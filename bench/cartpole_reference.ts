/**
 * BP-PPO on CartPole against a CleanRL-style reference (bench/reference/ppo_cartpole.py, NumPy), 10 seeds
 * each, and the four PPO rules on one equal env-step budget:
 *
 *   deno run -A bench/cartpole_reference.ts [--seeds 10] [--budget 51200] [--out configs/results/rl_cartpole_reference.md]
 *
 * Measures the mean undiscounted return of the last 20 training episodes at 20,480 and 51,200 env steps
 * (BP-PPO vs the reference: the target is |Δ mean| ≤ one seed-std of the reference), and each rule's
 * evaluation return (16 episodes, sampled actions) after the budget (target: ≥ 475). The reference runs the
 * same hyperparameters as configs/rl_cartpole.yaml but CleanRL's loop (GAE once per iteration, minibatches
 * of single steps, time limits not bootstrapped); the TypeScript PPO uses Brax's (see lib/rl/ppo.ts).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { CartPole } from "../envs/classic/cartpole.ts";
import { PpoLearner, ppoStepsPerIteration } from "../lib/rl/ppo.ts";
import { loadRlConfig } from "../lib/rl/config.ts";
import { PPO_ALGOS, type PpoAlgo } from "../lib/rl/nets.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "10" },
    budget: { type: "string", default: "51200" },
    out: { type: "string", default: "configs/results/rl_cartpole_reference.md" },
  },
});
const SEEDS = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const BUDGET = Number(values.budget), MARKS = [20480, 51200];
const cpu = new CpuBackend();

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const std = (x: number[]) =>
  Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / Math.max(1, x.length - 1));
const fmt = (x: number[]) => `${mean(x).toFixed(1)} ± ${std(x).toFixed(1)}`;

/** Training return (last 20 episodes) at each mark, and the evaluation return after `budget` steps. */
async function ours(algo: PpoAlgo, seed: number, budget: number) {
  const o = loadRlConfig("configs/rl_cartpole.yaml", [`algo=${algo}`, `seed=${seed}`]);
  const ppo = new PpoLearner(cpu, new CartPole(), o.ppo, seed);
  const atMarks: Record<number, number> = {};
  if ([budget, ...MARKS].some((s) => s % ppoStepsPerIteration(o.ppo) !== 0)) {
    throw new Error(`the budget and marks must be multiples of ${ppoStepsPerIteration(o.ppo)} env steps`);
  }
  for (let steps = 0; steps < Math.max(budget, ...MARKS);) {
    const m = await ppo.iteration();
    steps = m.envSteps;
    for (const mark of MARKS) if (steps === mark) atMarks[mark] = m.episodeReturn;
  }
  const evalReturn = await ppo.evaluate(new CartPole(), 16, 1_000_003, false);
  ppo.dispose();
  return { atMarks, evalReturn };
}

const REFERENCES = { cleanrl: [], masked: ["--mask-truncation"] } as const;
type ReferenceKind = keyof typeof REFERENCES;

/** One seed of the NumPy reference: the mean of the last 20 training returns at each mark. */
async function reference(kind: ReferenceKind, seed: number): Promise<Record<number, number>> {
  const args = [...REFERENCES[kind], String(seed), String(Math.max(...MARKS)), ...MARKS.map(String)];
  const out = await new Deno.Command("python3", { args: ["bench/reference/ppo_cartpole.py", ...args] })
    .output();
  if (out.code !== 0) throw new Error(`reference seed ${seed}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).returns;
}

/** Every seed of both references, one process at a time (runs beside the TypeScript runs). */
async function references(): Promise<Record<ReferenceKind, Record<number, number[]>>> {
  const out = { cleanrl: { 20480: [], 51200: [] }, masked: { 20480: [], 51200: [] } } as Record<
    ReferenceKind,
    Record<number, number[]>
  >;
  for (const kind of Object.keys(REFERENCES) as ReferenceKind[]) {
    for (const seed of SEEDS) {
      const r = await reference(kind, seed);
      for (const mark of MARKS) out[kind][mark].push(r[mark]);
    }
  }
  return out;
}

const lines: string[] = [];
const say = (l: string) => (console.log(l), lines.push(l));
const started = performance.now();
const pendingReferences = references();
const bp: Record<number, number[]> = { 20480: [], 51200: [] };
const evals: Record<string, number[]> = {}, finals: Record<string, number[]> = {};
for (const algo of PPO_ALGOS) {
  evals[algo] = [];
  for (const seed of SEEDS) {
    const r = await ours(algo, seed, BUDGET);
    evals[algo].push(r.evalReturn);
    if (algo === "bp-ppo") { for (const mark of MARKS) bp[mark].push(r.atMarks[mark]); }
    (finals[algo] ??= []).push(r.atMarks[51200] ?? NaN);
  }
}
const ref = await pendingReferences;
say(`# CartPole: BP-PPO vs a CleanRL-style NumPy reference, and the four rules at ${BUDGET} env steps\n`);
say(
  `Seeds ${SEEDS.join(", ")}; \`deno run -A bench/cartpole_reference.ts --budget ${BUDGET}\`; ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s wall on a shared 2-core machine (load ~7). ` +
    "Returns: mean ± std over seeds of each run's last 20 training episodes. Reference `cleanrl`: CleanRL's " +
    "loop (time limits end bootstrapping like terminations); `masked`: time-limit steps masked out as in " +
    "Brax and the TS PPO. Both use configs/rl_cartpole.yaml's hyperparameters.\n",
);
say("| env steps | BP-PPO | reference | Δ mean | within one reference std |");
say("|---:|---:|---|---:|:---:|");
for (const mark of MARKS) {
  for (const kind of Object.keys(REFERENCES) as ReferenceKind[]) {
    const d = mean(bp[mark]) - mean(ref[kind][mark]);
    const within = Math.abs(d) <= std(ref[kind][mark]) ? "yes" : "no";
    say(`| ${mark} | ${fmt(bp[mark])} | ${kind}: ${fmt(ref[kind][mark])} | ${d.toFixed(1)} | ${within} |`);
  }
}
say(
  `\n| rule | eval return after ${BUDGET} steps (16 episodes, sampled) | ≥ 475 | training return at 51,200 |`,
);
say("|---|---:|:---:|---:|");
for (const algo of PPO_ALGOS) {
  say(
    `| ${algo} | ${fmt(evals[algo])} | ${mean(evals[algo]) >= 475 ? "yes" : "no"} | ${fmt(finals[algo])} |`,
  );
}
say(
  `\nPer seed (eval): ${
    PPO_ALGOS.map((a) => `${a} [${evals[a].map((x) => x.toFixed(0)).join(", ")}]`).join("; ")
  }`,
);
for (const kind of Object.keys(REFERENCES) as ReferenceKind[]) {
  say(`Per seed (reference ${kind} at 51,200): [${ref[kind][51200].map((x) => x.toFixed(0)).join(", ")}]`);
}
await Deno.writeTextFile(values.out!, lines.join("\n") + "\n");
