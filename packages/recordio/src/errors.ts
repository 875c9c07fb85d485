/**
 * Stable machine-readable codes carried by every {@link RecordIOError}.
 *
 * Decoding codes (`offset` is the byte offset in the input stream):
 * - `BAD_MAGIC` — a record header does not start with 0xCED7230A.
 * - `TRUNCATED_HEADER` — the data ends inside an 8-byte record header.
 * - `TRUNCATED_PAYLOAD` — a record's declared length runs past the end of the data.
 * - `RECORD_TOO_LARGE` — a record's declared length exceeds `maxRecordBytes`.
 * - `MALFORMED_VARINT` — a protobuf varint is longer than 10 bytes or truncated.
 * - `BAD_WIRE_TYPE` — a protobuf field uses a wire type its schema does not allow, or an unknown one.
 * - `TRUNCATED_FIELD` — a protobuf length-delimited field or fixed-width value runs past its message.
 * - `INVALID_VALUE` — a decoded value cannot be represented (a key above 2^53, bad UTF-8, bad padding).
 * - `NOT_DENSE` — records cannot be gathered into one dense matrix (sparse, ragged, mixed types).
 *
 * Encoding codes (the SageMaker Python SDK raises the same conditions as `ValueError`/`TypeError`):
 * - `NOT_A_MATRIX` — the input is not two-dimensional ("Array must be a Matrix").
 * - `LABELS_NOT_A_VECTOR` — labels are not one-dimensional ("Labels must be a Vector").
 * - `LABEL_SHAPE_MISMATCH` — the label count does not match the row count.
 * - `UNSUPPORTED_DTYPE` — an element type the format cannot carry.
 * - `VALUE_OUT_OF_RANGE` — an integer outside the int32 range of an `Int32Tensor`.
 * - `NOT_SPARSE` — a sparse writer was given a dense matrix ("Array must be sparse").
 * - `INVALID_SPARSE` — inconsistent CSR/COO arrays (index out of bounds, lengths differ).
 * - `INVALID_ARGUMENT` — an argument of the wrong type, or an option outside its documented range.
 *
 * File code (`@fraud/recordio/node`):
 * - `IO_ERROR` — a file could not be read or written; `cause` holds the system error.
 *
 * @public
 */
export type RecordIOErrorCode =
  | "BAD_MAGIC"
  | "TRUNCATED_HEADER"
  | "TRUNCATED_PAYLOAD"
  | "RECORD_TOO_LARGE"
  | "MALFORMED_VARINT"
  | "BAD_WIRE_TYPE"
  | "TRUNCATED_FIELD"
  | "INVALID_VALUE"
  | "NOT_DENSE"
  | "NOT_A_MATRIX"
  | "LABELS_NOT_A_VECTOR"
  | "LABEL_SHAPE_MISMATCH"
  | "UNSUPPORTED_DTYPE"
  | "VALUE_OUT_OF_RANGE"
  | "NOT_SPARSE"
  | "INVALID_SPARSE"
  | "INVALID_ARGUMENT"
  | "IO_ERROR";

/** Options accepted by the {@link RecordIOError} constructor. @public */
export interface RecordIOErrorOptions extends ErrorOptions {
  /** Byte offset in the decoded stream where the problem was found. */
  offset?: number;
  /** Zero-based index of the record (or matrix row) involved, when known. */
  record?: number;
}

/**
 * The single error class raised by this package, for encoding and decoding alike.
 *
 * @example
 * ```ts
 * try {
 *   decodeRecords(bytes);
 * } catch (err) {
 *   if (isRecordIOError(err) && err.code === "TRUNCATED_PAYLOAD") console.error(err.offset);
 * }
 * ```
 * @public
 */
export class RecordIOError extends Error {
  /** Stable code identifying the failure; safe to branch on. */
  readonly code: RecordIOErrorCode;
  /** Byte offset in the input where decoding failed (decoding errors only). */
  readonly offset: number | undefined;
  /** Index of the record or row involved, when known. */
  readonly record: number | undefined;

  constructor(code: RecordIOErrorCode, message: string, options: RecordIOErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RecordIOError";
    this.code = code;
    this.offset = options.offset;
    this.record = options.record;
  }
}

/**
 * Type guard for {@link RecordIOError}, optionally narrowing to one code.
 * @example
 * ```ts
 * if (isRecordIOError(err, "RECORD_TOO_LARGE")) console.error(`record at byte ${err.offset} is too large`);
 * ```
 * @public
 */
export function isRecordIOError(err: unknown, code?: RecordIOErrorCode): err is RecordIOError {
  return err instanceof RecordIOError && (code === undefined || err.code === code);
}

/** @internal */
export function decodeError(code: RecordIOErrorCode, message: string, offset: number, record?: number): RecordIOError {
  const where = record === undefined ? `at byte ${offset}` : `in record ${record} at byte ${offset}`;
  return new RecordIOError(code, `${message} ${where}`, record === undefined ? { offset } : { offset, record });
}
