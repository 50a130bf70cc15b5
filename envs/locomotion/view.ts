/**
 * Writes a self-contained HTML page (inline SVG + a few lines of JavaScript, no network) that plays a
 * rollout of a locomotion environment under random actions, seen from the side (x-z) and from above (x-y).
 *
 *   deno run -A envs/locomotion/view.ts --env ant --steps 300 --out rollout.html [--seed 0]
 */

import { parseArgs } from "node:util";
import type { LocomotionEnv } from "./env.ts";
import { makeAnt } from "./ant.ts";
import { makeHalfCheetah } from "./half_cheetah.ts";
import { makeHumanoid } from "./humanoid.ts";
import { GEOM_CAPSULE, GEOM_PLANE } from "./physics/model.ts";
import { quatMul, quatRotate } from "./physics/math3d.ts";

const MAKERS: Record<string, () => LocomotionEnv> = {
  ant: makeAnt,
  half_cheetah: makeHalfCheetah,
  halfcheetah: makeHalfCheetah,
  humanoid: makeHumanoid,
};

/** Per frame, per non-plane geom: [x, y, z] of both segment ends (equal for spheres). */
export function recordRollout(env: LocomotionEnv, steps: number, seed: number): number[][] {
  const m = env.model, ws = env.pipeline.ws;
  env.reset(seed, 1);
  let s = (seed * 2654435761) >>> 0;
  const act = new Float32Array(env.actionSize);
  const frames: number[][] = [];
  const p = new Float64Array(6), q = new Float64Array(4), z = Float64Array.of(0, 0, 1);
  const capture = () => {
    env.pipeline.kinematicsOf(env.q, env.qd, 0);
    const f: number[] = [];
    for (let g = 0; g < m.ngeom; g++) {
      const b = m.geomBody[g];
      if (m.geomType[g] === GEOM_PLANE || b < 0) continue;
      quatRotate(p, 0, ws.xquat, b * 4, m.geomPos, g * 3);
      for (let k = 0; k < 3; k++) p[k] += ws.xpos[b * 3 + k];
      const h = m.geomType[g] === GEOM_CAPSULE ? m.geomSize[g * 3 + 1] : 0;
      quatMul(q, 0, ws.xquat, b * 4, m.geomQuat, g * 4);
      quatRotate(p, 3, q, 0, z, 0);
      for (let k = 0; k < 3; k++) f.push(+(p[k] + h * p[3 + k]).toFixed(4));
      for (let k = 0; k < 3; k++) f.push(+(p[k] - h * p[3 + k]).toFixed(4));
    }
    frames.push(f);
  };
  capture();
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < act.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      act[i] = (s / 4294967296) * 2 - 1;
    }
    env.step(act);
    capture();
  }
  return frames;
}

/** Builds the HTML page for recorded frames. */
export function rolloutHtml(env: LocomotionEnv, frames: number[][], title: string): string {
  const m = env.model;
  const geoms: { r: number; rgba: number[] }[] = [];
  for (let g = 0; g < m.ngeom; g++) {
    if (m.geomType[g] === GEOM_PLANE || m.geomBody[g] < 0) continue;
    geoms.push({ r: m.geomSize[g * 3], rgba: Array.from(m.geomRgba.slice(g * 4, g * 4 + 4)) });
  }
  const data = JSON.stringify({ dt: env.dt, geoms, frames });
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

if (import.meta.main) {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      env: { type: "string", default: "ant" },
      steps: { type: "string", default: "300" },
      seed: { type: "string", default: "0" },
      out: { type: "string" },
    },
  });
  const make = MAKERS[String(args.env)];
  if (!make) throw new Error(`unknown --env ${args.env} (ant, half_cheetah, humanoid)`);
  const steps = Number(args.steps), seed = Number(args.seed);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer`);
  const out = args.out ?? `${args.env}_rollout.html`;
  const env = make();
  const frames = recordRollout(env, steps, seed);
  Deno.writeTextFileSync(
    out,
    rolloutHtml(env, frames, `${env.spec.name}: ${steps} random-action steps (seed ${seed})`),
  );
  console.log(`wrote ${out} (${frames.length} frames)`);
}
