import { decodeError } from "../errors.js";
import { varintSize } from "./varint.js";

/** Protobuf wire types. @internal */
export const enum WireType {
  Varint = 0,
  Bit64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Bit32 = 5,
}

const MAX_GROUP_DEPTH = 64;

/**
 * A bounds-checked protobuf reader over a byte range. Every advance is checked against `end`;
 * failures raise `RecordIOError` with the absolute stream offset (`base` + position).
 * @internal
 */
export class ProtoReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** Absolute offset of `buf[0]` in the stream, for error messages. */
  base: number;
  /** Index of the record being decoded, for error messages. */
  record: number | undefined;
  /** Low 32 bits of the last varint read. */
  lo = 0;
  /** High 32 bits of the last varint read. */
  hi = 0;

  constructor(buf: Uint8Array, pos = 0, end = buf.length, base = 0, record?: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.record = record;
  }

  private f32Slab = new Float32Array(0);
  private f32Used = 0;
  private f64Slab = new Float64Array(0);
  private f64Used = 0;

  /**
   * A fresh `Float32Array(n)`: a view into a shared slab (one allocation per up to 64 KiB of values
   * instead of one per tensor; large tensors get their own buffer). Slabs start small and double up
   * to 64 KiB, so decoding one small record does not allocate a large slab.
   */
  f32(n: number): Float32Array {
    if (n > 2048) return new Float32Array(n);
    if (this.f32Used + n > this.f32Slab.length) {
      this.f32Slab = new Float32Array(Math.min(16384, Math.max(64, n, this.f32Slab.length * 2)));
      this.f32Used = 0;
    }
    const out = this.f32Slab.subarray(this.f32Used, this.f32Used + n);
    this.f32Used += n;
    return out;
  }

  /** A fresh `Float64Array(n)`, slab-allocated like {@link ProtoReader.f32}. */
  f64(n: number): Float64Array {
    if (n > 1024) return new Float64Array(n);
    if (this.f64Used + n > this.f64Slab.length) {
      this.f64Slab = new Float64Array(Math.min(8192, Math.max(32, n, this.f64Slab.length * 2)));
      this.f64Used = 0;
    }
    const out = this.f64Slab.subarray(this.f64Used, this.f64Used + n);
    this.f64Used += n;
    return out;
  }

  private dv: DataView | undefined;
  private dvBuffer: ArrayBufferLike | undefined;

  /** A DataView over the whole underlying buffer (absolute offsets: `buf.byteOffset + pos`). */
  view(): DataView {
    if (this.dvBuffer !== this.buf.buffer) {
      this.dvBuffer = this.buf.buffer;
      this.dv = new DataView(this.buf.buffer);
    }
    return this.dv!;
  }

  reset(buf: Uint8Array, pos: number, end: number, base: number, record?: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.record = record;
  }

  fail(code: Parameters<typeof decodeError>[0], message: string, at = this.pos): never {
    throw decodeError(code, message, this.base + at, this.record);
  }

  /** Reads a varint of up to 10 bytes into `lo`/`hi`. */
  varint(): void {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b: number;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.fail("MALFORMED_VARINT", "truncated varint", start);
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) this.fail("MALFORMED_VARINT", "truncated varint", start);
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (pos >= end) this.fail("MALFORMED_VARINT", "truncated varint", start);
        b = buf[pos++]!;
        if (shift === 31) {
          // 10th byte: only bit 63 is kept (as protobuf does); a continuation bit means > 10 bytes
          if (b >= 0x80) this.fail("MALFORMED_VARINT", "varint longer than 10 bytes", start);
          hi |= (b & 0x01) << 31;
          break;
        }
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** Reads a varint that must fit in 2^53 (keys, shapes, lengths). */
  uint53(): number {
    const at = this.pos;
    this.varint();
    if (this.hi > 0x1fffff) this.fail("INVALID_VALUE", "uint64 value above 2^53", at);
    return this.hi * 0x100000000 + this.lo;
  }

  /** Reads an `int32` field value (a varint truncated to its low 32 bits, as protobuf does). */
  int32(): number {
    this.varint();
    return this.lo | 0;
  }

  /** Reads a length prefix and checks the bytes it announces exist; returns the end position. */
  lengthDelimited(): number {
    const at = this.pos;
    const len = this.uint53();
    if (len > this.end - this.pos) {
      this.fail("TRUNCATED_FIELD", `length ${len} runs past the end of the message (${this.end - this.pos} bytes left)`, at);
    }
    return this.pos + len;
  }

  /** Reads a field tag; returns `[fieldNumber, wireType]` packed as `field * 8 + wireType`. */
  tag(): number {
    const at = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo >>> 3 === 0) this.fail("BAD_WIRE_TYPE", `invalid field number ${this.hi * 2 ** 29 + (this.lo >>> 3)}`, at);
    const wt = this.lo & 7;
    if (wt > 5) this.fail("BAD_WIRE_TYPE", `invalid wire type ${wt}`, at);
    return this.lo;
  }

  /** Skips the value of a field with the given tag (unknown fields). */
  skip(tag: number, depth = 0): void {
    const wt = tag & 7;
    switch (wt) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Bit64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.Bit32:
        this.need(4);
        this.pos += 4;
        return;
      case WireType.LengthDelimited:
        this.pos = this.lengthDelimited();
        return;
      case WireType.StartGroup: {
        if (depth >= MAX_GROUP_DEPTH) this.fail("BAD_WIRE_TYPE", "groups nested too deeply");
        const field = tag >>> 3;
        for (;;) {
          if (this.pos >= this.end) this.fail("TRUNCATED_FIELD", `unterminated group ${field}`);
          const t = this.tag();
          if ((t & 7) === WireType.EndGroup) {
            if (t >>> 3 !== field) this.fail("BAD_WIRE_TYPE", `end of group ${t >>> 3} inside group ${field}`);
            return;
          }
          this.skip(t, depth + 1);
        }
      }
      default:
        this.fail("BAD_WIRE_TYPE", `unexpected end of group ${tag >>> 3}`);
    }
  }

  /**
   * Number of consecutive unpacked fixed-width values from `start` (just after a one-byte `tag`): the
   * value, then `tag` + value again as long as the message goes on. Lets a run of unpacked values be
   * copied like a packed field, at a stride of `width + 1`.
   */
  fixedRun(tag: number, start: number, width: number): number {
    if (tag >= 0x80) return 1;
    const buf = this.buf;
    const step = width + 1;
    let n = 1;
    for (let q = start + width; q + step <= this.end && buf[q] === tag; q += step) n++;
    return n;
  }

  /**
   * Number of consecutive unpacked varint values from the current position (just after a one-byte
   * `tag`): the value, then `tag` + value again as long as the message goes on. Only counts; a
   * malformed varint is left for the read to report.
   */
  varintRun(tag: number): number {
    if (tag >= 0x80) return 1;
    const buf = this.buf;
    const end = this.end;
    let n = 0;
    let q = this.pos;
    for (;;) {
      while (q < end && buf[q]! >= 0x80) q++;
      n++;
      q++;
      if (q >= end || buf[q] !== tag) return n;
      q++;
    }
  }

  /** Asserts `n` more bytes exist. */
  need(n: number): void {
    if (n > this.end - this.pos) this.fail("TRUNCATED_FIELD", `need ${n} bytes, ${this.end - this.pos} left`);
  }

  /** Raises `BAD_WIRE_TYPE` for a known field carried with the wrong wire type. */
  wrongType(tag: number, what: string): never {
    // report the offset of the tag itself, which was just read
    return this.fail("BAD_WIRE_TYPE", `wire type ${tag & 7} for ${what} (field ${tag >>> 3})`, this.pos - varintSize(tag));
  }
}
