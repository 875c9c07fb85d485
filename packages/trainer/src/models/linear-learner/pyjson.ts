// JSON as Python's `json.dumps` writes it (", " and ": " separators, floats in `repr` form),
// which is how SageMaker's Linear Learner writes `additional-params.json` and `manifest.json`.

/** A number Python holds as an `int` (written without a decimal point). */
export class PyInt {
  constructor(readonly value: number) {}
}

/** A JSON value whose numbers are Python floats unless wrapped in {@link PyInt}. */
export type PyValue = null | boolean | string | number | PyInt | readonly PyValue[] | { readonly [key: string]: PyValue };

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JavaScript's), always with a
 * decimal point or exponent, in exponent form below 1e-4 and from 1e16 on (`1.0`, `0.5`,
 * `1e-05`, `1e+16`).
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A JSON string with Python's default `ensure_ascii` escaping. */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Serialises like `json.dumps(value)` in Python (default separators, keys in insertion order). */
export function pyJson(v: PyValue): string {
  if (v === null) return "null";
  if (v instanceof PyInt) return String(Math.trunc(v.value));
  if (typeof v === "number") return pyFloat(v);
  if (typeof v === "string") return pyString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${(v as readonly PyValue[]).map(pyJson).join(", ")}]`;
  return `{${Object.entries(v as Record<string, PyValue>)
    .map(([k, x]) => `${pyString(k)}: ${pyJson(x)}`)
    .join(", ")}}`;
}
