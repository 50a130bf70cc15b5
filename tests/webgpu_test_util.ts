/**
 * Shared setup for the webgpu kernel tests (tests/webgpu_*_test.ts): each of those files checks the webgpu
 * backend against straightforward CPU computations written in the test (f64 accumulation), on random
 * inputs with awkward shapes (1, 7, 63, 65, 130, ...). Runs on lavapipe in CI.
 *
 * Every test file gets its own backend `be` (each test module runs in its own worker, so this module is
 * evaluated once per file). The file must release it in its last test, before the process tears the
 * adapter down.
 */
import assert from "assert";
import type { Activation } from "../lib/backend/backend.ts";
import { createWebGpuBackend, type WebGpuBackend } from "../lib/backend/webgpu/mod.ts";
import { Rng } from "../lib/random.ts";

// With every wgpu backend enabled, creating the instance also probes GL through libEGL, which leaves
// per-thread state behind; with one device per test file that state sits on several threads, and now and
// then a thread frees it while exit() runs libEGL's destructor ("double free or corruption" after all tests
// passed). The adapter is the Vulkan one either way (lavapipe in CI), so skip the GL probe. Process-wide:
// it also holds for the test files that run after this one.
if (Deno.build.os === "linux" && !Deno.env.get("DENO_WEBGPU_BACKEND")) {
  Deno.env.set("DENO_WEBGPU_BACKEND", "vulkan");
}

// No adapter is a failure, not a skip: CI runs these kernels on lavapipe (apt-get install mesa-vulkan-drivers).
export const be: WebGpuBackend = await createWebGpuBackend({ allowSoftware: true });

export function test(name: string, fn: (b: WebGpuBackend) => Promise<void>): void {
  Deno.test({
    name: `webgpu: ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => fn(be),
  });
}

/** `gpu` behind a proxy that counts its read-backs (`count.reads`), for the sync-count tests. */
export function countingReads(gpu: WebGpuBackend): { backend: WebGpuBackend; count: { reads: number } } {
  const count = { reads: 0 };
  const backend = new Proxy(gpu, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (key === "read") {
        return (
          ...args: unknown[]
        ) => (count.reads++, (v as (...a: unknown[]) => unknown).apply(target, args));
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { backend, count };
}

const rng = new Rng(1234);
export const rand = (n: number, lo = -1, hi = 1) =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());

export function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  abs: number,
  rel: number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (w === g) continue; // covers infinities
    const tol = abs + rel * Math.abs(w);
    if (!(Math.abs(g - w) <= tol)) assert.fail(`${what}: element ${i}: got ${g}, want ${w} (tol ${tol})`);
  }
}

// ------------------------------------------------------------------ references

export function actRef(a: Activation, z: number): number {
  const u0 = a.width ?? 2;
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  switch (a.kind) {
    case "identity":
      return z;
    case "sigmoid":
      return sig((2 * z) / u0);
    case "relu":
      return Math.max(z, 0);
    case "tanh":
      return Math.tanh(z);
    case "silu":
      return z * sig(z);
    case "softplus":
      return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
}
