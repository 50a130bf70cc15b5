/**
 * The one learning step every learner shares (classification, PPO's policy and value nets, ES's update
 * goes through the same optimizer):
 *
 *   forward caches → output error S → drives U_l = rule(S, caches) → ΔW_l from U_l → optimizer + Dale clamp
 *
 * The caller runs the forward pass (it needs the output to form S); `applyRule` does the rest in one place,
 * so the rules stay three lines each and the optimizer sees every layer in one update.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { LayerCache, Streams } from "../nn/layer.ts";
import { disposeCache, disposeStreams } from "../nn/layer.ts";
import type { Network } from "../nn/network.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { Backprop } from "./bp.ts";
import { DirectFeedbackAlignment } from "./dfa.ts";
import { ErrorDiffusion } from "./ed.ts";
import type { LearningRule, OutputError } from "./rule.ts";

export const RULE_NAMES = ["ed", "dfa", "bp"] as const;
export type RuleName = typeof RULE_NAMES[number];

/**
 * The rule called `name` for `net`. DFA draws its fixed feedback matrices [outputs, units] from `seed`;
 * ED and BP need nothing but the caches.
 */
export function makeRule(name: RuleName, backend: Backend, net: Network, seed: number): LearningRule {
  switch (name) {
    case "ed":
      return new ErrorDiffusion();
    case "dfa":
      return new DirectFeedbackAlignment(backend, net.layers, net.spec.classes, seed);
    case "bp":
      return new Backprop();
  }
}

export interface LearningStep {
  net: Network;
  rule: LearningRule;
  optimizer: Optimizer;
  /** Caches of the forward pass that produced the output; released by the step. */
  caches: LayerCache[];
  error: OutputError;
  /** Learning-rate scale of each layer (schedule × per-layer multiplier), or one scale for all. */
  lrScale: number | readonly number[];
  /** Sees the drives before they are released (metrics such as mean |U_l|). */
  inspect?: (drives: Streams[]) => void;
}

/** Drives from the rule, gradients from the drives, one optimizer update for every layer. */
export function applyRule(step: LearningStep): void {
  const { net, rule, optimizer, caches, error, lrScale } = step;
  const drives = rule.drives(net.layers, caches, error);
  step.inspect?.(drives);
  const groups = net.layers.map((layer, l) => ({
    params: layer.params,
    grads: layer.gradients(caches[l], drives[l]),
    lrScale: typeof lrScale === "number" ? lrScale : lrScale[l],
  }));
  optimizer.step(groups);
  groups.forEach((g) => g.grads.forEach((x) => x.tensor.dispose()));
  drives.forEach(disposeStreams);
  caches.forEach(disposeCache);
}
