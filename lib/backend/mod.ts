/**
 * Backend selection. `auto` picks webgpu on a hardware adapter and cpu otherwise (a software adapter such
 * as lavapipe is slower than the cpu backend on the same cores); `webgpu` accepts a software adapter, which
 * is how CI runs the WGSL kernels without a GPU. The WebGPU code is loaded only when it is asked for.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import { quietVulkanLoader } from "./webgpu/device.ts";

/** The values {@link createBackend} accepts (also the `backend` key of configs and `--backend` of the CLIs). */
export const BACKEND_CHOICES: readonly ["auto", "cpu", "webgpu"] = ["auto", "cpu", "webgpu"] as const;
/** `auto` (webgpu on a hardware GPU, else cpu), `cpu` or `webgpu` (a software adapter is accepted). */
export type BackendChoice = typeof BACKEND_CHOICES[number];

/**
 * Creates a compute backend. Dispose it with `backend.dispose()` when done.
 *
 * @example
 * ```ts
 * import { createBackend, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("auto"); // webgpu on a GPU, else cpu
 * console.log(backend.name, backend.deviceName);
 * const y = ops.activation({ kind: "relu" }, ops.tensor(backend, new Float32Array([-1, 2]), [2]));
 * console.log(await y.read()); // Float32Array [0, 2]
 * backend.dispose();
 * ```
 */
export async function createBackend(choice: BackendChoice = "auto"): Promise<Backend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new Error(
      `createBackend: unknown backend "${choice}"; choose one of ${BACKEND_CHOICES.join(", ")}`,
    );
  }
  if (choice === "cpu") return new CpuBackend();
  const hardware = choice === "auto" ? await hasHardwareAdapter() : true;
  if (!hardware) return new CpuBackend();
  const { createWebGpuBackend } = await import("./webgpu/mod.ts");
  return await createWebGpuBackend({ allowSoftware: choice === "webgpu" });
}

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions {
  /** Accept a CPU-emulated adapter such as lavapipe (default true); false throws instead. */
  allowSoftware?: boolean;
}

/**
 * Creates the WebGPU backend on the default adapter; throws a one-line error naming the cause when WebGPU or
 * an adapter is missing (`createBackend("auto")` falls back to cpu instead).
 *
 * @example
 * ```ts ignore
 * import { createWebGpuBackend } from "@diffusing-blame/ed";
 * const gpu = await createWebGpuBackend({ allowSoftware: false }); // a hardware GPU or an error
 * console.log(gpu.deviceName);
 * gpu.dispose();
 * ```
 */
export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<Backend> {
  const webgpu = await import("./webgpu/mod.ts");
  return await webgpu.createWebGpuBackend(opts);
}

async function hasHardwareAdapter(): Promise<boolean> {
  if (!("gpu" in navigator)) return false;
  quietVulkanLoader();
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  return adapter !== null && !adapter.info.isFallbackAdapter && !/llvmpipe|lavapipe|swiftshader/i.test(
    adapter.info.description,
  );
}
