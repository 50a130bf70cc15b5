/**
 * The host-side input pipeline of a classification run: what happens to a minibatch of images between the
 * data set (floats in [0, 1]) and the network. It is data loading, not network math, so it runs on the
 * host per minibatch and needs no device kernel.
 *
 * Per-channel standardisation with training-set statistics (the field's CIFAR-10 preprocessing):
 *
 *   x̂[c, y, x] = (x[c, y, x] − μ_c) / σ_c,   μ_c, σ_c = mean and (population) standard deviation of channel c
 *                                             over every pixel of every training image (validation held out)
 *
 * Augmentation (training minibatches only; off for the paper's rows): a random crop, i.e. the standardised
 * image padded by `crop` pixels of zeros on each side (the channel mean after standardisation, black without
 * it) and cut back to its size at a uniform offset (dy, dx) ∈ [0, 2·crop]², then a horizontal flip with
 * probability ½. The draws depend only on (seed, epoch, step, row in the batch), so a resumed run sees the
 * same augmented images.
 *
 *     const stats = channelStats(data.trainImages, data.trainCount, data.image);
 *     const pipeline = new InputPipeline(data.image, stats, { crop: 4, flip: true });
 *     pipeline.trainBatch(data.trainImages, rows, hostX, { seed, epoch, step });
 *
 * @module
 */
import { philox4x32, Rng } from "../random.ts";
import { UsageError } from "../io/command.ts";

/** Per-channel statistics of the training images (stored in a run's stats.json). */
export interface ChannelStats {
  /** Data set the statistics were computed on. */
  dataset: string;
  /** Number of training images they cover. */
  images: number;
  /** Mean μ_c of each channel over every pixel of those images. */
  mean: number[];
  /** Population standard deviation σ_c of each channel (1 for a constant channel). */
  std: number[];
}

/** Random crop and flip of training images. */
export interface AugmentConfig {
  /** Padding of the random crop in pixels (0 = no crop). */
  crop: number;
  /** Random horizontal flip. */
  flip: boolean;
}

/** Where a training minibatch sits in the run: what its augmentation draws depend on. */
export interface BatchPosition {
  /** The run's seed. */
  seed: number;
  /** Epoch number, from 1. */
  epoch: number;
  /** Minibatch index within the epoch, from 0. */
  step: number;
}

/**
 * Mean and population standard deviation of each channel over the first `count` images (row-major N × CHW
 * floats), accumulated in float64. A constant channel gets σ = 1 (it standardises to 0).
 */
export function channelStats(
  images: Float32Array,
  count: number,
  image: readonly [number, number, number],
  dataset = "",
): ChannelStats {
  const [channels, h, w] = image, plane = h * w, inputs = channels * plane;
  if (images.length < count * inputs) {
    throw new Error(`channelStats: ${images.length} floats hold fewer than ${count} images of ${inputs}`);
  }
  const sum = new Float64Array(channels), sumSq = new Float64Array(channels);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < channels; c++) {
      let s = 0, q = 0;
      const start = i * inputs + c * plane;
      for (let k = start; k < start + plane; k++) {
        const v = images[k];
        s += v;
        q += v * v;
      }
      sum[c] += s;
      sumSq[c] += q;
    }
  }
  const n = count * plane;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (q, c) => {
    const variance = Math.max(0, q / n - mean[c] * mean[c]);
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { dataset, images: count, mean, std };
}

/**
 * Why two sets of statistics differ (null when they agree to a relative 1e-5): channel count, image count
 * or the first channel whose mean or std differs.
 */
export function statsMismatch(saved: ChannelStats, now: ChannelStats): string | null {
  if (saved.dataset !== now.dataset) return `data set ${saved.dataset} vs ${now.dataset}`;
  if (saved.mean.length !== now.mean.length) {
    return `${saved.mean.length} channels vs ${now.mean.length}`;
  }
  if (saved.images !== now.images) return `${saved.images} training images vs ${now.images}`;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));
  for (let c = 0; c < saved.mean.length; c++) {
    if (!close(saved.mean[c], now.mean[c]) || !close(saved.std[c], now.std[c])) {
      return `channel ${c}: mean ${saved.mean[c]} vs ${now.mean[c]}, std ${saved.std[c]} vs ${now.std[c]}`;
    }
  }
  return null;
}

/**
 * Standardisation (optional) and augmentation (optional) of image rows, written into a host buffer.
 *
 *     const p = new InputPipeline([3, 32, 32], stats, { crop: 4, flip: true });
 *     p.trainBatch(images, rows, hostX, { seed: 0, epoch: 1, step: 0 });   // a training minibatch
 *     const test = p.chunk(testImages, 0, 1000);                            // evaluation rows
 */
export class InputPipeline {
  /** Floats per image row: channels × height × width. */
  readonly inputs: number;
  readonly #shift: Float32Array;
  readonly #scale: Float32Array;

  /**
   * A pipeline for images of shape `image` [channels, height, width]: standardised with `stats` (null: raw
   * pixels) and, for training minibatches, augmented by `augment` (null: none). Throws when `stats` has
   * another channel count or `augment.crop` is not an integer in [0, min(height, width)).
   */
  constructor(
    readonly image: readonly [number, number, number],
    readonly stats: ChannelStats | null,
    readonly augment: AugmentConfig | null = null,
  ) {
    const [channels, h, w] = image;
    this.inputs = channels * h * w;
    if (stats && stats.mean.length !== channels) {
      throw new Error(
        `input statistics have ${stats.mean.length} channels but the images have ${channels} ` +
          `(statistics of another data set)`,
      );
    }
    this.#shift = Float32Array.from({ length: channels }, (_, c) => stats?.mean[c] ?? 0);
    this.#scale = Float32Array.from({ length: channels }, (_, c) => 1 / (stats?.std[c] ?? 1));
    if (augment && (augment.crop < 0 || !Number.isInteger(augment.crop) || augment.crop >= Math.min(h, w))) {
      throw new Error(`dataset.augment.crop ${augment.crop} must be an integer in [0, ${Math.min(h, w)})`);
    }
  }

  /** True when the pipeline changes nothing (raw pixels, no augmentation). */
  get identity(): boolean {
    return !this.stats && !this.augmenting;
  }

  /** True when training minibatches are cropped or flipped (`augment.crop` > 0 or `augment.flip`). */
  get augmenting(): boolean {
    return !!this.augment && (this.augment.crop > 0 || this.augment.flip);
  }

  /** {@link chunk} as a function (for `Classifier.evaluate`). */
  readonly prepare = (images: Float32Array, start: number, end: number): Float32Array =>
    this.chunk(images, start, end);

  /** Rows `start` .. `end` − 1 of `images`, standardised (no augmentation: evaluation). */
  chunk(images: Float32Array, start: number, end: number): Float32Array {
    const d = this.inputs, view = images.subarray(start * d, end * d);
    if (!this.stats) return view;
    const out = new Float32Array(view.length);
    for (let r = 0; r < end - start; r++) this.#standardize(view, r * d, out, r * d);
    return out;
  }

  /**
   * The training minibatch of image rows `rows` into `out` (rows.length × inputs): standardised, then
   * cropped and flipped with draws that depend only on `at` (seed, epoch, step) and the row's slot.
   */
  trainBatch(images: Float32Array, rows: ArrayLike<number>, out: Float32Array, at: BatchPosition): void {
    const d = this.inputs;
    const rng = this.augmenting ? new Rng(batchSeed(at)) : null;
    const scratch = rng ? new Float32Array(d) : null;
    for (let b = 0; b < rows.length; b++) {
      const src = rows[b] * d;
      if (!rng) {
        if (this.stats) this.#standardize(images, src, out, b * d);
        else out.set(images.subarray(src, src + d), b * d);
        continue;
      }
      this.#standardize(images, src, scratch!, 0);
      const pad = this.augment!.crop;
      const dy = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
      const dx = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
      const flip = this.augment!.flip && rng.uniform() < 0.5;
      this.#shiftFlip(scratch!, out, b * d, dy, dx, flip);
    }
  }

  #standardize(src: Float32Array, from: number, dst: Float32Array, to: number): void {
    const [channels, h, w] = this.image, plane = h * w;
    for (let c = 0; c < channels; c++) {
      const m = this.#shift[c], s = this.#scale[c], a = from + c * plane, z = to + c * plane;
      for (let k = 0; k < plane; k++) dst[z + k] = (src[a + k] - m) * s;
    }
  }

  /** out[c, y, x] = img[c, y + dy, x' + dx] (zero outside), x' = w − 1 − x when flipped. */
  #shiftFlip(img: Float32Array, out: Float32Array, to: number, dy: number, dx: number, flip: boolean): void {
    const [channels, h, w] = this.image, plane = h * w;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const sy = y + dy, row = to + c * plane + y * w;
        if (sy < 0 || sy >= h) {
          out.fill(0, row, row + w);
          continue;
        }
        const srcRow = c * plane + sy * w;
        for (let x = 0; x < w; x++) {
          const sx = (flip ? w - 1 - x : x) + dx;
          out[row + x] = sx >= 0 && sx < w ? img[srcRow + sx] : 0;
        }
      }
    }
  }
}

/** A 32-bit seed from (seed, epoch, step) through one Philox block (no collisions between nearby steps). */
function batchSeed(at: BatchPosition): number {
  const out = new Uint32Array(4);
  philox4x32([at.epoch >>> 0, at.step >>> 0, 0xa06, 0], at.seed >>> 0, 0x5eed, out);
  return out[0];
}

/** A run's stats.json, or null when it has none; a malformed file is an error naming it. */
export async function readStats(path: string): Promise<ChannelStats | null> {
  const text = await Deno.readTextFile(path).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  });
  if (text === null) return null;
  const s = JSON.parse(text) as Partial<ChannelStats>;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");
  if (
    !numbers(s.mean) || !numbers(s.std) || s.mean!.length !== s.std!.length || s.std!.some((x) => !(x > 0))
  ) {
    throw new UsageError(`${path}: not input statistics (needs mean and std lists of equal length, std > 0)`);
  }
  return { dataset: String(s.dataset ?? ""), images: Number(s.images ?? 0), mean: s.mean!, std: s.std! };
}
