/**
 * Dual-stream dense layer (Dale's principle): four non-negative weight matrices and free biases,
 *
 *   p_l = φ( p_{l−1} W_pp − n_{l−1} W_np + b_p )
 *   n_l = φ( n_{l−1} W_nn − p_{l−1} W_pn + b_n )
 *
 * The minus signs are structural, so every weight stays a non-negative magnitude. When both input streams
 * are the same tensor (the first layer, p_0 = n_0 = x), each stream needs one product with W_pp − W_np
 * instead of two, and the two pathways into a stream share one gradient with opposite signs.
 */
import type { Activation, Backend } from "../backend/backend.ts";
import * as ops from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { Grad, Layer, LayerCache, Param, Streams } from "./layer.ts";
import { moduloIndex, uniformInit } from "./init.ts";

export interface DualDenseOptions {
  inputs: number;
  units: number;
  activation: Activation;
  /** Scale of the same-stream (excitatory) pathways W_pp, W_nn relative to U[0,1)/√fan_in. */
  excitatoryScale: number;
  /** Scale of the cross-stream (inhibitory) pathways W_np, W_pn. */
  inhibitoryScale: number;
  seed: number;
  /** Number of classes the error router cycles through. */
  classes: number;
}

export class DualDense implements Layer {
  readonly kind = "dual-dense";
  readonly dualStream = true;
  readonly units: number;
  readonly activation: Activation;
  readonly params: Param[];
  readonly #routeIndex: Tensor;

  constructor(backend: Backend, o: DualDenseOptions) {
    this.units = o.units;
    this.activation = o.activation;
    const shape = [o.inputs, o.units], bound = 1 / Math.sqrt(o.inputs);
    const weight = (name: string, k: number, s: number): Param => ({
      name,
      value: uniformInit(backend, shape, s * bound, o.seed, k),
      dalean: true,
    });
    this.params = [
      weight("w_pp", 0, o.excitatoryScale),
      weight("w_np", 1, o.inhibitoryScale),
      weight("w_nn", 2, o.excitatoryScale),
      weight("w_pn", 3, o.inhibitoryScale),
      { name: "b_p", value: ops.zeros(backend, [o.units]), dalean: false },
      { name: "b_n", value: ops.zeros(backend, [o.units]), dalean: false },
    ];
    this.#routeIndex = moduloIndex(backend, o.units, o.classes);
  }

  get weights(): { pp: Tensor; np: Tensor; nn: Tensor; pn: Tensor; bp: Tensor; bn: Tensor } {
    const [pp, np, nn, pn, bp, bn] = this.params.map((p) => p.value);
    return { pp, np, nn, pn, bp, bn };
  }

  forward(input: Streams): LayerCache {
    const w = this.weights, p = input.p, n = input.n ?? input.p;
    let zp: Tensor, zn: Tensor;
    if (p === n) {
      zp = this.#sharedInputProduct(p, w.pp, w.np, w.bp);
      zn = this.#sharedInputProduct(p, w.nn, w.pn, w.bn);
    } else {
      zp = this.#twoPathways(p, w.pp, n, w.np, w.bp);
      zn = this.#twoPathways(n, w.nn, p, w.pn, w.bn);
    }
    const out = { p: ops.activation(this.activation, zp), n: ops.activation(this.activation, zn) };
    return { input: { p, n }, pre: { p: zp, n: zn }, out };
  }

  /** x·W_same − x·W_cross + b computed as x·(W_same − W_cross) + b. */
  #sharedInputProduct(x: Tensor, same: Tensor, cross: Tensor, bias: Tensor): Tensor {
    using diff = ops.sub(same, cross);
    return ops.matmul(x, diff, { bias });
  }

  #twoPathways(same: Tensor, wSame: Tensor, cross: Tensor, wCross: Tensor, bias: Tensor): Tensor {
    using excite = ops.matmul(same, wSame, { bias });
    using inhibit = ops.matmul(cross, wCross);
    return ops.sub(excite, inhibit);
  }

  /**
   * Descent directions for the six parameters, −(1/B)·(signed presynaptic activity)ᵀ · drive:
   *   W_pp: −A_pᵀU_p   W_np: +A_nᵀU_p   W_nn: −A_nᵀU_n   W_pn: +A_pᵀU_n   b_p: −ΣU_p   b_n: −ΣU_n
   * (ascending the drive, ΔW_pp = +A_pᵀU_p, ΔW_np = −A_nᵀU_p, ... as in the paper's ED rule).
   */
  gradients(cache: LayerCache, drive: Streams): Grad[] {
    const ap = cache.input.p, an = cache.input.n ?? ap;
    const up = drive.p, un = drive.n!;
    const inv = -1 / up.shape[0];
    const bp = ops.reduce("sum", up, 0), bn = ops.reduce("sum", un, 0);
    const biasP = ops.scale(bp, inv), biasN = ops.scale(bn, inv);
    bp.dispose(), bn.dispose();
    if (ap === an) {
      const gp = ops.matmul(ap, up, { transA: true, scale: inv });
      const gn = ops.matmul(ap, un, { transA: true, scale: inv });
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
      { tensor: ops.matmul(ap, up, { transA: true, scale: inv }), sign: 1 },
      { tensor: ops.matmul(an, up, { transA: true, scale: -inv }), sign: 1 },
      { tensor: ops.matmul(an, un, { transA: true, scale: inv }), sign: 1 },
      { tensor: ops.matmul(ap, un, { transA: true, scale: -inv }), sign: 1 },
      { tensor: biasP, sign: 1 },
      { tensor: biasN, sign: 1 },
    ];
  }

  /** dL/dp_{l−1} = U_p W_ppᵀ − U_n W_pnᵀ and dL/dn_{l−1} = U_n W_nnᵀ − U_p W_npᵀ, as drives (ascent). */
  backward(_cache: LayerCache, drive: Streams): Streams {
    const w = this.weights, up = drive.p, un = drive.n!;
    using pp = ops.matmul(up, w.pp, { transB: true });
    using pn = ops.matmul(un, w.pn, { transB: true });
    using nn = ops.matmul(un, w.nn, { transB: true });
    using np = ops.matmul(up, w.np, { transB: true });
    return { p: ops.sub(pp, pn), n: ops.sub(nn, np) };
  }

  route(signal: Tensor): Tensor {
    return ops.gather(signal, this.#routeIndex, 1);
  }
}
