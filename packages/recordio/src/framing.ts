/**
 * RecordIO framing as MXNet and SageMaker write it: per record a u32 LE magic 0xCED7230A, a u32 LE
 * payload length, the payload, then zero padding to the next 4-byte boundary (not counted in the length).
 * @packageDocumentation
 */
import { describeValue, integerOption, invalidArgument, requireOptions } from "./args.js";
import { decodeError } from "./errors.js";

/**
 * The RecordIO record magic number, written little-endian before every record.
 * @example
 * ```ts
 * const isRecordIO = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) === RECORDIO_MAGIC;
 * ```
 * @public
 */
export const RECORDIO_MAGIC = 0xced7230a;

/**
 * Default {@link FramingOptions.maxRecordBytes}: 64 MiB.
 * @example
 * ```ts
 * const records = decodeRecords(bytes, { maxRecordBytes: 4 * DEFAULT_MAX_RECORD_BYTES });
 * ```
 * @public
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Options shared by every decoder in this package. @public */
export interface FramingOptions {
  /**
   * Largest record payload accepted, in bytes. A header announcing more raises `RECORD_TOO_LARGE`
   * before anything is buffered or allocated.
   * @defaultValue 67108864 (64 MiB)
   */
  maxRecordBytes?: number;
  /**
   * Reject what the SageMaker SDK's reader tolerates: 1–3 stray bytes after the last record,
   * a missing final padding, non-zero padding bytes.
   * @defaultValue false
   */
  strict?: boolean;
}

/**
 * Number of zero bytes that follow a payload of `length` bytes.
 * @example
 * ```ts
 * paddingFor(157); // 3: the next record starts on a 4-byte boundary
 * ```
 * @public
 */
export function paddingFor(length: number): number {
  if (typeof length !== "number") throw invalidArgument(`length must be a number, got ${describeValue(length)}`);
  return (4 - (length & 3)) & 3;
}

/** `scanFrame` result: more bytes are needed before the frame can be judged. @internal */
export const NEED_MORE = -1;
/** `scanFrame` result: no further record (clean end, or SDK-tolerated trailing bytes). @internal */
export const END = -2;

/** Validated framing options. @internal */
export interface Framing {
  max: number;
  strict: boolean;
}

/** Checks the options object and its framing options (`INVALID_ARGUMENT`). @internal */
export function resolveFraming(options: FramingOptions | undefined): Framing {
  requireOptions(options);
  const max = integerOption(options?.maxRecordBytes, "maxRecordBytes", DEFAULT_MAX_RECORD_BYTES, 0xffffffff);
  const strict = options?.strict ?? false;
  if (typeof strict !== "boolean") throw invalidArgument(`invalid strict: ${describeValue(strict)}`);
  return { max, strict };
}

/**
 * Validates the frame header at `pos` and returns its payload length, or `NEED_MORE` / `END`.
 * With `final` set, missing bytes are errors instead of `NEED_MORE`.
 * @internal
 */
export function scanFrame(
  buf: Uint8Array,
  pos: number,
  end: number,
  final: boolean,
  base: number,
  index: number,
  maxRecordBytes: number,
  strict: boolean,
): number {
  const avail = end - pos;
  if (avail === 0) return final ? END : NEED_MORE;
  if (avail < 4) {
    if (!final) return NEED_MORE;
    if (strict) throw decodeError("TRUNCATED_HEADER", `${avail} stray bytes after the last record`, base + pos);
    return END;
  }
  if (buf[pos] !== 0x0a || buf[pos + 1] !== 0x23 || buf[pos + 2] !== 0xd7 || buf[pos + 3] !== 0xce) {
    const got = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
    throw decodeError("BAD_MAGIC", `bad magic 0x${got.toString(16).padStart(8, "0")}, expected 0xced7230a`, base + pos, index);
  }
  if (avail < 8) {
    if (!final) return NEED_MORE;
    throw decodeError("TRUNCATED_HEADER", `record header cut after ${avail} of 8 bytes`, base + pos, index);
  }
  const len = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
  if (len > maxRecordBytes) {
    throw decodeError("RECORD_TOO_LARGE", `record length ${len} exceeds maxRecordBytes ${maxRecordBytes}`, base + pos, index);
  }
  const pad = paddingFor(len);
  if (avail - 8 < len + pad) {
    if (!final) return NEED_MORE;
    if (avail - 8 < len) {
      throw decodeError("TRUNCATED_PAYLOAD", `record length ${len} runs past the end of the data (${avail - 8} bytes left)`, base + pos, index);
    }
    if (strict) throw decodeError("INVALID_VALUE", "missing padding after the last record", base + pos + 8 + len, index);
    return len;
  }
  if (strict) {
    for (let i = pos + 8 + len; i < pos + 8 + len + pad; i++) {
      if (buf[i] !== 0) throw decodeError("INVALID_VALUE", `non-zero padding byte ${buf[i]}`, base + i, index);
    }
  }
  return len;
}

/**
 * Writes a frame header for a payload of `length` bytes at `pos`; returns the payload position.
 * @internal
 */
export function writeFrameHeader(buf: Uint8Array, pos: number, length: number): number {
  buf[pos] = 0x0a;
  buf[pos + 1] = 0x23;
  buf[pos + 2] = 0xd7;
  buf[pos + 3] = 0xce;
  buf[pos + 4] = length & 0xff;
  buf[pos + 5] = (length >>> 8) & 0xff;
  buf[pos + 6] = (length >>> 16) & 0xff;
  buf[pos + 7] = (length >>> 24) & 0xff;
  return pos + 8;
}

/**
 * Wraps protobuf payloads in RecordIO frames (header + payload + zero padding).
 *
 * @example
 * ```ts
 * const bytes = frameRecords([encodeRecord({ features: { values: { type: "float32", values: [1, 2] } } })]);
 * ```
 * @public
 */
export function frameRecords(payloads: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(payloads)) throw invalidArgument(`payloads must be an array of Uint8Array, got ${describeValue(payloads)}`);
  for (const p of payloads) if (!(p instanceof Uint8Array)) throw invalidArgument(`payloads must be an array of Uint8Array, got an element ${describeValue(p)}`);
  let total = 0;
  for (const p of payloads) total += 8 + p.length + paddingFor(p.length);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of payloads) {
    pos = writeFrameHeader(out, pos, p.length);
    out.set(p, pos);
    pos += p.length + paddingFor(p.length);
  }
  return out;
}
