/**
 * A size-bucketed pool allocator over one shared WebAssembly.Memory: every cpu tensor storage of the wasm
 * kernels lives here, so the kernels (and their worker threads) address it without copies.
 *
 * Blocks are powers of two from 64 bytes up (64-byte aligned, so v128 loads never straddle a cache line
 * needlessly). A freed block goes onto its bucket's free list and is handed out again for the next request
 * of that bucket; fresh blocks are cut from the top of the heap, growing the memory when needed. wasm32
 * addresses stop at 4 GiB: a request beyond that is an error naming the size, the live total and the limit.
 * Memory is never returned to the system (a WebAssembly.Memory cannot shrink), but it is reused.
 *
 * The pool counts live blocks and bytes (`stats()`) so tests can check that a training step gives back
 * everything it took.
 */

/** wasm32 page size. */
export const PAGE_BYTES = 65536;
/** The largest memory wasm32 can address: 65536 pages. */
export const MAX_PAGES = 65536;
export const MAX_BYTES = MAX_PAGES * PAGE_BYTES;
/** Smallest block (and alignment). */
const MIN_BLOCK_LOG2 = 6;
/**
 * Bytes kept readable past the heap top: vector kernels may load a whole f32x4 at the last element of a
 * block and drop the extra lanes.
 */
const TAIL_SLACK = 64;

/** Occupancy of the wasm memory pool (CpuBackend.memoryStats), for leak checks. */
export interface PoolStats {
  /** Blocks handed out and not yet freed. */
  liveBlocks: number;
  /** Bytes in those blocks (rounded up to their bucket size). */
  liveBytes: number;
  /** Bytes on the free lists, ready for reuse. */
  freeBytes: number;
  /** Permanent reservations (per-thread scratch, control words); never freed. */
  reservedBytes: number;
  /** Size of the memory. */
  memoryBytes: number;
}

export class MemoryPool {
  /** Free block addresses per bucket (log2 of the block size). */
  readonly #free: number[][] = Array.from({ length: 33 }, () => []);
  #top: number;
  #liveBlocks = 0;
  #liveBytes = 0;
  #freeBytes = 0;
  #reservedBytes = 0;

  /** `base`: first address the pool may use (lower addresses are the caller's). */
  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.#top = alignUp(base, 1 << MIN_BLOCK_LOG2);
  }

  /** Bucket of a request: log2 of the block size that holds `bytes`. */
  static bucketOf(bytes: number): number {
    return Math.max(MIN_BLOCK_LOG2, Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  /**
   * A block of at least `bytes` bytes; its address. `zero`: the block reads as zeros (fresh memory from the
   * top of the heap already does; a reused block is cleared).
   */
  alloc(bytes: number, zero: boolean): number {
    if (bytes > MAX_BYTES / 2) this.#tooLarge(bytes, 2 ** MemoryPool.bucketOf(bytes));
    const bucket = MemoryPool.bucketOf(bytes);
    const size = 2 ** bucket;
    const reuse = this.#free[bucket].pop();
    let address: number;
    if (reuse !== undefined) {
      address = reuse;
      this.#freeBytes -= size;
      if (zero) new Uint8Array(this.memory.buffer, address, size).fill(0);
    } else {
      address = this.#cut(size, bytes);
    }
    this.#liveBlocks++;
    this.#liveBytes += size;
    return address;
  }

  /** Returns a block from `alloc` (by the size it was asked for). */
  free(address: number, bytes: number): void {
    const bucket = MemoryPool.bucketOf(bytes);
    this.#free[bucket].push(address);
    this.#liveBlocks--;
    this.#liveBytes -= 2 ** bucket;
    this.#freeBytes += 2 ** bucket;
  }

  /** A permanent, zeroed region (not counted as live): per-thread scratch and the like. */
  reserve(bytes: number): number {
    const size = alignUp(bytes, 1 << MIN_BLOCK_LOG2);
    const address = this.#cut(size, bytes);
    this.#reservedBytes += size;
    return address;
  }

  stats(): PoolStats {
    return {
      liveBlocks: this.#liveBlocks,
      liveBytes: this.#liveBytes,
      freeBytes: this.#freeBytes,
      reservedBytes: this.#reservedBytes,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  #tooLarge(requested: number, size: number): never {
    throw new Error(
      `cpu wasm memory: cannot allocate ${requested} bytes (a ${size}-byte block): wasm32 memory is limited ` +
        `to 4 GiB (${MAX_BYTES} bytes) and ${this.#liveBytes} bytes are live, ${this.#freeBytes} free in ` +
        `other block sizes, ${this.#reservedBytes} reserved`,
    );
  }

  /** Takes `size` bytes from the top of the heap, growing the memory as needed. */
  #cut(size: number, requested: number): number {
    const address = this.#top;
    const end = address + size + TAIL_SLACK;
    if (end > MAX_BYTES) this.#tooLarge(requested, size);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow at least geometrically (×1.5) so a run of small allocations does not grow page by page.
      const need = Math.ceil((end - have) / PAGE_BYTES);
      const havePages = have / PAGE_BYTES;
      const pages = Math.min(MAX_PAGES - havePages, Math.max(need, Math.ceil(havePages / 2)));
      try {
        try {
          this.memory.grow(pages);
        } catch {
          this.memory.grow(need); // the geometric step may not fit where the exact need still does
        }
      } catch (e) {
        throw new Error(
          `cpu wasm memory: growing from ${have} to ${
            have + pages * PAGE_BYTES
          } bytes for a ${requested}-byte ` +
            `allocation failed (${(e as Error).message}); ${this.#liveBytes} bytes are live`,
        );
      }
    }
    this.#top = address + size;
    return address;
  }
}

function alignUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
