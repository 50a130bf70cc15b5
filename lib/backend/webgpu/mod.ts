/**
 * The WebGPU backend: WGSL kernels generated per shape, a pooled buffer allocator and batched command
 * submission. `createWebGpuBackend()` throws a clear error when no adapter is available.
 *
 * @module
 */
import { createGpuContext } from "./device.ts";
import { WebGpuBackend } from "./backend.ts";

export { WebGpuBackend } from "./backend.ts";
export { GpuStorage } from "./buffer_pool.ts";

/**
 * Creates the backend on the default adapter. `allowSoftware` (default true) accepts CPU-emulated adapters
 * such as lavapipe; `auto` backend selection passes false to fall back to the cpu backend instead.
 */
export async function createWebGpuBackend(opts: { allowSoftware?: boolean } = {}): Promise<WebGpuBackend> {
  return new WebGpuBackend(await createGpuContext(opts));
}
