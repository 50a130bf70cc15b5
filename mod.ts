/**
 * Diffusing Blame: dual-stream excitatory/inhibitory networks that keep Dale's principle, trained with
 * Error Diffusion (modulo error routing), with DFA and backprop baselines, on a CPU backend and on native
 * WebGPU.
 *
 * ```ts
 * import { Classifier, createBackend, ops, variantSettings } from "./mod.ts";
 * const backend = await createBackend("auto");
 * const clf = new Classifier(backend, {
 *   inputs: 784, hidden: [256, 256], classes: 10,
 *   settings: variantSettings("proposed"), optimizer: { kind: "sgd", lr: 3 }, seed: 0,
 * });
 * ```
 *
 * @module
 */

// Compute core
export type * from "./lib/backend/backend.ts";
export {
  BACKEND_CHOICES,
  type BackendChoice,
  createBackend,
  createWebGpuBackend,
  type WebGpuBackendOptions,
} from "./lib/backend/mod.ts";
export { CpuBackend } from "./lib/backend/cpu/backend.ts";
export { readAll, Scope, Tensor } from "./lib/tensor.ts";
export * as ops from "./lib/ops.ts";
export { fillNormal, fillUniform, philox4x32, PHILOX_WGSL, Rng } from "./lib/random.ts";

// Networks, learning rules, optimizers
export {
  disposeCache,
  disposeStreams,
  type Grad,
  type Layer,
  type LayerCache,
  type Param,
  type Streams,
} from "./lib/nn/layer.ts";
export type { NormJacobian } from "./lib/nn/rms_norm.ts";
export { DualConv2d, DualDense, DualStreamLayer, type DualStreamOptions } from "./lib/nn/dual_stream.ts";
export { Conv2d, Dense, SingleStreamLayer, type SingleStreamOptions } from "./lib/nn/single_stream.ts";
export { AvgPool, type ConvGeometry, ConvMap, DenseMap, type LinearMap } from "./lib/nn/linear_map.ts";
export { type ConvSpec, Network, type NetworkSpec } from "./lib/nn/network.ts";
export type { LearningRule, OutputError } from "./lib/rules/rule.ts";
export { applyRule, type LearningStep, makeRule, RULE_NAMES, type RuleName } from "./lib/rules/step.ts";
export { ErrorDiffusion } from "./lib/rules/ed.ts";
export { DirectFeedbackAlignment } from "./lib/rules/dfa.ts";
export { Backprop } from "./lib/rules/bp.ts";
export {
  Adam,
  type AdamConfig,
  type Optimizer,
  type ParamGroup,
  Sgd,
  type SgdConfig,
} from "./lib/optim/optimizer.ts";

// Classification
export { Classifier, type ClassifierOptions, countCorrect } from "./lib/train/classifier.ts";
export {
  isVariant,
  type RuleSettings,
  type VariantName,
  VARIANTS,
  variantSettings,
} from "./lib/train/variants.ts";
export {
  type EpochRecord,
  runClassification,
  type RunResult,
  TrainingDivergedError,
} from "./lib/train/run.ts";
export { postHoc } from "./lib/train/posthoc.ts";
export { attributeDataset, attributeErrors, type ErrorAttribution } from "./lib/train/attribution.ts";
export { type Dataset, loadDataset } from "./lib/train/data.ts";
export { type ClassificationConfig, loadClassificationConfig } from "./lib/train/config.ts";
export { classificationTask } from "./lib/train/experiment.ts";
export { type ExperimentConfig, loadExperiment } from "./lib/experiment/config.ts";
export type { ExperimentTask } from "./lib/experiment/task.ts";
export { runExperiment } from "./lib/experiment/runner.ts";
export { welchTTest } from "./lib/experiment/stats.ts";
export { loadMnist } from "./datasets/mnist.ts";
export { loadCifar10 } from "./datasets/cifar10.ts";
export {
  readSafetensors,
  type SafeTensor,
  type SafeTensorInput,
  type SafetensorsData,
  type SafetensorsDtype,
  SafetensorsError,
  type SafetensorsFile,
  writeSafetensors,
} from "./lib/io/safetensors.ts";

// Environments
export { ENV_NAMES, type EnvName, makeRunEnv, makeVecEnv, type VecEnvOptions } from "./envs/mod.ts";
export * from "./envs/locomotion/mod.ts";
export * from "./envs/craftax/mod.ts";
export * from "./envs/classic/mod.ts";
export * from "./lib/rl/mod.ts";
