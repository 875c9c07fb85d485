import { createReadStream } from "node:fs";
import { CSV_COLUMNS, FEATURE_COUNT, growColumns } from "./columns.js";
import type { Dataset } from "./columns.js";
import { CsvError } from "./errors.js";
import { MAX_NUMBER_BYTES, writeNumber } from "./format.js";
import { ioError, writeFileAtomic } from "./io.js";
import type { TextSink } from "./io.js";

const NCOL = FEATURE_COUNT + 1;
const QUOTED_HEADER = CSV_COLUMNS.map((c) => `"${c}"`).join(",");
const PLAIN_HEADER = CSV_COLUMNS.join(",");

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = (p[i - 1] as number) * 10;
  return p;
})();

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
  private carry: Uint8Array = new Uint8Array(0);
  private line = 0;
  private rows = 0;
  private features = new Float64Array(FEATURE_COUNT * 4096);
  private labels = new Uint8Array(4096);
  private pendingBlank = 0;
  private sawFirst = false;

  /** @param file - name used in error messages. */
  constructor(file = "<input>") {
    this.file = file;
  }

  /** Parses every complete line of `chunk` (a trailing partial line is kept for the next call). */
  push(chunk: Uint8Array): void {
    let buf: Uint8Array;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    } else {
      buf = chunk;
    }
    let start = 0;
    const n = buf.length;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      this.parseLine(buf, start, nl);
      start = nl + 1;
    }
    this.carry = start < n ? buf.slice(start) : new Uint8Array(0);
  }

  /** Parses the last line and returns the data set. */
  finish(): Dataset {
    if (this.carry.length > 0) {
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      this.parseLine(rest, 0, rest.length);
    }
    if (this.rows === 0) throw new CsvError("CSV_EMPTY", "no data rows", { file: this.file });
    return {
      rows: this.rows,
      features: this.features.slice(0, this.rows * FEATURE_COUNT),
      labels: this.labels.slice(0, this.rows),
    };
  }

  private fail(reason: string, column?: number): CsvError {
    return new CsvError(
      "CSV_MALFORMED",
      reason,
      column === undefined ? { file: this.file, line: this.line } : { file: this.file, line: this.line, column },
    );
  }

  private parseLine(buf: Uint8Array, start: number, endIn: number): void {
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
        const text = latin1.decode(buf.subarray(start, end));
        if (text === QUOTED_HEADER || text === PLAIN_HEADER) return;
        const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
        throw new CsvError("CSV_BAD_HEADER", `expected the header Time,V1..V28,Amount,Class, got "${shown}"`, {
          file: this.file,
          line: this.line,
        });
      }
    }
    if (end === start) {
      this.pendingBlank = this.pendingBlank || this.line;
      return;
    }
    if (this.pendingBlank) {
      this.line = this.pendingBlank;
      throw this.fail("empty line");
    }
    if (this.rows * FEATURE_COUNT === this.features.length) this.grow();
    const base = this.rows * FEATURE_COUNT;
    const out = this.features;
    let pos = start;
    let col = 0;
    for (;;) {
      // Find the field end.
      let fs = pos;
      let fe: number;
      let next: number;
      if (buf[pos] === 34) {
        const close = buf.indexOf(34, pos + 1);
        if (close < 0 || close >= end) throw this.fail("unterminated quoted field", col + 1);
        fs = pos + 1;
        fe = close;
        next = close + 1;
        if (next < end && buf[next] !== 44) throw this.fail("unexpected character after closing quote", col + 1);
      } else {
        const comma = buf.indexOf(44, pos);
        next = comma < 0 || comma > end ? end : comma;
        fe = next;
      }
      if (col >= NCOL) {
        throw this.fail(`expected ${NCOL} columns, found ${NCOL + 1 + countCommas(buf, next, end)}`, col + 1);
      }
      const value = this.parseNumber(buf, fs, fe, col);
      if (col < FEATURE_COUNT) {
        out[base + col] = value;
      } else {
        if (value !== 0 && value !== 1) {
          throw this.fail(`Class must be 0 or 1, got "${latin1.decode(buf.subarray(fs, fe))}"`, col + 1);
        }
        this.labels[this.rows] = value;
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
    this.rows++;
  }

  private parseNumber(buf: Uint8Array, s: number, e: number, col: number): number {
    let i = s;
    let neg = false;
    const c0 = buf[i];
    if (c0 === 45 || c0 === 43) {
      neg = c0 === 45;
      i++;
    }
    let m = 0;
    let digits = 0;
    let scale = 0;
    let any = false;
    let c = buf[i];
    while (i < e && c !== undefined && c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      any = true;
      c = buf[++i];
    }
    if (i < e && c === 46) {
      c = buf[++i];
      while (i < e && c !== undefined && c >= 48 && c <= 57) {
        if (digits > 0 || c !== 48) digits++;
        m = m * 10 + (c - 48);
        scale--;
        any = true;
        c = buf[++i];
      }
    }
    let exp = 0;
    if (any && i < e && (c === 101 || c === 69)) {
      c = buf[++i];
      let eneg = false;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        c = buf[++i];
      }
      let ed = false;
      while (i < e && c !== undefined && c >= 48 && c <= 57) {
        exp = exp * 10 + (c - 48);
        ed = true;
        c = buf[++i];
      }
      if (!ed) any = false;
      if (eneg) exp = -exp;
    }
    if (!any || i !== e) {
      const raw = latin1.decode(buf.subarray(s, e));
      const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
      const lower = raw.trim().toLowerCase();
      if (/^[+-]?(inf|infinity|nan|na)$/.test(lower)) {
        throw this.fail(`${CSV_COLUMNS[col]} is not finite: "${shown}"`, col + 1);
      }
      throw this.fail(`${CSV_COLUMNS[col]} is not a number: "${shown}"`, col + 1);
    }
    const p = scale + exp;
    let v: number;
    if (digits <= 15 && p >= -22 && p <= 22) {
      v = p < 0 ? m / (POW10[-p] as number) : m * (POW10[p] as number);
    } else {
      v = Number(latin1.decode(buf.subarray(neg || c0 === 43 ? s + 1 : s, e)));
    }
    if (!Number.isFinite(v)) throw this.fail(`${CSV_COLUMNS[col]} is not finite: "${latin1.decode(buf.subarray(s, e))}"`, col + 1);
    return neg ? -v : v;
  }

  private grow(): void {
    ({ features: this.features, labels: this.labels } = growColumns(this.features, this.labels));
  }
}

function countCommas(buf: Uint8Array, from: number, end: number): number {
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
export function parseCreditCardCsv(text: string, file = "<input>"): Dataset {
  const parser = new CsvParser(file);
  parser.push(new TextEncoder().encode(text));
  return parser.finish();
}

/**
 * Reads a `creditcard.csv` file, streaming (constant memory besides the result).
 *
 * @throws {@link CsvError} `CSV_MALFORMED` naming file, line and column; `IO_ERROR` when unreadable.
 * @example
 * ```ts
 * const data = await readCreditCardCsv("creditcard.csv");
 * ```
 * @public
 */
export async function readCreditCardCsv(path: string): Promise<Dataset> {
  const parser = new CsvParser(path);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      parser.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof CsvError) throw err;
    throw ioError(path, "cannot read", err);
  }
  return parser.finish();
}

/**
 * The header line of the public file (quoted names), without a line end.
 * @public
 */
export function creditCardCsvHeader(): string {
  return QUOTED_HEADER;
}

const ROW_BYTES = NCOL * (MAX_NUMBER_BYTES + 1) + 4;

/**
 * Encodes rows `[start, end)` of a data set as `creditcard.csv` lines (UTF-8 bytes, each line ending
 * in `\n`), numbers written the way the public file writes them (15 significant digits, class quoted).
 * @public
 */
export function encodeCreditCardRows(data: Dataset, start = 0, end = data.rows): Uint8Array {
  const f = data.features;
  const labels = data.labels;
  const buf = new Uint8Array(Math.max(0, end - start) * ROW_BYTES);
  let pos = 0;
  for (let r = start; r < end; r++) {
    const b = r * FEATURE_COUNT;
    pos = writeNumber(buf, pos, f[b] as number);
    for (let j = 1; j < FEATURE_COUNT; j++) {
      buf[pos++] = 44;
      pos = writeNumber(buf, pos, f[b + j] as number);
    }
    buf[pos++] = 44;
    buf[pos++] = 34;
    buf[pos++] = labels[r] === 1 ? 49 : 48;
    buf[pos++] = 34;
    buf[pos++] = 10;
  }
  return buf.subarray(0, pos);
}

/**
 * Formats rows `[start, end)` of a data set as `creditcard.csv` lines (see {@link encodeCreditCardRows}).
 * @public
 */
export function formatCreditCardRows(data: Dataset, start = 0, end = data.rows): string {
  return latin1.decode(encodeCreditCardRows(data, start, end));
}

/**
 * Formats a whole data set as the text of a `creditcard.csv` file.
 * @public
 */
export function formatCreditCardCsv(data: Dataset): string {
  return `${QUOTED_HEADER}\n${formatCreditCardRows(data)}`;
}

/** @internal */
export async function writeCsvRows(sink: TextSink, data: Dataset, onRows?: (done: number) => void): Promise<void> {
  const step = 1024;
  for (let r = 0; r < data.rows; r += step) {
    const end = Math.min(data.rows, r + step);
    await sink.write(encodeCreditCardRows(data, r, end));
    onRows?.(end);
  }
}

/**
 * Writes a data set as `creditcard.csv` in the public file's layout. The file appears complete
 * or not at all (written to a temporary name, then renamed).
 *
 * @throws {@link CsvError} `IO_ERROR` when the path is not writable.
 * @example
 * ```ts
 * await writeCreditCardCsv("creditcard.csv", generateDataset({ rows: 284_807, seed: 1 }));
 * ```
 * @public
 */
export async function writeCreditCardCsv(path: string, data: Dataset): Promise<void> {
  await writeFileAtomic(path, async (sink) => {
    await sink.write(`${QUOTED_HEADER}\n`);
    await writeCsvRows(sink, data);
  });
}
