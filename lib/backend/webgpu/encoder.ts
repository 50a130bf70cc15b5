/**
 * Command batching. Kernels are recorded into one open compute pass of one command encoder and submitted
 * lazily: at a read or sync, before a host write (queue writes run before unsubmitted commands), or every
 * `FLUSH_EVERY` dispatches so the device can start on long sequences while the host keeps encoding.
 *
 * Per-dispatch scalars (learning rates, scales, seeds) go into a uniform arena: one 256-byte slot per
 * dispatch, uploaded with a single writeBuffer just before the submit. Queue order makes reuse of the arena
 * by the next batch safe.
 */

const SLOT_BYTES = 256;
const ARENA_SLOTS = 1024;
const FLUSH_EVERY = 256;
/** Size of the uniform block every kernel with parameters declares (`array<vec4u, 4>`). */
export const PARAM_BYTES = 64;

export class CommandBatcher {
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #commands = 0;
  #arena: GPUBuffer;
  #arenaData = new Uint8Array(SLOT_BYTES * ARENA_SLOTS);
  #slots = 0;
  /** Buffers released while commands that bind them wait for the next submit. */
  #retired: GPUBuffer[] = [];
  /** Dispatches recorded since creation (for reports). */
  dispatches = 0;
  submits = 0;

  constructor(readonly device: GPUDevice) {
    this.#arena = device.createBuffer({
      size: SLOT_BYTES * ARENA_SLOTS,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: "uniform arena",
    });
  }

  /** True when commands are recorded but not yet submitted. */
  get pending(): boolean {
    return this.#commands > 0;
  }

  #getEncoder(): GPUCommandEncoder {
    return this.#encoder ??= this.device.createCommandEncoder();
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }

  /**
   * Records one dispatch. `storages` are bound at 0..n−1 in order; `params` (at most 64 bytes) at binding n.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    storages: GPUBufferBinding[],
    params: ArrayBuffer | null,
    grid: readonly [number, number, number],
  ): void {
    if (params && this.#slots === ARENA_SLOTS) this.flush();
    const entries: GPUBindGroupEntry[] = storages.map((resource, binding) => ({ binding, resource }));
    if (params) {
      if (params.byteLength > PARAM_BYTES) {
        throw new Error(`webgpu: ${params.byteLength} bytes of parameters`);
      }
      const offset = this.#slots++ * SLOT_BYTES;
      this.#arenaData.set(new Uint8Array(params), offset);
      entries.push({
        binding: storages.length,
        resource: { buffer: this.#arena, offset, size: PARAM_BYTES },
      });
    }
    const bindGroup = this.device.createBindGroup({ layout, entries });
    this.#pass ??= this.#getEncoder().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, bindGroup);
    this.#pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.#commands++;
    this.dispatches++;
    if (this.#commands >= FLUSH_EVERY) this.flush();
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.#endPass();
    this.#getEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.#commands++;
  }

  clear(buffer: GPUBuffer, bytes: number): void {
    if (bytes === 0) return;
    this.#endPass();
    this.#getEncoder().clearBuffer(buffer, 0, Math.ceil(bytes / 4) * 4);
    this.#commands++;
  }

  /**
   * Destroys `buffer` once the commands recorded so far are submitted (at once when none are pending):
   * destroying it earlier would invalidate the pending submit. After a submit, destroy is safe: the
   * device frees the memory when the submitted work completes.
   */
  retire(buffer: GPUBuffer): void {
    if (this.#commands) this.#retired.push(buffer);
    else buffer.destroy();
  }

  /** Submits everything recorded so far (no-op when nothing is pending). */
  flush(): void {
    if (!this.#commands) return;
    this.#endPass();
    if (this.#slots) {
      this.device.queue.writeBuffer(this.#arena, 0, this.#arenaData, 0, this.#slots * SLOT_BYTES);
      this.#slots = 0;
    }
    this.device.queue.submit([this.#encoder!.finish()]);
    this.#encoder = null;
    this.#commands = 0;
    this.submits++;
    for (const buffer of this.#retired) buffer.destroy();
    this.#retired = [];
  }

  destroy(): void {
    // An encoder must not be dropped unfinished (deno#29140): finish and submit it.
    this.flush();
    this.#arena.destroy();
  }
}
