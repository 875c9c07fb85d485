/**
 * The `aialgs.data.Record` protobuf message (SageMaker's `record.proto`): typed model and codec.
 * @packageDocumentation
 */
import { RecordIOError } from "./errors.js";
import { ProtoReader, WireType } from "./wire/reader.js";
import { ProtoWriter } from "./wire/writer.js";

/** Element type of a numeric tensor: `Float32Tensor`, `Float64Tensor` or `Int32Tensor`. @public */
export type TensorType = "float32" | "float64" | "int32";

/** A `Float32Tensor`. @public */
export interface Float32Tensor {
  /** Discriminator. */
  readonly type: "float32";
  /** The stored values (dense: every element; sparse: one per key). */
  values: Float32Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape; sparse vectors carry their length here. */
  shape: number[];
}

/** A `Float64Tensor`. @public */
export interface Float64Tensor {
  /** Discriminator. */
  readonly type: "float64";
  /** The stored values. */
  values: Float64Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape. */
  shape: number[];
}

/** An `Int32Tensor`. @public */
export interface Int32Tensor {
  /** Discriminator. */
  readonly type: "int32";
  /** The stored values. */
  values: Int32Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape. */
  shape: number[];
}

/** A numeric tensor of any of the three element types. @public */
export type Tensor = Float32Tensor | Float64Tensor | Int32Tensor;

/** A `Bytes` value: opaque byte strings with an optional content type. @public */
export interface BytesValue {
  /** Discriminator. */
  readonly type: "bytes";
  /** The byte strings. */
  values: Uint8Array[];
  /** The declared content type, if any. */
  contentType: string | undefined;
}

/** A `Value` whose oneof is not set. @public */
export interface EmptyValue {
  /** Discriminator. */
  readonly type: "none";
}

/** One entry of a record's `features` or `label` map. @public */
export type Value = Tensor | BytesValue | EmptyValue;

/** A map of named values, as in `Record.features` and `Record.label`. @public */
export type ValueMap = Record<string, Value>;

/** A decoded `aialgs.data.Record`. @public */
export interface RecordIORecord {
  /** Feature map; vectors use the key `"values"`. */
  features: ValueMap;
  /** Label map; training labels use `"values"`, inference responses `"score"`, `"predicted_label"`, …. */
  label: ValueMap;
  /** Optional record identifier. */
  uid?: string;
  /** Optional free-text metadata. */
  metadata?: string;
  /** Optional per-record configuration (JSON). */
  configuration?: string;
}

/** Input accepted for a tensor by {@link encodeRecord}: plain arrays are converted by `type`. @public */
export interface TensorInput {
  /** Element type to write. */
  type: TensorType;
  /** Values; integers for `int32`. */
  values: ArrayLike<number>;
  /** Sparse column indices. @defaultValue [] */
  keys?: ArrayLike<number>;
  /** Shape. @defaultValue [] */
  shape?: ArrayLike<number>;
}

/** Input accepted for a record by {@link encodeRecord}. @public */
export interface RecordInput {
  /** Feature map. */
  features?: Record<string, TensorInput | BytesValue | EmptyValue>;
  /** Label map. */
  label?: Record<string, TensorInput | BytesValue | EmptyValue>;
  /** Optional record identifier. */
  uid?: string;
  /** Optional free-text metadata. */
  metadata?: string;
  /** Optional per-record configuration (JSON). */
  configuration?: string;
}

// ---------------------------------------------------------------------------------------------
// decoding

const utf8 = new TextDecoder("utf-8", { fatal: true });


function readString(r: ProtoReader): string {
  const end = r.lengthDelimited();
  const start = r.pos;
  r.pos = end;
  const buf = r.buf;
  if (end - start === 6 && buf[start] === 0x76 && buf[start + 1] === 0x61 && buf[start + 2] === 0x6c && buf[start + 3] === 0x75 && buf[start + 4] === 0x65 && buf[start + 5] === 0x73) {
    return "values";
  }
  if (end - start <= 32) {
    let ascii = "";
    let k = start;
    for (; k < end && buf[k]! < 0x80; k++) ascii += String.fromCharCode(buf[k]!);
    if (k === end) return ascii;
  }
  try {
    return utf8.decode(r.buf.subarray(start, end));
  } catch {
    return r.fail("INVALID_VALUE", "string is not valid UTF-8", start);
  }
}

function readUint53List(r: ProtoReader, tag: number, into: number[]): void {
  if ((tag & 7) === WireType.LengthDelimited) {
    const end = r.lengthDelimited();
    const outer = r.end;
    r.end = end;
    while (r.pos < end) into.push(r.uint53());
    r.end = outer;
  } else if ((tag & 7) === WireType.Varint) {
    into.push(r.uint53());
  } else r.wrongType(tag, "uint64 list");
}

function appendFloats(r: ProtoReader, tag: number, prev: Float32Array | Float64Array, width: 4 | 8): Float32Array | Float64Array {
  let start: number;
  let bytes: number;
  if ((tag & 7) === WireType.LengthDelimited) {
    const lenAt = r.pos;
    const end = r.lengthDelimited();
    start = r.pos;
    bytes = end - start;
    if (bytes % width !== 0) r.fail("TRUNCATED_FIELD", `packed ${width === 4 ? "float" : "double"} length ${bytes} is not a multiple of ${width}`, lenAt);
  } else if ((tag & 7) === (width === 4 ? WireType.Bit32 : WireType.Bit64)) {
    r.need(width);
    start = r.pos;
    bytes = width;
  } else return r.wrongType(tag, width === 4 ? "float values" : "double values");
  const n = bytes / width;
  const offset = prev.length;
  const out = width === 4 ? r.f32(offset + n) : r.f64(offset + n);
  if (offset > 0) out.set(prev);
  const view = r.view();
  const abs = r.buf.byteOffset + start;
  if (width === 4) for (let i = 0; i < n; i++) out[offset + i] = view.getFloat32(abs + i * 4, true);
  else for (let i = 0; i < n; i++) out[offset + i] = view.getFloat64(abs + i * 8, true);
  r.pos = start + bytes;
  return out;
}

function appendInt32(r: ProtoReader, tag: number, prev: Int32Array): Int32Array {
  const vals: number[] = [];
  if ((tag & 7) === WireType.LengthDelimited) {
    const end = r.lengthDelimited();
    const outer = r.end;
    r.end = end;
    while (r.pos < end) vals.push(r.int32());
    r.end = outer;
  } else if ((tag & 7) === WireType.Varint) {
    vals.push(r.int32());
  } else r.wrongType(tag, "int32 values");
  const out = new Int32Array(prev.length + vals.length);
  out.set(prev);
  out.set(vals, prev.length);
  return out;
}

const EMPTY_F32 = new Float32Array(0);
const NONE: EmptyValue = Object.freeze({ type: "none" });
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

function decodeTensor(r: ProtoReader, end: number, type: TensorType, prev: Value | undefined): Tensor {
  const outer = r.end;
  r.end = end;
  let values: Float32Array | Float64Array | Int32Array;
  let keys: number[];
  let shape: number[];
  // protobuf merges a repeated occurrence of the same message field
  if (prev !== undefined && prev.type === type) {
    values = prev.values;
    keys = prev.keys;
    shape = prev.shape;
  } else {
    values = type === "float32" ? EMPTY_F32 : type === "float64" ? EMPTY_F64 : EMPTY_I32;
    keys = [];
    shape = [];
  }
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        if (type === "int32") values = appendInt32(r, tag, values as Int32Array);
        else values = appendFloats(r, tag, values as Float32Array | Float64Array, type === "float32" ? 4 : 8);
        break;
      case 2:
        readUint53List(r, tag, keys);
        break;
      case 3:
        readUint53List(r, tag, shape);
        break;
      default:
        r.skip(tag);
    }
  }
  r.end = outer;
  return { type, values, keys, shape } as Tensor;
}

function decodeBytes(r: ProtoReader, end: number, prev: Value | undefined): BytesValue {
  const outer = r.end;
  r.end = end;
  const values: Uint8Array[] = prev?.type === "bytes" ? prev.values : [];
  let contentType = prev?.type === "bytes" ? prev.contentType : undefined;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, field === 1 ? "bytes value" : "content_type");
      if (field === 1) {
        const s = r.lengthDelimited();
        values.push(r.buf.slice(r.pos, s));
        r.pos = s;
      } else contentType = readString(r);
    } else r.skip(tag);
  }
  r.end = outer;
  return { type: "bytes", values, contentType };
}

function decodeValue(r: ProtoReader, end: number, prev: Value): Value {
  const outer = r.end;
  r.end = end;
  // a repeated occurrence of an embedded message field is merged into the earlier one
  let value: Value = prev;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 2 || field === 3 || field === 7 || field === 9) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "Value");
      const sub = r.lengthDelimited();
      if (field === 9) value = decodeBytes(r, sub, value);
      else value = decodeTensor(r, sub, field === 2 ? "float32" : field === 3 ? "float64" : "int32", value);
      r.pos = sub;
    } else r.skip(tag);
  }
  r.end = outer;
  return value;
}

function decodeMapEntry(r: ProtoReader, end: number, map: ValueMap): void {
  const outer = r.end;
  r.end = end;
  let key = "";
  let value: Value = NONE;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "map key");
      key = readString(r);
    } else if (field === 2) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "map value");
      const sub = r.lengthDelimited();
      value = decodeValue(r, sub, value);
      r.pos = sub;
    } else r.skip(tag);
  }
  r.end = outer;
  if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** Creates an empty {@link ValueMap}. @internal */
export function emptyMap(): ValueMap {
  return {};
}

/**
 * Decodes one protobuf `Record` payload (without RecordIO framing) from the reader's current range.
 * @internal
 */
export function decodeRecordPayload(r: ProtoReader): RecordIORecord {
  const record: RecordIORecord = { features: emptyMap(), label: emptyMap() };
  const end = r.end;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field >= 1 && field <= 5) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "Record field");
      if (field <= 2) {
        const sub = r.lengthDelimited();
        decodeMapEntry(r, sub, field === 1 ? record.features : record.label);
        r.pos = sub;
      } else {
        const s = readString(r);
        if (field === 3) record.uid = s;
        else if (field === 4) record.metadata = s;
        else record.configuration = s;
      }
    } else r.skip(tag);
  }
  return record;
}

/**
 * Decodes one protobuf `Record` message (a RecordIO payload, without its frame).
 * @public
 */
export function decodeRecord(payload: Uint8Array): RecordIORecord {
  return decodeRecordPayload(new ProtoReader(payload));
}

// ---------------------------------------------------------------------------------------------
// encoding

const TENSOR_FIELD: Record<TensorType, number> = { float32: 2, float64: 3, int32: 7 };

function checkInt32(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new RecordIOError("VALUE_OUT_OF_RANGE", `Value out of range: ${v}`);
    }
  }
}

function checkUint53(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isSafeInteger(v) || v < 0) throw new RecordIOError("INVALID_ARGUMENT", `invalid ${what}: ${v}`);
  }
}

function encodeValue(v: TensorInput | BytesValue | EmptyValue): Uint8Array {
  const w = new ProtoWriter();
  if (v.type === "none") return w.finish();
  if (v.type === "bytes") {
    const inner = new ProtoWriter();
    for (const b of v.values) inner.bytesField(1, b);
    if (v.contentType !== undefined) inner.stringField(2, v.contentType);
    return w.bytesField(9, inner.finish()).finish();
  }
  const field = TENSOR_FIELD[v.type];
  if (field === undefined) throw new RecordIOError("UNSUPPORTED_DTYPE", `Unsupported dtype ${String(v.type)} on array`);
  const t = new ProtoWriter();
  if (v.type === "float32") t.packedFloat32(1, v.values);
  else if (v.type === "float64") t.packedFloat64(1, v.values);
  else {
    checkInt32(v.values);
    t.packedInt32(1, v.values);
  }
  const keys = v.keys ?? [];
  const shape = v.shape ?? [];
  checkUint53(keys, "key");
  checkUint53(shape, "shape");
  t.packedUint53(2, keys).packedUint53(3, shape);
  return w.bytesField(field, t.finish()).finish();
}

const utf8enc = new TextEncoder();

function encodeMap(w: ProtoWriter, field: number, map: RecordInput["features"]): void {
  if (!map) return;
  for (const key of Object.keys(map)) {
    const entry = new ProtoWriter();
    entry.bytesField(1, utf8enc.encode(key));
    entry.bytesField(2, encodeValue(map[key]!));
    w.bytesField(field, entry.finish());
  }
}

/**
 * Encodes one protobuf `Record` message (a RecordIO payload, without its frame). Map entries are
 * written in the key order of the input objects; fields in field-number order.
 *
 * @example
 * ```ts
 * const payload = encodeRecord({ label: { score: { type: "float32", values: [0.93] } } });
 * ```
 * @public
 */
export function encodeRecord(record: RecordInput): Uint8Array {
  const w = new ProtoWriter();
  encodeMap(w, 1, record.features);
  encodeMap(w, 2, record.label);
  if (record.uid !== undefined) w.stringField(3, record.uid);
  if (record.metadata !== undefined) w.stringField(4, record.metadata);
  if (record.configuration !== undefined) w.stringField(5, record.configuration);
  return w.finish();
}
