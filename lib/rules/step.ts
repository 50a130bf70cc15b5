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

/** The rules {@link makeRule} knows. */
export const RULE_NAMES: readonly ["ed", "dfa", "bp"] = ["ed", "dfa", "bp"] as const;
/** `ed` (Error Diffusion), `dfa` (Direct Feedback Alignment) or `bp` (backprop). */
export type RuleName = typeof RULE_NAMES[number];

/**
 * The rule called `name` for `net`. DFA draws its fixed feedback matrices [outputs, units] from `seed`;
 * ED and BP need nothing but the caches.
 *
 * @example
 * ```ts
 * import { createBackend, makeRule, Network } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 4, hidden: [8], classes: 2, dualStream: false, seed: 0, excitatoryScale: 1, inhibitoryScale: 1,
 *   hiddenActivation: [{ kind: "tanh" }], outputActivation: { kind: "sigmoid", width: 2 },
 * });
 * const dfa = makeRule("dfa", backend, net, 7);
 * dfa.dispose?.(); // DFA owns its feedback matrices
 * ```
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

/** Everything {@link applyRule} needs for one update. */
export interface LearningStep {
  /** The network that ran the forward pass. */
  net: Network;
  /** Turns the error into drives. */
  rule: LearningRule;
  /** Applies the gradients (and the Dale clamp). */
  optimizer: Optimizer;
  /** Caches of the forward pass that produced the output; released by the step. */
  caches: LayerCache[];
  /** The output error S and its loss. */
  error: OutputError;
  /** Learning-rate scale of each layer (schedule × per-layer multiplier), or one scale for all. */
  lrScale: number | readonly number[];
  /** Sees the drives before they are released (metrics such as mean |U_l|). */
  inspect?: (drives: Streams[]) => void;
}

/**
 * Drives from the rule, gradients from the drives, one optimizer update for every layer; releases the
 * caches, drives and gradients.
 *
 * @example A custom training loop: ED on a two-pattern task
 * ```ts
 * import { applyRule, createBackend, makeRule, Network, ops, Sgd } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const net = new Network(backend, {
 *   inputs: 4, hidden: [8], classes: 2, dualStream: true, seed: 0, excitatoryScale: 1, inhibitoryScale: 1,
 *   hiddenActivation: [{ kind: "sigmoid", width: 2 }], outputActivation: { kind: "sigmoid", width: 2 },
 * });
 * const rule = makeRule("ed", backend, net, 0);
 * const optimizer = new Sgd({ lr: 1, floor: 1e-4 }); // Dalean weights stay ≥ 1e-4
 * const x = ops.tensor(backend, [1, 0, 1, 0, 0, 1, 0, 1], [2, 4]);
 * const target = ops.tensor(backend, [1, 0, 0, 1], [2, 2]);
 * for (let step = 0; step < 50; step++) {
 *   const caches = net.forward(x);
 *   using signal = ops.sub(target, caches.at(-1)!.out.p); // S = target − output
 *   applyRule({ net, rule, optimizer, caches, error: { signal, loss: "mse" }, lrScale: 1 });
 * }
 * console.log(await net.predict(x).read()); // ≈ [0.9, 0.1, 0.1, 0.9]
 * ```
 */
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
