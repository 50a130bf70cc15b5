/**
 * `deno task test:viewer`: the three.js locomotion viewer (envs/locomotion/viewer3d.ts) rendered in headless
 * Chromium (Debian's `chromium`, which .ci/run installs), served over a loopback HTTP server with no other
 * network. The screenshot's canvas must show the sky, the ground and the bodies in the colours the page
 * promises, not a blank or failed page. Not named *_test.ts so that `deno task test` (no browser) leaves it
 * out; the CI runs it as its own task.
 *
 * @module
 */
import assert from "assert";
import { join } from "node:path";
import { makeAnt } from "../envs/locomotion/ant.ts";
import { recordTrajectory } from "../envs/locomotion/trajectory.ts";
import {
  CANVAS_SIZE,
  GROUND_RGB,
  readThreeSources,
  SKY_RGB,
  viewer3dHtml,
} from "../envs/locomotion/viewer3d.ts";

const CHROMIUM = Deno.env.get("CHROMIUM") ?? "chromium";

/** RGBA pixels of an 8-bit RGB or RGBA, non-interlaced PNG. */
async function decodePng(bytes: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8, width = 0, height = 0, colorType = 0;
  const idat: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset),
      type = new TextDecoder().decode(bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8), height = view.getUint32(offset + 12), colorType = data[9];
      assert.ok(data[8] === 8 && (colorType === 2 || colorType === 6) && data[12] === 0, "8-bit RGB(A) PNG");
    } else if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const stream = new Blob(idat as BlobPart[]).stream().pipeThrough(new DecompressionStream("deflate"));
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const bpp = colorType === 6 ? 4 : 3, stride = width * bpp, out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride), cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      cur[x] = (line[x] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = cur[x * bpp + k];
      out[(y * width + x) * 4 + 3] = bpp === 4 ? cur[x * bpp + 3] : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba: out };
}

Deno.test("viewer: headless Chromium renders the three.js locomotion viewer (sky, ground, bodies)", async () => {
  const trajectory = await recordTrajectory(makeAnt(), 30, 0);
  const html = viewer3dHtml(trajectory, await readThreeSources(), "ant viewer test");
  const dir = await Deno.makeTempDir();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  try {
    const shot = join(dir, "viewer.png");
    const command = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--use-angle=swiftshader", // WebGL on the CPU
        "--enable-unsafe-swiftshader",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${join(dir, "profile")}`,
        "--window-size=800,600",
        "--virtual-time-budget=5000",
        `--screenshot=${shot}`,
        `http://127.0.0.1:${server.addr.port}/`,
      ],
      stdout: "piped",
      stderr: "piped",
    });
    let result: Deno.CommandOutput;
    try {
      result = await command.output();
    } catch (e) {
      throw new Error(
        `${CHROMIUM} did not start (${e}); install Debian's chromium: apt-get install -y chromium`,
      );
    }
    assert.equal(
      result.code,
      0,
      `chromium exited ${result.code}: ${new TextDecoder().decode(result.stderr)}`,
    );
    const { width, rgba } = await decodePng(await Deno.readFile(shot));
    const [w, h] = CANVAS_SIZE;
    let sky = 0, ground = 0, body = 0;
    const near = (i: number, c: readonly number[]) => c.every((v, k) => Math.abs(rgba[i + k] - v) <= 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * width + x) * 4;
        if (near(i, SKY_RGB)) sky++;
        else if (near(i, GROUND_RGB)) ground++;
        else body++;
      }
    }
    const n = w * h, share = (k: number) => (100 * k / n).toFixed(1) + "%";
    console.log(`  canvas: sky ${share(sky)}, ground ${share(ground)}, bodies ${share(body)}`);
    assert.ok(sky > 0.02 * n, `sky covers ${share(sky)} of the canvas`);
    assert.ok(ground > 0.2 * n, `ground covers ${share(ground)} of the canvas`);
    assert.ok(body > 0.005 * n && body < 0.5 * n, `bodies cover ${share(body)} of the canvas`);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
