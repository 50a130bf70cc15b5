/**
 * Generalised advantage estimation (see `Backend.gae`, lib/rl/gae.ts): one thread per environment runs the
 * backward recursion over its T steps; the environments of a minibatch are independent. f32 throughout
 * (the cpu reference accumulates in f64), so results agree to a few ulps per step of the recursion.
 *
 *   δ_t   = (r_t + γ(1 − term_t) V_{t+1} − V_t)(1 − trunc_t)
 *   acc_t = δ_t + γ(1 − term_t)(1 − trunc_t) λ acc_{t+1},   vs_t = acc_t + V_t
 */
import type { GaeSettings } from "../../backend.ts";
import { BUILTINS, f32, grid1d, type Kernel } from "./common.ts";

/** Bindings: R, V [T·N], B [N], D, TR [T·N] (flags as f32), then outputs A, G (targets), M (mask) [T·N]. */
export function gaeKernel(steps: number, envs: number, o: GaeSettings): Kernel {
  const wg = 64, { grid, index } = grid1d(envs, wg);
  const advantage = o.kind === "gae" ? "acc" : "(R[k] + cont * nextTarget - V[k]) * keep";
  const inputs = ["R", "V", "B", "D", "TR"], outputs = ["A", "G", "M"];
  const code = `${
    [
      ...inputs.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<f32>;`),
      ...outputs.map((n, i) =>
        `@group(0) @binding(${inputs.length + i}) var<storage, read_write> ${n}: array<f32>;`
      ),
    ].join("\n")
  }
@compute @workgroup_size(${wg})
fn main(${BUILTINS}) {
  let i = ${index};
  if (i >= ${envs}u) { return; }
  var acc = 0.0;
  var nextValue = B[i];
  var nextTarget = B[i];
  for (var t = ${steps}; t > 0; t--) {
    let k = u32(t - 1) * ${envs}u + i;
    let trunc = select(0.0, 1.0, TR[k] != 0.0);
    let term = select(0.0, 1.0, D[k] != 0.0 && trunc == 0.0);
    let keep = 1.0 - trunc;
    let cont = ${f32(o.gamma)} * (1.0 - term);
    let delta = (R[k] + cont * nextValue - V[k]) * keep;
    acc = delta + cont * keep * ${f32(o.lambda)} * acc;
    let vs = acc + V[k];
    A[k] = ${advantage};
    G[k] = vs;
    M[k] = keep;
    nextValue = V[k];
    nextTarget = vs;
  }
}
`;
  return { label: `gae [${steps},${envs}]`, grid, code };
}
