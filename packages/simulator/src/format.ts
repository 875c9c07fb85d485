// Number formatting the way the public creditcard.csv writes numbers: R's `write.csv`, i.e. 15
// significant digits, trailing zeros dropped, fixed notation unless scientific is shorter.

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = (p[i - 1] as number) * 10;
  return p;
})();

const DIGITS = new Uint8Array(16);
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
  let e = Math.floor(Math.log10(a));
  // Correct a possible off-by-one of log10 near powers of ten.
  if (e >= 0 ? a < (POW10[e] as number) : a * (POW10[-e] as number) < 1) e--;
  else if (e + 1 >= 0 ? a >= (POW10[e + 1] as number) : a * (POW10[-e - 1] as number) >= 1) e++;
  const k = 14 - e;
  let m = k <= 22 ? Math.round(a * (POW10[k] as number)) : Math.round(a / (POW10[-k] as number));
  if (m >= 1e15) {
    m = Math.round(m / 10);
    e++;
  }
  // Fifteen digits: split into 7 high and 8 low digits held in int32.
  let hi = Math.floor(m / 1e8);
  let lo = m - hi * 1e8;
  for (let i = 14; i >= 7; i--) {
    const q = (lo / 10) | 0;
    DIGITS[i] = lo - q * 10;
    lo = q;
  }
  for (let i = 6; i >= 0; i--) {
    const q = (hi / 10) | 0;
    DIGITS[i] = hi - q * 10;
    hi = q;
  }
  let d = 15;
  while (d > 1 && DIGITS[d - 1] === 0) d--;
  const fixedWidth = e >= 0 ? (d > e + 1 ? d + 1 : e + 1) : 1 - e + d;
  const sciWidth = d + (d > 1 ? 1 : 0) + (e <= -100 || e >= 100 ? 5 : 4);
  if (fixedWidth <= sciWidth) {
    if (e >= 0) {
      for (let i = 0; i <= e; i++) buf[pos++] = i < d ? 48 + (DIGITS[i] as number) : 48;
      if (d > e + 1) {
        buf[pos++] = 46;
        for (let i = e + 1; i < d; i++) buf[pos++] = 48 + (DIGITS[i] as number);
      }
    } else {
      buf[pos++] = 48;
      buf[pos++] = 46;
      for (let i = -1; i > e; i--) buf[pos++] = 48;
      for (let i = 0; i < d; i++) buf[pos++] = 48 + (DIGITS[i] as number);
    }
    return pos;
  }
  buf[pos++] = 48 + (DIGITS[0] as number);
  if (d > 1) {
    buf[pos++] = 46;
    for (let i = 1; i < d; i++) buf[pos++] = 48 + (DIGITS[i] as number);
  }
  buf[pos++] = 101;
  buf[pos++] = e < 0 ? 45 : 43;
  const ae = e < 0 ? -e : e;
  if (ae >= 100) buf[pos++] = 48 + Math.floor(ae / 100);
  buf[pos++] = 48 + (Math.floor(ae / 10) % 10);
  buf[pos++] = 48 + (ae % 10);
  return pos;
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
