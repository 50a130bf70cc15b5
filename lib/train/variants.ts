/**
 * The paper's six classification variants (plus backprop as a reference row), as settings of the three
 * innovations: layer-specific sigmoid widths, batch-centered class error and asymmetric E/I init.
 */
import type { RuleName } from "../rules/step.ts";
import type { ClassificationConfig } from "./config.ts";

/**
 * Variant names, in the paper's order: proposed ED, DFA (not Dalean), seed ED (none of the three
 * innovations), proposed without batch-centring, with symmetric init, with one uniform width; then backprop.
 */
export const VARIANTS = [
  "proposed",
  "dfa",
  "seed",
  "no-centering",
  "symmetric-init",
  "uniform-width",
  "bp",
] as const;

/** One of {@link VARIANTS}. */
export type VariantName = typeof VARIANTS[number];

/**
 * How a classifier learns: the rule, the stream layout and the three innovations (sigmoid widths u0 of
 * φ(z) = 1 / (1 + exp(−2z / u0)), batch-centred error, asymmetric init). {@link variantSettings} gives the
 * paper's presets.
 */
export interface RuleSettings {
  /** The learning rule: "ed" (Error Diffusion), "dfa" or "bp". */
  rule: RuleName;
  /** Dual-stream E/I layers under Dale's principle (true), or ordinary single-stream ones. */
  dualStream: boolean;
  /** Sigmoid width u0 of the hidden FC layers (the paper: 6; larger u0 keeps φ' alive longer). */
  hiddenWidth: number;
  /** Sigmoid width u0 of the output layer (the paper: 6, as for the hidden FC layers). */
  outputWidth: number;
  /** Sigmoid width of conv layers (the paper: 3 for CIFAR-10's conv layers). */
  convWidth: number;
  /** When set, every layer uses this width instead (the seed / uniform-width ablations). */
  uniformWidth: number | null;
  /** Explicit per-layer widths (hidden layers then output); overrides hiddenWidth/outputWidth when set. */
  widths?: number[];
  /** Hidden activation for single-stream baselines (the dual-stream nets use the width-scaled sigmoid). */
  hiddenKind: "sigmoid" | "tanh" | "relu";
  /** Batch-centre the one-vs-all error: S[b, k] = E[b, k] − mean over the batch of E[·, k]. */
  centering: boolean;
  /**
   * What the centring mean runs over: "class" (the paper's: each class's batch mean, default) or "global"
   * (one mean over the batch and every class; class levels keep a restoring force).
   */
  centeringScope?: "class" | "global";
  /** Hidden dual-stream init with excitatory W_pp, W_nn × 1.5 and inhibitory W_np, W_pn × 0.5 (else × 1). */
  asymmetricInit: boolean;
  /** Dale floor for dual-stream weights; null turns the constraint off. */
  floor: number | null;
  /** "mse": the output drive is φ'(z) ⊙ S; "bce": S itself (cross-entropy cancels φ'; DFA and BP rows). */
  loss: "mse" | "bce";
}

/** Kaneko's default sigmoid width, used for the uniform-width ablation: it collapses learning as the paper says. */
export const KANEKO_WIDTH = 0.4;

const proposed: RuleSettings = {
  rule: "ed",
  dualStream: true,
  hiddenWidth: 6,
  outputWidth: 6,
  convWidth: 3,
  uniformWidth: null,
  hiddenKind: "sigmoid",
  centering: true,
  asymmetricInit: true,
  floor: 1e-4,
  loss: "mse",
};

/**
 * The settings of variant `name` (a fresh copy, free to change). "proposed" is ED on dual streams with
 * widths u0 = 6 (FC and output) and 3 (conv), batch-centring, 1.5 / 0.5 init, floor 1e-4 and MSE; the
 * ablations each turn one innovation off ("seed" all three, with Kaneko's u0 = 0.4); "dfa" and "bp" are
 * single-stream tanh nets with BCE and no floor.
 *
 * @example
 * ```ts
 * import { variantSettings } from "@diffusing-blame/ed";
 * const ablation = variantSettings("no-centering");
 * console.log(ablation.rule, ablation.centering, ablation.hiddenWidth); // "ed" false 6
 * const wide = { ...variantSettings("proposed"), hiddenWidth: 8 }; // a custom setting for a Classifier
 * ```
 */
export function variantSettings(name: VariantName): RuleSettings {
  switch (name) {
    case "proposed":
      return { ...proposed };
    case "dfa":
      return {
        ...proposed,
        rule: "dfa",
        dualStream: false,
        hiddenKind: "tanh",
        centering: false,
        floor: null,
        loss: "bce",
      };
    case "bp":
      return {
        ...proposed,
        rule: "bp",
        dualStream: false,
        hiddenKind: "tanh",
        centering: false,
        floor: null,
        loss: "bce",
      };
    case "seed":
      return { ...proposed, uniformWidth: KANEKO_WIDTH, centering: false, asymmetricInit: false };
    case "no-centering":
      return { ...proposed, centering: false };
    case "symmetric-init":
      return { ...proposed, asymmetricInit: false };
    case "uniform-width":
      return { ...proposed, uniformWidth: KANEKO_WIDTH };
  }
}

/** Whether `name` is one of {@link VARIANTS} (narrows a command-line string to {@link VariantName}). */
export function isVariant(name: string): name is VariantName {
  return (VARIANTS as readonly string[]).includes(name);
}

/** The learning-rule settings a config asks for: its variant preset with the `rule` overrides applied. */
export function settingsFor(config: ClassificationConfig): RuleSettings {
  const s = variantSettings(config.variant);
  const r = config.rule;
  return {
    ...s,
    uniformWidth: r.uniformWidth ?? s.uniformWidth,
    widths: r.widths ?? s.widths,
    centering: r.centering ?? s.centering,
    centeringScope: r.centeringScope ?? s.centeringScope,
    asymmetricInit: r.asymmetricInit ?? s.asymmetricInit,
    floor: r.floor ?? s.floor,
    convWidth: r.convWidth ?? s.convWidth,
    loss: r.loss ?? s.loss,
  };
}
