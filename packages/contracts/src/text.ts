/**
 * Small helpers for one-line messages and for parsing text the same way everywhere: value
 * quoting, integer parsing and zod-issue formatting.
 * @packageDocumentation
 */
import type * as z from "zod";

/** Longest part of a value quoted in a message, in characters. @public */
export const MAX_QUOTED = 80;

/**
 * At most {@link MAX_QUOTED} characters of a text taken from input (`...` marks a cut).
 * @example
 * ```ts
 * clip("x".repeat(200)).length; // 80
 * ```
 * @public
 */
export function clip(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 3)}...` : text;
}

/**
 * A value as every message quotes it: JSON (strings clipped to {@link MAX_QUOTED} characters before
 * quoting, other values after), numbers as written (`NaN`, `Infinity`), `nothing` for `undefined`. Never throws (cycles, BigInt, deep
 * values fall back to `String`).
 * @example
 * ```ts
 * `invalid region ${quote("mars-1")}`; // invalid region "mars-1"
 * quote(undefined); // "nothing"
 * quote({ a: 1 }); // {"a":1}
 * ```
 * @public
 */
export function quote(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(clip(value));
  if (typeof value === "number" || typeof value === "bigint") return clip(String(value));
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return clip(json ?? safeString(value));
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Parses a decimal integer the one way every package does: optional surrounding whitespace, an
 * optional `-` (never `+`), ASCII digits only (no exponent, point, hex, `_` or empty text), and
 * the result a safe integer. Anything else is `undefined`, so the caller names the field.
 * @example
 * ```ts
 * parseInteger(" 42 "); // 42
 * parseInteger("1e3");  // undefined
 * parseInteger("9007199254740993"); // undefined (not a safe integer)
 * ```
 * @public
 */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!/^-?\d{1,16}$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? (Object.is(n, -0) ? 0 : n) : undefined;
}

/**
 * `a.b[2].c` for a zod issue path (`(root)` for the empty path), after an optional prefix.
 * @example
 * ```ts
 * issuePath(["lambda", "functionUrl", "allowOrigins", 0]); // "lambda.functionUrl.allowOrigins[0]"
 * ```
 * @public
 */
export function issuePath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out === "" ? "(root)" : out;
}

/**
 * The value at a zod issue's path inside the parsed input; `undefined` when absent.
 * @example
 * ```ts
 * valueAt({ a: [1, 2] }, ["a", 1]); // 2
 * ```
 * @public
 */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * One zod issue as one line: `<path>: <message> (got <value>)`, `<path>: missing`, or
 * `<path>: unknown field`. The value is left out when it is an object or the message quotes it
 * already.
 * @example
 * ```ts
 * const r = z.object({ n: z.number() }).safeParse({ n: "x" });
 * formatIssue(r.error!.issues[0]!, { n: "x" }); // 'n: Invalid input: expected number, received string (got "x")'
 * ```
 * @public
 */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown, prefix = ""): string {
  if (issue.code === "unrecognized_keys") return `${issuePath([...issue.path, issue.keys[0] ?? "?"], prefix)}: unknown field`;
  const where = issuePath(issue.path, prefix);
  const value = valueAt(input, issue.path);
  if (value === undefined && issue.code === "invalid_type") return `${where}: missing`;
  const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  const quoted = quote(value);
  const showsValue = (typeof value === "object" && value !== null) || message.includes(quoted.slice(0, 20));
  return showsValue ? `${where}: ${message}` : `${where}: ${message} (got ${quoted})`;
}

/**
 * The first `max` issues of a zod error, each by {@link formatIssue}, joined with `; `.
 * @example
 * ```ts
 * `fraud-stack.json: ${formatIssues(result.error, json)}`;
 * ```
 * @public
 */
export function formatIssues(error: z.ZodError, input: unknown, max = 5): string {
  return error.issues.slice(0, max).map((i) => formatIssue(i, input)).join("; ");
}
