// Option checks: one zod schema per kind of value, shared by the library and the CLI, so both accept
// and refuse the same values with the same words.
import * as z from "zod/mini";
import { invalidArgument, quote } from "./errors.js";

/** A kind of option value: its zod schema and what a message says it must be. @internal */
export interface OptionSpec<T> {
  readonly schema: z.ZodMiniType<T, number>;
  readonly expect: string;
}

const spec = <T>(schema: z.ZodMiniType<T, number>, expect: string): OptionSpec<T> => ({ schema, expect });

/**
 * Largest row count `generateDataset` (and `fraud-sim generate --rows`) accepts: 5,000,000 rows are
 * 1.2 GB of features, and the file writers encode the whole file (2.7 GB of CSV) before the atomic write.
 * @example
 * ```ts
 * generateDataset({ rows: Math.min(wanted, MAX_ROWS), seed: 1 });
 * ```
 * @public
 */
export const MAX_ROWS = 5_000_000;

/**
 * Default of the readers' `maxLineBytes`: 1 MiB (a line of the public file is about 300 bytes).
 * @example
 * ```ts
 * await readCreditCardCsv("wide.csv", { maxLineBytes: 4 * DEFAULT_MAX_LINE_BYTES });
 * ```
 * @public
 */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/** Integers from `min` to `max`. @internal */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER): OptionSpec<number> =>
  spec(z.int().check(z.gte(min), z.lte(max)), max === Number.MAX_SAFE_INTEGER ? (min === 0 ? "a non-negative integer" : `an integer >= ${min}`) : `an integer from ${min} to ${max}`);

/** @internal */
export const SEED = integer(0);
/** @internal */
export const ROWS = integer(1, MAX_ROWS);
/** @internal */
export const FRAUD_RATE = spec(z.number().check(z.gt(0), z.lt(1)), "a number in (0, 1)");
/** @internal */
export const POSITIVE = spec(z.number().check(z.positive()), "a positive number");
/** @internal */
export const MAX_LINE_BYTES = integer(64, 1 << 30);

/**
 * Highest arrival rate of a real-time `transactionStream` (and `fraud-sim stream --rate`):
 * 100,000 transactions per second, about 30 MB/s of NDJSON — more than one core generates and
 * writes. A real-time stream also stops at its duration by the wall clock, whatever the rate.
 * @example
 * ```ts
 * transactionStream({ seed: 1, rate: Math.min(wanted, MAX_STREAM_RATE), duration: 60 });
 * ```
 * @public
 */
export const MAX_STREAM_RATE = 100_000;

/**
 * Longest `duration` of a `transactionStream` (and `fraud-sim stream --duration`), in
 * seconds: 366 days.
 * @example
 * ```ts
 * transactionStream({ seed: 1, rate: 5, duration: MAX_STREAM_SECONDS });
 * ```
 * @public
 */
export const MAX_STREAM_SECONDS = 366 * 86_400;

/**
 * Highest `speed` of `replayDataset` (and `fraud-sim replay --speed`): a million times real
 * time replays the public file's two days in under a second of waiting.
 * @example
 * ```ts
 * replayDataset(data, { speed: MAX_REPLAY_SPEED });
 * ```
 * @public
 */
export const MAX_REPLAY_SPEED = 1_000_000;

/** @internal */
export const RATE = spec(z.number().check(z.positive(), z.lte(MAX_STREAM_RATE)), `a positive number up to ${MAX_STREAM_RATE}`);
/** @internal */
export const DURATION = spec(z.number().check(z.positive(), z.lte(MAX_STREAM_SECONDS)), `a positive number of seconds up to ${MAX_STREAM_SECONDS}`);
/** @internal */
export const SPEED = spec(z.number().check(z.positive(), z.lte(MAX_REPLAY_SPEED)), `a positive number up to ${MAX_REPLAY_SPEED}`);

/**
 * Checks that an options argument is a plain object (`undefined` too when `optional`).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT`: `options must be an object, got …`.
 * @internal
 */
export function requireObject(name: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidArgument(`${name} must be an object, got ${kind(value)}`);
}

/**
 * Checks that a text argument (a path, a file label, CSV text) is a string.
 * @throws {@link SimulatorError} `INVALID_ARGUMENT`.
 * @internal
 */
export function requireString(name: string, value: unknown): void {
  if (typeof value !== "string") throw invalidArgument(`${name} must be a string, got ${kind(value)}`);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return typeof value;
}

/**
 * Checks a library option against its spec.
 * @throws {@link SimulatorError} `INVALID_ARGUMENT`: `name must be <expect>, got <value>`.
 * @internal
 */
export function checkOption<T>(name: string, s: OptionSpec<T>, value: unknown): T {
  const r = s.schema.safeParse(value);
  if (!r.success) throw invalidArgument(`${name} must be ${s.expect}, got ${typeof value === "string" ? quote(value) : String(value)}`);
  return r.data;
}

/** Checks an optional library option; `undefined` gives the default. @internal */
export function optionalOption<T>(name: string, s: OptionSpec<T>, value: unknown, fallback: T): T {
  return value === undefined ? fallback : checkOption(name, s, value);
}

/** A decimal number as typed on a command line (no hex, no empty string, no `Infinity`). */
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parser of a numeric command-line flag: the text must be a decimal number that passes the spec's
 * schema. Returns a function that throws `onError(message)` for anything else.
 * @internal
 */
export function flagParser<T>(name: string, s: OptionSpec<T>, onError: (message: string) => Error): (text: string) => T {
  const schema = z.pipe(z.pipe(z.string().check(z.trim(), z.regex(NUMBER_TEXT)), z.transform(Number)), s.schema);
  return (text: string): T => {
    const r = schema.safeParse(text);
    if (!r.success) throw onError(`${name} must be ${s.expect}, got ${quote(text)}`);
    return r.data;
  };
}
