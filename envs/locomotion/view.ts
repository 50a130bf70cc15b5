/**
 * Writes a page that plays a rollout of a locomotion environment, acted by a trained policy (`--policy`,
 * a run folder of `deno task rl`) or by random actions: a self-contained 2D page (inline SVG, side and top
 * views) or, with `--3d`, the three.js viewer of ./viewer3d.ts. Neither page needs the network.
 *
 *   deno run -A envs/locomotion/view.ts --env ant --steps 300 --out rollout.html [--seed 0] [--3d]
 *   deno run -A envs/locomotion/view.ts --policy runs/rl_halfcheetah_ed-ppo_s0 --3d --out cheetah.html
 *
 * With `--policy` the env defaults to the run's; the policy acts by its mode (`--sample`: by sampling).
 * A run trained on another env is refused with one line naming both envs' sizes.
 *
 * @module
 */
import { parseFlags } from "../../lib/config/command_line.ts";
import { LOCOMOTION_ENVS, type LocomotionEnvName, LocomotionVecEnv } from "./vec_env.ts";
import { type LocomotionPolicy, recordTrajectory, type Trajectory } from "./trajectory.ts";
import { readThreeSources, viewer3dHtml } from "./viewer3d.ts";
import { createBackend } from "../../lib/backend/mod.ts";
import { loadRunPolicy } from "../../lib/rl/policy.ts";
import { readYamlFile } from "../../lib/config/yaml.ts";
import { runCommand, UsageError } from "../../lib/io/command.ts";
import { makeRunEnv } from "../mod.ts";

export { recordTrajectory };

/** Brax's names and the MJCF-style alias. */
function envName(name: string): LocomotionEnvName {
  const n = name === "half_cheetah" ? "halfcheetah" : name;
  if (!(LOCOMOTION_ENVS as readonly string[]).includes(n)) {
    throw new UsageError(`--env must be one of ${LOCOMOTION_ENVS.join(", ")}, got "${name}"`);
  }
  return n as LocomotionEnvName;
}

/** The 2D page: a trajectory seen from the side (x-z) and from above (x-y), inline SVG, no network. */
export function rolloutHtml(trajectory: Trajectory, title: string): string {
  const geoms = trajectory.geoms.map((g) => ({ r: g.radius, rgba: g.rgba }));
  const data = JSON.stringify({ dt: trajectory.dt, geoms, frames: trajectory.frames });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px sans-serif;margin:16px;background:#fafafa}svg{background:#fff;border:1px solid #ccc;margin:4px}</style>
</head><body>
<h3>${title}</h3>
<div><button id="play">pause</button> <input id="slider" type="range" min="0" value="0" style="width:480px">
<span id="label"></span></div>
<svg id="side" width="640" height="360"></svg><svg id="top" width="360" height="360"></svg>
<script>
const D = ${data};
const NS = "http://www.w3.org/2000/svg";
const views = [
  { el: document.getElementById("side"), a: 0, b: 2, w: 640, h: 360, s: 160, ground: true },
  { el: document.getElementById("top"), a: 0, b: 1, w: 360, h: 360, s: 100, ground: false },
];
const color = (c) => "rgba(" + Math.round(c[0]*255) + "," + Math.round(c[1]*255) + "," + Math.round(c[2]*255) + "," + c[3] + ")";
for (const v of views) {
  if (v.ground) {
    v.floor = document.createElementNS(NS, "line");
    v.floor.setAttribute("stroke", "#888");
    v.floor.setAttribute("stroke-width", "2");
    v.el.appendChild(v.floor);
  }
  v.shapes = D.geoms.map((g) => {
    const l = document.createElementNS(NS, "line");
    l.setAttribute("stroke", color(g.rgba));
    l.setAttribute("stroke-linecap", "round");
    l.setAttribute("stroke-width", String(2 * g.r * v.s));
    l.setAttribute("stroke-opacity", "0.85");
    v.el.appendChild(l);
    return l;
  });
}
const slider = document.getElementById("slider");
slider.max = String(D.frames.length - 1);
const label = document.getElementById("label");
function draw(i) {
  const f = D.frames[i];
  let cx = 0, cy = 0;
  for (let g = 0; g < D.geoms.length; g++) { cx += f[6*g]; cy += f[6*g+1]; }
  cx /= D.geoms.length; cy /= D.geoms.length;
  for (const v of views) {
    const ca = v.a === 0 ? cx : cy, cb = v.b === 1 ? cy : 0;
    const X = (p) => v.w / 2 + (p - ca) * v.s;
    const Y = (p) => v.ground ? v.h - 40 - p * v.s : v.h / 2 - (p - cb) * v.s;
    if (v.floor) { v.floor.setAttribute("x1", "0"); v.floor.setAttribute("x2", String(v.w));
      v.floor.setAttribute("y1", String(Y(0))); v.floor.setAttribute("y2", String(Y(0))); }
    D.geoms.forEach((g, k) => {
      const o = 6 * k, l = v.shapes[k];
      l.setAttribute("x1", X(f[o + v.a])); l.setAttribute("y1", Y(f[o + v.b]));
      l.setAttribute("x2", X(f[o + 3 + v.a])); l.setAttribute("y2", Y(f[o + 3 + v.b]));
    });
  }
  slider.value = String(i);
  label.textContent = "t = " + (i * D.dt).toFixed(2) + " s (frame " + i + "/" + (D.frames.length - 1) + ")";
}
let frame = 0, playing = true;
document.getElementById("play").onclick = (e) => { playing = !playing; e.target.textContent = playing ? "pause" : "play"; };
slider.oninput = () => { frame = Number(slider.value); draw(frame); };
setInterval(() => { if (playing) { frame = (frame + 1) % D.frames.length; draw(frame); } }, 1000 * D.dt);
draw(0);
</script></body></html>
`;
}

const VIEW_USAGE =
  `Usage: deno task view:locomotion [--env ant|halfcheetah|humanoid] [--policy RUN_DIR] [--sample]
         [--steps N] [--seed N] [--out FILE.html] [--3d]
Writes a self-contained page that plays a rollout (2D SVG, or the three.js viewer with --3d), acted by a
trained policy (a deno task rl run folder) or by random actions.`;

/** The command: records a trajectory and writes the page. */
export async function main(args: string[]): Promise<void> {
  const parsed = parseFlags(args, {
    env: { type: "string" },
    policy: { type: "string" },
    sample: { type: "boolean", default: false },
    steps: { type: "string", default: "300" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    "3d": { type: "boolean", default: false },
  }, VIEW_USAGE);
  if (!parsed) return;
  const { values } = parsed;
  const steps = Number(values.steps), seed = Number(values.seed);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a positive integer`);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer`);
  const runEnv = values.policy
    ? (readYamlFile(`${values.policy}/config.yaml`) as { env?: string }).env
    : undefined;
  const name = envName(values.env ?? runEnv ?? "ant");
  const env = new LocomotionVecEnv(name);
  let policy: LocomotionPolicy | undefined, actor = "random actions", dispose = () => {};
  if (values.policy) {
    const backend = await createBackend("cpu");
    const { learner } = await loadRunPolicy(values.policy, env, backend, makeRunEnv);
    const act = learner.actor(1, !values.sample, seed);
    policy = async (obs) => await act.act(obs) as Float32Array;
    actor = `${values.policy}, ${values.sample ? "sampled" : "mode"} actions`;
    dispose = () => (act.dispose(), learner.dispose(), backend.dispose());
  }
  try {
    const trajectory = await recordTrajectory(env.env, steps, seed, policy, actor);
    const title = `${env.env.spec.name}: ${steps} steps, ${actor} (seed ${seed})`;
    const out = values.out ?? `${name}_rollout.html`;
    const html = values["3d"]
      ? viewer3dHtml(trajectory, await readThreeSources(), title)
      : rolloutHtml(trajectory, title);
    await Deno.writeTextFile(out, html);
    const total = trajectory.rewards.reduce((a, b) => a + b, 0);
    console.log(`wrote ${out} (${trajectory.frames.length} frames, return ${total.toFixed(1)})`);
  } finally {
    dispose();
  }
}

if (import.meta.main) await runCommand(main);
