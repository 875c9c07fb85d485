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

/** Smallest buffer allocated to join chunks. */
const MIN_JOIN_BYTES = 1 << 16;

async function* streamRecords(source: ChunkSource, max: number, strict: boolean): AsyncGenerator<RecordIORecord, void, undefined> {
  // Unread bytes are buf[pos..end). `buf` is either a chunk as received (zero copy) or a buffer this
  // decoder owns (`owned`), into whose free tail further chunks are copied. Yielded records may keep
  // views into a buffer, so a buffer is never written below `end`: when its tail is too small the
  // unread bytes move to a new buffer (at least twice their size, or the pending frame's size), so
  // each byte is copied a bounded number of times and memory stays O(largest record + chunk),
  // however finely the stream is split.
  let buf: Uint8Array = new Uint8Array(0);
  let pos = 0;
  let end = 0;
  let owned = false;
  let base = 0; // stream offset of buf[0]
  let index = 0;
  let wanted = 0; // unread bytes needed before the next scan can decode anything
  const r = new ProtoReader(buf);

  /** Bytes the frame at `pos` needs in all (header, payload, padding), or 8 before its header is in. */
  const frameNeed = (): number => {
    if (end - pos < 8) return 8;
    const l = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
    return 8 + Math.min(l, max) + paddingFor(l);
  };

  const append = (chunk: Uint8Array): void => {
    if (pos === end) {
      base += end;
      buf = chunk;
      pos = 0;
      end = chunk.length;
      owned = false;
      return;
    }
    if (!owned || buf.length - end < chunk.length) {
      const rest = end - pos;
      const size = Math.max(MIN_JOIN_BYTES, 2 * (rest + chunk.length), frameNeed());
      const next = new Uint8Array(size);
      next.set(buf.subarray(pos, end), 0);
      base += pos;
      buf = next;
      pos = 0;
      end = rest;
      owned = true;
    }
    buf.set(chunk, end);
    end += chunk.length;
  };

  function* drain(final: boolean): Generator<RecordIORecord, void, undefined> {
    for (;;) {
      const len = scanFrame(buf, pos, end, final, base, index, max, strict);
      if (len === NEED_MORE || len === END) return;
      r.reset(buf, pos + 8, pos + 8 + len, base, index);
      yield decodeRecordPayload(r);
      index++;
      pos = Math.min(end, pos + 8 + len + paddingFor(len));
    }
  }

  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    if (!(chunk instanceof Uint8Array)) {
      throw invalidArgument(`stream chunk is not a Uint8Array: ${describeValue(chunk)}`);
    }
    if (chunk.length === 0) continue;
    append(chunk);
    // Nothing to decode until the pending frame is complete: skip the scan (tiny chunks stay cheap).
    if (end - pos < wanted) continue;
    yield* drain(false);
    wanted = frameNeed();
  }
  yield* drain(true);
}
