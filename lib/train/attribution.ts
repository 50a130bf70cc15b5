/**
 * E/I attribution of classification errors, the interpretability handle the paper names as future work:
 * when a dual-stream network gets an example wrong, was the wrong class falsely amplified by the
 * excitatory stream or the true class over-suppressed by the inhibitory one?
 *
 * At the output layer the p-stream pre-activation of class c splits exactly into
 *   z_c = E_c − I_c + b_c,   E = A_p · W_pp (excitation),   I = A_n · W_np (inhibition),
 * with A_p, A_n the layer's two input streams. For an error (predicted w, true t) the winning margin
 *   z_w − z_t = (E_w − E_t) + (I_t − I_w) + (b_w − b_t)
 * is the amplification excess, plus the suppression excess on the true class, plus the bias gap. An error
 * counts as "amplified" when the amplification excess is the larger of the two stream terms, else as
 * "suppressed".
 *
 * ```ts
 * import { attributeErrors, Classifier, CpuBackend, ops, Rng, variantSettings } from "@diffusing-blame/ed";
 * const backend = new CpuBackend();
 * const classifier = new Classifier(backend, {
 *   inputs: 16, hidden: [32], classes: 4,
 *   settings: variantSettings("proposed"), optimizer: { kind: "sgd", lr: 3 }, seed: 0,
 * });
 * const rng = new Rng(2); // made-up test data: an untrained network gets most of it wrong
 * const testImages = Float32Array.from({ length: 200 * 16 }, () => rng.uniform());
 * const testLabels = Int32Array.from({ length: 200 }, () => rng.int(4));
 * using x = ops.tensor(backend, testImages, [200, 16]);
 * const report = await attributeErrors(classifier.net, x, testLabels);
 * console.log(report.amplified, report.suppressed, report.meanAmplification, report.meanSuppression);
 * classifier.dispose();
 * ```
 *
 * @module
 */
import * as ops from "../ops.ts";
import { readAll, type Tensor } from "../tensor.ts";
import { disposeCache } from "../nn/layer.ts";
import type { Network } from "../nn/network.ts";

/** Where the errors of a dual-stream classifier come from, at its output layer. */
export interface ErrorAttribution {
  /** Examples looked at. */
  examples: number;
  /** Misclassified examples among them (argmax of the output's p-stream pre-activation ≠ label). */
  errors: number;
  /** Errors whose amplification excess E_w − E_t exceeds their suppression excess I_t − I_w. */
  amplified: number;
  /** The other errors: suppression excess I_t − I_w ≥ amplification excess (errors − amplified). */
  suppressed: number;
  /**
   * Mean over errors of the amplification excess E_w − E_t (0 without errors); with `meanSuppression` and
   * `meanBiasGap` it sums to the mean winning margin z_w − z_t.
   */
  meanAmplification: number;
  /** Mean over errors of the suppression excess I_t − I_w (0 without errors). */
  meanSuppression: number;
  /** Mean over errors of the bias gap b_w − b_t (0 without errors). */
  meanBiasGap: number;
  /** Per true class: errors, and how many of them were amplified. */
  perClass: { errors: number; amplified: number }[];
}

/**
 * Attributes the errors of `net` (whose last layer is dual-stream) on inputs `x` ([batch, features] or
 * images) with integer `labels`. One forward pass; reads back the output layer's two stream terms once.
 */
export async function attributeErrors(
  net: Network,
  x: Tensor,
  labels: Int32Array | readonly number[],
): Promise<ErrorAttribution> {
  const last = net.layers[net.layers.length - 1];
  if (!last?.dualStream) throw new Error("attributeErrors: the network's output layer must be dual-stream");
  if (labels.length !== x.shape[0]) {
    throw new Error(`attributeErrors: ${labels.length} labels for ${x.shape[0]} examples`);
  }
  const byName = new Map(last.params.map((p) => [p.name, p.value]));
  const wpp = byName.get("w_pp"), wnp = byName.get("w_np"), bp = byName.get("b_p");
  if (!wpp || !wnp || !bp) throw new Error("attributeErrors: the output layer has no w_pp / w_np / b_p");
  const caches = net.forward(x);
  try {
    const { input } = caches[caches.length - 1];
    using excitation = ops.matmul(input.p, wpp);
    using inhibition = ops.matmul(input.n ?? input.p, wnp);
    const [e, i, b] = await readAll([excitation, inhibition, bp]);
    return summarise(e, i, b, labels, bp.size);
  } finally {
    caches.forEach(disposeCache);
  }
}

/**
 * `attributeErrors` over a whole host dataset (row-major `images`, `inputs` floats each), in chunks of
 * `chunk` examples so that memory stays bounded; the counts and means are merged exactly.
 */
export async function attributeDataset(
  net: Network,
  images: Float32Array,
  labels: Int32Array,
  inputs: number,
  chunk = 1000,
): Promise<ErrorAttribution> {
  const backend = net.backend;
  const parts: ErrorAttribution[] = [];
  for (let start = 0; start < labels.length; start += chunk) {
    const end = Math.min(labels.length, start + chunk);
    using x = ops.tensor(backend, images.slice(start * inputs, end * inputs), [end - start, inputs]);
    parts.push(await attributeErrors(net, x, labels.subarray(start, end)));
  }
  return merge(parts);
}

/** Combines attributions of disjoint example sets. */
export function merge(parts: ErrorAttribution[]): ErrorAttribution {
  const classes = parts[0]?.perClass.length ?? 0;
  const out: ErrorAttribution = {
    examples: 0,
    errors: 0,
    amplified: 0,
    suppressed: 0,
    meanAmplification: 0,
    meanSuppression: 0,
    meanBiasGap: 0,
    perClass: Array.from({ length: classes }, () => ({ errors: 0, amplified: 0 })),
  };
  for (const p of parts) {
    out.examples += p.examples, out.amplified += p.amplified, out.suppressed += p.suppressed;
    out.meanAmplification += p.meanAmplification * p.errors;
    out.meanSuppression += p.meanSuppression * p.errors;
    out.meanBiasGap += p.meanBiasGap * p.errors;
    out.errors += p.errors;
    p.perClass.forEach((
      c,
      k,
    ) => (out.perClass[k].errors += c.errors, out.perClass[k].amplified += c.amplified));
  }
  if (out.errors > 0) {
    out.meanAmplification /= out.errors, out.meanSuppression /= out.errors, out.meanBiasGap /= out.errors;
  }
  return out;
}

/** The attribution from row-major excitation and inhibition [examples, classes] and the bias. */
export function summarise(
  e: ArrayLike<number>,
  i: ArrayLike<number>,
  b: ArrayLike<number>,
  labels: Int32Array | readonly number[],
  classes: number,
): ErrorAttribution {
  const perClass = Array.from({ length: classes }, () => ({ errors: 0, amplified: 0 }));
  let errors = 0, amplified = 0, sumAmp = 0, sumSup = 0, sumBias = 0;
  for (let n = 0; n < labels.length; n++) {
    const row = n * classes, t = labels[n];
    // The prediction is the argmax of z = E - I + b (first index on ties, as countCorrect does).
    let w = 0, best = -Infinity;
    for (let c = 0; c < classes; c++) {
      const z = e[row + c] - i[row + c] + b[c];
      if (z > best) best = z, w = c;
    }
    if (w === t) continue;
    const amplification = e[row + w] - e[row + t], suppression = i[row + t] - i[row + w];
    errors++, perClass[t].errors++;
    sumAmp += amplification, sumSup += suppression, sumBias += b[w] - b[t];
    if (amplification > suppression) amplified++, perClass[t].amplified++;
  }
  const mean = (s: number) => (errors > 0 ? s / errors : 0);
  return {
    examples: labels.length,
    errors,
    amplified,
    suppressed: errors - amplified,
    meanAmplification: mean(sumAmp),
    meanSuppression: mean(sumSup),
    meanBiasGap: mean(sumBias),
    perClass,
  };
}
