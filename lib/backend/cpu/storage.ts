/**
 * Where cpu storages live. Two allocators with one interface:
 *
 * - `SharedArrayAllocator` (scalar kernels, the reference): each storage its own SharedArrayBuffer, so the
 *   scalar GEMM can split work across workers without copying; the garbage collector frees it.
 * - `PooledAllocator` (wasm kernels): blocks of the one shared WebAssembly.Memory from its pool, so the
 *   kernels address them directly. `Backend.release` (reached through the tensors' reference counts) returns
 *   a block to the pool; a storage that becomes unreachable without being released is returned by a
 *   FinalizationRegistry as a safety net (counted in `reclaimedByGc`, which tests expect to stay 0).
 */
import type { DType } from "../backend.ts";
import type { WasmRuntime } from "./wasm/runtime.ts";

export class CpuStorage {
  /** Set once the block went back to the pool. */
  released = false;
  /**
   * `data`: the elements. `address`: byte address of the block in the wasm memory, or −1 when the storage is
   * not pooled (its own SharedArrayBuffer, or empty).
   */
  constructor(readonly data: Float32Array | Int32Array, readonly address = -1) {}
  get size(): number {
    return this.data.length;
  }
}

export interface StorageAllocator {
  /** A storage of `size` elements; zero-filled when `zero` (kernels that overwrite every element pass false). */
  alloc(size: number, dtype: DType, zero: boolean): CpuStorage;
  release(s: CpuStorage): void;
}

export class SharedArrayAllocator implements StorageAllocator {
  alloc(size: number, dtype: DType): CpuStorage {
    const buffer = new SharedArrayBuffer(Math.max(4, size * 4));
    return new CpuStorage(
      dtype === "i32" ? new Int32Array(buffer, 0, size) : new Float32Array(buffer, 0, size),
    );
  }
  release(_s: CpuStorage): void {
    // Garbage-collected memory: nothing to return.
  }
}

export class PooledAllocator implements StorageAllocator {
  #reclaimedByGc = 0;
  readonly #registry = new FinalizationRegistry<{ address: number; bytes: number }>((block) => {
    this.#reclaimedByGc++;
    this.runtime.pool.free(block.address, block.bytes);
  });

  constructor(readonly runtime: WasmRuntime) {}

  alloc(size: number, dtype: DType, zero: boolean): CpuStorage {
    if (size === 0) return new CpuStorage(dtype === "i32" ? new Int32Array(0) : new Float32Array(0));
    const bytes = size * 4;
    const address = this.runtime.pool.alloc(bytes, zero);
    const buffer = this.runtime.memory.buffer;
    const data = dtype === "i32"
      ? new Int32Array(buffer, address, size)
      : new Float32Array(buffer, address, size);
    const s = new CpuStorage(data, address);
    this.#registry.register(s, { address, bytes }, s);
    return s;
  }

  release(s: CpuStorage): void {
    if (s.address < 0 || s.released) return;
    s.released = true;
    this.#registry.unregister(s);
    this.runtime.pool.free(s.address, s.data.byteLength);
  }

  /** Blocks the garbage collector gave back because their storage was never released. */
  get reclaimedByGc(): number {
    return this.#reclaimedByGc;
  }
}
