/**
 * Dual-stream layer (Dale's principle): four non-negative weight tensors and free biases,
 *
 *   p_l = φ( p_{l−1} ∘ W_pp − n_{l−1} ∘ W_np + b_p )
 *   n_l = φ( n_{l−1} ∘ W_nn − p_{l−1} ∘ W_pn + b_n )
 *
 * where ∘ is the layer's linear map (a dense product or a convolution, `LinearMap`). The minus signs are
 * structural, so every weight stays a non-negative magnitude. When both input streams are the same tensor
 * (the first layer, p_0 = n_0 = x), each stream needs one product with W_pp − W_np instead of two, and the
 * two pathways into a stream share one gradient with opposite signs. An optional average pool follows φ.
 *
 * With `rmsNorm`, φ takes the pre-activations of both streams divided by one rms per sample, taken over all
 * of the sample's p and n units together (K = 2H; ./rms_norm.ts for the Jacobian and ED's factor):
 *
 *   Z_p, Z_n = the bracketed sums above,   r = sqrt( (Σ Z_p² + Σ Z_n²) / K + ε )
 *   p_l = φ( Z_p / r )                     n_l = φ( Z_n / r )
 *
 * Drives stay at Z_p, Z_n, so the gradient table of `gradients` holds with or without it.
 *
 * @module
 */
import type { Activation, Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Layer, LayerCache, Param, Streams } from "./layer.ts";
import { type DaleanInit, daleanInit, moduloIndex } from "./init.ts";
import { AvgPool, type ConvBiasReduction, ConvMap, DenseMap, type LinearMap } from "./linear_map.ts";
import { normalize, type NormJacobian, throughNorm } from "./rms_norm.ts";

/** Options of {@link DualStreamLayer} (and of {@link DualDense} / {@link DualConv2d}). */
export interface DualStreamOptions {
  /** φ of both streams. */
  activation: Activation;
  /** Scale of the same-stream (excitatory) pathways W_pp, W_nn relative to `init`/√fan_in. */
  excitatoryScale: number;
  /** Scale of the cross-stream (inhibitory) pathways W_np, W_pn. */
  inhibitoryScale: number;
  /** Initialisation seed (each weight tensor uses its own Philox counter range). */
  seed: number;
  /** Number of classes the error router cycles through. */
  classes: number;
  /** Average-pool window after the activation (conv layers); 1 or absent: none. */
  pool?: number;
  /** RMS-normalise the pre-activations (p and n together, per sample) before φ. Default off. */
  rmsNorm?: boolean;
  /** Distribution of the initial weights (./init.ts): U[0, 1) (default) or |N(0, 1)|. */
  init?: DaleanInit;
}

/**
 * A dual-stream layer over any linear map (dense or convolution); use {@link DualDense} or {@link DualConv2d}.
 * Its parameters are `w_pp, w_np, w_nn, w_pn` (Dalean) and `b_p, b_n`.
 */
export class DualStreamLayer implements Layer {
  /** Always true. */
  readonly dualStream = true;
  readonly units: number;
  readonly activation: Activation;
  readonly rmsNorm: boolean;
  readonly params: Param[];
  readonly #routeIndex: Tensor;
  readonly #pool: AvgPool | null;

  /** Initialises the weights U[0, scale/√fan_in) and zero biases on `backend`. */
  constructor(
    backend: Backend,
    /** Layer kind for messages (`dual-dense`, `dual-conv2d`). */
    readonly kind: string,
    /** The linear map ∘ of the equations above. */
    readonly map: LinearMap,
    o: DualStreamOptions,
  ) {
    this.units = map.units;
    this.activation = o.activation;
    this.rmsNorm = o.rmsNorm ?? false;
    const bound = 1 / Math.sqrt(map.fanIn);
    const weight = (name: string, k: number, s: number): Param => ({
      name,
      value: daleanInit(backend, o.init ?? "uniform", map.weightShape, s * bound, o.seed, k),
      dalean: true,
    });
    this.params = [
      weight("w_pp", 0, o.excitatoryScale),
      weight("w_np", 1, o.inhibitoryScale),
      weight("w_nn", 2, o.excitatoryScale),
      weight("w_pn", 3, o.inhibitoryScale),
      { name: "b_p", value: ops.zeros(backend, [map.units]), dalean: false },
      { name: "b_n", value: ops.zeros(backend, [map.units]), dalean: false },
    ];
    this.#routeIndex = moduloIndex(backend, map.units, o.classes);
    this.#pool = (o.pool ?? 1) > 1 ? new AvgPool(backend, o.pool!) : null;
  }

  /** The six parameter tensors by role. */
  get weights(): { pp: Tensor; np: Tensor; nn: Tensor; pn: Tensor; bp: Tensor; bn: Tensor } {
    const [pp, np, nn, pn, bp, bn] = this.params.map((p) => p.value);
    return { pp, np, nn, pn, bp, bn };
  }

  forward(input: Streams): LayerCache {
    const w = this.weights, owned: Tensor[] = [];
    const p = fitInput(this.map, input.p, owned);
    const n = input.n === undefined || input.n === input.p ? p : fitInput(this.map, input.n, owned);
    let zp: Tensor, zn: Tensor;
    if (p === n) {
      zp = this.#sharedInputProduct(p, w.pp, w.np, w.bp);
      zn = this.#sharedInputProduct(p, w.nn, w.pn, w.bn);
    } else {
      zp = this.#twoPathways(p, w.pp, n, w.np, w.bp);
      zn = this.#twoPathways(n, w.nn, p, w.pn, w.bn);
    }
    if (!this.rmsNorm) {
      return { input: { p, n }, pre: { p: zp, n: zn }, out: { p: this.#fire(zp), n: this.#fire(zn) }, owned };
    }
    const { pre, rms } = normalize({ p: zp, n: zn });
    return { input: { p, n }, pre, rms, out: { p: this.#fire(pre.p), n: this.#fire(pre.n!) }, owned };
  }

  throughNorm(cache: LayerCache, drive: Streams, jacobian: NormJacobian): Streams {
    return throughNorm(cache, drive, jacobian);
  }

  #fire(z: Tensor): Tensor {
    const a = ops.activation(this.activation, z);
    if (!this.#pool) return a;
    using rate = a;
    return this.#pool.forward(rate);
  }

  /** x∘W_same − x∘W_cross + b computed as x∘(W_same − W_cross) + b. */
  #sharedInputProduct(x: Tensor, same: Tensor, cross: Tensor, bias: Tensor): Tensor {
    using diff = ops.sub(same, cross);
    return this.map.forward(x, diff, bias);
  }

  #twoPathways(same: Tensor, wSame: Tensor, cross: Tensor, wCross: Tensor, bias: Tensor): Tensor {
    using excite = this.map.forward(same, wSame, bias);
    using inhibit = this.map.forward(cross, wCross);
    return ops.sub(excite, inhibit);
  }

  /**
   * Descent directions for the six parameters, −(1/B)·(signed presynaptic activity ⋆ drive):
   *   W_pp: −A_p⋆U_p   W_np: +A_n⋆U_p   W_nn: −A_n⋆U_n   W_pn: +A_p⋆U_n   b_p: −ΣU_p   b_n: −ΣU_n
   * (ascending the drive, ΔW_pp = +A_p⋆U_p, ΔW_np = −A_n⋆U_p, ... as in the paper's ED rule).
   */
  gradients(cache: LayerCache, drive: Streams): Grad[] {
    const ap = cache.input.p, an = cache.input.n ?? ap;
    const up = drive.p, un = drive.n!;
    const inv = -1 / up.shape[0];
    const biasP = this.map.biasGrad(up, inv), biasN = this.map.biasGrad(un, inv);
    if (ap === an) {
      const gp = this.map.weightGrad(ap, up, inv);
      const gn = this.map.weightGrad(ap, un, inv);
      return [
        { tensor: gp, sign: 1 },
        { tensor: gp, sign: -1 },
        { tensor: gn, sign: 1 },
        { tensor: gn, sign: -1 },
        { tensor: biasP, sign: 1 },
        { tensor: biasN, sign: 1 },
      ];
    }
    return [
      { tensor: this.map.weightGrad(ap, up, inv), sign: 1 },
      { tensor: this.map.weightGrad(an, up, -inv), sign: 1 },
      { tensor: this.map.weightGrad(an, un, inv), sign: 1 },
      { tensor: this.map.weightGrad(ap, un, -inv), sign: 1 },
      { tensor: biasP, sign: 1 },
      { tensor: biasN, sign: 1 },
    ];
  }

  /** At the inputs: p: U_p∘W_ppᵀ − U_n∘W_pnᵀ, n: U_n∘W_nnᵀ − U_p∘W_npᵀ (backprop only). */
  backward(cache: LayerCache, drive: Streams): Streams {
    const w = this.weights, up = drive.p, un = drive.n!, shape = cache.input.p.shape;
    using pp = this.map.inputGrad(up, w.pp, shape);
    using pn = this.map.inputGrad(un, w.pn, shape);
    using nn = this.map.inputGrad(un, w.nn, shape);
    using np = this.map.inputGrad(up, w.np, shape);
    return { p: ops.sub(pp, pn), n: ops.sub(nn, np) };
  }

  outputToPre(cache: LayerCache, signal: Tensor): Tensor {
    return outputToPre(this.#pool, cache.pre.p.shape, signal);
  }

  dispose(): void {
    this.#routeIndex.dispose();
    this.#pool?.dispose();
  }

  route(signal: Tensor): Tensor {
    using routed = ops.gather(signal, this.#routeIndex, 1);
    return this.spread(routed);
  }

  spread(signal: Tensor): Tensor {
    return signal.reshape(this.map.broadcastShape(signal.shape[0]));
  }
}

/** Flattens image activations for a dense map (keeping the alias in `owned` for disposal). */
export function fitInput(map: LinearMap, x: Tensor, owned: Tensor[]): Tensor {
  if (map instanceof DenseMap && x.rank !== 2) {
    const flat = x.reshape([x.shape[0], -1]);
    owned.push(flat);
    return flat;
  }
  return x;
}

/** A signal at a layer's output (pooled, or flattened by the layer above) at its pre-activation shape. */
export function outputToPre(pool: AvgPool | null, preShape: readonly number[], signal: Tensor): Tensor {
  if (!pool) return signal.reshape(preShape);
  const [n, c, h, w] = preShape;
  using pooled = signal.reshape([n, c, Math.floor(h / pool.size), Math.floor(w / pool.size)]);
  return pool.backward(pooled, preShape);
}

/**
 * Dual-stream dense layer.
 *
 * @example
 * ```ts
 * import { createBackend, DualDense, ops } from "@diffusing-blame/ed";
 * const backend = await createBackend("cpu");
 * const layer = new DualDense(backend, {
 *   inputs: 4, units: 6, classes: 3, seed: 0,
 *   activation: { kind: "sigmoid", width: 2 }, excitatoryScale: 1, inhibitoryScale: 1,
 * });
 * const x = ops.tensor(backend, new Float32Array(2 * 4).fill(0.5), [2, 4]);
 * const cache = layer.forward({ p: x, n: x }); // cache.out.p, cache.out.n: [2, 6]
 * console.log(cache.out.p.shape, cache.out.n!.shape);
 * ```
 */
export class DualDense extends DualStreamLayer {
  /** A layer of `units` p and `units` n units on `inputs` inputs per stream. */
  constructor(backend: Backend, o: DualStreamOptions & { inputs: number; units: number }) {
    super(backend, "dual-dense", new DenseMap(o.inputs, o.units), o);
  }
}

/** Dual-stream convolutional layer: four non-negative kernels per layer, NCHW. */
export class DualConv2d extends DualStreamLayer {
  /** `input` is [channels, height, width] of one sample; `channels` output channels of `kernel`² kernels. */
  constructor(
    backend: Backend,
    o: DualStreamOptions & {
      input: [number, number, number];
      channels: number;
      kernel: number;
      stride: number;
      padding: number;
      biasReduction?: ConvBiasReduction;
    },
  ) {
    super(backend, "dual-conv2d", new ConvMap(o), o);
  }
}
