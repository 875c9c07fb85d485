/**
 * Byte layout of the records the matrix encoders write: one `features` (and optionally `label`) map
 * entry keyed `"values"`, holding one tensor. Shared by the dense and sparse encoders.
 * @packageDocumentation
 */
import type { TensorType } from "./record.js";
import { int32Size, varintSize, writeInt32, writeVarint } from "./wire/varint.js";

/** Features or labels ready for the writer: element type and raw words. @internal */
export interface Source {
  type: TensorType;
  /** float32: one word per value; float64: two words per value (little-endian order). */
  words: Uint32Array | undefined;
  /** int32 values. */
  ints: Int32Array | undefined;
}

/** Tag of the `Value` oneof field holding each tensor type (field 2, 3 or 7, length-delimited). @internal */
export const TENSOR_TAG: Record<TensorType, number> = { float32: 0x12, float64: 0x1a, int32: 0x3a };
/** Bytes per value of the fixed-width tensor types (int32 values are varints). @internal */
export const WIDTH: Record<TensorType, number> = { float32: 4, float64: 8, int32: 0 };

/** Map-entry key field: field 1, length 6, `"values"`. */
const VALUES_KEY = new Uint8Array([0x0a, 0x06, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x73]);

/** A zero-filled typed array for `n` values of `type`. @internal */
export function allocTensor(type: TensorType, n: number): Float32Array | Float64Array | Int32Array {
  return type === "float32" ? new Float32Array(n) : type === "float64" ? new Float64Array(n) : new Int32Array(n);
}

/** Bytes the packed encoding of values `start..start+n` of `src` takes (without the field header). @internal */
export function valuesLen(src: Source, start: number, n: number): number {
  if (src.type !== "int32") return n * WIDTH[src.type];
  let len = 0;
  for (let i = start; i < start + n; i++) len += int32Size(src.ints![i]!);
  return len;
}

/** Bytes a packed repeated field with `dataLen` bytes of data takes; an empty one is not written. @internal */
export function packedLen(dataLen: number): number {
  return dataLen > 0 ? 1 + varintSize(dataLen) + dataLen : 0;
}

/** Bytes a `features`/`label` map field takes when its tensor message is `tensorLen` bytes. @internal */
export function entrySize(tensorLen: number): number {
  const valueLen = 1 + varintSize(tensorLen) + tensorLen;
  const entryLen = 8 + 1 + varintSize(valueLen) + valueLen;
  return 1 + varintSize(entryLen) + entryLen;
}

/**
 * Writes a map field's header up to the start of its tensor's fields: field tag, entry length, key
 * `"values"`, `Value` header and tensor header. Returns the position after it.
 * @internal
 */
export function writeEntryStart(out: Uint8Array, pos: number, fieldTag: number, tensorTag: number, tensorLen: number): number {
  const valueLen = 1 + varintSize(tensorLen) + tensorLen;
  const entryLen = 8 + 1 + varintSize(valueLen) + valueLen;
  out[pos++] = fieldTag;
  pos = writeVarint(out, pos, entryLen);
  // byte stores: cheaper than a native set() call for 8 bytes on the per-row path
  for (let k = 0; k < VALUES_KEY.length; k++) out[pos++] = VALUES_KEY[k]!;
  out[pos++] = 0x12;
  pos = writeVarint(out, pos, valueLen);
  out[pos++] = tensorTag;
  return writeVarint(out, pos, tensorLen);
}

/** Writes the header of the packed `values` field (field 1) for `dataLen` bytes of data. @internal */
export function writePackedHeader(out: Uint8Array, pos: number, dataLen: number): number {
  out[pos++] = 0x0a;
  return writeVarint(out, pos, dataLen);
}

/**
 * Writes values `start..start+n` of `src` as the packed `values` field (`dataLen` from
 * {@link valuesLen}); nothing when `n` is 0. Returns the position after them.
 * @internal
 */
export function writeValues(out: Uint8Array, view: DataView, pos: number, src: Source, start: number, n: number, dataLen: number): number {
  if (n === 0) return pos;
  pos = writePackedHeader(out, pos, dataLen);
  if (src.type === "int32") {
    const ints = src.ints!;
    for (let i = start; i < start + n; i++) pos = writeInt32(out, pos, ints[i]!);
    return pos;
  }
  const words = src.words!;
  const wpv = WIDTH[src.type] / 4;
  const end = (start + n) * wpv;
  for (let w = start * wpv; w < end; w++, pos += 4) view.setUint32(pos, words[w]!, true);
  return pos;
}
