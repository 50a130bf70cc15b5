/**
 * A thin tensor handle: shape, dtype and a backend storage. Storage is reference counted so `reshape` is
 * free; memory is released explicitly with `dispose()` (or `using`), never by the garbage collector, because
 * GPU buffers are scarce and JavaScript has no destructors.
 *
 * @module
 */
import type { Backend, DType, Storage } from "./backend/backend.ts";

/** Reference-counted storage shared by a tensor and its reshapes (a Storage, so reshape can pass it on). */
class SharedStorage implements Storage {
  refs = 1;
  constructor(readonly backend: Backend, readonly storage: Storage) {}
  get size(): number {
    return this.storage.size;
  }
  release(): void {
    if (--this.refs === 0) this.backend.release(this.storage);
  }
}

let nextId = 1;

/**
 * A tensor handle: shape, dtype and a reference to backend storage. Make tensors with `ops.tensor`,
 * `ops.zeros` and the other `ops` functions; dispose them (or use `using`) when done, because device memory is
 * not garbage collected.
 *
 * @example
 * ```ts
 * import { createBackend, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * using x = ops.tensor(backend, new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * using row = x.reshape([1, 6]); // shares x's storage
 * console.log(x.toString(), await row.read()); // Tensor(f32[2, 3] on cpu) Float32Array(6) [1, ..., 6]
 * ```
 */
export class Tensor {
  /** Process-unique id (for error messages and debugging). */
  readonly id: number = nextId++;
  /** Number of elements (the product of the shape). */
  readonly size: number;
  #shared: SharedStorage | null;

  /**
   * Wraps backend storage (low level: prefer the `ops` constructors). The storage must hold exactly the
   * shape's number of elements; the tensor takes ownership of it.
   */
  constructor(
    /** The backend the storage lives on. */
    readonly backend: Backend,
    storage: Storage,
    /** Dimensions, outermost first (row-major). */
    readonly shape: readonly number[],
    /** Element type. */
    readonly dtype: DType = "f32",
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.#shared = storage instanceof SharedStorage ? storage : new SharedStorage(backend, storage);
    if (this.#shared.storage.size !== this.size) {
      throw new Error(
        `Tensor: storage holds ${this.#shared.storage.size} elements, shape [${shape}] needs ${this.size}`,
      );
    }
  }

  /** The backend storage; throws if this tensor was disposed. */
  get storage(): Storage {
    if (!this.#shared) throw new Error(`Tensor #${this.id} [${this.shape}] was used after dispose()`);
    return this.#shared.storage;
  }

  /** True once `dispose()` has been called. */
  get disposed(): boolean {
    return this.#shared === null;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Same data, new shape (no copy). The new handle must be disposed too. */
  reshape(shape: readonly number[]): Tensor {
    const resolved = resolveShape(shape, this.size, this.shape);
    this.storage; // throws when disposed
    this.#shared!.refs++;
    return new Tensor(this.backend, this.#shared!, resolved, this.dtype);
  }

  /** Reads the data back to the host (one device synchronisation). */
  async read(): Promise<Float32Array | Int32Array> {
    const [out] = await this.backend.read([{ storage: this.storage, dtype: this.dtype }]);
    return out;
  }

  /** Reads a f32 tensor as a Float32Array. */
  async readF32(): Promise<Float32Array> {
    if (this.dtype !== "f32") throw new Error(`readF32: tensor [${this.shape}] is ${this.dtype}`);
    return await this.read() as Float32Array;
  }

  /** Drops this handle's reference; the storage is freed when no handle (reshapes included) holds it. */
  dispose(): void {
    if (!this.#shared) return;
    this.#shared.release();
    this.#shared = null;
  }

  /** `using x = ...` disposes `x` at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** `Tensor(f32[2, 3] on cpu)`. */
  toString(): string {
    return `Tensor(${this.dtype}[${this.shape.join(", ")}] on ${this.backend.name})`;
  }
}

/** Reads several tensors with one device synchronisation. */
export async function readAll(tensors: Tensor[]): Promise<(Float32Array | Int32Array)[]> {
  if (tensors.length === 0) return [];
  const backend = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== backend) throw new Error("readAll: tensors live on different backends");
  }
  return await backend.read(tensors.map((t) => ({ storage: t.storage, dtype: t.dtype })));
}

/**
 * Collects the temporaries of one computation and disposes them together at the end of the block.
 *
 * @example
 * ```ts
 * import { createBackend, ops, Scope } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const u = ops.tensor(backend, new Float32Array([1, 2]), [1, 2]);
 * let z;
 * {
 *   using s = new Scope();
 *   z = ops.scale(s.t(ops.sub(u, s.t(ops.full(backend, [1, 2], 1)))), 2); // the temporaries go, z stays
 * }
 * console.log(await z.read()); // Float32Array [0, 2]
 * ```
 */
export class Scope {
  readonly #tensors: Tensor[] = [];
  /** Registers `x` for disposal with the scope and returns it. */
  t(x: Tensor): Tensor {
    this.#tensors.push(x);
    return x;
  }
  /** Disposes every registered tensor. */
  [Symbol.dispose](): void {
    this.#tensors.forEach((x) => x.dispose());
    this.#tensors.length = 0;
  }
}

function resolveShape(shape: readonly number[], size: number, from: readonly number[]): number[] {
  const out = [...shape];
  const inferred = out.indexOf(-1);
  if (inferred !== out.lastIndexOf(-1)) throw new Error(`reshape: at most one -1 allowed in [${shape}]`);
  const known = out.reduce((a, b) => (b === -1 ? a : a * b), 1);
  if (inferred >= 0) {
    if (known === 0 || size % known !== 0) throw new Error(`reshape: cannot reshape [${from}] to [${shape}]`);
    out[inferred] = size / known;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0) || out.reduce((a, b) => a * b, 1) !== size) {
    throw new Error(`reshape: cannot reshape [${from}] (${size} elements) to [${shape}]`);
  }
  return out;
}
