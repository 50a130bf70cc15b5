// Trained policies from run folders: envs/locomotion/view.ts and envs/craftax/play.ts rebuild the learner
// from the run's config.yaml and checkpoint and act with it; a run from another env, or a folder without a
// run, is refused with one line.
import assert from "assert";
import { join } from "node:path";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { defaultRlOptions, type RlOptions } from "../lib/rl/options.ts";
import { runRl } from "../lib/rl/run.ts";
import { loadRunPolicy } from "../lib/rl/policy.ts";
import { UsageError } from "../lib/io/command.ts";
import { makeRunEnv, makeVecEnv } from "../envs/mod.ts";
import { main as view } from "../envs/locomotion/view.ts";
import { watchPolicy } from "../envs/craftax/play.ts";

const cpu = new CpuBackend();

/** A one-iteration run of `algo` on `env` with a tiny batch. */
async function tinyRun(
  dir: string,
  env: "halfcheetah" | "craftax-classic",
  algo: "bp-ppo" | "ed-ppo" | "es",
) {
  const o: RlOptions = { ...defaultRlOptions(env, algo), iterations: 1, evalEpisodes: 1, outDir: dir };
  if (env === "halfcheetah") o.episodeLength = 20;
  o.ppo = { ...o.ppo, numEnvs: 2, unrollLength: 4, batchSize: 2, numMinibatches: 1, updateEpochs: 1 };
  o.ppo.policy = { ...o.ppo.policy, hidden: [16] };
  o.ppo.value = { ...o.ppo.value, hidden: [16] };
  o.es = { ...o.es, populationSize: 1, policy: { ...o.es.policy, hidden: [8] } };
  return (await runRl(o, { backend: cpu, makeEnv: makeRunEnv, log: null })).dir;
}

Deno.test("rl/policy: a run folder's policy acts as the trained learner did", async () => {
  const dir = await Deno.makeTempDir();
  for (const algo of ["ed-ppo", "es"] as const) {
    const run = await tinyRun(dir, "halfcheetah", algo);
    const env = makeVecEnv("halfcheetah", { episodeLength: 20 });
    const { options, learner } = await loadRunPolicy(run, env, cpu, makeRunEnv);
    assert.equal(options.algo, algo);
    assert.equal(learner.iterations, 1);
    const obs = env.reset(3, 1);
    const a = await learner.actor(1, true, 0).act(obs), b = await learner.actor(1, true, 0).act(obs);
    assert.equal(a.length, 6);
    assert.deepEqual([...a], [...b], "the mode is deterministic");
    learner.dispose();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/policy: view.ts plays a run's policy; another env's run or no run is one line", async () => {
  const dir = await Deno.makeTempDir();
  const run = await tinyRun(dir, "halfcheetah", "bp-ppo");
  const out = join(dir, "page.html"), again = join(dir, "again.html"), random = join(dir, "random.html");
  await view(["--policy", run, "--steps", "10", "--out", out]);
  await view(["--policy", run, "--steps", "10", "--out", again]);
  await view(["--env", "halfcheetah", "--steps", "10", "--out", random]);
  const page = await Deno.readTextFile(out);
  assert.ok(page.includes("mode actions"), "the page says who acted");
  assert.equal(page, await Deno.readTextFile(again), "the mode is deterministic");
  const frames = (html: string) => html.slice(html.indexOf('"frames"'), html.indexOf("]]") + 2);
  assert.notEqual(
    frames(page),
    frames(await Deno.readTextFile(random)),
    "the policy acted, not random actions",
  );
  await assert.rejects(
    () => view(["--policy", run, "--env", "ant", "--steps", "5", "--out", out]),
    (e: Error) =>
      e instanceof UsageError &&
      e.message ===
        `${run}: the policy was trained on halfcheetah (17 observations, 6 continuous actions), ` +
          `which does not fit ant (27 observations, 8 continuous actions)`,
  );
  await assert.rejects(() => view(["--policy", dir, "--out", out]), /config\.yaml: config file not found/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rl/policy: play:craftax --policy watches the trained agent; a locomotion run is refused", async () => {
  const dir = await Deno.makeTempDir();
  const run = await tinyRun(dir, "craftax-classic", "bp-ppo");
  const frames: string[] = [];
  await watchPolicy(run, { seed: 1, steps: 3, delay: 0, sample: false }, (t) => frames.push(t));
  assert.equal(frames.length, 3);
  assert.match(frames[2], /step 3\/3: /);
  const cheetah = await tinyRun(dir, "halfcheetah", "bp-ppo");
  await assert.rejects(
    () => watchPolicy(cheetah, { seed: 1, steps: 1, delay: 0, sample: false }, () => {}),
    /trained on halfcheetah \(17 observations, 6 continuous actions\), which does not fit craftax-classic \(1345 observations, 17 discrete actions\)/,
  );
  await Deno.remove(dir, { recursive: true });
});
