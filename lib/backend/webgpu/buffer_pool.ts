/**
 * A size-bucketed GPUBuffer pool. Training allocates and frees the same few sizes every step, so released
 * buffers go back to a free list keyed by their bucket and are handed out again instead of being destroyed.
 */
import type { Storage } from "../backend.ts";

export const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
export const READBACK_USAGE = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;

/** A backend storage: the GPUBuffer (possibly larger than needed) and the element count. */
export class GpuStorage implements Storage {
  released = false;
  constructor(readonly buffer: GPUBuffer, readonly size: number, readonly pooled: boolean) {}
  /** Bytes of payload (4 per element, f32 or i32). */
  get bytes(): number {
    return this.size * 4;
  }
}

/**
 * Bucket sizes: powers of two split in quarters (256, 320, 384, 448, 512, 640, ...), so at most 25% is
 * wasted while a handful of buckets still covers every size a training loop uses.
 */
export function bucketBytes(bytes: number): number {
  if (bytes <= 256) return 256;
  const pow = 2 ** Math.floor(Math.log2(bytes - 1));
  const quarter = pow / 4;
  return Math.ceil(bytes / quarter) * quarter;
}

export class BufferPool {
  #free = new Map<number, GPUBuffer[]>();
  #live = new Set<GPUBuffer>();
  /** Free buffers kept per bucket; beyond that a released buffer is destroyed. */
  readonly maxPerBucket = 32;

  /**
   * `retire` ends a buffer the free list has no room for. Destroying a buffer that recorded but unsubmitted
   * commands still use makes that submit fail, so a pool fed by a command batcher retires through it
   * (`CommandBatcher.retire`: destroyed once submitted).
   */
  constructor(
    readonly device: GPUDevice,
    readonly usage: number,
    readonly label: string,
    readonly retire: (buffer: GPUBuffer) => void = (buffer) => buffer.destroy(),
  ) {}

  /** A buffer of at least `bytes`; `fresh` tells whether it was just created (and so is zero-filled). */
  acquire(bytes: number): { buffer: GPUBuffer; fresh: boolean } {
    const size = bucketBytes(bytes);
    const reused = this.#free.get(size)?.pop();
    if (reused) {
      this.#live.add(reused);
      return { buffer: reused, fresh: false };
    }
    const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label} ${size}` });
    this.#live.add(buffer);
    return { buffer, fresh: true };
  }

  release(buffer: GPUBuffer): void {
    if (!this.#live.delete(buffer)) throw new Error(`${this.label} pool: buffer released twice`);
    let list = this.#free.get(buffer.size);
    if (!list) this.#free.set(buffer.size, list = []);
    if (list.length < this.maxPerBucket) list.push(buffer);
    else this.retire(buffer);
  }

  /** Bytes held by live (handed-out) and free buffers. */
  stats(): { liveBytes: number; freeBytes: number; liveBuffers: number } {
    let liveBytes = 0, freeBytes = 0;
    for (const b of this.#live) liveBytes += b.size;
    for (const list of this.#free.values()) for (const b of list) freeBytes += b.size;
    return { liveBytes, freeBytes, liveBuffers: this.#live.size };
  }

  /** Destroys the free buffers (live ones stay valid). */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
  }

  dispose(): void {
    this.trim();
    for (const b of this.#live) b.destroy();
    this.#live.clear();
  }
}
