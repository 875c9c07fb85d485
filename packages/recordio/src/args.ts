/**
 * Checks of public-API arguments: each misuse is a `RecordIOError` with code `INVALID_ARGUMENT`
 * whose message names the argument and quotes at most 80 characters of the bad value.
 * @packageDocumentation
 */
import { RecordIOError } from "./errors.js";

const MAX_QUOTE = 80;

/** A short description of a value for error messages: its kind and at most 80 characters of it. @internal */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") {
    const quoted = JSON.stringify(value.length > MAX_QUOTE ? value.slice(0, MAX_QUOTE) : value);
    return `string ${quoted}${value.length > MAX_QUOTE ? "…" : ""}`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${String(value)}`;
  if (typeof value === "function") return "a function";
  const name = (value as object).constructor?.name;
  return name ? `a ${name}` : "an object";
}

/** An `INVALID_ARGUMENT` error. @internal */
export function invalidArgument(message: string, options: { record?: number; cause?: unknown } = {}): RecordIOError {
  return new RecordIOError("INVALID_ARGUMENT", message, options);
}

/** Throws `INVALID_ARGUMENT` unless `value` is a `Uint8Array` (a Node `Buffer` is one). @internal */
export function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidArgument(`${name} must be a Uint8Array, got ${describeValue(value)}`);
}

/** Throws `INVALID_ARGUMENT` unless `value` is an options object (or undefined). @internal */
export function requireOptions(value: unknown, name = "options"): void {
  if (value !== undefined && (value === null || typeof value !== "object")) throw invalidArgument(`${name} must be an object, got ${describeValue(value)}`);
}

/** A safe integer option in `[min, max]`, or its default. @internal */
export function integerOption(value: unknown, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidArgument(`invalid ${name}: ${describeValue(value)}`);
  }
  return value;
}

/**
 * Allocates `n` bytes, or throws `INVALID_ARGUMENT` when the engine cannot (above its typed-array
 * limit, or out of memory) instead of the engine's `RangeError`.
 * @internal
 */
export function allocBytes(n: number, what: string): Uint8Array {
  return allocArray(Uint8Array, n, what);
}

/** A typed array of `n` elements, or `INVALID_ARGUMENT` when the engine cannot allocate it. @internal */
export function allocArray<T>(Ctor: new (n: number) => T, n: number, what: string): T {
  try {
    return new Ctor(n);
  } catch (err) {
    throw invalidArgument(`cannot allocate ${n} elements for ${what}`, { cause: err });
  }
}
