/**
 * Decoding of the `aialgs.data.Record` protobuf message into the typed model of `record.ts`.
 * @packageDocumentation
 */
import type { BytesValue, EmptyValue, RecordIORecord, Tensor, TensorType, Value, ValueMap } from "./record.js";
import { ProtoReader, WireType } from "./wire/reader.js";
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
