/**
 * Decoding of the `aialgs.data.Record` protobuf message into the typed model of `record.ts`.
 * @packageDocumentation
 */
import type { RecordIORecord, TensorType, ValueMap } from "./record.js";
import { requireBytes } from "./args.js";
import { ValueBuilder } from "./value-builder.js";
import { ProtoReader, WireType } from "./wire/reader.js";

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

/** Appends a float/double `values` field, packed or a run of unpacked ones, to the builder's tensor. */
function appendFloats(r: ProtoReader, tag: number, b: ValueBuilder, width: 4 | 8): void {
  let start: number;
  let n: number;
  let stride = width;
  if ((tag & 7) === WireType.LengthDelimited) {
    const lenAt = r.pos;
    const end = r.lengthDelimited();
    start = r.pos;
    const bytes = end - start;
    if (bytes % width !== 0) r.fail("TRUNCATED_FIELD", `packed ${width === 4 ? "float" : "double"} length ${bytes} is not a multiple of ${width}`, lenAt);
    n = bytes / width;
  } else if ((tag & 7) === (width === 4 ? WireType.Bit32 : WireType.Bit64)) {
    r.need(width);
    start = r.pos;
    n = r.fixedRun(tag, start, width);
    stride = width + 1;
  } else return r.wrongType(tag, width === 4 ? "float values" : "double values");
  const offset = b.reserve(r, n);
  const out = b.values;
  const view = r.view();
  const abs = r.buf.byteOffset + start;
  if (width === 4) for (let i = 0; i < n; i++) out[offset + i] = view.getFloat32(abs + i * stride, true);
  else for (let i = 0; i < n; i++) out[offset + i] = view.getFloat64(abs + i * stride, true);
  r.pos = start + (n - 1) * stride + width;
}

/** Appends an int32 `values` field, packed or a run of unpacked ones, to the builder's tensor. */
function appendInt32(r: ProtoReader, tag: number, b: ValueBuilder): void {
  if ((tag & 7) === WireType.LengthDelimited) {
    const end = r.lengthDelimited();
    // one value per byte without the continuation bit (a varint cut short fails on its read)
    const buf = r.buf;
    let n = 0;
    for (let p = r.pos; p < end; p++) n += buf[p]! >>> 7 ^ 1;
    let at = b.reserve(r, n);
    const outer = r.end;
    r.end = end;
    const out = b.values;
    while (r.pos < end) out[at++] = r.int32();
    r.end = outer;
  } else if ((tag & 7) === WireType.Varint) {
    // a run of unpacked values: count them, then read them into place
    const n = r.varintRun(tag);
    let at = b.reserve(r, n);
    const out = b.values;
    out[at++] = r.int32();
    for (let i = 1; i < n; i++) {
      r.pos++; // the tag
      out[at++] = r.int32();
    }
  } else r.wrongType(tag, "int32 values");
}

/** Merges a tensor message into the builder (protobuf merges repeated occurrences of a message field). */
function decodeTensor(r: ProtoReader, end: number, type: TensorType, b: ValueBuilder): void {
  const outer = r.end;
  r.end = end;
  b.select(type);
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        if (type === "int32") appendInt32(r, tag, b);
        else appendFloats(r, tag, b, type === "float32" ? 4 : 8);
        break;
      case 2:
        readUint53List(r, tag, b.keys);
        break;
      case 3:
        readUint53List(r, tag, b.shape);
        break;
      default:
        r.skip(tag);
    }
  }
  r.end = outer;
}

function decodeBytes(r: ProtoReader, end: number, b: ValueBuilder): void {
  const outer = r.end;
  r.end = end;
  b.select("bytes");
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, field === 1 ? "bytes value" : "content_type");
      if (field === 1) {
        const s = r.lengthDelimited();
        b.bytes.push(r.buf.slice(r.pos, s));
        r.pos = s;
      } else b.contentType = readString(r);
    } else r.skip(tag);
  }
  r.end = outer;
}

/** Merges a `Value` message into the builder. */
function decodeValue(r: ProtoReader, end: number, b: ValueBuilder): void {
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 2 || field === 3 || field === 7 || field === 9) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "Value");
      const sub = r.lengthDelimited();
      if (field === 9) decodeBytes(r, sub, b);
      else decodeTensor(r, sub, field === 2 ? "float32" : field === 3 ? "float64" : "int32", b);
      r.pos = sub;
    } else r.skip(tag);
  }
  r.end = outer;
}

/** One builder serves every value: a record is decoded synchronously, one map entry at a time. */
const builder = new ValueBuilder();

function decodeMapEntry(r: ProtoReader, end: number, map: ValueMap): void {
  const outer = r.end;
  r.end = end;
  let key = "";
  builder.reset();
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "map key");
      key = readString(r);
    } else if (field === 2) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "map value");
      const sub = r.lengthDelimited();
      decodeValue(r, sub, builder); // a repeated value field is merged into the earlier one
      r.pos = sub;
    } else r.skip(tag);
  }
  r.end = outer;
  const value = builder.finish(r);
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
 * Decodes one protobuf `Record` message (a RecordIO payload, without its frame). Throws
 * `INVALID_ARGUMENT` for anything but a `Uint8Array`, and the decoding codes of {@link decodeRecords}.
 * @example
 * ```ts
 * const record = decodeRecord(encodeRecord({ uid: "tx-1" })); // { features: {}, label: {}, uid: "tx-1" }
 * ```
 * @public
 */
export function decodeRecord(payload: Uint8Array): RecordIORecord {
  requireBytes(payload, "payload");
  return decodeRecordPayload(new ProtoReader(payload));
}
