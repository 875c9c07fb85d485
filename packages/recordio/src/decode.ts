/**
 * Record decoding from a contiguous buffer or from an async stream of arbitrarily split chunks.
 * @packageDocumentation
 */
import { RecordIOError } from "./errors.js";
import { END, NEED_MORE, paddingFor, resolveMaxRecordBytes, scanFrame } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import type { DenseMatrix } from "./matrix.js";
import { allocTensor } from "./layout.js";
import { decodeRecordPayload } from "./record-decode.js";
import type { RecordIORecord, TensorType } from "./record.js";
import { ProtoReader } from "./wire/reader.js";

/**
 * Iterates over the records of a RecordIO-protobuf buffer. Like the SDK's `read_records`, 1–3
 * stray bytes after the last record are ignored unless `strict` is set.
 * @public
 */
export function* iterateRecords(bytes: Uint8Array, options: FramingOptions = {}): Generator<RecordIORecord, void, undefined> {
  const max = resolveMaxRecordBytes(options);
  const strict = options.strict ?? false;
  const r = new ProtoReader(bytes);
  let pos = 0;
  for (let index = 0; ; index++) {
    const len = scanFrame(bytes, pos, bytes.length, true, 0, index, max, strict);
    if (len === END) return;
    r.reset(bytes, pos + 8, pos + 8 + len, 0, index);
    yield decodeRecordPayload(r);
    pos = Math.min(bytes.length, pos + 8 + len + paddingFor(len));
  }
}

/**
 * Decodes every record of a RecordIO-protobuf buffer (what `read_records` returns in Python).
 *
 * @example
 * ```ts
 * for (const record of decodeRecords(bytes)) console.log(record.label["values"]);
 * ```
 * @public
 */
export function decodeRecords(bytes: Uint8Array, options: FramingOptions = {}): RecordIORecord[] {
  return Array.from(iterateRecords(bytes, options));
}

/** A chunk source: any (async) iterable of byte chunks, e.g. a Node readable or a web stream. @public */
export type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Decodes records from a stream of chunks split at arbitrary byte boundaries, in constant memory
 * (one record plus one chunk). A header announcing more than `maxRecordBytes` fails before its
 * payload is buffered.
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * for await (const record of readRecords(createReadStream("train.rec"))) count++;
 * ```
 * @public
 */
export async function* readRecords(source: ChunkSource, options: FramingOptions = {}): AsyncGenerator<RecordIORecord, void, undefined> {
  const max = resolveMaxRecordBytes(options);
  const strict = options.strict ?? false;
  let head: Uint8Array = new Uint8Array(0);
  let pos = 0;
  let base = 0; // stream offset of head[0]
  const tail: Uint8Array[] = [];
  let tailLen = 0;
  let index = 0;
  const r = new ProtoReader(head);

  const flatten = (): void => {
    const rest = head.length - pos;
    const next = new Uint8Array(rest + tailLen);
    next.set(head.subarray(pos), 0);
    let o = rest;
    for (const t of tail) {
      next.set(t, o);
      o += t.length;
    }
    base += pos;
    head = next;
    pos = 0;
    tail.length = 0;
    tailLen = 0;
  };

  function* drain(final: boolean): Generator<RecordIORecord, boolean, undefined> {
    for (;;) {
      let len = scanFrame(head, pos, head.length, final && tailLen === 0, base, index, max, strict);
      if (len === NEED_MORE) {
        if (tailLen === 0) return false;
        // join pending chunks only once the whole frame is there, so a large record arriving in
        // many small chunks is copied a bounded number of times
        const avail = head.length - pos;
        let need = 8;
        if (avail >= 8) {
          const l = (head[pos + 4]! | (head[pos + 5]! << 8) | (head[pos + 6]! << 16) | (head[pos + 7]! << 24)) >>> 0;
          need = 8 + l + paddingFor(l);
        }
        if (avail + tailLen < need && !final) return false;
        flatten();
        len = scanFrame(head, pos, head.length, final, base, index, max, strict);
        if (len === NEED_MORE) return false;
      }
      if (len === END) return true;
      r.reset(head, pos + 8, pos + 8 + len, base, index);
      yield decodeRecordPayload(r);
      index++;
      pos = Math.min(head.length, pos + 8 + len + paddingFor(len));
    }
  }

  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    if (!(chunk instanceof Uint8Array)) {
      throw new RecordIOError("INVALID_ARGUMENT", `stream chunk is not a Uint8Array: ${typeof chunk}`);
    }
    if (chunk.length === 0) continue;
    if (pos === head.length && tailLen === 0) {
      base += pos;
      head = chunk;
      pos = 0;
    } else {
      tail.push(chunk);
      tailLen += chunk.length;
    }
    yield* drain(false);
  }
  yield* drain(true);
}

/**
 * Gathers records into one dense matrix with labels: dense records are copied as they are, sparse
 * ones (keys + shape) are scattered into zeros. Every record must carry the same tensor type under
 * `features["values"]`, the same width, and either all or none a one-element `label["values"]`.
 *
 * @example
 * ```ts
 * const { data, shape, labels } = recordsToDense(decodeRecords(bytes));
 * ```
 * @public
 */
export function recordsToDense(records: readonly RecordIORecord[]): DenseMatrix {
  const rows = records.length;
  if (rows === 0) return { data: new Float32Array(0), shape: [0, 0], labels: undefined };
  let type: TensorType | undefined;
  let cols = -1;
  let labelType: TensorType | undefined;
  let hasLabel = false;
  for (let i = 0; i < rows; i++) {
    const rec = records[i]!;
    const v = rec.features["values"];
    if (!v || v.type === "bytes" || v.type === "none") throw notDense(i, 'no "values" tensor in features');
    const width = v.keys.length > 0 || v.shape.length > 0 ? (v.shape[v.shape.length - 1] ?? 0) : v.values.length;
    if (v.keys.length > 0 && v.shape.length === 0) throw notDense(i, "sparse tensor without a shape");
    if (i === 0) {
      type = v.type;
      cols = width;
      const l = rec.label["values"];
      hasLabel = l !== undefined;
      if (l) {
        if (l.type === "bytes" || l.type === "none") throw notDense(i, "label is not a numeric tensor");
        labelType = l.type;
      }
    }
    if (v.type !== type) throw notDense(i, `${v.type} tensor, expected ${type}`);
    if (width !== cols) throw notDense(i, `${width} columns, expected ${cols}`);
    const l = rec.label["values"];
    if ((l !== undefined) !== hasLabel) throw notDense(i, hasLabel ? "record without a label" : "label where the first record had none");
    if (l && (l.type !== labelType || l.values.length !== 1)) throw notDense(i, "label is not a one-element tensor of the first record's type");
  }
  const data = allocTensor(type!, rows * cols);
  const labels = hasLabel ? allocTensor(labelType!, rows) : undefined;
  for (let i = 0; i < rows; i++) {
    const rec = records[i]!;
    const v = rec.features["values"] as { values: ArrayLike<number>; keys: number[]; shape: number[] };
    if (v.keys.length === 0 && (v.shape.length === 0 || v.values.length !== 0)) {
      if (v.values.length !== cols) throw notDense(i, `${v.values.length} values, expected ${cols}`);
      data.set(v.values, i * cols);
    } else {
      if (v.keys.length !== v.values.length) throw notDense(i, `${v.keys.length} keys for ${v.values.length} values`);
      for (let k = 0; k < v.keys.length; k++) {
        const key = v.keys[k]!;
        if (key >= cols) throw notDense(i, `key ${key} outside ${cols} columns`);
        data[i * cols + key] = v.values[k]!;
      }
    }
    if (labels) labels[i] = (rec.label["values"] as { values: ArrayLike<number> }).values[0]!;
  }
  return { data, shape: [rows, cols], labels };
}

function notDense(record: number, why: string): RecordIOError {
  return new RecordIOError("NOT_DENSE", `record ${record}: ${why}`, { record });
}
