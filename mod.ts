/**
 * Diffusing Blame: dual-stream excitatory/inhibitory networks that keep Dale's principle, trained with
 * Error Diffusion (modulo error routing), with DFA and backprop baselines, on a CPU backend and on native
 * WebGPU; classification (MNIST, CIFAR-10) and reinforcement learning (PPO with any of the rules, ES) on
 * classic control, a Brax-like locomotion port and a Craftax port.
 *
 * ## A classifier step
 *
 * A dual-stream 784-256-256-10 network with the paper's ED recipe. `createBackend("auto")` picks WebGPU on
 * a GPU, else the cpu backend.
 *
 * ```ts
 * import { Classifier, createBackend, ops, variantSettings } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const clf = new Classifier(backend, {
 *   inputs: 784, hidden: [256, 256], classes: 10,
 *   settings: variantSettings("proposed"), optimizer: { kind: "sgd", lr: 3 }, seed: 0,
 * });
 * const x = ops.tensor(backend, new Float32Array(128 * 784), [128, 784]);
 * const y = ops.oneHot(ops.tensor(backend, new Int32Array(128), [128]), 10);
 * clf.trainStep(x, y); // stays on the device
 * console.log(await clf.takeTrainMetrics()); // { loss, accuracy, meanDrive, ... }: one read-back
 * ```
 *
 * Whole runs with checkpoints: {@link runClassification}; variants × seeds: {@link runExperiment}; data:
 * {@link loadMnist}, {@link loadCifar10}; a custom loop over {@link Network}: {@link makeRule} and
 * {@link applyRule}.
 *
 * ## An RL learner on an environment
 *
 * PPO whose policy and value networks are dual-stream and learn by the ED rule (`"bp-ppo"`, `"dfa-ppo"`,
 * `"ed-ppo-nondale"` swap the rule; {@link EsLearner} is evolution strategies).
 *
 * ```ts
 * import { createBackend, makeVecEnv, PpoLearner, ppoDefaults } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const learner = new PpoLearner(backend, makeVecEnv("cartpole"), ppoDefaults("cartpole", "ed-ppo"), 0);
 * const m = await learner.iteration(); // one rollout of 8 × 64 steps, then the PPO updates
 * console.log(m.envSteps, m.episodeReturn, learner.describe(m));
 * learner.dispose();
 * ```
 *
 * Whole runs into a run folder: {@link runRl}.
 *
 * ## Stepping an environment
 *
 * Every environment is batched and resets finished episodes itself. {@link makeVecEnv} knows them all by
 * name; the classes ({@link CartPole}, {@link makeAnt}, {@link CraftaxClassic}, ...) have more.
 *
 * ```ts
 * import { makeVecEnv } from "@diffusing-blame/ed";
 * const env = makeVecEnv("ant");
 * env.reset(0, 4); // 4 environments, seeded from 0
 * const { obs, rewards, dones } = env.step(new Float32Array(4 * 8)); // 8 torques in [−1, 1] each
 * console.log(obs.length, rewards, dones); // 108 Float32Array(4) [...] Uint8Array(4) [0, 0, 0, 0]
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
export { CpuBackend, type CpuBackendOptions, type CpuKernels } from "./lib/backend/cpu/backend.ts";
export type { PoolStats } from "./lib/backend/cpu/wasm/memory_pool.ts";
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
export type { DaleanInit } from "./lib/nn/init.ts";
export { DualConv2d, DualDense, DualStreamLayer, type DualStreamOptions } from "./lib/nn/dual_stream.ts";
export { Conv2d, Dense, SingleStreamLayer, type SingleStreamOptions } from "./lib/nn/single_stream.ts";
export {
  AvgPool,
  CONV_BIAS_REDUCTIONS,
  type ConvBiasReduction,
  type ConvGeometry,
  ConvMap,
  DenseMap,
  type LinearMap,
} from "./lib/nn/linear_map.ts";
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
export {
  centerError,
  Classifier,
  type ClassifierOptions,
  countCorrect,
  type EpochTrainMetrics,
  type PrepareRows,
} from "./lib/train/classifier.ts";
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
  type RunOptions,
  type RunResult,
  TrainingDivergedError,
} from "./lib/train/run.ts";
export type { EpochWarning } from "./lib/train/health.ts";
export {
  type ClassifierShape,
  loadClassifier,
  type LoadClassifierOptions,
  type LoadedClassifier,
} from "./lib/train/load.ts";
export {
  type AugmentConfig,
  type BatchPosition,
  type ChannelStats,
  channelStats,
  InputPipeline,
} from "./lib/train/input.ts";
export { type LayerPostHoc, PATHWAYS, postHoc } from "./lib/train/posthoc.ts";
export { attributeDataset, attributeErrors, type ErrorAttribution } from "./lib/train/attribution.ts";
export { type Dataset, type DatasetSpec, loadDataset } from "./lib/train/data.ts";
export {
  type ClassificationConfig,
  type ConvLayerConfig,
  type DatasetName,
  DATASETS,
  loadClassificationConfig,
  makeClassificationConfig,
} from "./lib/train/config.ts";
export type { ScheduleConfig } from "./lib/train/schedule.ts";
export { classificationTask } from "./lib/train/experiment.ts";
export {
  type ExperimentConfig,
  type LoadedExperiment,
  loadExperiment,
  type TaskName,
  TASKS,
} from "./lib/experiment/config.ts";
export type { ExperimentTask, RunSlot, TaskContext } from "./lib/experiment/task.ts";
export type { Metric, PlotSpec, RunRecord, SummaryColumn, VariantSummary } from "./lib/experiment/summary.ts";
export { type ExperimentOptions, type ExperimentResult, runExperiment } from "./lib/experiment/runner.ts";
export { type WelchResult, welchTTest } from "./lib/experiment/stats.ts";
export type { Schema } from "./lib/config/schema.ts";
export type { CommandSpec } from "./lib/config/command_line.ts";
export {
  fetchMnist,
  type FetchOptions,
  type ImageSplits,
  loadIdxSplits,
  loadMnist,
  type LoadMnistOptions,
} from "./datasets/mnist.ts";
export { fetchCifar10, loadCifar10, type LoadCifar10Options } from "./datasets/cifar10.ts";
export { DatasetError, type IdxExpectation } from "./datasets/idx.ts";
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
