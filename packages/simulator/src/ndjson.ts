import { FEATURE_COUNT, RowBuffer, V_COUNT, checkDataset, checkRange } from "./columns.js";
import type { Dataset } from "./columns.js";
import type { ReadOptions } from "./csv-parse.js";
import { CsvError, clip, quote } from "./errors.js";
import { requireObject, requireString } from "./options.js";
import { ByteBuffer, checkWritable, readChunks, writeFileAtomically } from "./io.js";
import { readerLines } from "./lines.js";
import type { LineSplitter } from "./lines.js";

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Incremental NDJSON reader: one JSON object per line, `{"time", "v": [28 numbers], "amount",
 * "label"}` (other fields such as `id`, `channel`, `timestamp` are ignored; a missing label is 0).
 * Blank lines are skipped.
 *
 * @example
 * ```ts
 * const parser = new NdjsonParser("live.ndjson");
 * parser.push(new TextEncoder().encode('{"time":0,"v":[…28 numbers…],"amount":1.5}\n'));
 * parser.finish().rows; // 1
 * ```
 * @public
 */
export class NdjsonParser {
  private readonly file: string;
  private readonly lines: LineSplitter;
  private line = 0;
  private readonly out = new RowBuffer(1024);

  /**
   * @param file - name used in error messages.
   * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad `maxLineBytes`.
   */
  constructor(file = "<input>", options: ReadOptions = {}) {
    requireString("file", file);
    requireObject("options", options);
    this.file = file;
    this.lines = readerLines(
      file,
      options.maxLineBytes,
      () => this.line,
      (buf, start, end) => this.parseLine(utf8.decode(buf.subarray(start, end))),
      (_prefix, max) => max + 1,
    );
  }

  /**
   * Parses every complete line in `chunk` (text is encoded as UTF-8 first).
   * @throws {@link CsvError} `NDJSON_MALFORMED` or `LINE_TOO_LONG`.
   */
  push(chunk: Uint8Array | string): void {
    this.lines.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  }

  /** Parses the last line and returns the data set. */
  finish(): Dataset {
    this.lines.finish();
    const data = this.out.toDataset();
    if (data === undefined) throw new CsvError("CSV_EMPTY", "no data rows", { file: this.file });
    return data;
  }

  private fail(reason: string): CsvError {
    return new CsvError("NDJSON_MALFORMED", reason, { file: this.file, line: this.line });
  }

  private number(key: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw this.fail(`"${key}" must be a finite number, got ${shownJson(value)}`);
    }
    return value;
  }

  private parseLine(raw: string): void {
    this.line++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw this.fail(`not valid JSON: ${quote(text)}`);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw this.fail("expected a JSON object");
    const o = obj as Record<string, unknown>;
    const time = this.number("time", o["time"]);
    const amount = this.number("amount", o["amount"]);
    const v = o["v"];
    if (!Array.isArray(v) || v.length !== V_COUNT) throw this.fail(`"v" must be an array of ${V_COUNT} numbers`);
    const label = o["label"] ?? 0;
    if (label !== 0 && label !== 1) throw this.fail(`"label" must be 0 or 1, got ${shownJson(label)}`);
    const base = this.out.reserve();
    const f = this.out.features;
    f[base] = time;
    for (let j = 0; j < V_COUNT; j++) f[base + 1 + j] = this.number(`v[${j}]`, v[j]);
    f[base + 29] = amount;
    this.out.commit(label);
  }
}

/** A JSON value for a message: strings quoted, anything else as JSON; at most 80 characters. */
function shownJson(value: unknown): string {
  if (typeof value === "string") return quote(value);
  return value === undefined ? "nothing" : clip(JSON.stringify(value));
}

/**
 * Parses NDJSON text (see {@link NdjsonParser}) into a data set.
 * @throws {@link CsvError} `NDJSON_MALFORMED` naming file and line; `LINE_TOO_LONG`.
 * @example
 * ```ts
 * parseNdjson(formatNdjsonRows(generateDataset({ rows: 3, seed: 1 }))).rows; // 3
 * ```
 * @public
 */
export function parseNdjson(text: string, file = "<input>", options: ReadOptions = {}): Dataset {
  requireString("text", text);
  const p = new NdjsonParser(file, options);
  p.push(text);
  return p.finish();
}

/**
 * Reads an NDJSON file of transactions, streaming.
 * @throws {@link CsvError} `NDJSON_MALFORMED` naming file and line; `LINE_TOO_LONG` past
 *   `maxLineBytes`; `IO_ERROR` when unreadable.
 * @example
 * ```ts
 * const data = await readNdjson("transactions.ndjson");
 * ```
 * @public
 */
export async function readNdjson(path: string, options: ReadOptions = {}): Promise<Dataset> {
  requireString("path", path);
  const parser = new NdjsonParser(path, options);
  await readChunks(path, (chunk) => parser.push(chunk));
  return parser.finish();
}

/**
 * Formats rows `[start, end)` as NDJSON lines `{"time","v","amount","label"}` (full precision).
 * @example
 * ```ts
 * formatNdjsonRows(generateDataset({ rows: 2, seed: 1 })).split("\n").length; // 3 (two lines and a final "")
 * ```
 * @public
 */
export function formatNdjsonRows(data: Dataset, start = 0, endIn?: number): string {
  const end = endIn ?? checkDataset(data).rows;
  checkRange(checkDataset(data), start, end);
  let out = "";
  const f = data.features;
  for (let r = start; r < end; r++) {
    const b = r * FEATURE_COUNT;
    out += `{"time":${f[b]},"v":[${Array.from(f.subarray(b + 1, b + 29)).join(",")}],"amount":${f[b + 29]},"label":${data.labels[r] === 1 ? 1 : 0}}\n`;
  }
  return out;
}

/**
 * Encodes a whole data set as the bytes of an NDJSON file, calling `onRows` now and then.
 * @internal
 */
export function encodeNdjsonFile(data: Dataset, onRows?: (done: number) => void): Uint8Array {
  checkDataset(data);
  const out = new ByteBuffer(data.rows * 620);
  for (let r = 0; r < data.rows; r += 1024) {
    const end = Math.min(data.rows, r + 1024);
    out.append(encoder.encode(formatNdjsonRows(data, r, end)));
    onRows?.(end);
  }
  return out.view();
}

/**
 * Writes a data set as NDJSON, atomically (temporary name, flushed, then renamed); a device,
 * FIFO or socket is written directly, never replaced. The path is checked before anything is encoded.
 * @throws {@link CsvError} `IO_ERROR` when the path is not writable.
 * @example
 * ```ts
 * await writeNdjson("transactions.ndjson", generateDataset({ rows: 1000, seed: 1 }));
 * ```
 * @public
 */
export async function writeNdjson(path: string, data: Dataset): Promise<void> {
  await checkWritable(path);
  await writeFileAtomically(path, encodeNdjsonFile(data));
}
