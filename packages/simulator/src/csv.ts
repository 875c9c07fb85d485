import { CSV_COLUMNS, FEATURE_COUNT, checkDataset, checkRange } from "./columns.js";
import type { Dataset } from "./columns.js";
import { QUOTED_HEADER } from "./csv-parse.js";
import { MAX_NUMBER_BYTES, writeNumber } from "./format.js";
import { ByteBuffer, checkWritable, writeFileAtomically } from "./io.js";

const NCOL = CSV_COLUMNS.length;
const latin1 = new TextDecoder("latin1");

/**
 * The header line of the public file (quoted names), without a line end.
 * @example
 * ```ts
 * creditCardCsvHeader().startsWith('"Time","V1"'); // true
 * ```
 * @public
 */
export function creditCardCsvHeader(): string {
  return QUOTED_HEADER;
}

const ROW_BYTES = NCOL * (MAX_NUMBER_BYTES + 1) + 4;

/**
 * Encodes rows `[start, end)` of a data set as `creditcard.csv` lines (UTF-8 bytes, each line ending
 * in `\n`), numbers written the way the public file writes them (15 significant digits, class quoted).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for an inconsistent data set or row range.
 * @example
 * ```ts
 * socket.write(encodeCreditCardRows(data, 0, 1000)); // the first 1,000 rows, no header
 * ```
 * @public
 */
export function encodeCreditCardRows(data: Dataset, start = 0, end?: number): Uint8Array {
  const last = end ?? checkDataset(data).rows;
  checkRange(checkDataset(data), start, last);
  const buf = new Uint8Array(Math.max(0, last - start) * ROW_BYTES);
  return buf.subarray(0, encodeRowsInto(buf, 0, data, start, last));
}

/** Writes rows `[start, end)` at `buf[pos]` (room for `ROW_BYTES` per row); returns the end position. */
function encodeRowsInto(buf: Uint8Array, at: number, data: Dataset, start: number, end: number): number {
  const f = data.features;
  const labels = data.labels;
  let pos = at;
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
  return pos;
}

/**
 * Formats rows `[start, end)` of a data set as `creditcard.csv` lines (see {@link encodeCreditCardRows}).
 * @example
 * ```ts
 * formatCreditCardRows(data, 0, 1).split(",").length; // 31
 * ```
 * @public
 */
export function formatCreditCardRows(data: Dataset, start = 0, end?: number): string {
  return latin1.decode(encodeCreditCardRows(data, start, end));
}

/**
 * Formats a whole data set as the text of a `creditcard.csv` file (header first).
 * @example
 * ```ts
 * parseCreditCardCsv(formatCreditCardCsv(data)).rows === data.rows; // true
 * ```
 * @public
 */
export function formatCreditCardCsv(data: Dataset): string {
  return `${QUOTED_HEADER}\n${formatCreditCardRows(data)}`;
}

/**
 * Encodes a whole data set as the bytes of a `creditcard.csv` file (header first), calling
 * `onRows` with the rows done so far now and then.
 * @internal
 */
export function encodeCsvFile(data: Dataset, onRows?: (done: number) => void): Uint8Array {
  checkDataset(data);
  const out = new ByteBuffer(QUOTED_HEADER.length + 1 + data.rows * 560);
  out.append(new TextEncoder().encode(`${QUOTED_HEADER}\n`));
  const step = 4096;
  for (let r = 0; r < data.rows; r += step) {
    const end = Math.min(data.rows, r + step);
    out.reserve((end - r) * ROW_BYTES);
    out.length = encodeRowsInto(out.bytes, out.length, data, r, end);
    onRows?.(end);
  }
  return out.view();
}

/**
 * Writes a data set as `creditcard.csv` in the public file's layout. The file appears complete
 * or not at all (written to a temporary name, flushed, then renamed); a device, FIFO or socket
 * is written directly, never replaced. The path is checked before anything is encoded.
 *
 * @throws {@link CsvError} `IO_ERROR` when the path is not writable.
 * @example
 * ```ts
 * await writeCreditCardCsv("creditcard.csv", generateDataset({ rows: 284_807, seed: 1 }));
 * ```
 * @public
 */
export async function writeCreditCardCsv(path: string, data: Dataset): Promise<void> {
  await checkWritable(path);
  await writeFileAtomically(path, encodeCsvFile(data));
}
