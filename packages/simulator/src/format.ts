// Number formatting the way the public creditcard.csv writes numbers: R's `write.csv`, i.e. 15
// significant digits, trailing zeros dropped, fixed notation unless scientific is shorter.
//
// The hot path writes the 15 significant digits straight into the output (two digits per table
// look-up, integer arithmetic only), then trims trailing zeros in place. Only the rare numbers
// whose scientific form is shorter, or that are tiny, huge or not finite, take the slower paths.

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = (p[i - 1] as number) * 10;
  return p;
})();

/** ASCII of the two-digit numbers 00..99: bytes `2k` and `2k + 1` spell `k`. */
const PAIRS: Uint8Array = (() => {
  const t = new Uint8Array(200);
  for (let k = 0; k < 100; k++) {
    t[2 * k] = 48 + Math.floor(k / 10);
    t[2 * k + 1] = 48 + (k % 10);
  }
  return t;
})();

const encoder = new TextEncoder();
const scratch = new Uint8Array(64);
const ascii = new TextDecoder("latin1");

/** Longest output of {@link writeNumber}, in bytes. @internal */
export const MAX_NUMBER_BYTES = 32;

/**
 * Writes `x` at `buf[pos]` like R's `as.character` with 15 significant digits (the layout of the
 * public `creditcard.csv`): `0`, `149.62`, `-1.3598071336738`, `1.23456789012345e-05`.
 * Needs {@link MAX_NUMBER_BYTES} bytes of room; returns the position after the number.
 * @internal
 */
export function writeNumber(buf: Uint8Array, pos: number, x: number): number {
  if (x === 0) {
    buf[pos] = 48;
    return pos + 1;
  }
  let a = x;
  if (x < 0) {
    buf[pos++] = 45;
    a = -x;
  }
  if (!(a >= 1e-8 && a < 1e15)) return writeSlow(buf, pos, a);
  let e = decimalExponent(a);
  // 1e-8 <= a < 1e15, so 0 <= 14 - e <= 22 and the power of ten is exact.
  let m = Math.round(a * (POW10[14 - e] as number));
  if (m >= 1e15) {
    m = Math.round(m / 10);
    e++;
  }
  if (e >= 0 && e <= 14) {
    // Integer part, point, fraction: the digits go one place right, then the integer part moves
    // back over the gap and the point fills it.
    writeDigits15(buf, pos + 1, m);
    for (let i = 0; i <= e; i++) buf[pos + i] = buf[pos + 1 + i] as number;
    buf[pos + e + 1] = 46;
    let end = pos + 16;
    while (buf[end - 1] === 48) end--;
    if (buf[end - 1] !== 46) return end; // a fraction: fixed notation is the shorter
    end--;
    let d = e + 1;
    while (d > 1 && buf[pos + d - 1] === 48) d--;
    if (e + 1 <= sciWidth(d, e)) return end;
  } else if (e < 0 && e >= -4) {
    // 0.000ddd: fixed notation unless too many leading zeros.
    buf[pos] = 48;
    buf[pos + 1] = 46;
    const first = pos + 1 - e;
    for (let i = pos + 2; i < first; i++) buf[i] = 48;
    writeDigits15(buf, first, m);
    let end = first + 15;
    while (buf[end - 1] === 48) end--;
    const d = end - first;
    if (1 - e + d <= sciWidth(d, e)) return end;
  }
  return writeScientific(buf, pos, m, e);
}

/**
 * The decimal exponent `e` of `a` (1e-8 <= a < 1e15): `10^e <= a < 10^(e+1)`, decided the way
 * the digits are later scaled (`a * 10^-e >= 1` for negative `e`, so both agree on rounding).
 * A few exact comparisons with powers of ten, cheaper than `Math.log10`.
 */
function decimalExponent(a: number): number {
  let e: number;
  if (a >= 1) {
    e = a >= 1e7 ? 7 : 0;
    while (e < 14 && a >= (POW10[e + 1] as number)) e++;
  } else {
    e = -1;
    while (e > -8 && a * (POW10[-e] as number) < 1) e--;
  }
  return e;
}

/** Width of the scientific form of `d` significant digits with exponent `e` (|e| < 100). */
function sciWidth(d: number, e: number): number {
  return d + (d > 1 ? 1 : 0) + (e <= -100 || e >= 100 ? 5 : 4);
}

/** Writes the 15 decimal digits of the integer `m` (1e14 <= m < 1e15) at `buf[p..p+15)`. */
function writeDigits15(buf: Uint8Array, p: number, m: number): void {
  // Seven high and eight low digits, each held in an int32.
  const hiF = Math.floor(m / 1e8);
  const lo = (m - hiF * 1e8) | 0;
  const hi = hiF | 0;
  const h0 = (hi / 1000000) | 0;
  const h1 = hi - h0 * 1000000;
  const h2 = (h1 / 10000) | 0;
  const h3 = h1 - h2 * 10000;
  const h4 = (h3 / 100) | 0;
  const h5 = h3 - h4 * 100;
  buf[p] = 48 + h0;
  buf[p + 1] = PAIRS[2 * h2] as number;
  buf[p + 2] = PAIRS[2 * h2 + 1] as number;
  buf[p + 3] = PAIRS[2 * h4] as number;
  buf[p + 4] = PAIRS[2 * h4 + 1] as number;
  buf[p + 5] = PAIRS[2 * h5] as number;
  buf[p + 6] = PAIRS[2 * h5 + 1] as number;
  const l0 = (lo / 10000) | 0;
  const l1 = lo - l0 * 10000;
  const l2 = (l0 / 100) | 0;
  const l3 = l0 - l2 * 100;
  const l4 = (l1 / 100) | 0;
  const l5 = l1 - l4 * 100;
  buf[p + 7] = PAIRS[2 * l2] as number;
  buf[p + 8] = PAIRS[2 * l2 + 1] as number;
  buf[p + 9] = PAIRS[2 * l3] as number;
  buf[p + 10] = PAIRS[2 * l3 + 1] as number;
  buf[p + 11] = PAIRS[2 * l4] as number;
  buf[p + 12] = PAIRS[2 * l4 + 1] as number;
  buf[p + 13] = PAIRS[2 * l5] as number;
  buf[p + 14] = PAIRS[2 * l5 + 1] as number;
}

/** Writes `m` (15 digits) times `10^(e-14)` in scientific notation: `d.ddde-05`. */
function writeScientific(buf: Uint8Array, pos: number, m: number, e: number): number {
  // Digits at pos + 1, then the first one moves left over the gap that takes the point.
  writeDigits15(buf, pos + 1, m);
  buf[pos] = buf[pos + 1] as number;
  buf[pos + 1] = 46;
  let end = pos + 16;
  while (buf[end - 1] === 48) end--;
  if (end === pos + 2) end--; // one significant digit: no point
  buf[end++] = 101;
  buf[end++] = e < 0 ? 45 : 43;
  const ae = e < 0 ? -e : e;
  if (ae >= 100) buf[end++] = 48 + Math.floor(ae / 100);
  buf[end++] = 48 + (Math.floor(ae / 10) % 10);
  buf[end++] = 48 + (ae % 10);
  return end;
}

function writeSlow(buf: Uint8Array, pos: number, a: number): number {
  let s: string;
  if (!Number.isFinite(a)) {
    s = a > 0 ? "Inf" : "NaN";
  } else {
    const [mant = "", exp = "0"] = a.toExponential(14).split("e");
    const m = mant.replace(/0+$/, "").replace(/\.$/, "");
    const n = Number(exp);
    const abs = Math.abs(n);
    s = `${m}e${n < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  const bytes = encoder.encode(s);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/**
 * Formats a finite number the way the public `creditcard.csv` does (see {@link writeNumber}).
 * @internal
 */
export function formatNumber(x: number): string {
  const end = writeNumber(scratch, 0, x);
  return ascii.decode(scratch.subarray(0, end));
}
