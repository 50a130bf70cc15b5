/**
 * Spatial-algebra kernels on the 10-parameter COM-frame inertia `(m, h, Ixx, Iyy, Izz, Ixy, Ixz, Iyz)` with
 * `h = m * (com_link - com_tree)`, motion vectors `(angular, linear)` and force vectors `(torque, force)`.
 */

/** out = I * v: torque = I w + h x v, force = m v - h x w. */
export function inertiaMulMotion(
  out: Float64Array,
  oo: number,
  I: Float64Array,
  io: number,
  v: Float64Array,
  vo: number,
): void {
  const m = I[io], hx = I[io + 1], hy = I[io + 2], hz = I[io + 3];
  const ixx = I[io + 4], iyy = I[io + 5], izz = I[io + 6], ixy = I[io + 7], ixz = I[io + 8], iyz = I[io + 9];
  const wx = v[vo], wy = v[vo + 1], wz = v[vo + 2], lx = v[vo + 3], ly = v[vo + 4], lz = v[vo + 5];
  out[oo] = ixx * wx + ixy * wy + ixz * wz + (hy * lz - hz * ly);
  out[oo + 1] = ixy * wx + iyy * wy + iyz * wz + (hz * lx - hx * lz);
  out[oo + 2] = ixz * wx + iyz * wy + izz * wz + (hx * ly - hy * lx);
  out[oo + 3] = m * lx - (hy * wz - hz * wy);
  out[oo + 4] = m * ly - (hz * wx - hx * wz);
  out[oo + 5] = m * lz - (hx * wy - hy * wx);
}

/** out += crossForce(v, f) = (w x t + l x f, w x f) for motion v = (w, l) and force f = (t, f). */
export function addCrossForce(
  out: Float64Array,
  oo: number,
  v: Float64Array,
  vo: number,
  f: Float64Array,
  fo: number,
): void {
  const wx = v[vo], wy = v[vo + 1], wz = v[vo + 2], lx = v[vo + 3], ly = v[vo + 4], lz = v[vo + 5];
  const tx = f[fo], ty = f[fo + 1], tz = f[fo + 2], fx = f[fo + 3], fy = f[fo + 4], fz = f[fo + 5];
  out[oo] += wy * tz - wz * ty + ly * fz - lz * fy;
  out[oo + 1] += wz * tx - wx * tz + lz * fx - lx * fz;
  out[oo + 2] += wx * ty - wy * tx + lx * fy - ly * fx;
  out[oo + 3] += wy * fz - wz * fy;
  out[oo + 4] += wz * fx - wx * fz;
  out[oo + 5] += wx * fy - wy * fx;
}

/** Dot product of two 6-vectors at offsets. */
export function dot6(a: Float64Array, ao: number, b: Float64Array, bo: number): number {
  return a[ao] * b[bo] + a[ao + 1] * b[bo + 1] + a[ao + 2] * b[bo + 2] + a[ao + 3] * b[bo + 3] +
    a[ao + 4] * b[bo + 4] + a[ao + 5] * b[bo + 5];
}
