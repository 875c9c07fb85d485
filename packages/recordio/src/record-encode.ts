/**
 * Encoding of the `aialgs.data.Record` protobuf message (the general, non hot-path encoder).
 * @packageDocumentation
 */
import { describeValue, invalidArgument } from "./args.js";
import { RecordIOError } from "./errors.js";
import type { BytesValue, EmptyValue, RecordInput, TensorInput, TensorType } from "./record.js";
import { ProtoWriter } from "./wire/writer.js";
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
  if (record === null || typeof record !== "object" || Array.isArray(record)) throw invalidArgument(`record must be an object, got ${describeValue(record)}`);
  const w = new ProtoWriter();
  encodeMap(w, 1, record.features);
  encodeMap(w, 2, record.label);
  if (record.uid !== undefined) w.stringField(3, record.uid);
  if (record.metadata !== undefined) w.stringField(4, record.metadata);
  if (record.configuration !== undefined) w.stringField(5, record.configuration);
  return w.finish();
}
