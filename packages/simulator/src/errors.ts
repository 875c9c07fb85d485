import { FraudError } from "@fraud/contracts";

/**
 * Stable codes carried by {@link SimulatorError} itself.
 *
 * - `INVALID_ARGUMENT` — an argument or option is missing, of the wrong type, or outside its
 *   documented range (generator, stream, codec and CLI options alike).
 *
 * @public
 */
export type SimulatorErrorCode = "INVALID_ARGUMENT";

/**
 * Stable machine-readable codes carried by every {@link CsvError}.
 *
 * - `CSV_MALFORMED` — a data line is malformed: wrong column count, a value that is not a number,
 *   a non-finite number, a class that is not 0/1, an unterminated quote. `line` and `column` say where.
 * - `CSV_BAD_HEADER` — the first line is neither the public file's header nor a data line.
 * - `CSV_EMPTY` — the input holds no data rows.
 * - `NDJSON_MALFORMED` — an NDJSON line is not a JSON transaction object.
 * - `LINE_TOO_LONG` — a line is longer than the reader's `maxLineBytes`; it is rejected as soon as
 *   the limit is passed, without reading the rest of the line.
 * - `IO_ERROR` — the file could not be read or written (the underlying error is the `cause`).
 *
 * @public
 */
export type CsvErrorCode = "CSV_MALFORMED" | "CSV_BAD_HEADER" | "CSV_EMPTY" | "NDJSON_MALFORMED" | "LINE_TOO_LONG" | "IO_ERROR";

/**
 * Base class of every error raised by `@fraud/simulator`; `code` is stable and safe to branch on.
 * Option errors are `SimulatorError`s with code `INVALID_ARGUMENT`; data errors are {@link CsvError}s.
 *
 * @example
 * ```ts
 * try {
 *   generateDataset({ rows: -1, seed: 1 });
 * } catch (err) {
 *   if (isSimulatorError(err, "INVALID_ARGUMENT")) console.error(err.message);
 * }
 * ```
 * @public
 */
export class SimulatorError<C extends string = SimulatorErrorCode | CsvErrorCode> extends FraudError<C> {
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "SimulatorError";
  }
}

/** Where a {@link CsvError} was found, passed to its constructor. @public */
export interface CsvErrorOptions extends ErrorOptions {
  /** File name (or a label such as `<input>` for in-memory text). */
  file?: string;
  /** One-based line number. */
  line?: number;
  /** One-based column: the field number in CSV, the byte position in NDJSON. */
  column?: number;
}

/**
 * The error raised when reading or writing `creditcard.csv` or NDJSON data.
 * Its message reads `file:line:column: reason`, so it can be printed as is.
 *
 * @example
 * ```ts
 * try {
 *   await readCreditCardCsv("creditcard.csv");
 * } catch (err) {
 *   if (isCsvError(err, "CSV_MALFORMED")) console.error(err.line, err.column);
 * }
 * ```
 * @public
 */
export class CsvError extends SimulatorError<CsvErrorCode> {
  /** File name, when known. */
  readonly file: string | undefined;
  /** One-based line number, when known. */
  readonly line: number | undefined;
  /** One-based column (field number in CSV, byte position in NDJSON), when known. */
  readonly column: number | undefined;
  /** The reason without the location prefix. */
  readonly reason: string;

  constructor(code: CsvErrorCode, reason: string, options: CsvErrorOptions = {}) {
    let where = options.file ?? "";
    if (options.line !== undefined) where += `${where ? ":" : "line "}${options.line}`;
    if (options.column !== undefined) where += `:${options.column}`;
    super(code, where ? `${where}: ${reason}` : reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CsvError";
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.reason = reason;
  }
}

/**
 * Type guard for {@link SimulatorError} (every error of this package), optionally narrowing to one code.
 *
 * @example
 * ```ts
 * if (isSimulatorError(err)) console.error(`${err.code}: ${err.message}`);
 * ```
 * @public
 */
export function isSimulatorError(err: unknown, code?: SimulatorErrorCode | CsvErrorCode): err is SimulatorError {
  return err instanceof SimulatorError && (code === undefined || err.code === code);
}

/**
 * Type guard for {@link CsvError}, optionally narrowing to one code.
 *
 * @example
 * ```ts
 * if (isCsvError(err, "LINE_TOO_LONG")) console.error(`line ${err.line} is too long`);
 * ```
 * @public
 */
export function isCsvError(err: unknown, code?: CsvErrorCode): err is CsvError {
  return err instanceof CsvError && (code === undefined || err.code === code);
}

/** An `INVALID_ARGUMENT` error. @internal */
export function invalidArgument(message: string): SimulatorError<SimulatorErrorCode> {
  return new SimulatorError("INVALID_ARGUMENT", message);
}

/** Longest part of a bad value quoted in a message. @internal */
export const QUOTE_CHARS = 80;

/** Cuts a text to {@link QUOTE_CHARS} characters, with `…` when cut. @internal */
export function clip(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
}

/**
 * Quotes at most {@link QUOTE_CHARS} characters of a bad value for a message, with `…` when cut
 * (control characters escaped, so nothing reaches a terminal raw).
 * @internal
 */
export function quote(value: string): string {
  return JSON.stringify(clip(value));
}
