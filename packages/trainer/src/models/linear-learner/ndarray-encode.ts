import { ModelError } from "../../errors.js";
import { DTYPES, DTYPE_SIZE, NDARRAY_LIST_MAGIC, NDARRAY_MAGIC, product } from "./ndarray-format.js";
import type { NDArrayVersion } from "./ndarray-format.js";

/** Element types {@link encodeNDArrayList} writes. @public */
export type NDArrayWriteDtype = "float32" | "float64" | "int32" | "int64" | "uint8" | "int8";

/** One array to write with {@link encodeNDArrayList}. @public */
export interface NDArrayInput {
  /** Name, e.g. `arg:fc0_weight`. */
  name: string;
  /** Logical shape (at least one dimension). */
  shape: readonly number[];
  /** Values in row-major order; `product(shape)` of them. */
  values: ArrayLike<number>;
  /**
   * Element type to store.
   * @defaultValue "float32"
   */
  dtype?: NDArrayWriteDtype;
}

/** Options of {@link encodeNDArrayList}. @public */
export interface EncodeNDArrayOptions {
  /**
   * Record layout; MXNet 1.x writes `V2`, which is what SageMaker's Linear Learner produces.
   * @defaultValue "V2"
   */
  version?: NDArrayVersion;
}

/** A little-endian writer into a buffer sized up front. */
class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  i32(v: number): void {
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }
  u64(v: number): void {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
  }
  raw(b: Uint8Array): void {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
  value(dtype: NDArrayWriteDtype, v: number): void {
    const o = this.pos;
    if (dtype === "float32") this.view.setFloat32(o, v, true);
    else if (dtype === "float64") this.view.setFloat64(o, v, true);
    else if (dtype === "int32") this.view.setInt32(o, v, true);
    else if (dtype === "int64") this.view.setBigInt64(o, BigInt(Math.trunc(v)), true);
    else if (dtype === "uint8") this.view.setUint8(o, v);
    else this.view.setInt8(o, v);
    this.pos += DTYPE_SIZE[dtype];
  }
}

function recordSize(a: NDArrayInput, version: NDArrayVersion): number {
  const header = version === "legacy" ? 4 + 4 * a.shape.length : 4 + (version === "V1" ? 0 : 4) + 4 + 8 * a.shape.length;
  return header + 12 + a.values.length * DTYPE_SIZE[a.dtype ?? "float32"];
}

/**
 * Encodes dense arrays as an MXNet NDArray list (the `.params` format), on CPU 0, the way
 * `mx.nd.save` writes them: list magic, reserved word, count, the records, then the names.
 *
 * @example
 * ```ts
 * const bytes = encodeNDArrayList([{ name: "arg:fc0_bias", shape: [1, 1], values: [0.5] }]);
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` when a shape does not match its values.
 * @public
 */
export function encodeNDArrayList(arrays: readonly NDArrayInput[], options: EncodeNDArrayOptions = {}): Uint8Array {
  const version = options.version ?? "V2";
  const enc = new TextEncoder();
  const names = arrays.map((a) => enc.encode(a.name));
  for (const a of arrays) {
    if (a.shape.length === 0 || a.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || product(a.shape) !== a.values.length) {
      throw new ModelError("INVALID_ARGUMENT", `array ${a.name.slice(0, 80)}: shape (${a.shape.join(", ").slice(0, 80)}) does not hold ${a.values.length} values`);
    }
  }
  const size = 24 + arrays.reduce((s, a) => s + recordSize(a, version), 0) + 8 + names.reduce((s, n) => s + 8 + n.length, 0);
  const w = new Writer(size);
  w.u64(NDARRAY_LIST_MAGIC);
  w.u64(0);
  w.u64(arrays.length);
  for (const a of arrays) {
    const dtype = a.dtype ?? "float32";
    if (version === "legacy") {
      w.i32(a.shape.length);
      for (const d of a.shape) w.i32(d);
    } else {
      w.i32(NDARRAY_MAGIC[version] | 0);
      if (version !== "V1") w.i32(0); // dense storage
      w.i32(a.shape.length);
      for (const d of a.shape) w.u64(d);
    }
    w.i32(1); // cpu
    w.i32(0); // device 0
    w.i32(DTYPES.indexOf(dtype));
    for (let i = 0; i < a.values.length; i++) w.value(dtype, a.values[i]!);
  }
  w.u64(arrays.length);
  for (const n of names) {
    w.u64(n.length);
    w.raw(n);
  }
  return w.bytes;
}
