/**
 * One exact decimal number parser for every text reader: straight from bytes, no string per
 * field, and the same double as `Number()` for every input it accepts.
 *
 * The digits are read in one pass into 32-bit groups. A mantissa below 2^53 (every decimal of up
 * to 15 significant digits, and many of 16 to 18) with a power of ten within ±22 takes Clinger's
 * fast path (one exact multiplication or division); the rest up to 19 significant digits take the
 * Eisel–Lemire algorithm over a 128-bit table of powers of ten; the rare rest (more than 19
 * significant digits, exponents past ±347, and the few cases Eisel–Lemire cannot decide) go
 * through `Number()` on a Latin-1 copy of the field.
 * @packageDocumentation
 */

/**
 * Parses the decimal number in `buf[start..end)` and returns the double `Number()` returns for
 * the same text, or `NaN` when the text is not in the accepted syntax.
 *
 * Accepted syntax (ASCII bytes, nothing else, no surrounding space):
 * ```text
 * number   = [ "+" | "-" ] mantissa [ exponent ]
 * mantissa = digits [ "." [ digits ] ] | "." digits
 * exponent = ( "e" | "E" ) [ "+" | "-" ] digits
 * digits   = 1*( "0".."9" )
 * ```
 * Refused (`NaN`): the empty field, white space, `Infinity`, `NaN`, hexadecimal, octal and
 * binary literals (`0x1f`), digit separators (`1_000`), a lone sign, dot or exponent. A number
 * too large for a double gives `±Infinity` and one too small `±0`, as with `Number()`; `-0`
 * gives `-0`. Callers decide whether infinities are acceptable (`Number.isFinite`).
 *
 * @param buf - the bytes.
 * @param start - first byte of the field.
 * @param end - one past its last byte.
 * @returns the value, or `NaN` when the field is not a number.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("1.5,-2e-3,0x10");
 * parseDecimal(bytes, 0, 3); // 1.5
 * parseDecimal(bytes, 4, 9); // -0.002
 * parseDecimal(bytes, 10, 14); // NaN
 * ```
 * @public
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  const v = scan(buf, start, end, AT);
  return AT.end === end ? v : NaN;
}

/** Where a {@link scanDecimal} stopped. @public */
export interface ScanEnd {
  /** One past the last byte of the number read (or `start` when none was). */
  end: number;
}

/**
 * Reads the decimal number that starts at `buf[start]` and stops at the first byte that cannot
 * continue it (or at `end`): a field scanner for delimited text that needs no separate search
 * for the delimiter. The value is exactly {@link parseDecimal}'s for `buf[start..at.end)`; `NaN`
 * when no number starts there or its exponent has no digits (`"1e,"`). Callers check the byte at
 * `at.end` (a delimiter, a line end) to accept the field.
 *
 * @param at - receives the stop position.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("-1.25e2,7");
 * const at = { end: 0 };
 * scanDecimal(bytes, 0, bytes.length, at); // -125, at.end === 7
 * ```
 * @public
 */
export function scanDecimal(buf: Uint8Array, start: number, end: number, at: ScanEnd): number {
  return scan(buf, start, end, at);
}

/** {@link parseDecimal}'s stop position. */
const AT: ScanEnd = { end: 0 };

function scan(buf: Uint8Array, start: number, end: number, at: ScanEnd): number {
  let i = start;
  let neg = false;
  let c = i < end ? (buf[i] as number) : -1;
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = ++i < end ? (buf[i] as number) : -1;
  }
  // One pass over the digits: the significant ones (leading zeros are not) in 32-bit integer
  // groups, the first 9 in s1, the next 9 in s2, the 19th in s3, all counted in nd; the value is
  // those digits × 10^(exponent − fraction digits).
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let nd = 0;
  const intStart = i;
  while (c === 48) c = ++i < end ? (buf[i] as number) : -1;
  while (c >= 48 && c <= 57) {
    if (nd < 9) s1 = s1 * 10 + (c - 48);
    else if (nd < 18) s2 = s2 * 10 + (c - 48);
    else if (nd === 18) s3 = c - 48;
    nd++;
    c = ++i < end ? (buf[i] as number) : -1;
  }
  let digits = i - intStart;
  let frac = 0;
  if (c === 46) {
    const fracStart = ++i;
    c = i < end ? (buf[i] as number) : -1;
    if (nd === 0) while (c === 48) c = ++i < end ? (buf[i] as number) : -1;
    while (c >= 48 && c <= 57) {
      if (nd < 9) s1 = s1 * 10 + (c - 48);
      else if (nd < 18) s2 = s2 * 10 + (c - 48);
      else if (nd === 18) s3 = c - 48;
      nd++;
      c = ++i < end ? (buf[i] as number) : -1;
    }
    frac = i - fracStart;
    digits += frac;
  }
  if (digits === 0) {
    at.end = start;
    return NaN;
  }
  let exp = 0;
  if (c === 101 || c === 69) {
    c = ++i < end ? (buf[i] as number) : -1;
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = ++i < end ? (buf[i] as number) : -1;
    }
    if (!(c >= 48 && c <= 57)) {
      at.end = i;
      return NaN;
    }
    while (c >= 48 && c <= 57) {
      // Past a billion the value is 0 or infinite whatever the digits; stop growing there.
      if (exp < 1e9) exp = exp * 10 + (c - 48);
      c = ++i < end ? (buf[i] as number) : -1;
    }
    if (eneg) exp = -exp;
  }
  at.end = i;
  if (nd === 0) return neg ? -0 : 0;
  const p = exp - frac;
  if (nd <= 9) {
    const v = clinger(neg, s1, p);
    return v === v ? v : slowDecimal(buf, start, i);
  }
  if (nd <= 18) {
    const k = POW10[nd - 9] as number;
    // Below 2^53 the mantissa is exact in a double (each step's true result is below 2^53, and
    // one at or above it rounds to at least 2^53).
    const w = s1 * k + s2;
    if (w < 9007199254740992) {
      const v = clinger(neg, w, p);
      return v === v ? v : slowDecimal(buf, start, i);
    }
    // w as two 32-bit limbs: s1 < 10^9 and k <= 10^9, so the double product is within 2^7 of the
    // exact one and its high limb rounds right.
    const lo = Math.imul(s1, k) >>> 0;
    const hi = Math.round((s1 * k - lo) * INV32);
    const wl = lo + s2;
    return lemire(neg, hi + (wl >= TWO32 ? 1 : 0), wl >>> 0, p, buf, start, i);
  }
  if (nd === 19) {
    // (s1·10^9 + s2)·10 + s3, each step on 32-bit limbs.
    const lo0 = Math.imul(s1, 1e9) >>> 0;
    const hi0 = Math.round((s1 * 1e9 - lo0) * INV32);
    const l1 = lo0 + s2;
    const h1 = hi0 + (l1 >= TWO32 ? 1 : 0);
    const l2 = (l1 >>> 0) * 10 + s3; // < 2^36
    const wl = l2 >>> 0;
    const wh = h1 * 10 + (l2 - wl) * INV32;
    return lemire(neg, wh, wl, p, buf, start, i);
  }
  return slowDecimal(buf, start, i);
}

/** ±(wh·2^32 + wl) × 10^p by Eisel–Lemire, else `Number()` on the field `buf[start..end)`. */
function lemire(neg: boolean, wh: number, wl: number, p: number, buf: Uint8Array, start: number, end: number): number {
  if (p >= MIN_EXP10 && p <= MAX_EXP10) {
    const v = eiselLemire(wh, wl, p);
    if (v === v) return neg ? -v : v;
  }
  return slowDecimal(buf, start, end);
}

/** ±w × 10^p for an exact integer w < 2^53: Clinger's fast path, else Eisel–Lemire, else `Number()`. */
function clinger(neg: boolean, w: number, p: number): number {
  if (p >= 0) {
    if (p <= 22) {
      const v = w * (POW10[p] as number);
      return neg ? -v : v;
    }
    if (p <= 37) {
      const ww = w * (POW10[p - 22] as number);
      if (ww <= 9007199254740992) {
        const v = ww * 1e22;
        return neg ? -v : v;
      }
    }
  } else if (p >= -22) {
    const v = w / (POW10[-p] as number);
    return neg ? -v : v;
  }
  if (p >= MIN_EXP10 && p <= MAX_EXP10) {
    const wl = w >>> 0;
    const v = eiselLemire((w - wl) * INV32, wl, p);
    if (v === v) return neg ? -v : v;
  }
  return NaN; // undecided
}

/**
 * Parses a decimal number in a string with {@link parseDecimal}'s syntax: the same double as
 * `Number(text)`, or `NaN` when `text` is not in that syntax (`""`, `" 1"`, `"0x10"`,
 * `"Infinity"` are all `NaN`).
 * @example
 * ```ts
 * parseDecimalString("-0"); // -0
 * parseDecimalString("1e400"); // Infinity
 * parseDecimalString("Infinity"); // NaN
 * ```
 * @public
 */
export function parseDecimalString(text: string): number {
  const n = text.length;
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Outside ASCII nothing is accepted; 0 is not a character of the syntax.
    bytes[i] = c < 128 ? c : 0;
  }
  return parseDecimal(bytes, 0, n);
}

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = (p[i - 1] as number) * 10;
  return p;
})();

/** The syntax was checked: `Number()` on the field's Latin-1 text is the exact answer. */
function slowDecimal(buf: Uint8Array, start: number, end: number): number {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] as number);
  return Number(s);
}

const MIN_EXP10 = -348;
const MAX_EXP10 = 347;
const TWO32 = 4294967296;

/**
 * 128-bit mantissas of 10^q for q in [-348, 347], rounded down and normalised so the top bit is
 * set, as four 32-bit limbs (most significant first), and 2^(e - 1075) for the biased exponents e
 * in [0, 2047). Built on first use (about a millisecond).
 */
let MANT = new Uint32Array(0);
let POW2 = new Float64Array(0);

function buildTables(): void {
  const t = new Uint32Array((MAX_EXP10 - MIN_EXP10 + 1) * 4);
  const mask = (1n << 32n) - 1n;
  for (let q = MIN_EXP10; q <= MAX_EXP10; q++) {
    let v: bigint;
    if (q >= 0) {
      v = 10n ** BigInt(q);
      const len = v.toString(2).length;
      v = len > 128 ? v >> BigInt(len - 128) : v << BigInt(128 - len);
    } else {
      const d = 10n ** BigInt(-q);
      const len = d.toString(2).length;
      v = (1n << BigInt(len + 127)) / d;
    }
    const o = (q - MIN_EXP10) * 4;
    t[o] = Number((v >> 96n) & mask);
    t[o + 1] = Number((v >> 64n) & mask);
    t[o + 2] = Number((v >> 32n) & mask);
    t[o + 3] = Number(v & mask);
  }
  const p = new Float64Array(2047);
  for (let e = 0; e < 2047; e++) p[e] = 2 ** (e - 1075);
  POW2 = p;
  MANT = t;
}

/**
 * The 128-bit table entry for 10^q as four hexadecimal 32-bit limbs, most significant first
 * (for tests against published tables).
 * @internal
 */
export function powerOfTenMantissa(q: number): string {
  if (MANT.length === 0) buildTables();
  const o = (q - MIN_EXP10) * 4;
  return Array.from(MANT.subarray(o, o + 4), (x) => x.toString(16).padStart(8, "0")).join("");
}

const INV32 = 1 / TWO32;

/**
 * Eisel–Lemire: the double nearest to w × 10^q for 0 < w < 2^64 (w = wh·2^32 + wl), or `NaN`
 * when the 128-bit approximation cannot decide (the caller then falls back).
 *
 * The 64×64 → 128-bit products are done on 32-bit limbs: each 32×32 product's low half comes from
 * `Math.imul`, its high half from the (inexact) double product, whose error (< 2^12) is far below
 * 2^31, so rounding recovers it exactly.
 */
function eiselLemire(whIn: number, wlIn: number, q: number): number {
  if (MANT.length === 0) buildTables();
  const t = MANT;
  let wh = whIn;
  let wl = wlIn;
  // Normalise w so its top bit is set.
  const clz = wh !== 0 ? Math.clz32(wh) : 32 + Math.clz32(wl);
  if (clz >= 32) {
    wh = (wl << (clz - 32)) >>> 0;
    wl = 0;
  } else if (clz > 0) {
    wh = ((wh << clz) | (wl >>> (32 - clz))) >>> 0;
    wl = (wl << clz) >>> 0;
  }
  let exp2 = ((217706 * q) >> 16) + 64 + 1023 - clz;
  const o = (q - MIN_EXP10) * 4;
  const b1 = t[o] as number;
  const b0 = t[o + 1] as number;
  // x = w × (b1, b0), as limbs x3..x0.
  const l00 = Math.imul(wl, b0) >>> 0;
  const h00 = ((wl * b0 - l00) * INV32 + 0.5) >>> 0;
  const l01 = Math.imul(wl, b1) >>> 0;
  const h01 = ((wl * b1 - l01) * INV32 + 0.5) >>> 0;
  const l10 = Math.imul(wh, b0) >>> 0;
  const h10 = ((wh * b0 - l10) * INV32 + 0.5) >>> 0;
  const l11 = Math.imul(wh, b1) >>> 0;
  const h11 = ((wh * b1 - l11) * INV32 + 0.5) >>> 0;
  let x0 = l00;
  const mid = h00 + l01 + l10;
  let x1 = mid >>> 0;
  const mid2 = h01 + h10 + l11 + (mid - x1) * INV32;
  let x2 = mid2 >>> 0;
  let x3 = h11 + (mid2 - x2) * INV32;
  // The low bits may be wrong: widen with the table's lower 64 bits.
  if ((x2 & 0x1ff) === 0x1ff && overflows(x1, x0, wh, wl)) {
    mul64(wh, wl, t[o + 2] as number, t[o + 3] as number);
    const y3 = r3;
    const y2 = r2;
    const y1 = r1;
    const y0 = r0;
    // merged = x + (y >> 64)
    let s = x0 + y2;
    const m0 = s >>> 0;
    s = x1 + y3 + (s - m0) / TWO32;
    const m1 = s >>> 0;
    let carry = (s - m1) / TWO32;
    s = x2 + carry;
    x2 = s >>> 0;
    carry = (s - x2) / TWO32;
    x3 += carry;
    if ((x2 & 0x1ff) === 0x1ff && m1 === 0xffffffff && m0 === 0xffffffff && overflows(y1, y0, wh, wl)) return NaN;
    x1 = m1;
    x0 = m0;
  }
  // The top 54 bits.
  const msb = x3 >>> 31;
  const shift = msb + 9;
  const mh = x3 >>> shift;
  const ml = ((x3 << (32 - shift)) | (x2 >>> shift)) >>> 0;
  exp2 -= 1 ^ msb;
  // Exactly halfway between two doubles: undecidable here.
  if (x1 === 0 && x0 === 0 && (x2 & 0x1ff) === 0 && (ml & 3) === 1) return NaN;
  // Round to 53 bits (the sum is even and at most 2^54, so exact in a double).
  let mant = (mh * TWO32 + (ml + (ml & 1))) / 2;
  if (mant >= 9007199254740992) {
    mant /= 2;
    exp2++;
  }
  if (exp2 <= 0 || exp2 >= 0x7ff) return NaN;
  return mant * (POW2[exp2] as number);
}

// Scratch results of mul64 (limbs, most significant first); the rare wide step only.
let r3 = 0;
let r2 = 0;
let r1 = 0;
let r0 = 0;

/** Unsigned (a1·2^32 + a0) × (b1·2^32 + b0) into r3..r0. */
function mul64(a1: number, a0: number, b1: number, b0: number): void {
  const l00 = Math.imul(a0, b0) >>> 0;
  const h00 = ((a0 * b0 - l00) * INV32 + 0.5) >>> 0;
  const l01 = Math.imul(a0, b1) >>> 0;
  const h01 = ((a0 * b1 - l01) * INV32 + 0.5) >>> 0;
  const l10 = Math.imul(a1, b0) >>> 0;
  const h10 = ((a1 * b0 - l10) * INV32 + 0.5) >>> 0;
  const l11 = Math.imul(a1, b1) >>> 0;
  const h11 = ((a1 * b1 - l11) * INV32 + 0.5) >>> 0;
  r0 = l00;
  const mid = h00 + l01 + l10;
  r1 = mid >>> 0;
  const mid2 = h01 + h10 + l11 + (mid - r1) * INV32;
  r2 = mid2 >>> 0;
  r3 = h11 + (mid2 - r2) * INV32;
}

/** Whether (a1, a0) + (b1, b0) carries out of 64 bits. */
function overflows(a1: number, a0: number, b1: number, b0: number): boolean {
  const s = a0 + b0;
  return a1 + b1 + (s >= TWO32 ? 1 : 0) >= TWO32;
}
