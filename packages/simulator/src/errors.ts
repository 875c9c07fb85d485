/**
 * Stable machine-readable codes carried by every {@link CsvError}.
 *
 * - `CSV_MALFORMED` — a data line is malformed: wrong column count, a value that is not a number,
 *   a non-finite number, a class that is not 0/1, an unterminated quote. `line` and `column` say where.
 * - `CSV_BAD_HEADER` — the first line is neither the public file's header nor a data line.
 * - `CSV_EMPTY` — the input holds no data rows.
 * - `NDJSON_MALFORMED` — an NDJSON line is not a JSON transaction object.
 * - `IO_ERROR` — the file could not be read or written (the underlying error is the `cause`).
 *
 * @public
 */
export type CsvErrorCode = "CSV_MALFORMED" | "CSV_BAD_HEADER" | "CSV_EMPTY" | "NDJSON_MALFORMED" | "IO_ERROR";

/** Where a {@link CsvError} was found, passed to its constructor. @public */
export interface CsvErrorOptions extends ErrorOptions {
  /** File name (or a label such as `<input>` for in-memory text). */
  file?: string;
  /** One-based line number. */
  line?: number;
  /** One-based column (field) number. */
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
 *   if (err instanceof CsvError && err.code === "CSV_MALFORMED") console.error(err.line, err.column);
 * }
 * ```
 * @public
 */
export class CsvError extends Error {
  /** Stable code identifying the failure; safe to branch on. */
  readonly code: CsvErrorCode;
  /** File name, when known. */
  readonly file: string | undefined;
  /** One-based line number, when known. */
  readonly line: number | undefined;
  /** One-based column (field) number, when known. */
  readonly column: number | undefined;
  /** The reason without the location prefix. */
  readonly reason: string;

  constructor(code: CsvErrorCode, reason: string, options: CsvErrorOptions = {}) {
    let where = options.file ?? "";
    if (options.line !== undefined) where += `${where ? ":" : "line "}${options.line}`;
    if (options.column !== undefined) where += `:${options.column}`;
    super(where ? `${where}: ${reason}` : reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CsvError";
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.reason = reason;
  }
}

/**
 * Stable codes carried by {@link SimulatorError}.
 *
 * - `INVALID_OPTION` — an option is missing or outside its documented range.
 *
 * @public
 */
export type SimulatorErrorCode = "INVALID_OPTION";

/**
 * The error raised for invalid generator or stream options.
 *
 * @example
 * ```ts
 * try {
 *   generateDataset({ rows: -1, seed: 1 });
 * } catch (err) {
 *   if (err instanceof SimulatorError) console.error(err.code); // "INVALID_OPTION"
 * }
 * ```
 * @public
 */
export class SimulatorError extends Error {
  /** Stable code identifying the failure; safe to branch on. */
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SimulatorError";
    this.code = code;
  }
}

/** @internal */
export function invalidOption(message: string): SimulatorError {
  return new SimulatorError("INVALID_OPTION", message);
}
