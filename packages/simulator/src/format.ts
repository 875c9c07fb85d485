// Number formatting the way the public creditcard.csv writes numbers: R's `write.csv`, i.e. 15
// significant digits, trailing zeros dropped, fixed notation unless scientific is shorter.

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = (p[i - 1] as number) * 10;
  return p;
})();

/**
 * Formats a finite number like R's `as.character` with 15 significant digits (the layout of the
 * public `creditcard.csv`): `0`, `149.62`, `-1.3598071336738`, `1.23456789012345e-05`.
 * @internal
 */
export function formatNumber(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const neg = x < 0;
  const a = neg ? -x : x;
  if (a >= 1e15 || a < 1e-8) return formatSlow(x);
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
  let digits = m.toString();
  // Strip trailing zeros.
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  const d = digits.length;
  const fixedWidth = e >= 0 ? (d > e + 1 ? d + 1 : e + 1) : 1 - e + d;
  const sciWidth = d + (d > 1 ? 1 : 0) + (e <= -100 || e >= 100 ? 5 : 4);
  let out: string;
  if (fixedWidth <= sciWidth) {
    if (e >= 0) {
      out = d > e + 1 ? `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}` : digits + "0".repeat(e + 1 - d);
    } else {
      out = `0.${"0".repeat(-e - 1)}${digits}`;
    }
  } else {
    const exp = e < 0 ? `e-${-e < 10 ? "0" : ""}${-e}` : `e+${e < 10 ? "0" : ""}${e}`;
    out = d > 1 ? `${digits[0]}.${digits.slice(1)}${exp}` : `${digits}${exp}`;
  }
  return neg ? `-${out}` : out;
}

function formatSlow(x: number): string {
  const s = x.toPrecision(15);
  const [mant = "", exp] = s.split("e");
  let m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
  if (exp === undefined) return m;
  const n = Number(exp);
  const sign = n < 0 ? "-" : "+";
  const abs = Math.abs(n);
  m += `e${sign}${abs < 10 ? "0" : ""}${abs}`;
  return m;
}
