/**
 * Adapter and device creation. The device is created with the adapter's own maxima for the limits that
 * matter to ML kernels (the spec defaults are much smaller), plus the optional features we can use.
 */

export interface GpuContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** Human-readable adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  name: string;
  /** True for CPU-emulated adapters (lavapipe, llvmpipe, SwiftShader). */
  software: boolean;
  hasF16: boolean;
  hasTimestamps: boolean;
}

const NO_ADAPTER_HELP = "install Mesa's Vulkan drivers for a software adapter (Debian/Ubuntu: " +
  "`apt-get install -y mesa-vulkan-drivers`, which provides lavapipe), or run on a machine with a GPU; " +
  "DENO_WEBGPU_BACKEND=vulkan selects the Vulkan backend explicitly";

/** Limits copied from the adapter into the device request. */
const WANTED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
] as const;

function isSoftware(info: GPUAdapterInfo): boolean {
  const text = `${info.description} ${info.device} ${info.vendor} ${info.architecture}`;
  return (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    /llvmpipe|lavapipe|softpipe|swiftshader/i.test(text);
}

/** The Vulkan loader warns on every start when XDG_RUNTIME_DIR is unset (harmless; CI shells lack it). */
export function quietVulkanLoader(): void {
  try {
    if (!Deno.env.get("XDG_RUNTIME_DIR")) Deno.env.set("XDG_RUNTIME_DIR", "/tmp");
  } catch {
    // Without env permission the warning stays; nothing else depends on it.
  }
}

export async function createGpuContext(opts: { allowSoftware?: boolean } = {}): Promise<GpuContext> {
  const allowSoftware = opts.allowSoftware ?? true;
  if (typeof navigator === "undefined" || !navigator.gpu) {
    throw new Error(`webgpu: navigator.gpu is not available in this runtime; ${NO_ADAPTER_HELP}`);
  }
  quietVulkanLoader();
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error(`webgpu: no WebGPU adapter found; ${NO_ADAPTER_HELP}`);
  const info = adapter.info;
  const name = info.description || `${info.vendor} ${info.device}`.trim() || "unknown adapter";
  const software = isSoftware(info);
  if (software && !allowSoftware) {
    throw new Error(`webgpu: only a software adapter is available (${name}) and allowSoftware is false`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const key of WANTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[key];
    if (typeof value === "number") requiredLimits[key] = value;
  }
  const requiredFeatures: GPUFeatureName[] = [];
  const hasF16 = adapter.features.has("shader-f16");
  const hasTimestamps = adapter.features.has("timestamp-query");
  if (hasF16) requiredFeatures.push("shader-f16");
  if (hasTimestamps) requiredFeatures.push("timestamp-query");
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  return { adapter, device, name, software, hasF16, hasTimestamps };
}
