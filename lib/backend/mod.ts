/**
 * Backend selection. `auto` picks webgpu on a hardware adapter and cpu otherwise (a software adapter such
 * as lavapipe is slower than the cpu backend on the same cores); `webgpu` accepts a software adapter, which
 * is how CI runs the WGSL kernels without a GPU.
 */
import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import { quietVulkanLoader } from "./webgpu/device.ts";

export const BACKEND_CHOICES = ["auto", "cpu", "webgpu"] as const;
export type BackendChoice = typeof BACKEND_CHOICES[number];

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

async function hasHardwareAdapter(): Promise<boolean> {
  if (!("gpu" in navigator)) return false;
  quietVulkanLoader();
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  return adapter !== null && !adapter.info.isFallbackAdapter && !/llvmpipe|lavapipe|swiftshader/i.test(
    adapter.info.description,
  );
}
