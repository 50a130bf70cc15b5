/**
 * Running observation normalisation as in Brax (`brax.training.acme.running_statistics`): mean and variance
 * over every observation seen so far (Chan et al.'s parallel update of Welford's algorithm, in f64), applied
 * as (x − mean)/std with std clipped to [1e-6, 1e6] and no clipping of the result.
 *
 * @module
 */

/**
 * Running per-feature mean and std of every observation seen so far (Brax's running statistics), applied as
 * (x − mean)/std. A disabled normaliser is the identity and learns nothing.
 *
 * @example
 * ```ts
 * import { RunningNormalizer } from "@diffusing-blame/ed";
 * const norm = new RunningNormalizer(2);
 * norm.update(new Float32Array([1, 10, 3, 30])); // two rows of 2 features
 * console.log(norm.mean, norm.std); // [2, 20] and [1, 10] (population std)
 * console.log(norm.apply(new Float32Array([3, 10]))); // [1, −1]
 * ```
 */
export class RunningNormalizer {
  /** Observation rows absorbed so far. */
  count = 0;
  /** Per-feature mean [size], in f64. */
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean. */
  readonly m2: Float64Array;
  readonly #std: Float32Array;
  readonly #meanF32: Float32Array;

  /** Statistics of `size` features, from the identity (mean 0, std 1) on; `enabled: false` never learns. */
  constructor(readonly size: number, readonly enabled = true) {
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.#std = new Float32Array(size).fill(1);
    this.#meanF32 = new Float32Array(size);
  }

  /** Adds a batch of rows [rows · size] (or the first `rows` rows of it). */
  update(batch: Float32Array, rows = batch.length / this.size): void {
    if (!this.enabled || rows === 0) return;
    if (!Number.isInteger(rows) || rows * this.size > batch.length) {
      throw new Error(
        `RunningNormalizer.update: ${batch.length} values are not ${rows} rows of ${this.size}`,
      );
    }
    const d = this.size, bMean = new Float64Array(d), bM2 = new Float64Array(d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) bMean[j] += batch[r * d + j];
    for (let j = 0; j < d; j++) bMean[j] /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const e = batch[r * d + j] - bMean[j];
        bM2[j] += e * e;
      }
    }
    const total = this.count + rows;
    for (let j = 0; j < d; j++) {
      const delta = bMean[j] - this.mean[j];
      this.mean[j] += (delta * rows) / total;
      this.m2[j] += bM2[j] + (delta * delta * this.count * rows) / total;
      this.#meanF32[j] = this.mean[j];
      this.#std[j] = Math.min(1e6, Math.max(1e-6, Math.sqrt(this.m2[j] / total)));
    }
    this.count = total;
  }

  /** The statistics as plain numbers (f64 values survive JSON exactly), for checkpoints. */
  get state(): { count: number; mean: number[]; m2: number[] } {
    return { count: this.count, mean: [...this.mean], m2: [...this.m2] };
  }

  /** Restores statistics saved from {@link state}. */
  restore(state: { count: number; mean: number[]; m2: number[] }): void {
    if (state.mean.length !== this.size || state.m2.length !== this.size) {
      throw new Error(
        `RunningNormalizer: saved statistics have ${state.mean.length} features, need ${this.size}`,
      );
    }
    this.count = state.count;
    this.mean.set(state.mean);
    this.m2.set(state.m2);
    for (let j = 0; j < this.size; j++) {
      this.#meanF32[j] = this.mean[j];
      this.#std[j] = this.count > 0 ? Math.min(1e6, Math.max(1e-6, Math.sqrt(this.m2[j] / this.count))) : 1;
    }
  }

  /** Per-feature std [size] that {@link apply} divides by: √(m2/count) in [1e-6, 1e6] (1 before data). */
  get std(): Float32Array {
    return this.#std;
  }

  /** Normalised copy of `batch` (or into `out`). Identity when disabled or before the first update. */
  apply(batch: Float32Array, out: Float32Array = new Float32Array(batch.length)): Float32Array {
    const d = this.size;
    if (!this.enabled || this.count === 0) {
      out.set(batch);
      return out;
    }
    for (let k = 0; k < batch.length; k++) {
      const j = k % d;
      out[k] = (batch[k] - this.#meanF32[j]) / this.#std[j];
    }
    return out;
  }
}
