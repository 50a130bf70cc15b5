/**
 * The paper's six classification variants (plus backprop as a reference row), as settings of the three
 * innovations: layer-specific sigmoid widths, batch-centered class error and asymmetric E/I init.
 */
import type { RuleName } from "../rules/step.ts";
import type { ClassificationConfig } from "./config.ts";

export const VARIANTS = [
  "proposed",
  "dfa",
  "seed",
  "no-centering",
  "symmetric-init",
  "uniform-width",
  "bp",
] as const;

export type VariantName = typeof VARIANTS[number];

export interface RuleSettings {
  rule: RuleName;
  dualStream: boolean;
  /** Sigmoid width u0 of the hidden FC layers and of the output layer (layer-specific widths). */
  hiddenWidth: number;
  outputWidth: number;
  /** Sigmoid width of conv layers (the paper: 3 for CIFAR-10's conv layers). */
  convWidth: number;
  /** When set, every layer uses this width instead (the seed / uniform-width ablations). */
  uniformWidth: number | null;
  /** Explicit per-layer widths (hidden layers then output); overrides hiddenWidth/outputWidth when set. */
  widths?: number[];
  /** Hidden activation for single-stream baselines (the dual-stream nets use the width-scaled sigmoid). */
  hiddenKind: "sigmoid" | "tanh" | "relu";
  centering: boolean;
  asymmetricInit: boolean;
  /** Dale floor for dual-stream weights; null turns the constraint off. */
  floor: number | null;
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
    asymmetricInit: r.asymmetricInit ?? s.asymmetricInit,
    floor: r.floor ?? s.floor,
  };
}
