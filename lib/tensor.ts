/**
 * A thin tensor handle: shape, dtype and a backend storage. Storage is reference counted so `reshape` is
 * free; memory is released explicitly with `dispose()` (or `using`), never by the garbage collector, because
 * GPU buffers are scarce and JavaScript has no destructors.
 */
import type { Backend, DType, Storage } from "./backend/backend.ts";

class SharedStorage {
  refs = 1;
  constructor(readonly backend: Backend, readonly storage: Storage) {}
  release(): void {
    if (--this.refs === 0) this.backend.release(this.storage);
  }
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  #shared: SharedStorage | null;

  constructor(
    readonly backend: Backend,
    storage: Storage | SharedStorage,
    readonly shape: readonly number[],
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

  get disposed(): boolean {
    return this.#shared === null;
  }

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

  dispose(): void {
    if (!this.#shared) return;
    this.#shared.release();
    this.#shared = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

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
 * Collects the temporaries of one computation and disposes them together at the end of the block:
 *
 *     using s = new Scope();
 *     const z = s.t(ops.mul(s.t(ops.sub(u, loc)), invScale));
 */
export class Scope {
  readonly #tensors: Tensor[] = [];
  /** Registers `x` for disposal with the scope and returns it. */
  t(x: Tensor): Tensor {
    this.#tensors.push(x);
    return x;
  }
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
