// Packed against unpacked encodings of the same 200,000 values (one record): decoding must cost
// about the same per value whatever the encoding (protobuf allows both; the SDK writes packed).
import { decodeDense, decodeRecords } from "../dist/index.js";

const N = 200_000;

function varint(n, out) {
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function ld(field, payload) {
  const head = [];
  varint((field << 3) | 2, head);
  varint(payload.length, head);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function frame(payload) {
  const out = new Uint8Array(8 + payload.length + ((4 - (payload.length % 4)) % 4));
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xced7230a, true);
  v.setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

const KEY = ld(1, new TextEncoder().encode("values"));

/** One record whose features["values"] tensor (Value field `valueField`) has fields `tensor`. */
function record(valueField, tensor) {
  const value = ld(valueField, tensor);
  const entry = new Uint8Array(KEY.length + 2 + 8 + value.length);
  entry.set(KEY);
  const v = ld(2, value);
  return frame(ld(1, new Uint8Array([...KEY, ...v])));
}

function floats(packed) {
  const data = new Uint8Array(N * (packed ? 4 : 5));
  const view = new DataView(data.buffer);
  for (let i = 0; i < N; i++) {
    if (packed) view.setFloat32(i * 4, (i % 97) / 8, true);
    else {
      data[i * 5] = 0x0d;
      view.setFloat32(i * 5 + 1, (i % 97) / 8, true);
    }
  }
  return packed ? ld(1, data) : data;
}

function ints(packed) {
  const out = [];
  for (let i = 0; i < N; i++) {
    if (!packed) out.push(0x08);
    varint(i % 1000, out);
  }
  return packed ? ld(1, Uint8Array.from(out)) : Uint8Array.from(out);
}

export function packedVsUnpacked(filter, best, emit) {
  const cases = [
    [`packed-f32-${N}`, () => record(2, floats(true))],
    [`unpacked-f32-${N}`, () => record(2, floats(false))],
    [`packed-i32-${N}`, () => record(7, ints(true))],
    [`unpacked-i32-${N}`, () => record(7, ints(false))],
  ];
  for (const [name, make] of cases) {
    if (!filter.test(name)) continue;
    const bytes = make();
    emit(name, "decode", 1, N, bytes.length, best(() => decodeRecords(bytes)), { path: "decodeRecords" });
    emit(name, "decode-dense", 1, N, bytes.length, best(() => decodeDense(bytes)), { path: "decodeDense" });
  }
}
