import { createReadStream } from "node:fs";
import { isRecordIOError } from "@fraud/recordio";
import { checkOutput, systemErrorReason, writeOutput } from "@fraud/recordio/node";
import { CsvError, SimulatorError } from "./errors.js";

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

/** A writer error of `@fraud/recordio/node` as the simulator's own error, same message. */
function fromOutputError(path: string, err: unknown): SimulatorError {
  if (isRecordIOError(err)) {
    return err.code === "INVALID_ARGUMENT"
      ? new SimulatorError("INVALID_ARGUMENT", err.message, { cause: err })
      : new CsvError("IO_ERROR", err.message, { cause: err });
  }
  if (err instanceof SimulatorError) return err;
  return ioError(path, "cannot write", err);
}

/**
 * Checks that `path` can be written before anything is generated: a directory, a block device, a
 * missing or unwritable folder or file fails at once (see `checkOutput` of `@fraud/recordio/node`).
 * @throws {@link CsvError} `IO_ERROR` naming the path and the reason.
 * @internal
 */
export async function checkWritable(path: string): Promise<void> {
  try {
    await checkOutput(path);
  } catch (err) {
    throw fromOutputError(path, err);
  }
}

/**
 * Writes a whole file through `openOutput` of `@fraud/recordio/node`, the project's one safe
 * writer: a regular file appears complete or not at all (a temporary sibling, flushed, then
 * renamed; a killed run's leftovers are removed by the next write); a character device, FIFO or
 * socket is written directly and never replaced.
 * @throws {@link CsvError} `IO_ERROR` naming the path and the reason.
 * @internal
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeOutput(path, bytes);
  } catch (err) {
    throw fromOutputError(path, err);
  }
}

/**
 * Streams a file in 1 MiB chunks to `consume`. Errors thrown by `consume` (a {@link CsvError})
 * stop the read and propagate; file errors become `IO_ERROR`.
 * @internal
 */
export async function readChunks(path: string, consume: (chunk: Uint8Array) => void): Promise<void> {
  // A number would be taken for a file descriptor (0 is stdin): only a path is accepted.
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new SimulatorError("INVALID_ARGUMENT", `path must be a non-empty string, got ${typeof path === "string" ? JSON.stringify(path.slice(0, 80)) : String(path === null ? "null" : typeof path)}`);
  }
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


/** The `IO_ERROR` of a file read in parts that ended before `length` bytes (it changed since the read began). @internal */
export function shrankError(path: string, length: number): CsvError {
  return new CsvError("IO_ERROR", `the file is shorter than the ${length} bytes it had when the read began (it changed while being read)`, { file: path });
}

/** Wraps a filesystem error into a one-line {@link CsvError} `IO_ERROR`. @internal */
export function ioError(path: string, verb: string, err: unknown): CsvError {
  return new CsvError("IO_ERROR", `${verb} ${path}: ${systemErrorReason(err)}`, { cause: err });
}
