// Splitting byte chunks into lines with a length limit: linear in the input whatever the chunk
// sizes, and a line over the limit is refused as soon as the limit is passed (memory stays bounded
// by the limit plus one chunk).

const EMPTY = new Uint8Array(0);

/** Receives a complete line as `buf[start..end)`, without its `\n`. @internal */
export type LineHandler = (buf: Uint8Array, start: number, end: number) => void;

/**
 * Called with the first `maxLineBytes + 1` bytes of a line that is too long; must throw.
 * @internal
 */
export type TooLongHandler = (prefix: Uint8Array) => never;

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
    if (this.pendingBytes > 0) {
      const nl = chunk.indexOf(10);
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
      const nl = chunk.indexOf(10, start);
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
    this.pending = [];
    const total = this.pendingBytes;
    this.pendingBytes = 0;
    if (parts.length === 1) return parts[0] ?? EMPTY;
    const line = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      line.set(p, at);
      at += p.length;
    }
    return line;
  }

  private tooLong(head: Uint8Array): never {
    const prefix = new Uint8Array(this.maxLineBytes + 1);
    let at = 0;
    for (const p of [...this.pending, head]) {
      const n = Math.min(p.length, prefix.length - at);
      prefix.set(p.subarray(0, n), at);
      at += n;
      if (at === prefix.length) break;
    }
    this.pending = [];
    this.pendingBytes = 0;
    return this.onTooLong(prefix.subarray(0, at));
  }
}
