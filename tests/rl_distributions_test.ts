// The tanh-normal log-density against numerical integration and the finite-difference derivative of its
// CDF, and the PPO output error S against finite differences of a host (f64) reference of the loss.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import * as ops from "../lib/ops.ts";
import { Rng } from "../lib/random.ts";
import {
  Categorical,
  LOG_SQRT_2PI,
  softplus,
  TanhNormal,
  tanhNormalLogProb,
} from "../lib/rl/distributions.ts";
import { ppoLoss } from "../lib/rl/ppo_loss.ts";

const cpu = new CpuBackend();

/** Standard normal CDF via erf (Abramowitz-Stegun 7.1.26 is too coarse; use a series/continued fraction). */
function normalCdf(x: number): number {
  // erfc by the Numerical Recipes Chebyshev fit (relative error < 1.2e-7).
  const z = Math.abs(x) / Math.SQRT2, t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                      t *
                        (0.27886807 +
                          t * (-1.13520398 + t * (1.48851638 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

Deno.test("tanh-normal: density of tanh(u) integrates to 1 and matches the CDF's finite difference", () => {
  for (const [loc, raw] of [[0.3, -0.5], [-1.2, 0.4], [2.0, 1.5]]) {
    // ∫_{−1}^{1} p_a(a) da with a = tanh(u), da = (1 − tanh²u) du, log p_a(tanh u) = log π(u).
    let total = 0;
    const h = 1e-3;
    for (let u = -20; u < 20; u += h) {
      const mid = u + h / 2, t = Math.tanh(mid);
      total += Math.exp(tanhNormalLogProb([loc], [raw], [mid])) * (1 - t * t) * h;
    }
    assert.ok(Math.abs(total - 1) < 1e-4, `integral ${total}`);
    // P(a ≤ x) = Φ((atanh x − loc)/σ); its derivative is the density.
    const sigma = softplus(raw) + 0.001;
    for (const a of [-0.9, -0.3, 0.1, 0.7]) {
      const eps = 1e-5;
      const cdf = (x: number) => normalCdf((Math.atanh(x) - loc) / sigma);
      const density = (cdf(a + eps) - cdf(a - eps)) / (2 * eps);
      const ours = Math.exp(tanhNormalLogProb([loc], [raw], [Math.atanh(a)]));
      assert.ok(Math.abs(ours - density) / density < 1e-3, `a=${a}: ${ours} vs ${density}`);
    }
  }
});

Deno.test("tanh-normal: device sample log-prob equals the host reference", async () => {
  const d = 3, rows = 5, rng = new Rng(4);
  const outputs = Float32Array.from({ length: rows * 2 * d }, () => rng.normal());
  const dist = new TanhNormal(cpu, d);
  using out = ops.tensor(cpu, outputs, [rows, 2 * d]);
  const sample = dist.sample(out, 9, 0);
  const [u, a, lp] = await Promise.all([sample.stored.read(), sample.env.read(), sample.logp.read()]);
  for (let b = 0; b < rows; b++) {
    const row = outputs.subarray(b * 2 * d, (b + 1) * 2 * d);
    const ref = tanhNormalLogProb([...row.subarray(0, d)], [...row.subarray(d)], [
      ...u.subarray(b * d, b * d + d),
    ]);
    assert.ok(Math.abs(lp[b] - ref) < 1e-4, `${lp[b]} vs ${ref}`);
    for (let j = 0; j < d; j++) assert.ok(Math.abs(a[b * d + j] - Math.tanh(u[b * d + j])) < 1e-6);
  }
  [sample.stored, sample.env, sample.logp].forEach((t) => t.dispose());
  dist.dispose();
});

const CLIP = 0.2, ENT = 0.05;

/** −min(ρA, clip(ρ)A) for a log-probability. */
function surrogateLoss(logp: number, logpOld: number, adv: number): number {
  const r = Math.exp(logp - logpOld);
  return -Math.min(r * adv, Math.min(1 + CLIP, Math.max(1 - CLIP, r)) * adv);
}

function categoricalLoss(o: number[], action: number, logpOld: number, adv: number): number {
  const max = Math.max(...o), lse = max + Math.log(o.reduce((s, x) => s + Math.exp(x - max), 0));
  const logp = o.map((x) => x - lse);
  const entropy = -logp.reduce((s, l) => s + Math.exp(l) * l, 0);
  return surrogateLoss(logp[action], logpOld, adv) - ENT * entropy;
}

function tanhNormalLoss(o: number[], u: number[], noise: number[], logpOld: number, adv: number): number {
  const d = u.length, loc = o.slice(0, d), raw = o.slice(d);
  let entropy = 0;
  for (let j = 0; j < d; j++) {
    const sigma = softplus(raw[j]) + 0.001, up = loc[j] + sigma * noise[j];
    entropy += 0.5 + LOG_SQRT_2PI + Math.log(sigma) + 2 * (Math.LN2 - up - softplus(-2 * up));
  }
  return surrogateLoss(tanhNormalLogProb(loc, raw, u), logpOld, adv) - ENT * entropy;
}

/** Compares S with −∂ℓ_b/∂o_b by central differences, skipping samples whose ratio sits at a clip edge. */
function checkSignal(
  signal: Float32Array,
  outputs: Float32Array,
  rows: number,
  cols: number,
  loss: (b: number, o: number[]) => number,
  ratio: (b: number) => number,
): number {
  let checked = 0;
  for (let b = 0; b < rows; b++) {
    const r = ratio(b);
    if (Math.abs(r - (1 + CLIP)) < 1e-2 || Math.abs(r - (1 - CLIP)) < 1e-2) continue;
    const o = Array.from(outputs.subarray(b * cols, (b + 1) * cols));
    for (let j = 0; j < cols; j++) {
      const h = 1e-5, plus = [...o], minus = [...o];
      plus[j] += h, minus[j] -= h;
      const fd = -(loss(b, plus) - loss(b, minus)) / (2 * h);
      const s = signal[b * cols + j];
      assert.ok(Math.abs(s - fd) < 2e-4 * (1 + Math.abs(fd)), `sample ${b} output ${j}: S ${s} vs fd ${fd}`);
    }
    checked++;
  }
  return checked;
}

Deno.test("categorical: PPO output error S = −∂ℓ/∂logits (finite differences, clipped and unclipped)", async () => {
  const rows = 24, A = 4, rng = new Rng(7);
  const logits = Float32Array.from({ length: rows * A }, () => 1.5 * rng.normal());
  const actions = Int32Array.from({ length: rows }, () => rng.int(A));
  const adv = Float32Array.from({ length: rows }, () => rng.normal());
  const logpOld = new Float32Array(rows), ratios: number[] = [];
  for (let b = 0; b < rows; b++) {
    const o = Array.from(logits.subarray(b * A, (b + 1) * A));
    const max = Math.max(...o), lse = max + Math.log(o.reduce((s, x) => s + Math.exp(x - max), 0));
    const shift = (rng.uniform() - 0.5) * 1.0; // ratios from e^−0.5 to e^0.5: both clip edges crossed
    logpOld[b] = o[actions[b]] - lse - shift;
    ratios.push(Math.exp(shift));
  }
  const dist = new Categorical(cpu, A);
  using out = ops.tensor(cpu, logits, [rows, A]);
  using act = ops.tensor(cpu, actions, [rows]);
  using lpo = ops.tensor(cpu, logpOld, [rows]);
  using advT = ops.tensor(cpu, adv, [rows]);
  const terms = ppoLoss(dist, out, { actions: act, logpOld: lpo, advantages: advT }, {
    clip: CLIP,
    entropyCost: ENT,
  });
  const signal = await terms.signal.readF32();
  const checked = checkSignal(
    signal,
    logits,
    rows,
    A,
    (b, o) => categoricalLoss(o, actions[b], logpOld[b], adv[b]),
    (
      b,
    ) => ratios[b],
  );
  assert.ok(checked >= rows - 4);
  assert.ok(
    ratios.some((r, b) => (r > 1 + CLIP && adv[b] > 0) || (r < 1 - CLIP && adv[b] < 0)),
    "a clipped sample",
  );
  const lossSum = (await terms.policyLossSum.read())[0], entropySum = (await terms.entropySum.read())[0];
  let refTotal = 0;
  for (let b = 0; b < rows; b++) {
    refTotal += categoricalLoss(
      Array.from(logits.subarray(b * A, (b + 1) * A)),
      actions[b],
      logpOld[b],
      adv[b],
    );
  }
  const total = lossSum - ENT * entropySum;
  assert.ok(Math.abs(total - refTotal) < 1e-3, `${total} vs ${refTotal}`);
  Object.values(terms).forEach((t) => t.dispose());
});

Deno.test("tanh-normal: PPO output error S = −∂ℓ/∂(loc, raw scale) (finite differences)", async () => {
  const rows = 20, d = 2, rng = new Rng(8);
  const outputs = Float32Array.from({ length: rows * 2 * d }, () => rng.normal());
  const dist = new TanhNormal(cpu, d);
  using out = ops.tensor(cpu, outputs, [rows, 2 * d]);
  const sample = dist.sample(out, 5, 0);
  const u = await sample.stored.readF32(), lp = await sample.logp.readF32();
  const adv = Float32Array.from({ length: rows }, () => rng.normal());
  const shifts = Float32Array.from({ length: rows }, () => (rng.uniform() - 0.5));
  const logpOld = lp.map((l, b) => l - shifts[b]);
  using lpo = ops.tensor(cpu, logpOld, [rows]);
  using advT = ops.tensor(cpu, adv, [rows]);
  using noise = dist.entropyNoise(rows, 11, 0);
  const eps = await noise.readF32();
  const terms = ppoLoss(dist, out, { actions: sample.stored, logpOld: lpo, advantages: advT }, {
    clip: CLIP,
    entropyCost: ENT,
    noise,
  });
  const signal = await terms.signal.readF32();
  const row = (a: Float32Array, b: number) => Array.from(a.subarray(b * d, (b + 1) * d));
  const checked = checkSignal(
    signal,
    outputs,
    rows,
    2 * d,
    (b, o) => tanhNormalLoss(o, row(u, b), row(eps, b), logpOld[b], adv[b]),
    (b) => Math.exp(shifts[b]),
  );
  assert.ok(checked >= rows - 4);
  let ref = 0;
  for (let b = 0; b < rows; b++) {
    ref += tanhNormalLoss(
      Array.from(outputs.subarray(b * 2 * d, (b + 1) * 2 * d)),
      row(u, b),
      row(eps, b),
      logpOld[b],
      adv[b],
    );
  }
  const total = (await terms.policyLossSum.read())[0] - ENT * (await terms.entropySum.read())[0];
  assert.ok(Math.abs(total - ref) < 1e-3, `${total} vs ${ref}`);
  Object.values(terms).forEach((t) => t.dispose());
  [sample.stored, sample.env, sample.logp].forEach((t) => t.dispose());
  dist.dispose();
});
