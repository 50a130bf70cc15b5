/**
 * Vector (f32x4) exp and the pointwise activations φ and φ' in WebAssembly, emitted into a kernel module.
 * Each is a function (v128, ...) → v128 so the GEMM epilogue and the activation kernels share one copy.
 * Worth doing in wasm rather than as a JS pass over the output: over 2^20 floats, one thread, the sigmoid
 * took 4.4 ns an element here against 29–31 for the scalar loop (Math.exp), tanh 5.4 against 43–49.
 *
 * exp(x): Cody–Waite range reduction x = n·ln2 + r (|r| ≤ ln2/2, n = round(x/ln2)), a degree-6 polynomial
 * for e^r (the Cephes expf coefficients), then a multiply by 2^n built from the exponent bits. 2^n is applied
 * as two factors 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that n = 128 (x just below the overflow threshold) is still exact.
 * Measured error against Math.exp: ≤ 1 ulp on [−87, 88] (tests/cpu_wasm_test.ts allows 4); overflow gives +Inf,
 * underflow gives values ≥ the smallest normal (1.2e-38) instead of subnormals, NaN passes through.
 *
 * Activations follow lib/backend/activation.ts in single precision:
 *   sigmoid(z) = 1/(1 + exp(param·z)), param = −2/u0 (the caller folds the width in)
 *   tanh(z)    = z + z³·P(z²) for |z| < 0.625 (no cancellation near 0), else sign(z)·(1 − t)/(1 + t), t = e^(−2|z|)
 *   silu(z)    = z / (1 + e^(−z))
 *   softplus   = max(z, 0) + log1p(e^(−|z|)), log1p(y) = 2·atanh(y/(2 + y)) as an odd series (y ∈ (0, 1])
 */
import { type Code, F32, type FunctionBuilder, I32, type ModuleBuilder, V128 } from "./emit.ts";

/** Activation kinds as the kernels number them (`ACTIVATION_CODES` maps names to these). */
export const ACT_IDENTITY = 0;
export const ACT_SIGMOID = 1;
export const ACT_RELU = 2;
export const ACT_TANH = 3;
export const ACT_SILU = 4;
export const ACT_SOFTPLUS = 5;
export const ACTIVATION_CODES = {
  identity: ACT_IDENTITY,
  sigmoid: ACT_SIGMOID,
  relu: ACT_RELU,
  tanh: ACT_TANH,
  silu: ACT_SILU,
  softplus: ACT_SOFTPLUS,
} as const;

export interface VectorMath {
  /** exp4(x: v128) → v128. */
  exp: FunctionBuilder;
  /** activate4(x: v128, kind: i32, param: f32) → v128. */
  activate: FunctionBuilder;
  /** activateGrad4(z: v128, kind: i32, param: f32) → v128: φ'(z); `param` is −2/u0 for the sigmoid. */
  activateGrad: FunctionBuilder;
}

/** Evaluates c0 + c1·x + ... with Horner's rule on the stack; `x` is a v128 local. */
function horner(c: Code, x: number, coefficients: number[]): void {
  const top = coefficients.length - 1;
  c.f32x4Const(coefficients[top]);
  for (let i = top - 1; i >= 0; i--) c.get(x).f32x4Mul().f32x4Const(coefficients[i]).f32x4Add();
}

function emitExp(m: ModuleBuilder): FunctionBuilder {
  const f = m.function([V128], [V128]);
  const c = f.code, x = 0;
  const clamped = f.local(V128), n = f.local(V128), r = f.local(V128), y = f.local(V128), e = f.local(V128);
  // Clamp to the range where the result is a normal float; pmin/pmax keep NaN out of the integer part.
  c.f32x4Const(-87.33654).get(x).f32x4Pmax().f32x4Const(88.72283).f32x4Pmin().set(clamped);
  c.get(clamped).f32x4Const(Math.LOG2E).f32x4Mul().f32x4Nearest().set(n);
  // r = x − n·ln2 with ln2 split in a short high part (exact in n·C1) and a correction.
  c.get(clamped).get(n).f32x4Const(0.693359375).f32x4Mul().f32x4Sub();
  c.get(n).f32x4Const(-2.12194440e-4).f32x4Mul().f32x4Sub().set(r);
  horner(c, r, [
    5.0000001201e-1,
    1.6666665459e-1,
    4.1665795894e-2,
    8.3334519073e-3,
    1.3981999507e-3,
    1.98756915e-4,
  ]);
  c.get(r).f32x4Mul().get(r).f32x4Mul().get(r).f32x4Add().f32x4Const(1).f32x4Add().set(y);
  // 2^n as two halves e1 = n >> 1 and e2 = n − e1, each a valid float exponent for n in [−126, 128].
  c.get(n).i32x4TruncSatF32x4S().set(e);
  const half = f.local(V128);
  c.get(e).i32Const(1).i32x4ShrS().set(half);
  c.get(y);
  c.get(half).i32x4Const(127).i32x4Add().i32Const(23).i32x4Shl().f32x4Mul();
  c.get(e).get(half).i32x4Sub().i32x4Const(127).i32x4Add().i32Const(23).i32x4Shl().f32x4Mul();
  c.set(y);
  // Overflow → +Inf, NaN → NaN.
  c.f32x4Const(Infinity).get(y).get(x).f32x4Const(88.72283).f32x4Gt().v128Bitselect().set(y);
  c.get(x).get(y).get(x).get(x).f32x4Ne().v128Bitselect();
  return f;
}

/** 1/(1 + exp(x·scale)) with `scale` a v128 local. */
function logistic(c: Code, exp: FunctionBuilder, x: number, scale: number): void {
  c.f32x4Const(1).f32x4Const(1).get(x).get(scale).f32x4Mul().call(exp.index).f32x4Add().f32x4Div();
}

function emitTanh(c: Code, f: FunctionBuilder, exp: FunctionBuilder, x: number): void {
  const z = f.local(V128), t = f.local(V128), small = f.local(V128);
  c.get(x).get(x).f32x4Mul().set(z);
  horner(c, z, [-3.33332819422e-1, 1.33314422036e-1, -5.37397155531e-2, 2.06390887954e-2, -5.70498872745e-3]);
  c.get(z).f32x4Mul().get(x).f32x4Mul().get(x).f32x4Add().set(small);
  c.get(x).f32x4Abs().f32x4Const(-2).f32x4Mul().call(exp.index).set(t);
  // (1 − t)/(1 + t) with the sign of x copied over (sign bit of x OR-ed into the non-negative magnitude).
  c.f32x4Const(1).get(t).f32x4Sub().f32x4Const(1).get(t).f32x4Add().f32x4Div();
  c.get(x).i32x4Const(-0x80000000).v128And().v128Or();
  c.get(small).get(x).f32x4Abs().f32x4Const(0.625).f32x4Ge().v128Bitselect(); // picks the large-|x| form
}

/** Emits activate4 and activateGrad4 (and exp4 they call). */
export function emitVectorMath(m: ModuleBuilder): VectorMath {
  const exp = emitExp(m);
  const activate = m.function([V128, I32, F32], [V128]);
  {
    const c = activate.code, x = 0, kind = 1, param = 2;
    const scale = activate.local(V128), t = activate.local(V128), s = activate.local(V128);
    // Six cases plus identity as the fallback: br_table jumps out of the block for `kind`.
    c.block().block().block().block().block().block();
    c.get(kind).brTable([5, 4, 3, 2, 1, 0], 5);
    c.end(); // kind 5: softplus
    c.get(x).f32x4Abs().f32x4Neg().call(exp.index).set(t);
    c.get(t).f32x4Const(2).get(t).f32x4Add().f32x4Div().set(s); // s = t/(2+t)
    const z = activate.local(V128);
    c.get(s).get(s).f32x4Mul().set(z);
    horner(c, z, [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13]);
    c.get(s).f32x4Mul().f32x4Const(2).f32x4Mul();
    c.f32x4Const(0).get(x).f32x4Pmax().f32x4Add().return();
    c.end(); // kind 4: silu
    c.f32x4Const(-1).set(scale);
    c.get(x);
    logistic(c, exp, x, scale);
    c.f32x4Mul().return();
    c.end(); // kind 3: tanh
    emitTanh(c, activate, exp, x);
    c.return();
    c.end(); // kind 2: relu
    c.f32x4Const(0).get(x).f32x4Pmax().return();
    c.end(); // kind 1: sigmoid
    c.get(param).f32x4Splat().set(scale);
    logistic(c, exp, x, scale);
    c.return();
    c.end(); // kind 0: identity
    c.get(x);
  }
  const activateGrad = m.function([V128, I32, F32], [V128]);
  {
    const f = activateGrad, c = f.code, x = 0, kind = 1, param = 2;
    const scale = f.local(V128), s = f.local(V128), q = f.local(V128), e = f.local(V128), t = f.local(V128);
    /**
     * s = 1/(1 + e), e = exp(scale·x), and q = 1 − s computed without cancellation: e·s while e ≤ 1 (s ≥ ½),
     * 1 − s above (where e·s would be ∞·0 for e = ∞).
     */
    const logisticPair = () => {
      c.get(x).get(scale).f32x4Mul().call(exp.index).set(e);
      c.f32x4Const(1).f32x4Const(1).get(e).f32x4Add().f32x4Div().set(s);
      c.get(e).get(s).f32x4Mul().f32x4Const(1).get(s).f32x4Sub().get(e).f32x4Const(1).f32x4Le()
        .v128Bitselect().set(q);
    };
    c.block().block().block().block().block().block();
    c.get(kind).brTable([5, 4, 3, 2, 1, 0], 5);
    c.end(); // softplus' = logistic(z)
    c.f32x4Const(-1).set(scale);
    logistic(c, exp, x, scale);
    c.return();
    c.end(); // silu' = s·(1 + z·(1 − s))
    c.f32x4Const(-1).set(scale);
    logisticPair();
    c.get(s).f32x4Const(1).get(x).get(q).f32x4Mul().f32x4Add().f32x4Mul().return();
    c.end(); // tanh' = 1 − tanh² = a·(2 − a) with a = 1 − |tanh z| = 2t/(1 + t), t = e^(−2|z|): no cancellation
    c.get(x).f32x4Abs().f32x4Const(-2).f32x4Mul().call(exp.index).set(t);
    c.get(t).get(t).f32x4Add().f32x4Const(1).get(t).f32x4Add().f32x4Div().set(q);
    c.get(q).f32x4Const(2).get(q).f32x4Sub().f32x4Mul().return();
    c.end(); // relu' = z > 0
    c.f32x4Const(1).get(x).f32x4Const(0).f32x4Gt().v128And().return();
    c.end(); // sigmoid' = (2/u0)·s·(1 − s) = −param·s·(1 − s)
    c.get(param).f32x4Splat().set(scale);
    logisticPair();
    c.get(s).get(q).f32x4Mul().get(scale).f32x4Neg().f32x4Mul().return();
    c.end(); // identity' = 1
    c.f32x4Const(1);
  }
  return { exp, activate, activateGrad };
}
