/**
 * Record decoding from a contiguous buffer or from an async stream of arbitrarily split chunks.
 * @packageDocumentation
 */
import { describeValue, invalidArgument, requireBytes } from "./args.js";
import { END, NEED_MORE, paddingFor, resolveFraming, scanFrame } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import { decodeRecordPayload } from "./record-decode.js";
import type { RecordIORecord } from "./record.js";
import { ProtoReader } from "./wire/reader.js";

/**
 * Iterates over the records of a RecordIO-protobuf buffer, decoding each only when it is reached.
 * Like the SDK's `read_records`, 1–3 stray bytes after the last record are ignored unless `strict`
 * is set. Arguments are checked on the call (`INVALID_ARGUMENT`), data as records are reached.
 * @example
 * ```ts
 * for (const record of iterateRecords(bytes)) if (record.label["values"]) labelled++;
 * ```
 * @public
 */
export function iterateRecords(bytes: Uint8Array, options: FramingOptions = {}): Generator<RecordIORecord, void, undefined> {
  // arguments are checked on the call, not on the first next()
  requireBytes(bytes, "bytes");
  const { max, strict } = resolveFraming(options);
  return records(bytes, max, strict);
}

function* records(bytes: Uint8Array, max: number, strict: boolean): Generator<RecordIORecord, void, undefined> {
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
export function readRecords(source: ChunkSource, options: FramingOptions = {}): AsyncGenerator<RecordIORecord, void, undefined> {
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable === null || typeof iterable !== "object" || (typeof iterable[Symbol.asyncIterator] !== "function" && typeof iterable[Symbol.iterator] !== "function")) {
    throw invalidArgument(`source must be an iterable or async iterable of Uint8Array chunks, got ${describeValue(source)}`);
  }
  const { max, strict } = resolveFraming(options);
  return streamRecords(source, max, strict);
}

async function* streamRecords(source: ChunkSource, max: number, strict: boolean): AsyncGenerator<RecordIORecord, void, undefined> {
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
      throw invalidArgument(`stream chunk is not a Uint8Array: ${describeValue(chunk)}`);
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

