// Parsing a creditcard.csv file in parts: the bytes are cut at line ends, each part is parsed on
// its own (on any thread), and the parts are joined into exactly what the single-threaded reader
// returns or throws: the same rows, and the same first error with the same file, line and column.
import { closeSync, openSync, readSync } from "node:fs";
import { FEATURE_COUNT } from "./columns.js";
import type { Dataset } from "./columns.js";
import { CsvRows, countCommas, csvLines } from "./csv-parse.js";
import type { CsvRowTarget } from "./csv-parse.js";
import { CsvError, invalidArgument } from "./errors.js";
import type { CsvErrorCode } from "./errors.js";
import { ioError, shrankError } from "./io.js";
import { DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES, optionalOption, requireObject, requireString } from "./options.js";

/**
 * A parse failure inside a part, its line counted from the part's first line (1-based).
 * @public
 */
export interface CsvPartError {
  /** The {@link CsvError} code. */
  code: CsvErrorCode;
  /** The reason, as in the {@link CsvError}. */
  reason: string;
  /** Line within the part, 1-based. */
  line: number;
  /** Column, 1-based, when the reason has one. */
  column?: number;
}

/**
 * What {@link parseCreditCardCsvPart} read from one part of a file: plain data (typed arrays,
 * numbers and strings), so it can be posted between threads with its buffers transferred.
 * @public
 */
export interface CsvPart {
  /** Rows read (those before the error, if any). */
  rows: number;
  /** `rows × 30` features, row-major. */
  features: Float64Array;
  /** `rows` labels. */
  labels: Uint8Array;
  /** Lines in the part (when there was no error). */
  lines: number;
  /** Blank lines before the part's first other line (all its lines when there is none). */
  leadingBlanks: number;
  /** Line (within the part) of the first of the blank lines ending the part; 0 when it ends with a data line. */
  trailingBlank: number;
  /** The first error, or null. */
  error: CsvPartError | null;
  /** The row of the `into` arrays the rows were written from, when they are there. */
  row?: number;
}

/** Options of {@link parseCreditCardCsvPart}. @public */
export interface CsvPartOptions {
  /** Name used in error messages. @defaultValue "<input>" */
  file?: string;
  /** Whether this is the file's first part (only there may a header line and a byte-order mark be). @defaultValue true */
  first?: boolean;
  /** Longest line accepted, in bytes, as the readers' `maxLineBytes`. @defaultValue 1048576 */
  maxLineBytes?: number;
  /**
   * Arrays to write the rows into (e.g. on a `SharedArrayBuffer` every thread writes its parts
   * into, as {@link planCsvParts} lays them out), instead of arrays of the part's own. Rows past
   * the room given go to arrays of the part's own: the result is the same, only not in place.
   */
  into?: CsvRowTarget;
}

/** Rows a part of `bytes` bytes probably holds, from the line length of its first 64 KiB (the buffer grows if it holds more). */
function expectedRows(lines: Buffer, start: number, end: number): number {
  const sampleEnd = Math.min(end, start + 65536);
  let n = 0;
  for (let i = lines.indexOf(10, start); i >= 0 && i < sampleEnd; i = lines.indexOf(10, i + 1)) n++;
  if (sampleEnd === end || n === 0) return n + 1;
  return Math.ceil(((end - start) / (sampleEnd - start)) * n * 1.05) + 16;
}

/**
 * Cuts `buf` into at most `parts` ranges of about equal size, each ending just after a line feed
 * (the last one at the end of the buffer), for {@link parseCreditCardCsvPart}.
 *
 * @returns the range boundaries: `[0, b1, …, buf.length]` (fewer parts when lines are long).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` when `parts` is not an integer from 1 to 1024.
 * @example
 * ```ts
 * const bounds = splitCsvLines(bytes, 4); // e.g. [0, 250012, 500030, 749987, 1000000]
 * ```
 * @public
 */
export function splitCsvLines(buf: Uint8Array, parts: number): number[] {
  if (!(buf instanceof Uint8Array)) throw invalidArgument(`buf must be a Uint8Array, got ${buf === null ? "null" : typeof buf}`);
  if (!Number.isInteger(parts) || parts < 1 || parts > 1024) throw invalidArgument(`parts must be an integer from 1 to 1024, got ${String(parts)}`);
  const bounds = [0];
  const n = buf.length;
  for (let k = 1; k < parts; k++) {
    const from = Math.max(bounds[bounds.length - 1]!, Math.floor((n * k) / parts));
    if (from >= n) break;
    const nl = buf.indexOf(10, from);
    if (nl < 0 || nl + 1 >= n) break;
    if (nl + 1 > bounds[bounds.length - 1]!) bounds.push(nl + 1);
  }
  bounds.push(n);
  return bounds;
}

/**
 * A file cut into parts ({@link splitCsvLines}) with the place of each part's rows in one pair of
 * arrays: part k's rows go from row `rows[k]` on, with room for `rows[k + 1] - rows[k]` of them
 * (every line of the part; the header line takes none).
 * @public
 */
export interface CsvPartPlan {
  /** Part boundaries: `[0, b1, …, buf.length]`. */
  bounds: number[];
  /** First row of each part, and last the rows there is room for in all (`bounds.length` numbers). */
  rows: number[];
}

/**
 * Cuts `buf` into at most `parts` parts ({@link splitCsvLines}) and counts their lines, so that
 * every part can be parsed straight into its place in one pair of arrays (e.g. on a
 * `SharedArrayBuffer`, written by several threads at once): pass
 * `{ into: { features, labels, row: plan.rows[k], room: plan.rows[k + 1] - plan.rows[k] } }` to
 * {@link parseCreditCardCsvPart} and the same arrays to {@link joinCreditCardCsvParts}, which then
 * returns views of them, no copy.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` as {@link splitCsvLines}.
 * @example
 * ```ts
 * const plan = planCsvParts(bytes, 2);
 * const total = plan.rows.at(-1)!;
 * const features = new Float64Array(new SharedArrayBuffer(total * 30 * 8));
 * const labels = new Uint8Array(new SharedArrayBuffer(total));
 * ```
 * @public
 */
export function planCsvParts(buf: Uint8Array, parts: number): CsvPartPlan {
  const bounds = splitCsvLines(buf, parts);
  const lines = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const rows = [0];
  // A first line that cannot start a number is the header (or an error): it holds no row.
  let skip = 0;
  if (buf.length > 0) {
    const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const c = buf[bom];
    const isData = c !== undefined && ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46);
    if (!isData && c !== 10 && c !== 13) skip = 1;
  }
  for (let k = 0; k + 1 < bounds.length; k++) {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    let n = 0;
    for (let i = lines.indexOf(10, start); i >= 0 && i < end; i = lines.indexOf(10, i + 1)) n++;
    if (end > start && buf[end - 1] !== 10) n++;
    if (k === 0) n = Math.max(0, n - skip);
    rows.push(rows[k]! + n);
  }
  return { bounds, rows };
}

/** A part's target, checked. */
function checkTarget(t: CsvRowTarget): CsvRowTarget {
  const ok =
    t !== null &&
    typeof t === "object" &&
    t.features instanceof Float64Array &&
    t.labels instanceof Uint8Array &&
    Number.isSafeInteger(t.row) &&
    Number.isSafeInteger(t.room) &&
    t.row >= 0 &&
    t.room >= 0 &&
    t.row + t.room <= t.labels.length &&
    (t.row + t.room) * FEATURE_COUNT <= t.features.length;
  if (!ok) throw invalidArgument("into must hold features (Float64Array) and labels (Uint8Array) with room for rows row .. row + room");
  return t;
}

/**
 * Parses the lines of `buf[start..end)`, one part of a creditcard.csv file cut by
 * {@link splitCsvLines}, counting lines from the part's start. Never throws for the content:
 * the first error is returned in {@link CsvPart.error}; {@link joinCreditCardCsvParts} puts the
 * parts together.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for bad arguments.
 * @example
 * ```ts
 * const bounds = splitCsvLines(bytes, 2);
 * const parts = [0, 1].map((k) => parseCreditCardCsvPart(bytes, bounds[k]!, bounds[k + 1]!, { file, first: k === 0 }));
 * const data = joinCreditCardCsvParts(parts, { file });
 * ```
 * @public
 */
export function parseCreditCardCsvPart(buf: Uint8Array, start: number, end: number, options: CsvPartOptions = {}): CsvPart {
  if (!(buf instanceof Uint8Array)) throw invalidArgument(`buf must be a Uint8Array, got ${buf === null ? "null" : typeof buf}`);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > buf.length) {
    throw invalidArgument(`range must satisfy 0 <= start <= end <= ${buf.length}, got ${String(start)}..${String(end)}`);
  }
  requireObject("options", options);
  const file = options.file ?? "<input>";
  requireString("file", file);
  // One array type at the parser's byte reads.
  const bytes = Object.getPrototypeOf(buf) === Uint8Array.prototype ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const max = optionalOption("maxLineBytes", MAX_LINE_BYTES, options.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  // Line ends are found with Buffer's indexOf (memchr), much faster than a typed array's.
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const into = options.into === undefined ? undefined : checkTarget(options.into);
  const rows = new CsvRows(file, options.first !== false, into === undefined ? expectedRows(lines, start, end) : 0, into);
  let error: CsvPartError | null = null;
  try {
    // As the streaming reader's line splitter: a line longer than the limit is refused before it is parsed.
    for (let s = start; s < end; ) {
      let nl = lines.indexOf(10, s);
      if (nl < 0 || nl > end) nl = end;
      if (nl - s > max) {
        throw new CsvError("LINE_TOO_LONG", `line is longer than ${max} bytes (maxLineBytes)`, { file, line: rows.line + 1, column: countCommas(bytes, s, s + max + 1) + 1 });
      }
      rows.parseLine(bytes, s, nl);
      s = nl + 1;
    }
  } catch (err) {
    error = contentError(err, rows);
  }
  return partOf(rows, error);
}

/** A part's first error from what parsing it threw (anything else than a content error is thrown on). */
function contentError(err: unknown, rows: CsvRows): CsvPartError {
  if (!(err instanceof CsvError) || err.code === "IO_ERROR") throw err;
  return { code: err.code as CsvErrorCode, reason: err.reason, line: err.line ?? rows.line, ...(err.column === undefined ? {} : { column: err.column }) };
}

/** The {@link CsvPart} of what `rows` read and the first error. */
function partOf(rows: CsvRows, error: CsvPartError | null): CsvPart {
  const out = rows.out;
  const leadingBlanks = rows.firstContent > 0 ? rows.firstContent - 1 : error?.code === "LINE_TOO_LONG" ? error.line - 1 : rows.line;
  return {
    rows: out.rows,
    features: out.featureView(),
    labels: out.labelView(),
    lines: rows.line,
    leadingBlanks,
    trailingBlank: rows.pendingBlank,
    error,
    ...(out.own ? {} : { row: out.first }),
  };
}

/** Bytes a part read from its file is read in at a time (the buffer is reused from part to part). */
const PIECE_BYTES = 1 << 20;

/**
 * {@link parseCreditCardCsvPart} of the file's bytes `[start, end)`, read from `fd` through
 * `piece` and split into lines by the streaming reader's splitter (which copies what it keeps of
 * a line across reads): the same rows and the same first error, without the file in memory.
 * Throws `IO_ERROR` when the file ends early.
 */
function parseFilePart(fd: number, piece: Uint8Array, start: number, end: number, file: string, path: string, length: number, first: boolean, into: CsvRowTarget): CsvPart {
  const rows = new CsvRows(file, first, 0, into);
  const lines = csvLines(file, undefined, rows);
  let error: CsvPartError | null = null;
  try {
    for (let pos = start; pos < end; ) {
      const n = readSync(fd, piece, 0, Math.min(piece.length, end - pos), pos);
      if (n === 0) throw shrankError(path, length);
      lines.push(piece.subarray(0, n));
      pos += n;
    }
    lines.finish();
  } catch (err) {
    error = contentError(err, rows);
  }
  return partOf(rows, error);
}

/** Options of {@link joinCreditCardCsvParts}. @public */
export interface CsvJoinOptions {
  /** Name used in error messages. @defaultValue "<input>" */
  file?: string;
  /**
   * The arrays the parts were parsed into (their `into`): when every part's rows are in place, one
   * after the other from row 0, the result is views of them (no copy).
   */
  into?: {
    /** The features array the parts were parsed into. */
    features: Float64Array;
    /** The labels array the parts were parsed into. */
    labels: Uint8Array;
  };
}

/**
 * Joins the parts of a file, in file order, into the {@link Dataset} the single-threaded reader
 * returns — or throws the {@link CsvError} it throws (the first error in the file, its line
 * counted from the file's start; a blank line before data in a later part is `empty line` as in
 * one pass).
 *
 * @throws {@link CsvError} `CSV_MALFORMED`, `CSV_BAD_HEADER`, `LINE_TOO_LONG` or `CSV_EMPTY`.
 * @example
 * ```ts
 * const data = joinCreditCardCsvParts(parts, { file: "creditcard.csv" });
 * ```
 * @public
 */
export function joinCreditCardCsvParts(parts: readonly CsvPart[], options: CsvJoinOptions = {}): Dataset {
  if (!Array.isArray(parts)) throw invalidArgument(`parts must be an array, got ${parts === null ? "null" : typeof parts}`);
  requireObject("options", options);
  const file = options.file ?? "<input>";
  parts.forEach(checkPart);
  let offset = 0;
  let pending = 0;
  let total = 0;
  for (const part of parts) {
    if (pending > 0 && (part.error !== null || part.leadingBlanks < part.lines)) {
      // Blank lines at the end of an earlier part, then a line here: a line too long is found
      // before the blank lines are; any other line makes them an error.
      const e = part.error;
      if (e !== null && e.code === "LINE_TOO_LONG" && e.line === part.leadingBlanks + 1) throw partError(file, offset, e);
      throw new CsvError("CSV_MALFORMED", "empty line", { file, line: pending });
    }
    if (part.error !== null) throw partError(file, offset, part.error);
    if (pending === 0 && part.trailingBlank > 0) pending = offset + part.trailingBlank;
    offset += part.lines;
    total += part.rows;
  }
  if (total === 0) throw new CsvError("CSV_EMPTY", "no data rows", { file });
  const into = options.into;
  if (into !== undefined && into !== null && inPlace(parts, into, total)) {
    return { rows: total, features: into.features.subarray(0, total * FEATURE_COUNT), labels: into.labels.subarray(0, total) };
  }
  const features = new Float64Array(total * FEATURE_COUNT);
  const labels = new Uint8Array(total);
  let row = 0;
  for (const part of parts) {
    features.set(part.features.subarray(0, part.rows * FEATURE_COUNT), row * FEATURE_COUNT);
    labels.set(part.labels.subarray(0, part.rows), row);
    row += part.rows;
  }
  return { rows: total, features, labels };
}

/** Whether the parts' rows lie in `into`, one part after the other from row 0. */
function inPlace(parts: readonly CsvPart[], into: { features: Float64Array; labels: Uint8Array }, total: number): boolean {
  if (!(into.features instanceof Float64Array) || !(into.labels instanceof Uint8Array)) return false;
  if (into.features.length < total * FEATURE_COUNT || into.labels.length < total) return false;
  let row = 0;
  for (const part of parts) {
    if (part.rows === 0) continue;
    if (part.row !== row || !sameMemory(part.features, into.features.subarray(row * FEATURE_COUNT)) || !sameMemory(part.labels, into.labels.subarray(row))) return false;
    row += part.rows;
  }
  return true;
}

/**
 * Whether two non-empty views start at the same memory. A shared buffer posted between threads
 * arrives as another object, so where the buffers differ a probe value is written through `b`
 * (then restored) and looked for through `a`.
 */
function sameMemory(a: Float64Array | Uint8Array, b: Float64Array | Uint8Array): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (a.buffer === b.buffer) return a.byteOffset === b.byteOffset;
  if (a.buffer.byteLength !== b.buffer.byteLength || a.byteOffset !== b.byteOffset) return false;
  const saved = b[0]!;
  const probe = saved === 1 ? 2 : 1;
  b[0] = probe;
  const same = a[0] === probe;
  b[0] = saved;
  return same;
}

function checkPart(part: CsvPart, k: number): void {
  const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const ok =
    part !== null &&
    typeof part === "object" &&
    count(part.rows) &&
    count(part.lines) &&
    count(part.leadingBlanks) &&
    count(part.trailingBlank) &&
    part.features instanceof Float64Array &&
    part.features.length >= part.rows * FEATURE_COUNT &&
    part.labels instanceof Uint8Array &&
    part.labels.length >= part.rows &&
    (part.error === null || (typeof part.error === "object" && count(part.error.line) && typeof part.error.reason === "string" && typeof part.error.code === "string"));
  if (!ok) throw invalidArgument(`parts[${k}] must be a CsvPart (rows, features, labels, lines, leadingBlanks, trailingBlank, error)`);
}

function partError(file: string, offset: number, e: CsvPartError): CsvError {
  const line = offset + e.line;
  return new CsvError(e.code, e.reason, e.column === undefined ? { file, line } : { file, line, column: e.column });
}

/**
 * A file (in shared memory, or on disk) cut into parts ({@link planCsvParts}, {@link planCsvChunks}), the shared arrays every part
 * writes its rows into (each part's first row counted beforehand, so nothing is copied
 * afterwards), and the counter threads claim parts with: what a thread needs to take part in a
 * parallel read (it can be posted to a worker as it is).
 * @public
 */
export interface SharedCsvParts {
  /** The file's bytes, when it is in memory (else each part is read from `path`). */
  bytes?: SharedArrayBuffer;
  /** The file to read each part from, when there are no `bytes` ({@link planCsvChunks}' plans). */
  path?: string;
  /** The file's length in bytes. */
  length: number;
  /** Part boundaries ({@link CsvPartPlan.bounds}). */
  bounds: number[];
  /** First row of each part in `features`/`labels`, then the rows there is room for ({@link CsvPartPlan.rows}). */
  rows: number[];
  /** Features of every row (`Float64Array`, 30 a row). */
  features: SharedArrayBuffer;
  /** Labels (`Uint8Array`). */
  labels: SharedArrayBuffer;
  /** One Int32: the next part to claim. */
  next: SharedArrayBuffer;
  /** Name used in error messages. */
  file: string;
}

/** A part parsed by {@link parseClaimedCsvParts}, with its index in the file. @public */
export interface ClaimedCsvPart {
  /** The part's index. */
  index: number;
  /** What parsing it gave. */
  part: CsvPart;
}

/**
 * Parses parts of a shared file until none is left unclaimed (an atomic counter): every thread of
 * a parallel read runs this, so a thread that starts late simply finds less to do. Each part
 * writes its rows in place in the shared arrays; {@link joinCreditCardCsvParts} with `into` then
 * gives the data set. A part with an error stops the claiming of later parts (they cannot change
 * which error the file reports). The parts are read from `task.bytes`, or from the file at
 * `task.path` through a buffer of this thread's (the file is never whole in memory).
 * @throws {@link CsvError} `IO_ERROR` when the file at `task.path` cannot be opened or read, or
 *   ends before a part does (it changed since it was planned; the other threads then claim no more
 *   parts); {@link SimulatorError} `INVALID_ARGUMENT` for a task of the wrong shape.
 * @example
 * ```ts
 * const parts = parseClaimedCsvParts(task); // on each thread, then join them all in index order
 * ```
 * @public
 */
export function parseClaimedCsvParts(task: SharedCsvParts): ClaimedCsvPart[] {
  requireObject("task", task);
  for (const key of ["features", "labels", "next"] as const) {
    if (!(task[key] instanceof SharedArrayBuffer)) throw invalidArgument(`task.${key} must be a SharedArrayBuffer`);
  }
  const inMemory = task.bytes !== undefined;
  if (inMemory === (task.path !== undefined)) throw invalidArgument("task must have bytes or a path, not both");
  if (inMemory && !(task.bytes instanceof SharedArrayBuffer)) throw invalidArgument("task.bytes must be a SharedArrayBuffer");
  if (!inMemory) requireString("task.path", task.path);
  const most = inMemory ? task.bytes!.byteLength : 2 ** 31 - 1;
  if (!Number.isInteger(task.length) || task.length < 0 || task.length > most) throw invalidArgument(`task.length must be an integer from 0 to ${most}, got ${String(task.length)}`);
  const counts = (a: unknown): a is number[] => Array.isArray(a) && a.length > 0 && a.every((v) => Number.isInteger(v) && v >= 0);
  if (!counts(task.bounds) || !counts(task.rows) || task.rows.length !== task.bounds.length) throw invalidArgument("task.bounds and task.rows must be planCsvParts' arrays of non-negative integers, of one length");
  if (task.bounds.some((b, k) => b > task.length || (k > 0 && b < task.bounds[k - 1]!))) throw invalidArgument(`task.bounds must rise from 0 to at most ${task.length}`);
  if (task.next.byteLength < 4) throw invalidArgument("task.next must hold one Int32");
  requireString("file", task.file);
  const features = new Float64Array(task.features);
  const labels = new Uint8Array(task.labels);
  const next = new Int32Array(task.next);
  const count = task.bounds.length - 1;
  const done: ClaimedCsvPart[] = [];
  const bytes = inMemory ? new Uint8Array(task.bytes!, 0, task.length) : null;
  let fd: number | undefined;
  let piece: Uint8Array | undefined;
  try {
    for (let index = Atomics.add(next, 0, 1); index < count; index = Atomics.add(next, 0, 1)) {
      const row = task.rows[index]!;
      const into = { features, labels, row, room: task.rows[index + 1]! - row };
      const [start, end] = [task.bounds[index]!, task.bounds[index + 1]!];
      let part: CsvPart;
      if (bytes !== null) part = parseCreditCardCsvPart(bytes, start, end, { file: task.file, first: index === 0, into });
      else {
        fd ??= openSync(task.path!, "r");
        piece ??= new Uint8Array(PIECE_BYTES);
        part = parseFilePart(fd, piece, start, end, task.file, task.path!, task.length, index === 0, checkTarget(into));
      }
      done.push({ index, part });
      if (part.error !== null) Atomics.store(next, 0, count);
    }
  } catch (err) {
    // no other thread waits for parts that will not come
    Atomics.store(next, 0, count);
    // the file system's errors (gone, unreadable) as IO_ERROR; the rest as they are
    if (err instanceof CsvError || (err as NodeJS.ErrnoException)?.syscall === undefined) throw err;
    throw ioError(task.path!, "cannot read", err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return done;
}
