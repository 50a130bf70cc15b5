/**
 * A small WebAssembly binary emitter: enough of the format to build the cpu backend's kernels at load time
 * from TypeScript (no build step, no binary in the repository). A `ModuleBuilder` collects function types,
 * one imported shared memory, functions and exports; a `Code` records one function body instruction by
 * instruction. Only the opcodes the kernels use are spelled out; the 0xFD-prefixed ones are fixed-width
 * SIMD (v128) and relaxed SIMD.
 *
 * Encoding follows the WebAssembly core specification, binary format chapter: unsigned/signed LEB128 for
 * integers, little-endian IEEE-754 for float immediates, sections as (id, byte length, payload).
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

/** Block type of a block/loop/if that leaves nothing on the stack. */
const EMPTY_BLOCK = 0x40;

export function unsignedLeb128(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`unsignedLeb128: ${value} is not an unsigned 32-bit integer`);
  }
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
}

export function signedLeb128(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 0xffffffff) {
    throw new Error(`signedLeb128: ${value} is not a 32-bit integer`);
  }
  value = value | 0; // values in [2^31, 2^32) are the same bits as their negative two's complement
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    // Done once the rest is all sign bits and the sign bit of this byte agrees with them.
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  unsignedLeb128(out, bytes.length);
  out.push(...bytes);
}

function vector(out: number[], items: number[][]): void {
  unsignedLeb128(out, items.length);
  for (const item of items) for (const b of item) out.push(b);
}

const f32Scratch = new DataView(new ArrayBuffer(8));

/**
 * One function body. Methods push instructions and return `this` so short sequences chain; structured
 * control (block/loop/if) is closed with `end()`. Memory instructions take a byte offset immediate, which
 * the kernels use to address neighbouring values from one base pointer.
 */
export class Code {
  readonly bytes: number[] = [];

  #op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  #simd(opcode: number): this {
    this.bytes.push(0xfd);
    unsignedLeb128(this.bytes, opcode);
    return this;
  }
  #mem(opcode: number, align: number, offset: number, simd = false): this {
    if (simd) this.#simd(opcode);
    else this.bytes.push(opcode);
    unsignedLeb128(this.bytes, align);
    unsignedLeb128(this.bytes, offset);
    return this;
  }

  // Control.
  block(): this {
    return this.#op(0x02, EMPTY_BLOCK);
  }
  loop(): this {
    return this.#op(0x03, EMPTY_BLOCK);
  }
  if(): this {
    return this.#op(0x04, EMPTY_BLOCK);
  }
  else(): this {
    return this.#op(0x05);
  }
  end(): this {
    return this.#op(0x0b);
  }
  br(depth: number): this {
    this.#op(0x0c);
    unsignedLeb128(this.bytes, depth);
    return this;
  }
  brIf(depth: number): this {
    this.#op(0x0d);
    unsignedLeb128(this.bytes, depth);
    return this;
  }
  /** br_table: branch to depths[index], or to `fallback` when the index is out of range. */
  brTable(depths: number[], fallback: number): this {
    this.#op(0x0e);
    unsignedLeb128(this.bytes, depths.length);
    for (const d of depths) unsignedLeb128(this.bytes, d);
    unsignedLeb128(this.bytes, fallback);
    return this;
  }
  return(): this {
    return this.#op(0x0f);
  }
  call(index: number): this {
    this.#op(0x10);
    unsignedLeb128(this.bytes, index);
    return this;
  }
  drop(): this {
    return this.#op(0x1a);
  }
  /** Picks the first or second operand by an i32 condition (numeric operands only). */
  select(): this {
    return this.#op(0x1b);
  }

  // Locals.
  get(local: number): this {
    this.#op(0x20);
    unsignedLeb128(this.bytes, local);
    return this;
  }
  set(local: number): this {
    this.#op(0x21);
    unsignedLeb128(this.bytes, local);
    return this;
  }
  tee(local: number): this {
    this.#op(0x22);
    unsignedLeb128(this.bytes, local);
    return this;
  }

  // Scalar memory (align is log2 of the natural alignment).
  i32Load(offset = 0): this {
    return this.#mem(0x28, 2, offset);
  }
  f32Load(offset = 0): this {
    return this.#mem(0x2a, 2, offset);
  }
  i32Store(offset = 0): this {
    return this.#mem(0x36, 2, offset);
  }
  f32Store(offset = 0): this {
    return this.#mem(0x38, 2, offset);
  }
  /** memory.fill (bulk memory): [dest, byte value, length]. */
  memoryFill(): this {
    return this.#op(0xfc, 0x0b, 0x00);
  }
  /** memory.copy (bulk memory): [dest, src, length]. */
  memoryCopy(): this {
    return this.#op(0xfc, 0x0a, 0x00, 0x00);
  }

  // Constants.
  i32Const(value: number): this {
    this.#op(0x41);
    signedLeb128(this.bytes, value);
    return this;
  }
  f32Const(value: number): this {
    f32Scratch.setFloat32(0, value, true);
    return this.#op(0x43, ...new Uint8Array(f32Scratch.buffer, 0, 4));
  }

  // i32 arithmetic and comparisons.
  i32Eqz(): this {
    return this.#op(0x45);
  }
  i32Eq(): this {
    return this.#op(0x46);
  }
  i32Ne(): this {
    return this.#op(0x47);
  }
  i32LtS(): this {
    return this.#op(0x48);
  }
  i32LtU(): this {
    return this.#op(0x49);
  }
  i32GtS(): this {
    return this.#op(0x4a);
  }
  i32GtU(): this {
    return this.#op(0x4b);
  }
  i32LeS(): this {
    return this.#op(0x4c);
  }
  i32GeS(): this {
    return this.#op(0x4e);
  }
  i32GeU(): this {
    return this.#op(0x4f);
  }
  i32Add(): this {
    return this.#op(0x6a);
  }
  i32Sub(): this {
    return this.#op(0x6b);
  }
  i32Mul(): this {
    return this.#op(0x6c);
  }
  i32DivU(): this {
    return this.#op(0x6e);
  }
  i32And(): this {
    return this.#op(0x71);
  }
  i32Or(): this {
    return this.#op(0x72);
  }
  i32Shl(): this {
    return this.#op(0x74);
  }
  i32ShrU(): this {
    return this.#op(0x76);
  }

  // f32 scalar arithmetic and comparisons.
  f32Eq(): this {
    return this.#op(0x5b);
  }
  f32Ne(): this {
    return this.#op(0x5c);
  }
  f32Lt(): this {
    return this.#op(0x5d);
  }
  f32Gt(): this {
    return this.#op(0x5e);
  }
  f32Le(): this {
    return this.#op(0x5f);
  }
  f32Ge(): this {
    return this.#op(0x60);
  }
  f32Abs(): this {
    return this.#op(0x8b);
  }
  f32Neg(): this {
    return this.#op(0x8c);
  }
  f32Sqrt(): this {
    return this.#op(0x91);
  }
  f32Add(): this {
    return this.#op(0x92);
  }
  f32Sub(): this {
    return this.#op(0x93);
  }
  f32Mul(): this {
    return this.#op(0x94);
  }
  f32Div(): this {
    return this.#op(0x95);
  }
  f32Min(): this {
    return this.#op(0x96);
  }
  f32Max(): this {
    return this.#op(0x97);
  }
  f32ConvertI32S(): this {
    return this.#op(0xb2);
  }

  // v128 memory.
  v128Load(offset = 0): this {
    return this.#mem(0x00, 4, offset, true);
  }
  v128Load32Splat(offset = 0): this {
    return this.#mem(0x09, 2, offset, true);
  }
  v128Store(offset = 0): this {
    return this.#mem(0x0b, 4, offset, true);
  }

  // v128 constants, splats, lanes.
  v128Const(bytes: Uint8Array): this {
    this.#simd(0x0c);
    this.bytes.push(...bytes);
    return this;
  }
  f32x4Const(a: number, b = a, c = a, d = a): this {
    return this.v128Const(new Uint8Array(Float32Array.of(a, b, c, d).buffer));
  }
  i32x4Const(a: number, b = a, c = a, d = a): this {
    return this.v128Const(new Uint8Array(Int32Array.of(a, b, c, d).buffer));
  }
  /** i8x16.shuffle of two vectors by 16 byte indices (0-15 first operand, 16-31 second). */
  i8x16Shuffle(lanes: number[]): this {
    if (lanes.length !== 16) throw new Error(`i8x16Shuffle: need 16 lane indices, got ${lanes.length}`);
    this.#simd(0x0d);
    this.bytes.push(...lanes);
    return this;
  }
  i32x4Splat(): this {
    return this.#simd(0x11);
  }
  f32x4Splat(): this {
    return this.#simd(0x13);
  }
  i32x4ExtractLane(lane: number): this {
    this.#simd(0x1b);
    this.bytes.push(lane);
    return this;
  }
  f32x4ExtractLane(lane: number): this {
    this.#simd(0x1f);
    this.bytes.push(lane);
    return this;
  }

  // v128 comparisons (lane masks) and bitwise ops.
  i32x4Eq(): this {
    return this.#simd(0x37);
  }
  i32x4LtS(): this {
    return this.#simd(0x39);
  }
  f32x4Eq(): this {
    return this.#simd(0x41);
  }
  f32x4Ne(): this {
    return this.#simd(0x42);
  }
  f32x4Lt(): this {
    return this.#simd(0x43);
  }
  f32x4Gt(): this {
    return this.#simd(0x44);
  }
  f32x4Le(): this {
    return this.#simd(0x45);
  }
  f32x4Ge(): this {
    return this.#simd(0x46);
  }
  v128And(): this {
    return this.#simd(0x4e);
  }
  /** a & ~b. */
  v128AndNot(): this {
    return this.#simd(0x4f);
  }
  v128Or(): this {
    return this.#simd(0x50);
  }
  v128Xor(): this {
    return this.#simd(0x51);
  }
  /** [a, b, mask] → (a & mask) | (b & ~mask). */
  v128Bitselect(): this {
    return this.#simd(0x52);
  }
  f32x4Nearest(): this {
    return this.#simd(0x6a);
  }

  // i32x4 arithmetic.
  /** [v128, i32 count] → lanes shifted left. */
  i32x4Shl(): this {
    return this.#simd(0xab);
  }
  /** [v128, i32 count] → lanes shifted right, sign-extending. */
  i32x4ShrS(): this {
    return this.#simd(0xac);
  }
  i32x4Add(): this {
    return this.#simd(0xae);
  }
  i32x4Sub(): this {
    return this.#simd(0xb1);
  }

  // f32x4 arithmetic.
  f32x4Abs(): this {
    return this.#simd(0xe0);
  }
  f32x4Neg(): this {
    return this.#simd(0xe1);
  }
  f32x4Sqrt(): this {
    return this.#simd(0xe3);
  }
  f32x4Add(): this {
    return this.#simd(0xe4);
  }
  f32x4Sub(): this {
    return this.#simd(0xe5);
  }
  f32x4Mul(): this {
    return this.#simd(0xe6);
  }
  f32x4Div(): this {
    return this.#simd(0xe7);
  }
  /** IEEE min: NaN if either is NaN. */
  f32x4Min(): this {
    return this.#simd(0xe8);
  }
  f32x4Max(): this {
    return this.#simd(0xe9);
  }
  /** Pseudo-min b < a ? b : a (one instruction on x86, unlike f32x4.min). */
  f32x4Pmin(): this {
    return this.#simd(0xea);
  }
  /** Pseudo-max a < b ? b : a. */
  f32x4Pmax(): this {
    return this.#simd(0xeb);
  }
  i32x4TruncSatF32x4S(): this {
    return this.#simd(0xf8);
  }
  f32x4ConvertI32x4S(): this {
    return this.#simd(0xfa);
  }
  /** Relaxed SIMD: [a, b, c] → a·b + c, fused or not as the hardware prefers (fixed per machine). */
  f32x4RelaxedMadd(): this {
    return this.#simd(0x105);
  }
}

interface FunctionDef {
  type: number;
  locals: ValType[];
  code: Code;
}

/**
 * A function under construction: parameters are locals 0..params.length−1, `local(type)` adds more.
 * Its index in the module is fixed when it is declared, so functions can call ones declared later.
 */
export class FunctionBuilder {
  readonly code = new Code();
  readonly locals: ValType[] = [];
  constructor(readonly index: number, readonly params: ValType[], readonly results: ValType[]) {}
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
}

export interface MemoryImport {
  module: string;
  field: string;
  initialPages: number;
  maximumPages: number;
  shared: boolean;
}

export class ModuleBuilder {
  #types: string[] = [];
  #functions: FunctionBuilder[] = [];
  #exports: { name: string; index: number }[] = [];
  #memory: MemoryImport | null = null;

  importMemory(m: MemoryImport): void {
    this.#memory = m;
  }

  function(params: ValType[], results: ValType[] = []): FunctionBuilder {
    const f = new FunctionBuilder(this.#functions.length, params, results);
    this.#functions.push(f);
    return f;
  }

  export(name: string, f: FunctionBuilder): void {
    this.#exports.push({ name, index: f.index });
  }

  #typeIndex(params: ValType[], results: ValType[]): number {
    const key = `${params.join(",")}:${results.join(",")}`;
    let i = this.#types.indexOf(key);
    if (i < 0) i = this.#types.push(key) - 1;
    return i;
  }

  build(): Uint8Array<ArrayBuffer> {
    const defs: FunctionDef[] = this.#functions.map((f) => ({
      type: this.#typeIndex(f.params, f.results),
      locals: f.locals,
      code: f.code,
    }));
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // "\0asm", version 1
    const section = (id: number, payload: number[]) => {
      out.push(id);
      unsignedLeb128(out, payload.length);
      for (const b of payload) out.push(b); // a spread of a large section would overflow the call stack
    };
    section(
      1,
      encodeVector(this.#types.map((key) => {
        const [params, results] = key.split(":").map((s) => s ? s.split(",").map(Number) : []);
        const t = [0x60];
        vector(t, params.map((p) => [p]));
        vector(t, results.map((r) => [r]));
        return t;
      })),
    );
    if (this.#memory) {
      const m = this.#memory, imp: number[] = [];
      name(imp, m.module);
      name(imp, m.field);
      imp.push(0x02, m.shared ? 0x03 : 0x01); // memory import; limits flag 3 = shared with maximum
      unsignedLeb128(imp, m.initialPages);
      unsignedLeb128(imp, m.maximumPages);
      section(2, encodeVector([imp]));
    }
    section(
      3,
      encodeVector(defs.map((d) => {
        const b: number[] = [];
        unsignedLeb128(b, d.type);
        return b;
      })),
    );
    section(
      7,
      encodeVector(this.#exports.map((e) => {
        const b: number[] = [];
        name(b, e.name);
        b.push(0x00); // function export
        unsignedLeb128(b, e.index);
        return b;
      })),
    );
    section(10, encodeVector(defs.map(encodeBody)));
    return new Uint8Array(out);
  }
}

function encodeVector(items: number[][]): number[] {
  const out: number[] = [];
  vector(out, items);
  return out;
}

/** A code-section entry: size, locals as (count, type) runs, the instructions, and the final `end`. */
function encodeBody(d: FunctionDef): number[] {
  const runs: [number, ValType][] = [];
  for (const t of d.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  const body: number[] = [];
  unsignedLeb128(body, runs.length);
  for (const [count, type] of runs) {
    unsignedLeb128(body, count);
    body.push(type);
  }
  for (const b of d.code.bytes) body.push(b);
  body.push(0x0b);
  const out: number[] = [];
  unsignedLeb128(out, body.length);
  for (const b of body) out.push(b);
  return out;
}
