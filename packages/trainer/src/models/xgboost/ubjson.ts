// A bounded Universal Binary JSON decoder and encoder, for XGBoost's `.ubj` model format (what
// `save_model("x.ubj")` writes and 3.0 containers write by default). Big-endian numbers; optimised
// containers (`$type`, `#count`) decode typed numeric arrays straight into typed arrays.
//
// Bounds, checked before any work they would cause: nesting at most `maxDepth` levels (64 by
// default); every declared count or length at most what the bytes left can hold (a typed array of
// n elements needs n × width bytes, any other element at least one byte), so work and memory are
// linear in the input.
import { ModelError } from "../../errors.js";

/** A decoded UBJSON value: typed arrays for optimised numeric arrays. @internal */
export type UbjValue = null | boolean | number | string | UbjValue[] | UbjObject | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array | number[];

/** A decoded UBJSON object (no prototype, so keys such as `__proto__` are plain keys). @internal */
export interface UbjObject {
  [key: string]: UbjValue;
}

/** Options of {@link decodeUbjson}. @internal */
export interface UbjsonBounds {
  /** Deepest nesting accepted. @defaultValue 64 */
  maxDepth?: number;
  /** Name used in messages. */
  name?: string;
  /** Most arrays and objects accepted in all. @defaultValue {@link UBJ_MAX_CONTAINERS} */
  maxContainers?: number;
  /** Most values outside typed numeric arrays accepted in all. @defaultValue {@link UBJ_MAX_VALUES} */
  maxValues?: number;
}

/**
 * Most arrays and objects a model document may hold (XGBoost writes about 15 per tree).
 * @internal
 */
export const UBJ_MAX_CONTAINERS = 262_144;

/**
 * Most values outside typed numeric arrays a model document may hold (XGBoost stores node arrays
 * as typed arrays, so a real model has a few per tree).
 * @internal
 */
export const UBJ_MAX_VALUES = 4_194_304;

const WIDTH: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 };

/**
 * Decodes one UBJSON value (trailing bytes are an error).
 * @throws {@link ModelError} `MODEL_CORRUPT` with the offset.
 * @internal
 */
export function decodeUbjson(bytes: Uint8Array, bounds: UbjsonBounds = {}): UbjValue {
  const maxDepth = bounds.maxDepth ?? 64;
  const file = bounds.name ?? "model.ubj";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder("utf-8", { fatal: true });
  const maxContainers = bounds.maxContainers ?? UBJ_MAX_CONTAINERS;
  const maxValues = bounds.maxValues ?? UBJ_MAX_VALUES;
  let containers = 0;
  let values = 0;
  let pos = 0;
  const fail = (what: string): never => {
    throw new ModelError("MODEL_CORRUPT", `${file}: invalid UBJSON at offset ${pos}: ${what}`);
  };
  const need = (n: number): number => {
    if (n > bytes.length - pos) fail(`truncated (${n} bytes needed, ${bytes.length - pos} left)`);
    const at = pos;
    pos += n;
    return at;
  };
  const scalar = (): void => {
    if (++values > maxValues) throw new ModelError("MODEL_TOO_LARGE", `${file}: UBJSON document holds more than ${maxValues} values outside typed arrays`);
  };
  const container = (): void => {
    if (++containers > maxContainers) throw new ModelError("MODEL_TOO_LARGE", `${file}: UBJSON document holds more than ${maxContainers} arrays and objects`);
  };
  const marker = (): string => String.fromCharCode(bytes[need(1)]!);

  const number = (m: string): number => {
    switch (m) {
      case "i":
        return view.getInt8(need(1));
      case "U":
        return view.getUint8(need(1));
      case "I":
        return view.getInt16(need(2));
      case "l":
        return view.getInt32(need(4));
      case "L": {
        const v = view.getBigInt64(need(8));
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`int64 ${v} is beyond 2^53`);
        return Number(v);
      }
      case "d":
        return view.getFloat32(need(4));
      case "D":
        return view.getFloat64(need(8));
      default:
        return fail(`${JSON.stringify(m)} is not a number type`);
    }
  };
  const length = (): number => {
    const n = number(marker());
    if (!Number.isInteger(n) || n < 0) fail(`length ${n} is not a non-negative integer`);
    return n;
  };
  const string = (): string => {
    const n = length();
    if (n > bytes.length - pos) fail(`string of ${n} bytes, ${bytes.length - pos} left`);
    const at = need(n);
    try {
      return text.decode(bytes.subarray(at, at + n));
    } catch {
      return fail("string is not UTF-8");
    }
  };

  const typedArray = (type: string, n: number): UbjValue => {
    const w = WIDTH[type];
    if (w === undefined) {
      if (type === "S" || type === "H") {
        if (n > bytes.length - pos) fail(`array of ${n} strings, ${bytes.length - pos} bytes left`);
        const out: UbjValue[] = [];
        for (let i = 0; i < n; i++) {
          scalar();
          out.push(string());
        }
        return out;
      }
      return fail(`unsupported optimised array type ${JSON.stringify(type)}`);
    }
    if (n * w > bytes.length - pos) fail(`array of ${n} ${type} values needs ${n * w} bytes, ${bytes.length - pos} left`);
    const at = need(n * w);
    switch (type) {
      case "U":
        return bytes.slice(at, at + n);
      case "i":
        return new Int8Array(bytes.slice(at, at + n).buffer);
      case "I": {
        const out = new Int16Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i);
        return out;
      }
      case "l": {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i);
        return out;
      }
      case "d": {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i);
        return out;
      }
      case "D": {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i);
        return out;
      }
      case "L": {
        const out: number[] = new Array<number>(n);
        pos = at;
        for (let i = 0; i < n; i++) out[i] = number("L");
        return out;
      }
      default: {
        // "C": chars as numbers
        return Array.from(bytes.subarray(at, at + n));
      }
    }
  };

  /** Container header: optional `$type`, optional `#count`. */
  const header = (): { type: string | null; count: number | null } => {
    let type: string | null = null;
    let count: number | null = null;
    if (bytes[pos] === 0x24 /* $ */) {
      pos++;
      type = marker();
      if (bytes[pos] !== 0x23 /* # */) fail("an optimised type without a count");
    }
    if (bytes[pos] === 0x23 /* # */) {
      pos++;
      count = length();
      // every element of an untyped container takes at least one byte
      if (type === null && count > bytes.length - pos) fail(`container of ${count} elements, ${bytes.length - pos} bytes left`);
    }
    return { type, count };
  };

  const value = (m: string, depth: number): UbjValue => {
    if (m !== "[" && m !== "{") scalar();
    else container();
    switch (m) {
      case "Z":
        return null;
      case "T":
        return true;
      case "F":
        return false;
      case "S":
      case "H":
        return string();
      case "C":
        return String.fromCharCode(bytes[need(1)]!);
      case "[": {
        if (depth >= maxDepth) fail(`nested deeper than ${maxDepth} levels`);
        const { type, count } = header();
        if (type !== null) return typedArray(type, count!);
        const out: UbjValue[] = [];
        if (count !== null) {
          for (let i = 0; i < count; i++) out.push(value(marker(), depth + 1));
          return out;
        }
        for (;;) {
          const e = marker();
          if (e === "]") return out;
          if (e === "N") continue;
          out.push(value(e, depth + 1));
        }
      }
      case "{": {
        if (depth >= maxDepth) fail(`nested deeper than ${maxDepth} levels`);
        const { type, count } = header();
        const out = Object.create(null) as UbjObject;
        const member = (): void => {
          const key = string();
          out[key] = type !== null ? value(type, depth + 1) : value(marker(), depth + 1);
        };
        if (count !== null) {
          if (count > bytes.length - pos) fail(`object of ${count} members, ${bytes.length - pos} bytes left`);
          for (let i = 0; i < count; i++) member();
          return out;
        }
        for (;;) {
          if (pos >= bytes.length) fail("truncated object");
          if (bytes[pos] === 0x7d /* } */) {
            pos++;
            return out;
          }
          if (bytes[pos] === 0x4e /* N */) {
            pos++;
            continue;
          }
          member();
        }
      }
      default:
        return number(m);
    }
  };

  const out = value(marker(), 0);
  if (pos !== bytes.length) fail(`${bytes.length - pos} trailing bytes`);
  return out;
}

/** Growable big-endian byte output. */
class Out {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  n = 0;

  reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.n++] = b;
  }

  int64(v: number): void {
    this.reserve(8);
    this.view.setBigInt64(this.n, BigInt(v));
    this.n += 8;
  }
}

/**
 * Encodes a value as UBJSON the way XGBoost 1.7 writes it: lengths and counts as int64 (`L`),
 * Float32Array as `[$d#L`, Int32Array as `[$l#L`, Uint8Array as `[$U#L`, BigInt64Array as `[$L#L`, other numbers as int64
 * when integral and float32 otherwise (`number[]`), strings `S`.
 * @internal
 */
export function encodeUbjson(v: UbjValue): Uint8Array {
  const o = new Out();
  const enc = new TextEncoder();
  const str = (s: string): void => {
    const b = enc.encode(s);
    o.byte(0x4c);
    o.int64(b.length);
    o.reserve(b.length);
    o.buf.set(b, o.n);
    o.n += b.length;
  };
  const typed = (type: string, width: number, arr: ArrayLike<number>, put: (at: number, x: number) => void): void => {
    o.byte(0x5b);
    o.byte(0x24);
    o.byte(type.charCodeAt(0));
    o.byte(0x23);
    o.byte(0x4c);
    o.int64(arr.length);
    o.reserve(arr.length * width);
    for (let i = 0; i < arr.length; i++) put(o.n + i * width, arr[i]!);
    o.n += arr.length * width;
  };
  const walk = (x: UbjValue): void => {
    if (x === null) o.byte(0x5a);
    else if (x === true) o.byte(0x54);
    else if (x === false) o.byte(0x46);
    else if (typeof x === "string") {
      o.byte(0x53);
      str(x);
    } else if (typeof x === "number") {
      if (Number.isSafeInteger(x)) {
        o.byte(0x4c);
        o.int64(x);
      } else {
        o.byte(0x64);
        o.reserve(4);
        o.view.setFloat32(o.n, x);
        o.n += 4;
      }
    } else if (x instanceof Float32Array) typed("d", 4, x, (at, y) => o.view.setFloat32(at, y));
    else if (x instanceof Int32Array) typed("l", 4, x, (at, y) => o.view.setInt32(at, y));
    else if (x instanceof Uint8Array) typed("U", 1, x, (at, y) => o.view.setUint8(at, y));
    else if (x instanceof BigInt64Array) typed("L", 8, Array.from(x, Number), (at, y) => o.view.setBigInt64(at, BigInt(y)));
    else if (x instanceof Float64Array || x instanceof Int8Array || x instanceof Int16Array) walk(Array.from(x));
    else if (Array.isArray(x)) {
      o.byte(0x5b);
      o.byte(0x23);
      o.byte(0x4c);
      o.int64(x.length);
      for (const e of x) walk(e);
    } else {
      o.byte(0x7b);
      for (const [k, e] of Object.entries(x)) {
        str(k);
        walk(e);
      }
      o.byte(0x7d);
    }
  };
  walk(v);
  return o.buf.slice(0, o.n);
}
