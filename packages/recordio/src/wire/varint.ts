/**
 * Protobuf base-128 varints: sizes and writers for the integer kinds the RecordIO schema uses.
 * @packageDocumentation
 */

/**
 * Number of bytes the varint encoding of a non-negative integer below 2^53 takes.
 * @internal
 */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let n = 4;
  let v = Math.floor(value / 0x10000000);
  while (v > 0) {
    n++;
    v = Math.floor(v / 128);
  }
  return n;
}

/**
 * Number of bytes an `int32` field value takes: negatives are sign-extended to 64 bits (10 bytes).
 * @internal
 */
export function int32Size(value: number): number {
  return value < 0 ? 10 : varintSize(value);
}

/**
 * Writes a non-negative integer below 2^53 as a varint at `pos`; returns the position after it.
 * @internal
 */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80000000) {
    buf[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}

/**
 * Writes an `int32` value: non-negative as a plain varint, negative as a 10-byte two's-complement varint.
 * @internal
 */
export function writeInt32(buf: Uint8Array, pos: number, value: number): number {
  if (value >= 0) return writeVarint(buf, pos, value);
  // low 32 bits as unsigned, high 32 bits all ones
  let lo = value >>> 0;
  for (let i = 0; i < 4; i++) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  // 5th byte: 4 remaining low bits + 3 high bits (all ones)
  buf[pos++] = (lo & 0x0f) | 0x70 | 0x80;
  buf[pos++] = 0xff;
  buf[pos++] = 0xff;
  buf[pos++] = 0xff;
  buf[pos++] = 0xff;
  buf[pos++] = 0x01;
  return pos;
}
