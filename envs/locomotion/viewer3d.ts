/**
 * A 3D viewer page for a recorded locomotion trajectory (./trajectory.ts), drawn with three.js the way
 * Brax's viewer is (a three.js page): capsules and spheres over a ground plane, a camera that follows the
 * body, play/pause and a frame slider. The page is one self-contained HTML file that works offline and
 * from file://: the pinned `three` package's two build files travel inside it as JSON strings and are
 * imported from Blob URLs at load time (three.module.js imports ./three.core.js, so that specifier is
 * rewritten to the core's Blob URL).
 *
 * Colours the page promises (tests/viewer_chromium.ts checks a screenshot against them): the sky is the
 * renderer's clear colour {@link SKY_RGB}, the ground an unlit plane of {@link GROUND_RGB}, and the canvas
 * is {@link CANVAS_SIZE} at the page's top-left corner with antialiasing off, so every other canvas pixel
 * belongs to a body.
 *
 * @module
 */
import type { Trajectory } from "./trajectory.ts";

export const SKY_RGB: readonly [number, number, number] = [158, 197, 232];
export const GROUND_RGB: readonly [number, number, number] = [214, 208, 196];
export const CANVAS_SIZE: readonly [number, number] = [800, 450];

/** The source texts of the pinned three.js build (three.core.js and three.module.js). */
export interface ThreeSources {
  core: string;
  module: string;
}

/** Reads the pinned `three` package's build files from Deno's npm cache or node_modules. */
export async function readThreeSources(): Promise<ThreeSources> {
  const moduleUrl = new URL(import.meta.resolve("three"));
  if (moduleUrl.protocol !== "file:") {
    throw new Error(`three resolves to ${moduleUrl}, not a local file: run \`deno install\` first`);
  }
  const coreUrl = new URL("./three.core.js", moduleUrl);
  return { core: await Deno.readTextFile(coreUrl), module: await Deno.readTextFile(moduleUrl) };
}

/** JSON inside a <script> element: "</" cannot close the element when written as "<\/". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("</", "<\\/");
}

const hex = (rgb: readonly number[]) => "0x" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");

/** The viewer page for `trajectory`, with three.js inlined from `three`. */
export function viewer3dHtml(trajectory: Trajectory, three: ThreeSources, title: string): string {
  const [w, h] = CANVAS_SIZE;
  const escaped = title.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escaped}</title>
<style>
body{margin:0;font:14px sans-serif;background:#fafafa}
canvas{display:block}
#bar{padding:8px}
#error{color:#b00020;padding:8px}
</style>
</head><body>
<div id="view"></div>
<div id="bar"><b>${escaped}</b><br><button id="play">pause</button>
<input id="slider" type="range" min="0" value="0" style="width:480px"> <span id="label"></span></div>
<div id="error"></div>
<script id="three-core" type="application/json">${scriptJson(three.core)}</script>
<script id="three-module" type="application/json">${scriptJson(three.module)}</script>
<script id="trajectory" type="application/json">${scriptJson(trajectory)}</script>
<script type="module">
const text = (id) => JSON.parse(document.getElementById(id).textContent);
const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
try {
  const coreUrl = blobUrl(text("three-core"));
  const THREE = await import(blobUrl(text("three-module").replaceAll("'./three.core.js'", JSON.stringify(coreUrl))));
  start(THREE, text("trajectory"));
} catch (e) {
  document.getElementById("error").textContent = "viewer failed: " + e;
}

function start(THREE, T) {
  THREE.ColorManagement.enabled = false; // colours as written: the sky and ground colours are exact
  const renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.setSize(${w}, ${h});
  renderer.setClearColor(${hex(SKY_RGB)});
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  document.getElementById("view").appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(45, ${w} / ${h}, 0.05, 200);
  camera.up.set(0, 0, 1); // the physics is z-up
  scene.add(new THREE.HemisphereLight(0xffffff, 0x444444, 1.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.5);
  sun.position.set(3, -4, 6);
  scene.add(sun);
  const ground = new THREE.Mesh(
    new THREE.PlaneGeometry(400, 400),
    new THREE.MeshBasicMaterial({ color: ${hex(GROUND_RGB)} }),
  );
  scene.add(ground);
  const up = new THREE.Vector3(0, 1, 0), a = new THREE.Vector3(), b = new THREE.Vector3();
  const meshes = T.geoms.map((g) => {
    const geometry = g.halfLength > 0
      ? new THREE.CapsuleGeometry(g.radius, 2 * g.halfLength, 6, 16)
      : new THREE.SphereGeometry(g.radius, 16, 12);
    const color = new THREE.Color(g.rgba[0], g.rgba[1], g.rgba[2]);
    const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color, roughness: 0.6 }));
    scene.add(mesh);
    return mesh;
  });
  // Camera distance from the body's extent in the first frame.
  const f0 = T.frames[0];
  let extent = 0.5;
  for (let i = 0; i < f0.length; i += 3) {
    for (let j = i + 3; j < f0.length; j += 3) {
      extent = Math.max(extent, Math.hypot(f0[i] - f0[j], f0[i + 1] - f0[j + 1], f0[i + 2] - f0[j + 2]));
    }
  }
  const slider = document.getElementById("slider"), label = document.getElementById("label");
  slider.max = String(T.frames.length - 1);
  function draw(i) {
    const f = T.frames[i];
    const center = new THREE.Vector3();
    T.geoms.forEach((g, k) => {
      a.fromArray(f, 6 * k);
      b.fromArray(f, 6 * k + 3);
      const mesh = meshes[k];
      mesh.position.copy(a).add(b).multiplyScalar(0.5);
      if (g.halfLength > 0) mesh.quaternion.setFromUnitVectors(up, a.clone().sub(b).normalize());
      center.add(mesh.position);
    });
    center.multiplyScalar(1 / T.geoms.length);
    camera.position.set(center.x + 0.6 * extent, center.y - 2.2 * extent, 0.6 * extent + 0.3);
    camera.lookAt(center.x, center.y, Math.max(0.2, center.z * 0.6));
    renderer.render(scene, camera);
    slider.value = String(i);
    const total = T.rewards.slice(0, i).reduce((s, r) => s + r, 0);
    label.textContent = "t = " + (i * T.dt).toFixed(2) + " s, frame " + i + "/" + (T.frames.length - 1) +
      ", return " + total.toFixed(1) + " (" + T.actor + ")";
  }
  let frame = 0, playing = true, last = 0;
  document.getElementById("play").onclick = (e) => {
    playing = !playing;
    e.target.textContent = playing ? "pause" : "play";
  };
  slider.oninput = () => { frame = Number(slider.value); draw(frame); };
  function tick(now) {
    if (playing && now - last >= 1000 * T.dt) {
      last = now;
      frame = (frame + 1) % T.frames.length;
      draw(frame);
    }
    requestAnimationFrame(tick);
  }
  draw(0);
  document.body.dataset.rendered = "yes";
  requestAnimationFrame(tick);
}
</script></body></html>
`;
}
