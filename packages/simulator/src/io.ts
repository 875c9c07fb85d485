import { createReadStream } from "node:fs";
import writeFileAtomic from "write-file-atomic";
import { CsvError } from "./errors.js";

/** A growable byte buffer the file writers encode into. @internal */
export class ByteBuffer {
  /** Storage; bytes `[0, length)` are written. */
  bytes: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(need, Math.floor(this.bytes.length * 1.5)));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends bytes. */
  append(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** The bytes written, without copying. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * Writes a whole file atomically with `write-file-atomic`: a temporary sibling, flushed to disk,
 * then renamed over `path`. On failure nothing is left behind.
 * @throws {@link CsvError} `IO_ERROR` naming the path and the reason.
 * @internal
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw ioError(path, "cannot write", err);
  }
}

/**
 * Streams a file in 1 MiB chunks to `consume`. Errors thrown by `consume` (a {@link CsvError})
 * stop the read and propagate; file errors become `IO_ERROR`.
 * @internal
 */
export async function readChunks(path: string, consume: (chunk: Uint8Array) => void): Promise<void> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) consume(chunk as Buffer);
  } catch (err) {
    if (err instanceof CsvError) throw err;
    throw ioError(path, "cannot read", err);
  } finally {
    stream.destroy();
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
};

/** Wraps a filesystem error into a one-line {@link CsvError} `IO_ERROR`. @internal */
export function ioError(path: string, verb: string, err: unknown): CsvError {
  const e = err as NodeJS.ErrnoException;
  const why = (e?.code ? REASONS[e.code] : undefined) ?? e?.message ?? String(err);
  return new CsvError("IO_ERROR", `${verb} ${path}: ${why}`, { cause: err });
}
