/**
 * Ant environment throughput: our engine (1 env and 2048 batched envs, one core) versus MuJoCo's WASM build
 * stepping the same model (the project's Ant MJCF, envs/locomotion/assets/ant.ts, which MuJoCo compiles to Brax's ant). One env step = 5
 * physics substeps (dt 0.05 s) for both.
 *
 *   deno bench -A bench/locomotion_bench.ts
 *
 * Besides deno bench's per-iteration table, a summary in env steps per second is printed first (the
 * contenders measured in alternating rounds, so that they see the same machine load).
 */

import loadMujoco from "mujoco-js";
import { ANT_XML, makeAnt } from "../envs/locomotion/mod.ts";

const BATCH = 2048;
const N_FRAMES = 5;

function randomActions(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

// Our Ant.
const single = makeAnt();
single.reset(0, 1);
const singleActs = Array.from({ length: 64 }, (_, i) => randomActions(8, i + 1));
let singleT = 0;
const stepSingle = () => single.step(singleActs[singleT++ & 63]);

const batch = makeAnt();
batch.reset(0, BATCH);
const batchActs = [randomActions(BATCH * 8, 7), randomActions(BATCH * 8, 8)];
let batchT = 0;
const stepBatch = () => batch.step(batchActs[batchT++ & 1]);

// MuJoCo WASM on our Ant MJCF (written into its virtual file system).
// deno-lint-ignore no-explicit-any
const mj: any = await loadMujoco();
mj.FS.mkdir("/bench");
mj.FS.writeFile(
  "/bench/ant.xml",
  ANT_XML,
);
const mjModel = mj.MjModel.loadFromXML("/bench/ant.xml");
const mjData = new mj.MjData(mjModel);
const init = [0, 0, 0.55, 1, 0, 0, 0, 0, 1, 0, -1, 0, -1, 0, 1];
const mjReset = () => {
  mj.mj_resetData(mjModel, mjData);
  for (let i = 0; i < init.length; i++) mjData.qpos[i] = init[i];
};
mjReset();
let mjT = 0, mjSteps = 0;
const stepMujoco = () => {
  const a = singleActs[mjT++ & 63];
  for (let i = 0; i < 8; i++) mjData.ctrl[i] = a[i];
  for (let k = 0; k < N_FRAMES; k++) mj.mj_step(mjModel, mjData);
  const z = mjData.qpos[2];
  if (z < 0.2 || z > 1 || ++mjSteps >= 1000) {
    mjReset();
    mjSteps = 0;
  }
};

/** Accumulated env steps and seconds of one contender. */
interface Tally {
  steps: number;
  seconds: number;
}

/** Runs `fn` for about `seconds` (at least one call) and adds to `t`. */
function measure(t: Tally, fn: () => unknown, envsPerCall: number, seconds: number): void {
  const t0 = performance.now();
  let calls = 0;
  do {
    fn();
    calls++;
  } while (performance.now() - t0 < seconds * 1000);
  t.steps += calls * envsPerCall;
  t.seconds += (performance.now() - t0) / 1000;
}

// The three contenders take turns in short rounds (1.5 s, 3 s and 1.5 s in all, as before), so that load
// from other processes on a shared machine hits them alike instead of whichever ran during a busy spell.
const ROUNDS = 6;
for (let i = 0; i < 3; i++) {
  stepSingle();
  stepBatch();
  stepMujoco();
}
const t1: Tally = { steps: 0, seconds: 0 }, tB: Tally = { steps: 0, seconds: 0 };
const tRef: Tally = { steps: 0, seconds: 0 };
for (let r = 0; r < ROUNDS; r++) {
  measure(t1, stepSingle, 1, 1.5 / ROUNDS);
  measure(tB, stepBatch, BATCH, 3 / ROUNDS);
  measure(tRef, stepMujoco, 1, 1.5 / ROUNDS);
}
const ours1 = t1.steps / t1.seconds;
const oursB = tB.steps / tB.seconds;
const ref = tRef.steps / tRef.seconds;
console.log(
  `Ant env steps/s (1 core): ours 1 env ${ours1.toFixed(0)}, ours ${BATCH} envs ${oursB.toFixed(0)}, ` +
    `MuJoCo WASM ${ref.toFixed(0)} (${(ref * N_FRAMES).toFixed(0)} mj_step/s); ` +
    `ours/MuJoCo ${(ours1 / ref).toFixed(2)}x (1 env), ${(oursB / ref).toFixed(2)}x (batched)`,
);

Deno.bench({ name: "ant: ours, 1 env, one env step", group: "ant", baseline: true }, () => {
  stepSingle();
});
Deno.bench({ name: "ant: MuJoCo WASM, one env step (5 x mj_step)", group: "ant" }, () => {
  stepMujoco();
});
Deno.bench({ name: `ant: ours, ${BATCH} envs, one batched step`, n: 10, warmup: 1 }, () => {
  stepBatch();
});
