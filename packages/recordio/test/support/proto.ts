// Hand-built protobuf and RecordIO bytes for crafted inputs (encodings the encoders never write).

export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Concatenates byte pieces. */
export function bytes(...parts: (Uint8Array | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A length-delimited field. */
export function ld(field: number, payload: Uint8Array | number[]): Uint8Array {
  return bytes(varint((field << 3) | 2), varint(payload.length), payload);
}

/** One RecordIO frame with zero padding; `length` overrides the header's length. */
export function frame(payload: Uint8Array | number[], length = payload.length): Uint8Array {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0xced7230a, true);
  v.setUint32(4, length, true);
  return bytes(head, payload, new Array<number>((4 - (payload.length % 4)) % 4).fill(0));
}

const KEY_VALUES = ld(1, [0x76, 0x61, 0x6c, 0x75, 0x65, 0x73]);

/** A map entry keyed `key` holding the encoded `Value` message `value`. */
export function entry(value: Uint8Array, key?: string): Uint8Array {
  return bytes(key === undefined ? KEY_VALUES : ld(1, Array.from(new TextEncoder().encode(key))), ld(2, value));
}

/** Float32 values packed in one field. */
export function packedF32(values: ArrayLike<number>): Uint8Array {
  const data = new Uint8Array(values.length * 4);
  const v = new DataView(data.buffer);
  for (let i = 0; i < values.length; i++) v.setFloat32(i * 4, values[i]!, true);
  return ld(1, data);
}

/** Float32 values unpacked: one fixed32 field per value. */
export function unpackedF32(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 5);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    out[i * 5] = 0x0d;
    v.setFloat32(i * 5 + 1, values[i]!, true);
  }
  return out;
}

/** Non-negative int32 values packed in one field. */
export function packedInt(values: ArrayLike<number>, field = 1): Uint8Array {
  const data: number[] = [];
  for (let i = 0; i < values.length; i++) data.push(...varint(values[i]!));
  return ld(field, data);
}

/** Non-negative int32 values unpacked: one varint field per value. */
export function unpackedInt(values: ArrayLike<number>, field = 1): Uint8Array {
  const data: number[] = [];
  for (let i = 0; i < values.length; i++) data.push(field << 3, ...varint(values[i]!));
  return Uint8Array.from(data);
}
