import { createReadStream } from "node:fs";
import { FEATURE_COUNT, V_COUNT, growColumns } from "./columns.js";
import type { Dataset } from "./columns.js";
import { CsvError } from "./errors.js";
import { ioError, writeFileAtomic } from "./io.js";

/**
 * Incremental NDJSON reader: one JSON object per line, `{"time", "v": [28 numbers], "amount",
 * "label"}` (other fields such as `id`, `channel`, `timestamp` are ignored; a missing label is 0).
 * @public
 */
export class NdjsonParser {
  private readonly file: string;
  private readonly decoder = new TextDecoder();
  private carry = "";
  private line = 0;
  private rows = 0;
  private features = new Float64Array(FEATURE_COUNT * 1024);
  private labels = new Uint8Array(1024);

  /** @param file - name used in error messages. */
  constructor(file = "<input>") {
    this.file = file;
  }

  /** Parses every complete line in `chunk`. */
  push(chunk: Uint8Array | string): void {
    const text = this.carry + (typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true }));
    const lines = text.split("\n");
    this.carry = lines.pop() ?? "";
    for (const l of lines) this.parseLine(l);
  }

  /** Parses the last line and returns the data set. */
  finish(): Dataset {
    const rest = this.carry + this.decoder.decode();
    this.carry = "";
    if (rest.trim() !== "") this.parseLine(rest);
    if (this.rows === 0) throw new CsvError("CSV_EMPTY", "no data rows", { file: this.file });
    return {
      rows: this.rows,
      features: this.features.slice(0, this.rows * FEATURE_COUNT),
      labels: this.labels.slice(0, this.rows),
    };
  }

  private fail(reason: string): CsvError {
    return new CsvError("NDJSON_MALFORMED", reason, { file: this.file, line: this.line });
  }

  private parseLine(raw: string): void {
    this.line++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw this.fail("not valid JSON");
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw this.fail("expected a JSON object");
    const o = obj as Record<string, unknown>;
    const num = (key: string, value: unknown): number => {
      if (typeof value !== "number" || !Number.isFinite(value)) throw this.fail(`"${key}" must be a finite number`);
      return value;
    };
    const time = num("time", o["time"]);
    const amount = num("amount", o["amount"]);
    const v = o["v"];
    if (!Array.isArray(v) || v.length !== V_COUNT) throw this.fail(`"v" must be an array of ${V_COUNT} numbers`);
    const label = o["label"] ?? 0;
    if (label !== 0 && label !== 1) throw this.fail(`"label" must be 0 or 1`);
    if (this.rows * FEATURE_COUNT === this.features.length) {
      ({ features: this.features, labels: this.labels } = growColumns(this.features, this.labels));
    }
    const base = this.rows * FEATURE_COUNT;
    this.features[base] = time;
    for (let j = 0; j < V_COUNT; j++) this.features[base + 1 + j] = num(`v[${j}]`, v[j]);
    this.features[base + 29] = amount;
    this.labels[this.rows] = label;
    this.rows++;
  }
}

/**
 * Parses NDJSON text (see {@link NdjsonParser}) into a data set.
 * @throws {@link CsvError} `NDJSON_MALFORMED` naming file and line.
 * @public
 */
export function parseNdjson(text: string, file = "<input>"): Dataset {
  const p = new NdjsonParser(file);
  p.push(text);
  return p.finish();
}

/**
 * Reads an NDJSON file of transactions, streaming.
 * @throws {@link CsvError} `NDJSON_MALFORMED` naming file and line; `IO_ERROR` when unreadable.
 * @public
 */
export async function readNdjson(path: string): Promise<Dataset> {
  const parser = new NdjsonParser(path);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof CsvError) throw err;
    throw ioError(path, "cannot read", err);
  }
  return parser.finish();
}

/**
 * Formats rows `[start, end)` as NDJSON lines `{"time","v","amount","label"}` (full precision).
 * @public
 */
export function formatNdjsonRows(data: Dataset, start = 0, end = data.rows): string {
  let out = "";
  const f = data.features;
  for (let r = start; r < end; r++) {
    const b = r * FEATURE_COUNT;
    out += `{"time":${f[b]},"v":[${Array.from(f.subarray(b + 1, b + 29)).join(",")}],"amount":${f[b + 29]},"label":${data.labels[r] === 1 ? 1 : 0}}\n`;
  }
  return out;
}

/** @internal */
export async function writeNdjsonRows(
  sink: { write(chunk: string): Promise<void> | void },
  data: Dataset,
  onRows?: (done: number) => void,
): Promise<void> {
  for (let r = 0; r < data.rows; r += 1024) {
    const end = Math.min(data.rows, r + 1024);
    await sink.write(formatNdjsonRows(data, r, end));
    onRows?.(end);
  }
}

/**
 * Writes a data set as NDJSON, atomically (temporary name, then rename).
 * @throws {@link CsvError} `IO_ERROR` when the path is not writable.
 * @public
 */
export async function writeNdjson(path: string, data: Dataset): Promise<void> {
  await writeFileAtomic(path, (sink) => writeNdjsonRows(sink, data));
}
