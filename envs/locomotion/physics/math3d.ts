/**
 * 3-D vector and quaternion helpers on flat Float64Arrays with offsets (no allocation).
 * Quaternions are w-first `[w, x, y, z]`; 3x3 matrices are row-major.
 */

/** out[o..o+3] = rotation of v (at vo) by unit quaternion q (at qo). `out` may alias `v`. */
export function quatRotate(
  out: Float64Array,
  o: number,
  q: Float64Array,
  qo: number,
  v: Float64Array,
  vo: number,
): void {
  const w = q[qo], x = q[qo + 1], y = q[qo + 2], z = q[qo + 3];
  const vx = v[vo], vy = v[vo + 1], vz = v[vo + 2];
  // t = 2 * cross(q.xyz, v); v' = v + w t + cross(q.xyz, t)
  const tx = 2 * (y * vz - z * vy);
  const ty = 2 * (z * vx - x * vz);
  const tz = 2 * (x * vy - y * vx);
  out[o] = vx + w * tx + (y * tz - z * ty);
  out[o + 1] = vy + w * ty + (z * tx - x * tz);
  out[o + 2] = vz + w * tz + (x * ty - y * tx);
}

/** out = a * b (Hamilton product). `out` may alias either input. */
export function quatMul(
  out: Float64Array,
  o: number,
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
): void {
  const aw = a[ao], ax = a[ao + 1], ay = a[ao + 2], az = a[ao + 3];
  const bw = b[bo], bx = b[bo + 1], by = b[bo + 2], bz = b[bo + 3];
  out[o] = aw * bw - ax * bx - ay * by - az * bz;
  out[o + 1] = aw * bx + ax * bw + ay * bz - az * by;
  out[o + 2] = aw * by - ax * bz + ay * bw + az * bx;
  out[o + 3] = aw * bz + ax * by - ay * bx + az * bw;
}

/** Normalizes the quaternion at o in place; a zero quaternion becomes identity. */
export function quatNormalize(q: Float64Array, o: number): void {
  const w = q[o], x = q[o + 1], y = q[o + 2], z = q[o + 3];
  // Not Math.hypot: V8's builtin allocates on every call.
  const n = Math.sqrt(w * w + x * x + y * y + z * z);
  if (n < 1e-15) {
    q[o] = 1;
    q[o + 1] = q[o + 2] = q[o + 3] = 0;
    return;
  }
  q[o] = w / n;
  q[o + 1] = x / n;
  q[o + 2] = y / n;
  q[o + 3] = z / n;
}

/** out = quaternion rotating by `angle` about the unit axis (ax, ay, az). */
export function quatAxisAngle(
  out: Float64Array,
  o: number,
  ax: number,
  ay: number,
  az: number,
  angle: number,
): void {
  const s = Math.sin(angle / 2);
  out[o] = Math.cos(angle / 2);
  out[o + 1] = ax * s;
  out[o + 2] = ay * s;
  out[o + 3] = az * s;
}

/** out (3x3 row-major, at o) = rotation matrix of unit quaternion q. */
export function quatToMat(out: Float64Array, o: number, q: Float64Array, qo: number): void {
  const w = q[qo], x = q[qo + 1], y = q[qo + 2], z = q[qo + 3];
  out[o] = 1 - 2 * (y * y + z * z);
  out[o + 1] = 2 * (x * y - w * z);
  out[o + 2] = 2 * (x * z + w * y);
  out[o + 3] = 2 * (x * y + w * z);
  out[o + 4] = 1 - 2 * (x * x + z * z);
  out[o + 5] = 2 * (y * z - w * x);
  out[o + 6] = 2 * (x * z - w * y);
  out[o + 7] = 2 * (y * z + w * x);
  out[o + 8] = 1 - 2 * (x * x + y * y);
}

/** Minimal rotation taking +z to the unit vector (vx, vy, vz), as a fresh quaternion. */
export function quatZTo(vx: number, vy: number, vz: number): [number, number, number, number] {
  // q = normalize([1 + z·v, z × v])
  const cx = -vy, cy = vx;
  const w = 1 + vz;
  if (w < 1e-12) return [0, 1, 0, 0]; // v = -z: rotate pi about x
  const n = Math.hypot(w, cx, cy);
  return [w / n, cx / n, cy / n, 0];
}

/** Plain-array quaternion product for model compilation. */
export function qmul(a: readonly number[], b: readonly number[]): [number, number, number, number] {
  const o = new Float64Array(4);
  quatMul(o, 0, Float64Array.from(a), 0, Float64Array.from(b), 0);
  return [o[0], o[1], o[2], o[3]];
}

/** Plain-array rotation of v by quaternion q for model compilation. */
export function qrot(q: readonly number[], v: readonly number[]): [number, number, number] {
  const o = new Float64Array(3);
  quatRotate(o, 0, Float64Array.from(q), 0, Float64Array.from(v), 0);
  return [o[0], o[1], o[2]];
}

/** Plain-array rotation matrix (row-major) of quaternion q. */
export function qmat(q: readonly number[]): number[] {
  const o = new Float64Array(9);
  quatToMat(o, 0, Float64Array.from(q), 0);
  return Array.from(o);
}
