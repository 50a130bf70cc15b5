/**
 * The scalar reference loop of generalised advantage estimation (see `Backend.gae` and lib/rl/gae.ts for
 * the equations) over a time-major rollout [T, N]: one backward pass per environment, accumulating in
 * float64 and storing float32.
 */
import type { GaeSettings } from "../backend.ts";

/** The rollout columns the recursion reads, each [T·N] (bootstrap [N]); a nonzero flag means set. */
export interface GaeColumns {
  rewards: ArrayLike<number>;
  values: ArrayLike<number>;
  bootstrap: ArrayLike<number>;
  dones: ArrayLike<number>;
  truncations: ArrayLike<number>;
}

/** Writes advantages, value targets and the truncation mask [T·N] of `input` into the three outputs. */
export function gaeColumns(
  input: GaeColumns,
  steps: number,
  envs: number,
  o: GaeSettings,
  out: { advantages: Float32Array; targets: Float32Array; mask: Float32Array },
): void {
  const { rewards, values, bootstrap, dones, truncations } = input, { gamma, lambda } = o;
  for (let i = 0; i < envs; i++) {
    let acc = 0, nextValue = bootstrap[i], nextTarget = bootstrap[i];
    for (let t = steps - 1; t >= 0; t--) {
      const k = t * envs + i;
      const trunc = truncations[k] ? 1 : 0;
      const term = dones[k] && !trunc ? 1 : 0;
      const keep = 1 - trunc, cont = gamma * (1 - term);
      const delta = (rewards[k] + cont * nextValue - values[k]) * keep;
      acc = delta + cont * keep * lambda * acc;
      const vs = acc + values[k];
      out.advantages[k] = o.kind === "gae" ? acc : (rewards[k] + cont * nextTarget - values[k]) * keep;
      out.targets[k] = vs;
      out.mask[k] = keep;
      nextValue = values[k];
      nextTarget = vs;
    }
  }
}
