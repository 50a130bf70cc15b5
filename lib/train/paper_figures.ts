/**
 * The paper's post-hoc figures (Figure 6 and the sparsity paragraph, reference/ed.md §1.4) from a run's
 * per-layer measures, each as the paper defines it where the text says, and as we read it where it does
 * not; where two readings are plausible both are given.
 *
 *   drive attenuation   paper: "local surrogate gradient magnitudes" fall 25× from the output layer to the
 *                       first hidden layer. Ours: the drive U_l (ED's surrogate gradient at the
 *                       pre-activations), mean |U_p| per unit (per unit and position for conv layers) over
 *                       an epoch; attenuation_l = |U|_output / |U|_l. "First hidden layer" is read two ways:
 *                       the network's first layer (conv 1 on CIFAR-10) and the first FC hidden layer.
 *                       Other reading: the per-weight update, mean |ΔW| over a layer's weight tensors for
 *                       one probe minibatch of the final network (a conv weight's update sums P positions
 *                       of drive × activity, so conv and FC layers compare differently than their drives).
 *   E/I ratio           paper: weight-level, 3:1 at init → 1.03 / 0.90 / 0.81 in layers 1-3. Ours, per
 *                       dual-stream layer: (mean W_pp + mean W_nn) / (mean W_np + mean W_pn) (definition
 *                       not printed; the one third-party reimplementations use).
 *   weights at floor    a weight within a relative 1e-3 of the Dale floor (the clamp writes it exactly).
 *                       overall (37.3 %): every dual-stream weight of every layer, output layer included,
 *                       count-weighted. Inhibitory FC "up to 68.8 %": the largest share over FC layers
 *                       (output included) of the cross-stream weights W_np, W_pn taken together; other
 *                       reading: of one pathway alone. Excitatory FC "26–49 %": the range over FC layers of
 *                       W_pp, W_nn together. Conv "1 %–18 %": the range over conv layers of all four
 *                       pathways together; other reading: over (conv layer, pathway) pairs.
 *
 *     const figures = paperFigures(config, lastEpoch);    // from a run's last EpochRecord
 *     console.log(paperTable(figures));                   // Markdown: paper vs ours
 *
 * @module
 */
import type { ClassificationConfig } from "./config.ts";
import { networkSize } from "./flops.ts";

/** The four weight pathways of a dual-stream layer: p→p, n→p, n→n, p→n. */
export const PATHWAY_NAMES = ["pp", "np", "nn", "pn"] as const;
/** One of {@link PATHWAY_NAMES}. */
export type Pathway = typeof PATHWAY_NAMES[number];

/** The per-layer measures of one epoch (a run's EpochRecord has them). */
export interface LayerMeasures {
  /** Mean |U_p| per layer, first layer first. */
  meanDrive: number[];
  /** Per dual-stream layer. */
  eiRatio: number[];
  /** Per dual-stream layer: share of each pathway's weights at the floor. */
  atFloor: Record<string, number>[];
  /** Per layer: mean |ΔW| per weight for a probe minibatch (`Classifier.updateMagnitudes`), when measured. */
  updates?: number[];
}

/** One layer's figures. */
export interface LayerFigures {
  /** 1-based layer index, as in metrics.csv's `_l<k>` columns. */
  layer: number;
  kind: "conv" | "fc";
  output: boolean;
  /** e.g. "conv 3→16 3x3 @32x32", "fc 768→256". */
  label: string;
  /** Weights per pathway. */
  weights: number;
  drive: number;
  /** |U|_output / |U|_layer (1 at the output layer). */
  attenuation: number;
  /** Mean |ΔW| per weight and its attenuation |ΔW|_output / |ΔW|_layer (NaN when not measured). */
  update: number;
  updateAttenuation: number;
  /** Dual-stream layers only (NaN otherwise). */
  eiRatio: number;
  floor: Record<Pathway, number> | null;
  /** Share at the floor of W_pp and W_nn together, and of W_np and W_pn together. */
  excitatoryFloor: number;
  inhibitoryFloor: number;
}

/** The paper's figures, our readings side by side. */
export interface PaperFigures {
  layers: LayerFigures[];
  /** Output drive / first layer's drive, and / first FC hidden layer's drive (NaN without one). */
  attenuationFirstLayer: number;
  attenuationFirstFc: number;
  /** The same with the per-weight update magnitude (NaN when not measured). */
  updateAttenuationFirstLayer: number;
  updateAttenuationFirstFc: number;
  /** Count-weighted share of all dual-stream weights at the floor. */
  floorShare: number;
  /** Largest inhibitory share over FC layers: W_np and W_pn together, and one pathway alone. */
  inhibitoryFcMax: number;
  inhibitoryFcMaxPathway: number;
  /** [min, max] over FC layers of the excitatory share. */
  excitatoryFcRange: [number, number];
  /** [min, max] over conv layers of all four pathways together, and over (layer, pathway) pairs. */
  convRange: [number, number];
  convRangePathway: [number, number];
}

const range = (xs: number[]): [number, number] => xs.length ? [Math.min(...xs), Math.max(...xs)] : [NaN, NaN];

/**
 * The paper's figures from a config and its run's last per-layer measures (see the module doc); `shape`:
 * the images, when not the config's data set's.
 */
export function paperFigures(
  config: Pick<ClassificationConfig, "dataset" | "model">,
  m: LayerMeasures,
  shape?: { image: readonly [number, number, number]; classes: number },
): PaperFigures {
  const size = networkSize(config, shape);
  const count = size.layers.length;
  if (m.meanDrive.length !== count) {
    throw new Error(`paperFigures: ${m.meanDrive.length} drives for a network of ${count} layers`);
  }
  const dual = m.eiRatio.length === count;
  const outputDrive = m.meanDrive[count - 1];
  const updates = m.updates?.length === count ? m.updates : null;
  const layers: LayerFigures[] = size.layers.map((s, l) => {
    const floor = dual ? m.atFloor[l] as Record<Pathway, number> : null;
    return {
      layer: l + 1,
      kind: s.kind,
      output: l === count - 1,
      label: s.label,
      weights: s.weights,
      drive: m.meanDrive[l],
      attenuation: outputDrive / m.meanDrive[l],
      update: updates ? updates[l] : NaN,
      updateAttenuation: updates ? updates[count - 1] / updates[l] : NaN,
      eiRatio: dual ? m.eiRatio[l] : NaN,
      floor,
      excitatoryFloor: floor ? (floor.pp + floor.nn) / 2 : NaN,
      inhibitoryFloor: floor ? (floor.np + floor.pn) / 2 : NaN,
    };
  });
  const fc = layers.filter((l) => l.kind === "fc" && l.floor);
  const conv = layers.filter((l) => l.kind === "conv" && l.floor);
  const firstFc = layers.find((l) => l.kind === "fc" && !l.output);
  const totalWeights = layers.reduce((a, l) => a + 4 * l.weights, 0);
  const atFloor = layers.reduce(
    (a, l) => a + (l.floor ? PATHWAY_NAMES.reduce((b, p) => b + l.floor![p] * l.weights, 0) : 0),
    0,
  );
  return {
    layers,
    attenuationFirstLayer: layers[0].attenuation,
    attenuationFirstFc: firstFc?.attenuation ?? NaN,
    updateAttenuationFirstLayer: layers[0].updateAttenuation,
    updateAttenuationFirstFc: firstFc?.updateAttenuation ?? NaN,
    floorShare: dual ? atFloor / totalWeights : NaN,
    inhibitoryFcMax: fc.length ? Math.max(...fc.map((l) => l.inhibitoryFloor)) : NaN,
    inhibitoryFcMaxPathway: fc.length ? Math.max(...fc.flatMap((l) => [l.floor!.np, l.floor!.pn])) : NaN,
    excitatoryFcRange: range(fc.map((l) => l.excitatoryFloor)),
    convRange: range(conv.map((l) => (l.excitatoryFloor + l.inhibitoryFloor) / 2)),
    convRangePathway: range(conv.flatMap((l) => PATHWAY_NAMES.map((p) => l.floor![p]))),
  };
}

const pct = (x: number) => Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a";
const times = (x: number) =>
  !Number.isFinite(x) ? "n/a" : `${Math.abs(x) >= 0.1 ? x.toFixed(1) : x.toPrecision(2)}×`;
const sci = (x: number) => Number.isFinite(x) ? x.toExponential(2) : "n/a";
const num = (x: number) => Number.isFinite(x) ? x.toFixed(2) : "n/a";
const pctRange = (r: [number, number]) => Number.isFinite(r[0]) ? `${pct(r[0])}–${pct(r[1])}` : "n/a";

/** Markdown: the paper's CIFAR-10 figures beside ours, then every layer's figures. */
export function paperTable(f: PaperFigures): string {
  const hidden = f.layers.filter((l) => !l.output);
  const rows = [
    "| figure | paper (CIFAR-10) | ours | our reading; other reading |",
    "|---|---|---|---|",
    `| drive attenuation, output → first hidden layer | 25× | ${times(f.attenuationFirstLayer)} | ` +
    `mean \\|U\\| per unit; first layer (layer 1); first FC hidden layer: ${times(f.attenuationFirstFc)}. ` +
    `Mean \\|ΔW\\| per weight: ${times(f.updateAttenuationFirstLayer)}, first FC hidden layer: ` +
    `${times(f.updateAttenuationFirstFc)} |`,
    `| E/I ratio of hidden layers 1, 2, 3 | 1.03 / 0.90 / 0.81 | ` +
    `${hidden.map((l) => num(l.eiRatio)).join(" / ")} | every hidden layer in order (conv, then FC) |`,
    `| weights at the floor | 37.3% | ${
      pct(f.floorShare)
    } | all dual-stream weights, output layer included |`,
    `| inhibitory FC weights at the floor, largest | 68.8% | ${pct(f.inhibitoryFcMax)} | ` +
    `W_np and W_pn of one FC layer together; one pathway alone: ${pct(f.inhibitoryFcMaxPathway)} |`,
    `| excitatory FC weights at the floor, range | 26–49% | ${pctRange(f.excitatoryFcRange)} | ` +
    `W_pp and W_nn of one FC layer together |`,
    `| conv weights at the floor, range | 1–18% | ${pctRange(f.convRange)} | ` +
    `all four pathways of one conv layer; per (layer, pathway): ${pctRange(f.convRangePathway)} |`,
  ];
  const perLayer = [
    "| layer | kind | shape | mean \\|U\\| | attenuation | mean \\|ΔW\\| | attenuation | E/I | " +
    "floor W_pp | W_np | W_nn | W_pn |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...f.layers.map((l) =>
      `| ${l.layer}${l.output ? " (output)" : ""} | ${l.kind} | ${l.label} | ${l.drive.toExponential(2)} | ` +
      `${times(l.attenuation)} | ${sci(l.update)} | ${times(l.updateAttenuation)} | ${num(l.eiRatio)} | ` +
      (l.floor ? PATHWAY_NAMES.map((p) => pct(l.floor![p])).join(" | ") : "n/a | n/a | n/a | n/a") + " |"
    ),
  ];
  return [...rows, "", ...perLayer].join("\n") + "\n";
}
