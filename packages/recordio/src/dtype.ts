/**
 * Element types accepted by the matrix encoders and how they map to the three tensor types,
 * mirroring the SageMaker Python SDK's `_resolve_type`.
 * @packageDocumentation
 */
import { RecordIOError } from "./errors.js";
import type { TensorType } from "./record.js";

/**
 * Element type names for plain-array input, in numpy's terms.
 * `float32` → `Float32Tensor`, `float64` → `Float64Tensor`, `int64` (numpy's default int) → `Int32Tensor`
 * with values checked against the int32 range, as the SDK does. `int32` is an extension the SDK
 * rejects; it writes the same bytes `int64` would for the same values.
 * @public
 */
export type Dtype = "float32" | "float64" | "int64" | "int32";

/** Typed arrays the encoders accept for matrix or label data. @public */
export type NumericArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** Name of a JavaScript array's element type, as numpy would call it. @internal */
export function dtypeName(data: unknown): string {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "uint8";
  return "object";
}

/** Tensor type for a typed array, or an `UNSUPPORTED_DTYPE` error. @internal */
export function tensorTypeOf(data: unknown): TensorType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array || data instanceof BigInt64Array) return "int32";
  throw unsupported(dtypeName(data));
}

/** @internal */
export function unsupported(name: string): RecordIOError {
  return new RecordIOError("UNSUPPORTED_DTYPE", `Unsupported dtype ${name} on array`);
}

/** @internal */
export function outOfRange(value: number | bigint, record?: number): RecordIOError {
  return new RecordIOError("VALUE_OUT_OF_RANGE", `Value out of range: ${value}`, record === undefined ? {} : { record });
}

/** Name of a plain JavaScript value's type, in numpy's terms, for error messages. @internal */
export function scalarKind(v: unknown): string {
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (typeof v === "bigint") return "int64";
  return "object";
}

/**
 * Converts plain numbers to the typed array for `dtype`, checking element types and ranges.
 * @internal
 */
export function fromPlain(values: ArrayLike<unknown>, dtype: Dtype): Float32Array | Float64Array | Int32Array {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") throw unsupported(scalarKind(v));
  }
  const nums = values as ArrayLike<number>;
  switch (dtype) {
    case "float32":
      return Float32Array.from(nums);
    case "float64":
      return Float64Array.from(nums);
    case "int64":
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = nums[i]!;
        if (!Number.isInteger(v)) throw new RecordIOError("INVALID_ARGUMENT", `non-integer value ${v} for dtype ${dtype}`);
        if (v < -2147483648 || v > 2147483647) throw outOfRange(v);
        out[i] = v;
      }
      return out;
    }
    default:
      throw unsupported(String(dtype));
  }
}

/**
 * Turns int64 input into int32 values, raising `VALUE_OUT_OF_RANGE` at the first value outside int32
 * (with the record index, so a streaming writer can stop where the SDK stops).
 * @internal
 */
export function int64ToInt32(data: BigInt64Array, cols: number): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -2147483648n || v > 2147483647n) throw outOfRange(v, cols > 0 ? Math.floor(i / cols) : 0);
    out[i] = Number(v);
  }
  return out;
}
