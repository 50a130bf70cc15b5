/**
 * The cpu backend's kernel sets side by side with NumPy, all measured in one run on the same machine:
 *
 * - sgemm 1024³ and 2048³ in GFLOP/s: wasm SIMD on 1 and 2 threads, the scalar TypeScript reference (on all
 *   threads), and NumPy's `a @ b` (float32) with its BLAS on 1 thread and on all threads;
 * - one ED training step of the 784-256-256-10 dual-stream network at batch 128 (the `proposed` variant:
 *   forward of both streams, centred one-vs-all error, ED drives, SGD with the Dale floor) in ms: scalar,
 *   wasm 1 and 2 threads, and the same step written in NumPy (below, inline);
 * - one CIFAR conv step (configs/cifar10_proposed.yaml's network: dual-stream 3×3 convs 64-128-256, each
 *   with a 2×2 average pool, FC 1024) in ms, scalar vs wasm, at batch CONV_BATCH (default 16: a scalar step
 *   at 128 takes minutes).
 *
 * Best of several repetitions each (the machine is shared: the load average is printed before and after).
 * NumPy's columns are skipped with a note when `python3 -c "import numpy"` fails.
 *
 *   deno run -A bench/cpu_vs_numpy.ts           CONV_BATCH=32 deno run -A bench/cpu_vs_numpy.ts
 */
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { shutdownCpuThreads } from "../lib/backend/cpu/gemm.ts";
import { wasmRuntime } from "../lib/backend/cpu/wasm/runtime.ts";
import * as ops from "../lib/ops.ts";
import { Classifier, type ClassifierOptions } from "../lib/train/classifier.ts";
import { variantSettings } from "../lib/train/variants.ts";
import { Rng } from "../lib/random.ts";

const SIZES = [1024, 2048];
const THREADS = navigator.hardwareConcurrency;
const CONV_BATCH = Number(Deno.env.get("CONV_BATCH") ?? 16);

const loadAverage = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

// ---------------------------------------------------------------- NumPy (inline script, JSON on stdout)

const NUMPY_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np

def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception as e:
        return f"unknown ({e})"

def best(f, reps):
    f()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); times.append(time.perf_counter() - t0)
    return min(times)

mode = sys.argv[1]
out = {"python": sys.executable, "version": sys.version.split()[0], "numpy": np.__version__, "blas": blas_name()}
rng = np.random.default_rng(0)
if mode == "gemm":
    for n in [int(s) for s in sys.argv[2].split(",")]:
        a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
        out[str(n)] = 2 * n**3 / best(lambda: a @ b, 5 if n <= 1024 else 3) / 1e9
else:
    # One ED step of the dual-stream 784-256-256-10 net, batch 128, float32, as lib/train/classifier.ts.
    B, sizes, C, lr, floor = 128, [784, 256, 256, 10], 10, 3.0, 1e-4
    sig = lambda z: 1 / (1 + np.exp(-2 * z / 6))            # width-scaled sigmoid, u0 = 6
    dsig = lambda z: (lambda s: (2 / 6) * s * (1 - s))(sig(z))
    layers = []
    for i, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1 / np.sqrt(fan_in)
        w = lambda s: (rng.random((fan_in, units), dtype=np.float32) * s * bound).astype(np.float32)
        layers.append(dict(pp=w(1.5), np_=w(0.5), nn=w(1.5), pn=w(0.5),
                           bp=np.zeros(units, np.float32), bn=np.zeros(units, np.float32),
                           route=np.arange(units) % C))
    x = rng.random((B, 784), dtype=np.float32)
    t = np.eye(C, dtype=np.float32)[rng.integers(0, C, B)]
    acc = {"loss": 0.0, "correct": 0}
    def step():
        caches, p, n = [], x, x
        for l, L in enumerate(layers):
            if l == 0:   # shared input: one product per stream with W_same - W_cross
                zp = p @ (L["pp"] - L["np_"]) + L["bp"]; zn = p @ (L["nn"] - L["pn"]) + L["bn"]
            else:
                zp = p @ L["pp"] + L["bp"] - n @ L["np_"]; zn = n @ L["nn"] + L["bn"] - p @ L["pn"]
            caches.append((p, n, zp, zn)); p, n = sig(zp), sig(zn)
        err = t - p
        s = err - err.mean(0)                                  # batch-centred error
        acc["loss"] += float((err * err).sum()); acc["correct"] += int((p.argmax(1) == t.argmax(1)).sum())
        inv = -1 / B
        for l, L in enumerate(layers):
            ap, an, zp, zn = caches[l]
            r = s if l == len(layers) - 1 else s[:, L["route"]]   # ED: modulo routing; output: S itself
            up, un = dsig(zp) * r, dsig(zn) * -r
            if l == 0:
                gp = inv * (ap.T @ up); gn = inv * (ap.T @ un)
                grads = dict(pp=gp, np_=-gp, nn=gn, pn=-gn)
            else:
                grads = dict(pp=inv * (ap.T @ up), np_=-inv * (an.T @ up), nn=inv * (an.T @ un), pn=-inv * (ap.T @ un))
            for k, g in grads.items():
                L[k] -= lr * g; np.maximum(L[k], floor, out=L[k])     # SGD, then the Dale floor
            L["bp"] -= lr * inv * up.sum(0); L["bn"] -= lr * inv * un.sum(0)
    for _ in range(3): step()
    times = []
    for _ in range(30):
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    out["ms"] = 1000 * min(times)
print(json.dumps(out))
`;

interface NumpyResult {
  python: string;
  version: string;
  numpy: string;
  blas: string;
  [key: string]: string | number;
}

async function numpy(args: string[], env: Record<string, string> = {}): Promise<NumpyResult | string> {
  try {
    const run = await new Deno.Command("python3", {
      args: ["-c", NUMPY_SCRIPT, ...args],
      env,
      stderr: "piped",
    })
      .output();
    if (!run.success) {
      return `python3 failed: ${new TextDecoder().decode(run.stderr).trim().split("\n").pop()}`;
    }
    return JSON.parse(new TextDecoder().decode(run.stdout));
  } catch (e) {
    return `python3 not runnable: ${(e as Error).message}`;
  }
}

const oneThread = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

// ---------------------------------------------------------------- sgemm

function gemmRate(backend: CpuBackend, n: number, reps: number): number {
  using a = ops.random(backend, [n, n], "uniform", 1);
  using b = ops.random(backend, [n, n], "uniform", 2);
  ops.matmul(a, b).dispose(); // warm-up: compiles (tiers up) the kernels, starts the workers
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    ops.matmul(a, b).dispose();
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * n ** 3) / (best * 1e6);
}

// ---------------------------------------------------------------- training steps

function stepTime(
  backend: CpuBackend,
  o: ClassifierOptions,
  batch: number,
  warm: number,
  reps: number,
): number {
  const clf = new Classifier(backend, o);
  const rng = new Rng(0);
  using x = ops.tensor(backend, Float32Array.from({ length: batch * o.inputs }, () => rng.uniform()), [
    batch,
    o.inputs,
  ]);
  using y = ops.tensor(backend, Int32Array.from({ length: batch }, () => rng.int(o.classes)), [batch]);
  using targets = ops.oneHot(y, o.classes);
  for (let s = 0; s < warm; s++) clf.trainStep(x, targets);
  let best = Infinity;
  for (let s = 0; s < reps; s++) {
    const t0 = performance.now();
    clf.trainStep(x, targets);
    best = Math.min(best, performance.now() - t0);
  }
  clf.dispose();
  return best;
}

const ED_NET: ClassifierOptions = {
  inputs: 784,
  hidden: [256, 256],
  classes: 10,
  settings: variantSettings("proposed"),
  optimizer: { kind: "sgd", lr: 3 },
  seed: 0,
};

const CIFAR_NET: ClassifierOptions = {
  inputs: 3 * 32 * 32,
  image: [3, 32, 32],
  conv: [
    { channels: 64, kernel: 3, stride: 1, padding: 1, pool: 2 },
    { channels: 128, kernel: 3, stride: 1, padding: 1, pool: 2 },
    { channels: 256, kernel: 3, stride: 1, padding: 1, pool: 2 },
  ],
  hidden: [1024],
  classes: 10,
  settings: variantSettings("proposed"),
  optimizer: { kind: "sgd", lr: 3 },
  seed: 0,
};

// ---------------------------------------------------------------- run

const loadBefore = loadAverage();
const scalar = new CpuBackend({ kernels: "scalar", threads: THREADS });
const wasm1 = new CpuBackend({ kernels: "wasm", threads: 1 });
const wasm2 = new CpuBackend({ kernels: "wasm", threads: Math.max(2, THREADS) });
const fmt = (x: number, digits = 1) => Number.isFinite(x) ? x.toFixed(digits) : "—";

const npGemm1 = await numpy(["gemm", SIZES.join(",")], oneThread);
const npGemmAll = await numpy(["gemm", SIZES.join(",")]);
const npEd = await numpy(["ed"]);
const np = typeof npGemmAll === "string" ? null : npGemmAll;

console.log(`cpu kernels vs NumPy, ${THREADS} cores reported; load average before: ${loadBefore}`);
console.log(`  deno ${Deno.version.deno}, V8 ${Deno.version.v8}; wasm: ${wasm2.deviceName}`);
console.log(
  np
    ? `  NumPy ${np.numpy} (${np.python}, Python ${np.version}), BLAS: ${np.blas}`
    : `  NumPy columns skipped: ${npGemmAll}`,
);

console.log(`\nsgemm GFLOP/s (C = A·B, float32, square; best of several)`);
console.log(
  `  ${"n".padEnd(6)}${"wasm 1 thr".padStart(12)}${`wasm ${wasm2.threads} thr`.padStart(12)}` +
    `${`scalar ${THREADS} thr`.padStart(14)}${"numpy 1 thr".padStart(13)}${
      `numpy ${THREADS} thr`.padStart(13)
    }`,
);
for (const n of SIZES) {
  const reps = n >= 2048 ? 3 : 5;
  const w1 = gemmRate(wasm1, n, reps), w2 = gemmRate(wasm2, n, reps);
  const s = gemmRate(scalar, n, n >= 2048 ? 1 : 2);
  const n1 = typeof npGemm1 === "string" ? NaN : Number(npGemm1[String(n)]);
  const nAll = np ? Number(np[String(n)]) : NaN;
  console.log(
    `  ${String(n).padEnd(6)}${fmt(w1).padStart(12)}${fmt(w2).padStart(12)}${fmt(s).padStart(14)}` +
      `${fmt(n1).padStart(13)}${fmt(nAll).padStart(13)}`,
  );
}

console.log(`\nED training step, 784-256-256-10 dual stream, batch 128 (ms, best of several)`);
const edScalar = stepTime(scalar, ED_NET, 128, 2, 5);
const edWasm1 = stepTime(wasm1, ED_NET, 128, 5, 30);
const edWasm2 = stepTime(wasm2, ED_NET, 128, 5, 30);
const edNumpy = typeof npEd === "string" ? NaN : Number(npEd.ms);
console.log(`  scalar ${THREADS} thr   ${fmt(edScalar, 2).padStart(8)}`);
console.log(
  `  wasm 1 thr     ${fmt(edWasm1, 2).padStart(8)}   ${fmt(edScalar / edWasm1)}x faster than scalar`,
);
console.log(
  `  wasm ${wasm2.threads} thr     ${fmt(edWasm2, 2).padStart(8)}   ${
    fmt(edScalar / edWasm2)
  }x faster than scalar`,
);
console.log(
  `  numpy          ${fmt(edNumpy, 2).padStart(8)}` +
    (typeof npEd === "string" ? `   (${npEd})` : "   (same step, inline script)"),
);

console.log(
  `\nCIFAR conv step (configs/cifar10_proposed.yaml network), batch ${CONV_BATCH} (ms, best of a few)`,
);
const convScalar = stepTime(scalar, CIFAR_NET, CONV_BATCH, 1, 1);
const convWasm = stepTime(wasm2, CIFAR_NET, CONV_BATCH, 1, 3);
console.log(`  scalar ${THREADS} thr   ${fmt(convScalar, 0).padStart(8)}`);
console.log(
  `  wasm ${wasm2.threads} thr     ${fmt(convWasm, 0).padStart(8)}   ${
    fmt(convScalar / convWasm)
  }x faster than scalar`,
);

console.log(`\nload average after: ${loadAverage()}`);
shutdownCpuThreads();
wasmRuntime().shutdownWorkers();
