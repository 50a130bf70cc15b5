/**
 * Shared pieces of the WGSL generators: the kernel description, grids split in 2-D past the 65535
 * workgroups-per-dimension limit, scalar parameters, literals and activation functions.
 */
import type { Activation } from "../../backend.ts";

/** A generated kernel: WGSL source (shapes baked in as constants) and its workgroup grid. */
export interface Kernel {
  code: string;
  grid: [number, number, number];
  label: string;
}

export const MAX_GROUPS = 65535;

/** Splits `groups` workgroups into a 2-D grid [x, y] with x·y ≥ groups and both ≤ 65535. */
export function splitGrid(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  const x = Math.ceil(groups / y);
  if (y > MAX_GROUPS) throw new Error(`webgpu: ${groups} workgroups exceed the device grid`);
  return [x, y, 1];
}

/** WGSL expression for the linear workgroup id of a grid made by `splitGrid` (needs `wid` builtin). */
export function linearGroup(grid: readonly number[]): string {
  return grid[1] > 1 ? `(wid.y * ${grid[0]}u + wid.x)` : "wid.x";
}

/** A 1-D kernel over `size` items with `wg` threads per workgroup: grid and the WGSL index expression. */
export function grid1d(size: number, wg = 256): { grid: [number, number, number]; index: string } {
  const grid = splitGrid(Math.ceil(size / wg));
  return { grid, index: `(${linearGroup(grid)} * ${wg}u + lid.x)` };
}

/** Entry-point builtins used by every kernel. */
export const BUILTINS =
  "@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32";

/** An f32 literal that WGSL parses to exactly `Math.fround(x)`. */
export function f32(x: number): string {
  const v = Math.fround(x);
  if (!Number.isFinite(v)) throw new Error(`webgpu: cannot bake non-finite constant ${x}`);
  const s = String(Math.abs(v));
  const lit = /[.e]/.test(s) ? `${s}f` : `${s}.0f`;
  return v < 0 || Object.is(v, -0) ? `(-${lit})` : lit;
}

/** Scalar kernel parameters packed as 16 words and read in WGSL as `pf(i)` (f32) or `pu(i)` (u32). */
export class Params {
  readonly words = new Uint32Array(16);
  #f = new Float32Array(this.words.buffer);
  #n = 0;
  f(x: number): this {
    this.#f[this.#n++] = x;
    return this;
  }
  u(x: number): this {
    this.words[this.#n++] = x >>> 0;
    return this;
  }
  get buffer(): ArrayBuffer {
    return this.words.buffer;
  }
}

/** Declares the parameter block at `binding` and its accessors. */
export function paramsDecl(binding: number): string {
  return `@group(0) @binding(${binding}) var<uniform> PRM: array<vec4u, 4>;
fn pu(i: u32) -> u32 { return PRM[i / 4u][i % 4u]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(PRM[i / 4u][i % 4u]); }`;
}

/** Numerically stable logistic σ(t), plus activation φ (`act`) and derivative φ' (`act_grad`). */
export function activationWgsl(a: Activation): string {
  const u0 = a.width ?? 2;
  const body = ((): [string, string] => {
    switch (a.kind) {
      case "identity":
        return ["return z;", "return 1.0;"];
      case "sigmoid": {
        const k = f32(2 / u0);
        return [`return sigm(${k} * z);`, `let s = sigm(${k} * z); return ${k} * s * (1.0 - s);`];
      }
      case "relu":
        return ["return max(z, 0.0);", "return select(0.0, 1.0, z > 0.0);"];
      case "tanh":
        // Clamped: some drivers evaluate tanh as a ratio of exponentials that overflows to NaN.
        return [
          "return tanh(clamp(z, -15.0, 15.0));",
          "let t = tanh(clamp(z, -15.0, 15.0)); return 1.0 - t * t;",
        ];
      case "silu":
        return ["return z * sigm(z);", "let s = sigm(z); return s * (1.0 + z * (1.0 - s));"];
      case "softplus":
        return ["return max(z, 0.0) + log(1.0 + exp(-abs(z)));", "return sigm(z);"];
    }
  })();
  return `fn sigm(t: f32) -> f32 {
  let e = exp(-abs(t));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), t >= 0.0);
}
fn act(z: f32) -> f32 { ${body[0]} }
fn act_grad(z: f32) -> f32 { ${body[1]} }`;
}

/** A stable string for an activation, for kernel labels. */
export const actKey = (a: Activation): string => a.kind === "sigmoid" ? `sigmoid(${a.width ?? 2})` : a.kind;
