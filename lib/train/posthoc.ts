/**
 * The paper's post-hoc measures of a dual-stream network, computed on the device and read back together:
 * the weight-level E/I ratio per layer, (mean W_pp + mean W_nn) / (mean W_np + mean W_pn), and the fraction
 * of each pathway's weights sitting at the Dale floor. (The third measure, the mean |drive| per layer, is
 * accumulated during training by the classifier.)
 */
import * as ops from "../ops.ts";
import { readAll, type Tensor } from "../tensor.ts";
import type { Layer } from "../nn/layer.ts";

/**
 * The four weight pathways of a dual-stream layer, named by source then target stream: pp (p → p) and nn
 * excitatory, np (n → p) and pn inhibitory (subtracted; lib/nn/dual_stream.ts).
 */
export const PATHWAYS = ["pp", "np", "nn", "pn"] as const;

/** The post-hoc measures of one dual-stream layer. */
export interface LayerPostHoc {
  /**
   * Weight-level E/I ratio (mean W_pp + mean W_nn) / (mean W_np + mean W_pn): 1 = balanced; ≈ 3 for a hidden
   * layer at the asymmetric 1.5 / 0.5 init.
   */
  eiRatio: number;
  /** Fraction of weights at the floor per pathway (w_pp, w_np, w_nn, w_pn). */
  atFloor: Record<(typeof PATHWAYS)[number], number>;
}

/** Measures every dual-stream layer; single-stream layers are skipped (returns [] for them). */
export async function postHoc(layers: Layer[], floor: number): Promise<(LayerPostHoc | null)[]> {
  // A weight counts as "at the floor" within a relative 1e-3 of it (the clamp writes the floor exactly).
  const threshold = floor > 0 ? floor * 1.001 : 1e-12;
  const pending: Tensor[] = [];
  for (const layer of layers) {
    if (!layer.dualStream) continue;
    for (const w of layer.params.slice(0, 4).map((p) => p.value)) {
      pending.push(ops.mean(w, null));
      using limit = ops.full(w.backend, [1], threshold);
      using flags = ops.binary("le", w, limit);
      pending.push(ops.mean(flags, null));
    }
  }
  const values = (await readAll(pending)).map((v) => v[0]);
  pending.forEach((t) => t.dispose());
  let k = 0;
  return layers.map((layer) => {
    if (!layer.dualStream) return null;
    const means: number[] = [], floors: number[] = [];
    for (let i = 0; i < 4; i++) means.push(values[k++]), floors.push(values[k++]);
    return {
      eiRatio: (means[0] + means[2]) / (means[1] + means[3]),
      atFloor: { pp: floors[0], np: floors[1], nn: floors[2], pn: floors[3] },
    };
  });
}
