/**
 * Scalar reference loops for RMS normalisation over rows (see `Backend.rmsNorm`). Each row is the
 * concatenation of the same row of every part, K = parts · cols values:
 *
 *   rms = sqrt( (1/K) Σ_k x_k² + ε ),   y = x / rms
 *   exact backward:    dx = (dy − y · (1/K) Σ_k y_k dy_k) / rms
 *   diagonal backward: dx = dy · (1 − y²/K) / rms
 *
 * Sums accumulate in float64; rms is rounded to float32 first and then divides, as the stored value would.
 */

/** Writes the normalised rows of `xs` into `ys` and the per-row rms into `rms`. */
export function rmsNormRows(
  xs: Float32Array[],
  ys: Float32Array[],
  rms: Float32Array,
  rows: number,
  cols: number,
  eps: number,
): void {
  const k = xs.length * cols;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let total = 0;
    for (const x of xs) for (let j = 0; j < cols; j++) total += x[base + j] * x[base + j];
    const scale = Math.fround(Math.sqrt(total / k + eps));
    rms[r] = scale;
    xs.forEach((x, part) => {
      const y = ys[part];
      for (let j = 0; j < cols; j++) y[base + j] = x[base + j] / scale;
    });
  }
}

/** Writes dx per part from dy at the normalised values `ys` (exact, or the Jacobian's diagonal only). */
export function rmsNormBackwardRows(
  ys: Float32Array[],
  rms: Float32Array,
  dys: Float32Array[],
  dxs: Float32Array[],
  rows: number,
  cols: number,
  diagonal: boolean,
): void {
  const k = ys.length * cols;
  for (let r = 0; r < rows; r++) {
    const base = r * cols, scale = rms[r];
    let mean = 0;
    if (!diagonal) {
      for (let part = 0; part < ys.length; part++) {
        for (let j = 0; j < cols; j++) mean += ys[part][base + j] * dys[part][base + j];
      }
      mean /= k;
    }
    for (let part = 0; part < ys.length; part++) {
      const y = ys[part], dy = dys[part], dx = dxs[part];
      for (let j = 0; j < cols; j++) {
        const i = base + j;
        dx[i] = diagonal ? dy[i] * (1 - (y[i] * y[i]) / k) / scale : (dy[i] - y[i] * mean) / scale;
      }
    }
  }
}
