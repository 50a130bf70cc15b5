/**
 * Compute pipelines cached by WGSL source. Kernels are generated per shape, so the source string is the
 * natural key. Creation is wrapped in a validation error scope; a failure is reported with the compiler's
 * messages and the numbered source, and rethrown at the next sync point (kernels themselves are sync).
 */

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

function numbered(code: string): string {
  return code.split("\n").map((line, i) => `${String(i + 1).padStart(4)} | ${line}`).join("\n");
}

export class PipelineCache {
  #cache = new Map<string, CachedPipeline>();
  #checks: Promise<void>[] = [];
  #errors: Error[] = [];

  constructor(readonly device: GPUDevice) {}

  get size(): number {
    return this.#cache.size;
  }

  get(code: string, label = "kernel"): CachedPipeline {
    const hit = this.#cache.get(code);
    if (hit) return hit;
    this.device.pushErrorScope("validation");
    const module = this.device.createShaderModule({ code, label });
    const pipeline = this.device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
      label,
    });
    const check = this.device.popErrorScope().then(async (error) => {
      if (!error) return;
      let messages = "";
      try {
        const info = await module.getCompilationInfo();
        messages = info.messages.map((m) => `  ${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join(
          "\n",
        );
      } catch {
        // getCompilationInfo is optional; the scope's message is enough.
      }
      const err = new Error(
        `webgpu: pipeline '${label}' failed: ${error.message}\n${messages}\n--- WGSL ---\n${numbered(code)}`,
      );
      console.error(err.message);
      this.#errors.push(err);
    });
    this.#checks.push(check);
    const entry = { pipeline, layout: pipeline.getBindGroupLayout(0) };
    this.#cache.set(code, entry);
    return entry;
  }

  /** Waits for pending compile checks and throws the first failure, if any. */
  async throwIfFailed(): Promise<void> {
    if (this.#checks.length) {
      const checks = this.#checks;
      this.#checks = [];
      await Promise.all(checks);
    }
    const err = this.#errors.shift();
    if (err) throw err;
  }
}
