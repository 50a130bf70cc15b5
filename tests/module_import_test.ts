/**
 * The package as a user gets it: a loopback HTTP server serves only the files deno.json's `publish.include`
 * ships, a scratch project in a temporary folder outside the repo imports `http://127.0.0.1:PORT/mod.ts`
 * and runs the README's library example (cpu backend) plus an environment step, in a `deno run` subprocess
 * that may import from the server and nothing else: no file, network or write permission. It is offline:
 * the npm packages the library uses come from Deno's global npm cache (linked into the subprocess's own
 * DENO_DIR, so the remote modules it downloads stay in the temporary folder), and any other HTTP(S)
 * request goes to a proxy that does not exist. JSR itself is not reachable here; an https import resolves
 * the same way (relative and `npm:` specifiers only, no file read, no path from import.meta.url).
 *
 * CPU_THREADS=2 makes the cpu backend start its worker threads, which node:worker_threads only allows from
 * file: and data: URLs: the workers of a remote import start from a data: module that imports the remote
 * worker (lib/backend/cpu/worker_entry.ts), and this test covers that path.
 */
import assert from "assert";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Classifier, createBackend, ops, variantSettings } from "../mod.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/** The README's "Use it as a library" code block. */
function readmeExample(): string {
  const readme = Deno.readTextFileSync(join(REPO, "README.md"));
  const block = readme.match(/## Use it as a library\s+```ts\n([\s\S]*?)```/);
  assert.ok(block, "README.md: no ```ts block under '## Use it as a library'");
  return block[1];
}

/** Serves the repo's published files (and nothing else) on 127.0.0.1; records every refused path. */
function servePackage(): { server: Deno.HttpServer<Deno.NetAddr>; refused: string[] } {
  const config = JSON.parse(Deno.readTextFileSync(join(REPO, "deno.json")));
  const include: string[] = config.publish?.include ?? [];
  assert.ok(include.length > 0, "deno.json: publish.include is empty");
  const shipped = (path: string) =>
    include.some((entry) => entry.endsWith("/") ? path.startsWith(entry) : path === entry);
  const refused: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
    if (path.split("/").includes("..") || !shipped(path)) {
      refused.push(path);
      return new Response("not in the package", { status: 404 });
    }
    try {
      const body = await Deno.readFile(join(REPO, path));
      const type = path.endsWith(".ts") ? "application/typescript" : "text/plain";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      refused.push(path);
      return new Response("not found", { status: 404 });
    }
  });
  return { server, refused };
}

/**
 * Deno's global npm cache, checked to hold every `npm:name@version` that lib/deps.ts imports (the subprocess
 * has no network to fetch a missing one).
 */
async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  const cache: string = JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
  const deps = Deno.readTextFileSync(join(REPO, "lib", "deps.ts"));
  const specs = [...deps.matchAll(/"npm:((?:@[^/"]+\/)?[^@/"]+)@([^/"]+)/g)];
  assert.ok(specs.length > 0, "lib/deps.ts: no npm: specifiers found");
  for (const [, name, version] of specs) {
    try {
      Deno.statSync(join(cache, "registry.npmjs.org", name, version));
    } catch {
      assert.fail(
        `${name}@${version} is not in Deno's npm cache ${cache}: run \`deno install\` in the repo first`,
      );
    }
  }
  return cache;
}

Deno.test("module: a project outside the repo imports mod.ts over HTTP and runs the README example", async () => {
  const example = readmeExample();
  assert.match(example, /from "\.\/mod\.ts";/);
  assert.match(example, /createBackend\("auto"\)/);
  const { server, refused } = servePackage();
  const base = `http://127.0.0.1:${server.addr.port}`;
  const scratch = await Deno.makeTempDir({ prefix: "ed-module-import-" });
  try {
    assert.ok(relative(REPO, scratch).startsWith(".."), `${scratch} must lie outside the repo ${REPO}`);
    const project = join(scratch, "project"), denoDir = join(scratch, "deno_dir");
    await Deno.mkdir(project);
    await Deno.mkdir(denoDir);
    await Deno.symlink(await npmCache(), join(denoDir, "npm"));
    await Deno.writeTextFile(join(project, "deno.json"), JSON.stringify({ lock: false }));
    const main = example
      .replace(`from "./mod.ts";`, `from "${base}/mod.ts";`)
      .replace(`createBackend("auto")`, `createBackend("cpu")`) +
      `
import { makeVecEnv } from "${base}/mod.ts";
const metrics = await clf.takeTrainMetrics(); // after a second step (the README's read-back took the first)
clf.trainStep(x, y);
const env = makeVecEnv("ant");
env.reset(0, 2);
const step = env.step(new Float32Array(2 * 8));
console.log("RESULT " + JSON.stringify({
  backend: backend.name,
  loss: (await clf.takeTrainMetrics()).loss,
  drained: Number.isNaN(metrics.loss),
  obs: step.obs.length,
  rewards: Array.from(step.rewards),
}));
`;
    await Deno.writeTextFile(join(project, "main.ts"), main);

    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-import=127.0.0.1:${server.addr.port}`,
        "--allow-env=CPU_THREADS",
        "main.ts",
      ],
      cwd: project,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: scratch,
        DENO_DIR: denoDir,
        NO_COLOR: "1",
        CPU_THREADS: "2",
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "127.0.0.1",
      },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const stdout = new TextDecoder().decode(out.stdout), stderr = new TextDecoder().decode(out.stderr);
    const log = `exit ${out.code}\n--- stdout\n${stdout}\n--- stderr (last lines)\n${
      stderr.split("\n").filter((l) => !l.startsWith("Download ")).slice(-30).join("\n")
    }`;
    assert.deepEqual(refused, [], `the package imports files publish.include does not ship:\n${log}`);
    assert.ok(out.success, log);
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.ok(line, `no RESULT line:\n${log}`);
    const result = JSON.parse(line.slice("RESULT ".length));
    assert.match(stdout, /loss/, "the README example prints its metrics");

    // The same two steps in this process, from the local files: the imported package computes the same.
    const backend = await createBackend("cpu");
    const clf = new Classifier(backend, {
      inputs: 784,
      hidden: [256, 256],
      classes: 10,
      settings: variantSettings("proposed"),
      optimizer: { kind: "sgd", lr: 3 },
      seed: 0,
    });
    const x = ops.tensor(backend, new Float32Array(128 * 784), [128, 784]);
    const y = ops.oneHot(ops.tensor(backend, new Int32Array(128), [128]), 10);
    clf.trainStep(x, y);
    await clf.takeTrainMetrics();
    clf.trainStep(x, y);
    const local = await clf.takeTrainMetrics();
    backend.dispose();

    assert.equal(result.backend, "cpu");
    assert.ok(Number.isFinite(result.loss) && result.loss > 0, `loss ${result.loss}`);
    assert.ok(result.drained, "takeTrainMetrics drained the first step's metrics");
    assert.ok(
      Math.abs(result.loss - local.loss) <= 1e-6 * local.loss,
      `${result.loss} vs local ${local.loss}`,
    );
    assert.equal(result.obs, 2 * 27, "two Ant observations of 27 values");
    assert.equal(result.rewards.length, 2);
    assert.ok(result.rewards.every(Number.isFinite), `rewards ${result.rewards}`);
  } finally {
    await server.shutdown();
    await Deno.remove(scratch, { recursive: true });
  }
});
