/**
 * Size of a classification network: weights and multiply-adds of one image's forward pass, counted layer by
 * layer from a config. A conv layer of C_in → C_out channels with a k×k kernel on an H_out×W_out output map
 * costs H_out·W_out·C_out·C_in·k² multiply-adds; a dense layer n_in·n_out.
 *
 *   single-stream: one product per layer
 *   dual-stream:   four (p∘W_pp, n∘W_np, n∘W_nn, p∘W_pn); the first layer, whose two input streams are the
 *                  same image, computes x∘(W_pp − W_np) and x∘(W_nn − W_pn): two
 *
 * A training step adds the weight-gradient correlations (as many multiply-adds as the forward products for
 * ED and DFA; backprop also carries the signal down), so the ratio of two nets' forward counts is also the
 * ratio of their training costs.
 *
 *     const size = networkSize(config);     // { weights, macs, dualMacs, layers: [...] }
 *
 * @module
 */
import type { ClassificationConfig } from "./config.ts";
import { DATASET_SHAPES } from "./data.ts";

/** One layer's size. */
export interface LayerSize {
  kind: "conv" | "fc";
  /** Single-stream weights (a dual-stream layer has four times as many). */
  weights: number;
  /** Single-stream multiply-adds per image. */
  macs: number;
  /** e.g. "conv 3→64 3x3 @32x32" or "fc 4096→1024". */
  label: string;
}

/** A network's size (see the module doc). */
export interface NetworkSize {
  layers: LayerSize[];
  /** Single-stream weights (biases excluded). */
  weights: number;
  /** Single-stream forward multiply-adds per image. */
  macs: number;
  /** Dual-stream forward multiply-adds per image (2× the first layer, 4× the others). */
  dualMacs: number;
}

/**
 * The size of the network a classification config describes, on its data set's images (or on images of
 * `shape` when given).
 */
export function networkSize(
  config: Pick<ClassificationConfig, "dataset" | "model">,
  shape: { image: readonly [number, number, number]; classes: number } = DATASET_SHAPES[config.dataset.name],
): NetworkSize {
  const { image, classes } = shape;
  let [channels, h, w] = image;
  const layers: LayerSize[] = [];
  for (const c of config.model.conv ?? []) {
    const oh = Math.floor((h + 2 * c.padding - c.kernel) / c.stride) + 1;
    const ow = Math.floor((w + 2 * c.padding - c.kernel) / c.stride) + 1;
    const weights = c.channels * channels * c.kernel * c.kernel;
    layers.push({
      kind: "conv",
      weights,
      macs: weights * oh * ow,
      label: `conv ${channels}→${c.channels} ${c.kernel}x${c.kernel} @${oh}x${ow}`,
    });
    [channels, h, w] = [c.channels, Math.floor(oh / c.pool), Math.floor(ow / c.pool)];
  }
  const sizes = [channels * h * w, ...config.model.hidden, classes];
  for (let l = 1; l < sizes.length; l++) {
    const weights = sizes[l - 1] * sizes[l];
    layers.push({ kind: "fc", weights, macs: weights, label: `fc ${sizes[l - 1]}→${sizes[l]}` });
  }
  const sum = (f: (l: LayerSize, i: number) => number) => layers.reduce((a, l, i) => a + f(l, i), 0);
  return {
    layers,
    weights: sum((l) => l.weights),
    macs: sum((l) => l.macs),
    dualMacs: sum((l, i) => (i === 0 ? 2 : 4) * l.macs),
  };
}
