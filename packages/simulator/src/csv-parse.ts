import { stat } from "node:fs/promises";
import { parseDecimal, scanDecimal } from "@fraud/contracts";
import type { ScanEnd } from "@fraud/contracts";
import { CSV_COLUMNS, FEATURE_COUNT } from "./columns.js";
import type { Dataset } from "./columns.js";
import { CsvError, quote } from "./errors.js";
import { requireObject, requireString } from "./options.js";
import { readChunks } from "./io.js";
import { readerLines } from "./lines.js";
import type { LineSplitter } from "./lines.js";

const NCOL = FEATURE_COUNT + 1;
/** The public file's header line: quoted column names. @internal */
export const QUOTED_HEADER = CSV_COLUMNS.map((c) => `"${c}"`).join(",");
const PLAIN_HEADER = CSV_COLUMNS.join(",");

/**
 * Options of the `creditcard.csv` and NDJSON readers.
 * @public
 */
export interface ReadOptions {
  /**
   * Longest line accepted, in bytes (without the line end). A longer line is refused with
   * `LINE_TOO_LONG` as soon as the limit is passed, so memory stays bounded whatever the input.
   * @defaultValue 1048576 (1 MiB; a line of the public file is about 300 bytes)
   */
  maxLineBytes?: number;
}

const latin1 = new TextDecoder("latin1");

/**
 * Incremental parser for `creditcard.csv`: feed it byte chunks, then call {@link CsvParser.finish}.
 * Accepts the public file exactly as distributed (quoted header, quoted class) and plain CSV
 * (with or without the header line), `\n` or `\r\n` line ends.
 *
 * @example
 * ```ts
 * const parser = new CsvParser("data.csv");
 * for await (const chunk of createReadStream("data.csv")) parser.push(chunk);
 * const data = parser.finish();
 * ```
 * @public
 */
export class CsvParser {
  private readonly file: string;
  private readonly lines: LineSplitter;
  private readonly rows: CsvRows;

  /**
   * @param file - name used in error messages.
   * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad `maxLineBytes`.
   */
  constructor(file = "<input>", options: ReadOptions = {}) {
    requireString("file", file);
    requireObject("options", options);
    this.file = file;
    const rows = new CsvRows(file);
    this.rows = rows;
    this.lines = csvLines(file, options.maxLineBytes, rows);
  }

  /** Bytes the whole input is expected to have (0: unknown), for the first row estimate. */
  private expected = 0;

  /**
   * Tells the parser how many bytes the whole input has (a file's size): the rows' arrays are
   * then sized once from the first chunk's line length instead of grown step by step.
   * @internal
   */
  expectBytes(bytes: number): void {
    this.expected = bytes;
  }

  /**
   * Parses every complete line of `chunk` (a trailing partial line is kept for the next call).
   * @throws {@link CsvError} for a malformed line or one longer than `maxLineBytes`.
   */
  push(chunk: Uint8Array): void {
    if (this.expected > 0) {
      this.rows.out.ensure(estimateRows(chunk, this.expected));
      this.expected = 0;
    }
    // One array type at the parser's byte reads (a Buffer and a Uint8Array would make them polymorphic).
    this.lines.push(Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** Parses the last line and returns the data set. */
  finish(): Dataset {
    this.lines.finish();
    const data = this.rows.out.toDataset();
    if (data === undefined) throw new CsvError("CSV_EMPTY", "no data rows", { file: this.file });
    return data;
  }
}

/**
 * The line splitter of a creditcard.csv reader feeding `rows`: `LINE_TOO_LONG` at the line after
 * the last one `rows` saw, its column counted by commas.
 * @internal
 */
export function csvLines(file: string, maxLineBytes: number | undefined, rows: CsvRows): LineSplitter {
  return readerLines(
    file,
    maxLineBytes,
    () => rows.line,
    (buf, start, end) => rows.parseLine(buf, start, end),
    (prefix) => countCommas(prefix, 0, prefix.length) + 1,
  );
}

/**
 * Arrays a reader writes rows into: `room` rows from row `row` on (features row-major, 30 a row).
 * @public
 */
export interface CsvRowTarget {
  /** Features of the rows, row-major; row r is `features[r * 30 .. r * 30 + 30)`. */
  features: Float64Array;
  /** One label per row. */
  labels: Uint8Array;
  /** The row the first one read goes to. */
  row: number;
  /** Rows there is room for from `row` on. */
  room: number;
}

/**
 * Where a reader's rows go: a caller's arrays ({@link CsvRowTarget}), or arrays of its own that
 * grow; rows that outgrow a caller's room move to arrays of its own (so they are never lost, only
 * no longer in place).
 * @internal
 */
export class RowSink {
  /** Features; the rows read are rows `first .. first + rows` of it. */
  features: Float64Array;
  /** Labels, same rows. */
  labels: Uint8Array;
  /** Row of the first row read. */
  first: number;
  /** Rows read. */
  rows = 0;
  /** Whether the arrays are the sink's own (false while the rows are in the caller's target). */
  own: boolean;
  /** Row past the last one there is room for. */
  private limit: number;

  constructor(capacity: number, into?: CsvRowTarget) {
    if (into === undefined) {
      this.features = new Float64Array(capacity * FEATURE_COUNT);
      this.labels = new Uint8Array(capacity);
      this.first = 0;
      this.limit = capacity;
      this.own = true;
    } else {
      this.features = into.features;
      this.labels = into.labels;
      this.first = into.row;
      this.limit = into.row + into.room;
      this.own = false;
    }
  }

  /** Makes room for one more row; returns the index of its first feature. */
  reserve(): number {
    const r = this.first + this.rows;
    if (r === this.limit) return this.grow();
    return r * FEATURE_COUNT;
  }

  private grow(): number {
    const cap = Math.max(1024, this.rows * 2);
    const f = new Float64Array(cap * FEATURE_COUNT);
    f.set(this.features.subarray(this.first * FEATURE_COUNT, (this.first + this.rows) * FEATURE_COUNT));
    const l = new Uint8Array(cap);
    l.set(this.labels.subarray(this.first, this.first + this.rows));
    this.features = f;
    this.labels = l;
    this.first = 0;
    this.limit = cap;
    this.own = true;
    return this.rows * FEATURE_COUNT;
  }

  /** Counts the row written since `reserve()`, with its label. */
  commit(label: number): void {
    this.labels[this.first + this.rows] = label;
    this.rows++;
  }

  /** Makes room for `capacity` rows in arrays of the sink's own (no effect on a caller's target). */
  ensure(capacity: number): void {
    if (!this.own || capacity <= this.limit) return;
    const f = new Float64Array(capacity * FEATURE_COUNT);
    f.set(this.featureView());
    const l = new Uint8Array(capacity);
    l.set(this.labelView());
    this.features = f;
    this.labels = l;
    this.first = 0;
    this.limit = capacity;
  }

  /** The features read, without a copy. */
  featureView(): Float64Array {
    return this.features.subarray(this.first * FEATURE_COUNT, (this.first + this.rows) * FEATURE_COUNT);
  }

  /** The labels read, without a copy. */
  labelView(): Uint8Array {
    return this.labels.subarray(this.first, this.first + this.rows);
  }

  /** The rows as a compact {@link Dataset} of their own, or `undefined` when there are none. */
  toDataset(): Dataset | undefined {
    if (this.rows === 0) return undefined;
    // Arrays of the sink's own that the rows (nearly) fill are handed over as views; else the rows
    // are copied, so at most an eighth more memory than the rows need stays held.
    const fits = this.own && this.first === 0 && this.labels.length - this.rows <= this.rows / 8;
    return {
      rows: this.rows,
      features: fits ? this.featureView() : this.featureView().slice(),
      labels: fits ? this.labelView() : this.labelView().slice(),
    };
  }
}

/**
 * The line parser behind {@link CsvParser} and the range parser: rows, line count and the blank
 * lines waiting for a data line (an error only if one follows).
 * @internal
 */
export class CsvRows {
  /** Lines seen. */
  line: number;
  /** Line of the first blank line not yet followed by a data line; 0 when none. */
  pendingBlank = 0;
  /** Line of the first line that is not blank; 0 while there is none. */
  firstContent = 0;
  /** The rows read. */
  readonly out: RowSink;
  private sawFirst: boolean;
  private readonly at: ScanEnd = { end: 0 };

  /**
   * @param file - name used in error messages.
   * @param header - whether the first line may be the header (and start with a byte-order mark).
   * @param capacity - rows to make room for at once (when there is no `into`).
   * @param into - arrays to write the rows into.
   */
  constructor(
    private readonly file: string,
    header = true,
    capacity = 4096,
    into?: CsvRowTarget,
  ) {
    this.line = 0;
    this.sawFirst = !header;
    this.out = new RowSink(Math.max(1, capacity), into);
  }

  private fail(reason: string, column?: number): CsvError {
    return new CsvError(
      "CSV_MALFORMED",
      reason,
      column === undefined ? { file: this.file, line: this.line } : { file: this.file, line: this.line, column },
    );
  }

  /** Parses one line (without its `\n`). */
  parseLine(buf: Uint8Array, start: number, endIn: number): void {
    this.line++;
    let end = endIn;
    if (end > start && buf[end - 1] === 13) end--;
    if (!this.sawFirst) {
      // Byte-order mark.
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
      this.sawFirst = true;
      const c = buf[start];
      const isData = c !== undefined && ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46);
      if (!isData && end > start) {
        const text = latin1.decode(buf.subarray(start, Math.min(end, start + QUOTED_HEADER.length + 1)));
        if (text === QUOTED_HEADER || text === PLAIN_HEADER) return;
        throw new CsvError("CSV_BAD_HEADER", `expected the header Time,V1..V28,Amount,Class, got ${quote(text)}`, {
          file: this.file,
          line: this.line,
        });
      }
    }
    if (end === start) {
      this.pendingBlank = this.pendingBlank || this.line;
      return;
    }
    this.firstContent ||= this.line;
    if (this.pendingBlank) {
      this.line = this.pendingBlank;
      throw this.fail("empty line");
    }
    const base = this.out.reserve();
    const out = this.out.features;
    let label = 0;
    let pos = start;
    let col = 0;
    // The usual features: an unquoted finite number followed by a comma and a non-empty field,
    // read and stored in one step. Anything else is left to the general loop below, which reads
    // that field again and reports it exactly as it always has.
    const at = this.at;
    for (; col < FEATURE_COUNT; col++) {
      if (buf[pos] === 34) break;
      const value = scanDecimal(buf, pos, end, at);
      const next = at.end;
      if (next + 1 >= end || buf[next] !== 44 || value - value !== 0) break;
      out[base + col] = value;
      pos = next + 1;
    }
    for (;;) {
      // Find the field end.
      let fs = pos;
      let fe: number;
      let next: number;
      let value: number;
      if (buf[pos] !== 34) {
        // The usual case: an unquoted number, read in the same pass that finds its end.
        value = scanDecimal(buf, pos, end, this.at);
        next = this.at.end;
        if (next < end && buf[next] !== 44) {
          while (next < end && buf[next] !== 44) next++;
          value = NaN;
        }
        fe = next;
      } else {
        // A short field (the class, "0"): a plain loop beats a typed array's indexOf call.
        let close = pos + 1;
        while (close < end && buf[close] !== 34) close++;
        if (close >= end) throw this.fail("unterminated quoted field", col + 1);
        fs = pos + 1;
        fe = close;
        next = close + 1;
        if (next < end && buf[next] !== 44) throw this.fail("unexpected character after closing quote", col + 1);
        value = parseDecimal(buf, fs, fe);
      }
      if (col >= NCOL) {
        throw this.fail(`expected ${NCOL} columns, found ${NCOL + 1 + countCommas(buf, next, end)}`, col + 1);
      }
      if (value - value !== 0) this.badNumber(buf, fs, fe, col);
      if (col < FEATURE_COUNT) {
        out[base + col] = value;
      } else {
        if (value !== 0 && value !== 1) {
          throw this.fail(`Class must be 0 or 1, got ${shown(buf, fs, fe)}`, col + 1);
        }
        label = value;
      }
      col++;
      if (next >= end) break;
      pos = next + 1;
      if (pos === end) {
        // Trailing comma: an empty last field.
        if (col >= NCOL) throw this.fail(`expected ${NCOL} columns, found ${col + 1}`, col + 1);
        throw this.fail(`not a number: ""`, col + 1);
      }
    }
    if (col !== NCOL) throw this.fail(`expected ${NCOL} columns, found ${col}`);
    this.out.commit(label);
  }

  /** Throws the error of a field that is not a finite number. */
  private badNumber(buf: Uint8Array, s: number, e: number, col: number): never {
    const lower = latin1.decode(buf.subarray(s, Math.min(e, s + 12))).trim().toLowerCase();
    const why =
      parseDecimal(buf, s, e) === parseDecimal(buf, s, e) ||
      (e - s <= 12 && /^[+-]?(inf|infinity|nan|na)$/.test(lower))
        ? "is not finite"
        : "is not a number";
    throw this.fail(`${CSV_COLUMNS[col]} ${why}: ${shown(buf, s, e)}`, col + 1);
  }
}

/** Rows of a `total`-byte input whose first bytes are `sample`, a little over (0 when no line ends in the sample). */
function estimateRows(sample: Uint8Array, total: number): number {
  const bytes = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
  let lines = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
  if (lines === 0) return 0;
  return Math.min(Math.ceil((total / sample.length) * lines * 1.02) + 16, 1 << 22);
}

/** A bad field for a message: at most 80 characters, quoted. */
function shown(buf: Uint8Array, s: number, e: number): string {
  return quote(latin1.decode(buf.subarray(s, Math.min(e, s + 81))));
}

/** Commas in `buf[from..end)`. @internal */
export function countCommas(buf: Uint8Array, from: number, end: number): number {
  let n = 0;
  for (let i = from; i < end; i++) if (buf[i] === 44) n++;
  return n;
}

/**
 * Parses the text of a `creditcard.csv` file (the public file or plain CSV).
 *
 * @param text - the whole file.
 * @param file - name used in error messages.
 * @throws {@link CsvError} naming the file, line and column of the first malformed value.
 * @example
 * ```ts
 * const data = parseCreditCardCsv(text, "sample.csv");
 * console.log(data.rows, data.labels.reduce((a, b) => a + b, 0));
 * ```
 * @public
 */
export function parseCreditCardCsv(text: string, file = "<input>", options: ReadOptions = {}): Dataset {
  requireString("text", text);
  const parser = new CsvParser(file, options);
  parser.push(new TextEncoder().encode(text));
  return parser.finish();
}

/**
 * Reads a `creditcard.csv` file, streaming (constant memory besides the result).
 *
 * @throws {@link CsvError} `CSV_MALFORMED` naming file, line and column; `LINE_TOO_LONG` past
 *   `maxLineBytes`; `IO_ERROR` when unreadable.
 * @example
 * ```ts
 * const data = await readCreditCardCsv("creditcard.csv");
 * ```
 * @public
 */
export async function readCreditCardCsv(path: string, options: ReadOptions = {}): Promise<Dataset> {
  requireString("path", path);
  const parser = new CsvParser(path, options);
  // A size hint only: the read itself reports a file that is missing or not readable.
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );
  parser.expectBytes(size);
  await readChunks(path, (chunk) => parser.push(chunk));
  return parser.finish();
}

