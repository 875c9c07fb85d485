// Splitting byte chunks into lines with a length limit: linear in the input whatever the chunk
// sizes, and a line over the limit is refused as soon as the limit is passed (memory stays bounded
// by the limit plus one chunk).

import { CsvError } from "./errors.js";
import { DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES, optionalOption } from "./options.js";

const EMPTY = new Uint8Array(0);

/** Receives a complete line as `buf[start..end)`, without its `\n`. @internal */
export type LineHandler = (buf: Uint8Array, start: number, end: number) => void;

/**
 * Called with the first `maxLineBytes + 1` bytes of a line that is too long; must throw.
 * @internal
 */
export type TooLongHandler = (prefix: Uint8Array) => never;

/**
 * The line splitter of a reader: `maxLineBytes` checked (default {@link DEFAULT_MAX_LINE_BYTES}),
 * a too-long line reported as `LINE_TOO_LONG` at line `lineNumber() + 1` and the column
 * `column(prefix, max)` gives.
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad `maxLineBytes`.
 * @internal
 */
export function readerLines(
  file: string,
  maxLineBytes: number | undefined,
  lineNumber: () => number,
  onLine: LineHandler,
  column: (prefix: Uint8Array, max: number) => number,
): LineSplitter {
  const max = optionalOption("maxLineBytes", MAX_LINE_BYTES, maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  return new LineSplitter(max, onLine, (prefix) => {
    throw new CsvError("LINE_TOO_LONG", `line is longer than ${max} bytes (maxLineBytes)`, {
      file,
      line: lineNumber() + 1,
      column: column(prefix, max),
    });
  });
}

/** Incremental `\n` splitter with a maximum line length in bytes. @internal */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: LineHandler,
    private readonly onTooLong: TooLongHandler,
  ) {}

  /** Splits `chunk`; complete lines go to the handler, the trailing partial line is kept. */
  push(chunk: Uint8Array): void {
    let start = 0;
    // Line ends are found with Buffer's indexOf (memchr), much faster than a typed array's.
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pendingBytes > 0) {
      const nl = bytes.indexOf(10);
      const head = nl < 0 ? chunk : chunk.subarray(0, nl);
      if (this.pendingBytes + head.length > this.maxLineBytes) this.tooLong(head);
      this.pending.push(head);
      this.pendingBytes += head.length;
      if (nl < 0) {
        // Keep a copy: the caller may reuse its chunk.
        this.pending[this.pending.length - 1] = head.slice();
        return;
      }
      const line = this.takePending();
      this.onLine(line, 0, line.length);
      start = nl + 1;
    }
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) break;
      if (nl - start > this.maxLineBytes) this.onTooLong(chunk.subarray(start, start + this.maxLineBytes + 1));
      this.onLine(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (chunk.length - start > this.maxLineBytes) this.onTooLong(chunk.subarray(start, start + this.maxLineBytes + 1));
      this.pending = [chunk.slice(start)];
      this.pendingBytes = chunk.length - start;
    }
  }

  /** Hands over the last line when the input does not end with `\n`. */
  finish(): void {
    if (this.pendingBytes === 0) return;
    const line = this.takePending();
    this.onLine(line, 0, line.length);
  }

  private takePending(): Uint8Array {
    const parts = this.pending;
    const total = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    return parts.length === 1 ? (parts[0] ?? EMPTY) : Buffer.concat(parts, total);
  }

  private tooLong(head: Uint8Array): never {
    // The held part is at most the limit, so this copy is bounded too.
    const prefix = Buffer.concat([...this.pending, head.subarray(0, this.maxLineBytes + 1)]);
    this.pending = [];
    this.pendingBytes = 0;
    return this.onTooLong(prefix.subarray(0, this.maxLineBytes + 1));
  }
}
