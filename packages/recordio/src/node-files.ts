/**
 * Dense matrices to and from RecordIO files through one reused buffer: encoding writes each chunk
 * straight into it, decoding reads canonical records chunk by chunk into the output arrays.
 * @packageDocumentation
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { allocBytes, describeValue, integerOption, invalidArgument, requireOptions } from "./args.js";
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, encodeDenseChunks } from "./chunks.js";
import type { EncodeDenseChunksOptions } from "./chunks.js";
import { canonicalLayout, checkRoom, checkTarget, decodeDense, decodeDenseInto, readHead } from "./dense-decode.js";
import type { DenseHead, DenseInfo, DenseTarget } from "./dense-decode.js";
import type { FixedLayout } from "./fixed.js";
import { copyFixedRows, structureCheck } from "./dense-scan.js";
import { RecordIOError, isRecordIOError } from "./errors.js";
import { openOutput } from "./output.js";
import { paddingFor, resolveFraming } from "./framing.js";
import type { Framing, FramingOptions } from "./framing.js";
import { allocTensor } from "./layout.js";
import type { DenseMatrix, EncodeDenseOptions, MatrixInput } from "./matrix.js";

/** Options of {@link writeDenseFile}. @public */
export interface WriteDenseFileOptions extends EncodeDenseOptions {
  /** Size of the one buffer records are encoded into before each write. @defaultValue 1048576 (1 MiB) */
  chunkBytes?: number;
}

/** Options of {@link readDenseFile} and {@link readDenseFileInto}. @public */
export interface ReadDenseFileOptions extends FramingOptions {
  /** Size of the buffer canonical records are read through. @defaultValue 1048576 (1 MiB) */
  chunkBytes?: number;
}

/** The `INVALID_ARGUMENT` error of a path that is not a non-empty string, or undefined. */
function badPath(path: unknown): RecordIOError | undefined {
  if (typeof path === "string" && path.length > 0 && !path.includes("\0")) return undefined;
  return invalidArgument(`path must be a non-empty string, got ${describeValue(path)}`);
}

function ioError(path: string, doing: string, err: unknown): RecordIOError {
  if (isRecordIOError(err)) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new RecordIOError("IO_ERROR", `cannot ${doing} ${path}: ${why.slice(0, 200)}`, { cause: err });
}

/**
 * Writes a dense matrix to a RecordIO file: exactly the bytes `encodeDense` returns, encoded
 * chunk by chunk into one reused buffer, so memory stays at one chunk whatever the matrix size.
 * A regular file appears complete or not at all (written beside it, then renamed); a character
 * device, FIFO or socket is written directly, never replaced ({@link openOutput}). Resolves to the
 * number of bytes written. Errors: those of `encodeDense` and of the path (a directory, an
 * unwritable folder) before anything is encoded, `IO_ERROR`.
 *
 * @example
 * ```ts
 * await writeDenseFile("train.rec", { data: features, shape: [rows, 30] }, { labels });
 * ```
 * @public
 */
export async function writeDenseFile(path: string, matrix: MatrixInput, options: WriteDenseFileOptions = {}): Promise<number> {
  const bad = badPath(path);
  if (bad) throw bad;
  requireOptions(options);
  const chunks = encodeDenseChunks(matrix, { ...options, reuse: true } satisfies EncodeDenseChunksOptions);
  const out = await openOutput(path);
  try {
    for (const chunk of chunks) await out.write(chunk);
    return await out.commit();
  } catch (err) {
    await out.abort();
    throw ioError(path, "write", err);
  }
}

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
async function readAt(fh: FileHandle, buf: Uint8Array, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** The first record's frame, decoded (bounded by `maxRecordBytes`). */
async function readFirst(fh: FileHandle, size: number, f: Framing): Promise<DenseHead | undefined> {
  const header = new Uint8Array(8);
  const got = await readAt(fh, header, 8, 0);
  const len = got < 8 ? 0 : new DataView(header.buffer).getUint32(4, true);
  // empty, a short header or a record above the limit: the buffer decoder says which
  if (got < 8 || len > f.max) return readHead(header.subarray(0, got), f);
  const first = allocBytes(Math.min(size, 8 + len + paddingFor(len)), "the first record");
  return readHead(first.subarray(0, await readAt(fh, first, first.length, 0)), f);
}

/**
 * Copies canonical records from the file through a reused buffer into `target` from `rowOffset`.
 * Returns false (nothing to trust) when a record differs from the canonical layout.
 */
async function copyCanonical(fh: FileHandle, layout: FixedLayout, rows: number, target: DenseTarget, rowOffset: number, chunkBytes: number): Promise<boolean> {
  const stride = layout.template.length;
  const perChunk = Math.max(1, Math.floor(chunkBytes / stride));
  const buf = allocBytes(Math.min(rows, perChunk) * stride, "the read buffer");
  const check = structureCheck(layout);
  for (let row = 0; row < rows; row += perChunk) {
    const n = Math.min(perChunk, rows - row);
    const got = await readAt(fh, buf, n * stride, row * stride);
    if (got < n * stride) return false;
    if (copyFixedRows(buf.subarray(0, got), layout, check, target, rowOffset + row, n) !== n) return false;
  }
  return true;
}

/** Shared steps of the two readers: open, look at the first record, copy canonical records or fall back to the whole file. */
async function readDense<T>(
  path: string,
  options: ReadDenseFileOptions,
  canonical: (head: DenseHead, rows: number) => { target: DenseTarget; rowOffset: number },
  whole: (bytes: Uint8Array) => T,
  result: (head: DenseHead | undefined, rows: number, target: DenseTarget | undefined) => T,
): Promise<T> {
  requireOptions(options);
  const f = resolveFraming(options);
  const chunkBytes = integerOption(options.chunkBytes, "chunkBytes", DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, 1);
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, "r");
    const size = (await fh.stat()).size;
    const head = await readFirst(fh, size, f);
    if (!head) return result(undefined, 0, undefined);
    const layout = canonicalLayout(size, head, f);
    if (layout) {
      const rows = Math.floor(size / layout.template.length);
      const { target, rowOffset } = canonical(head, rows);
      if (await copyCanonical(fh, layout, rows, target, rowOffset, chunkBytes)) return result(head, rows, target);
    }
    const bytes = allocBytes(size, "the file");
    await readAt(fh, bytes, size, 0);
    return whole(bytes);
  } catch (err) {
    throw ioError(path, "read", err);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Reads a RecordIO file of dense records into one matrix, like {@link decodeDense} on its bytes:
 * canonical records (what the SDK and `encodeDense` write) are read through one reused buffer into
 * the output arrays, so memory is the matrix plus one chunk; other files are read whole.
 *
 * @example
 * ```ts
 * const { data, shape, labels } = await readDenseFile("train.rec");
 * ```
 * @public
 */
export function readDenseFile(path: string, options: ReadDenseFileOptions = {}): Promise<DenseMatrix> {
  const bad = badPath(path);
  if (bad) return Promise.reject(bad);
  return readDense<DenseMatrix>(
    path,
    options,
    (head, rows) => ({ target: { data: allocTensor(head.type, rows * head.cols), labels: head.labelType ? allocTensor(head.labelType, rows) : undefined }, rowOffset: 0 }),
    (bytes) => decodeDense(bytes, options),
    (head, rows, target) =>
      head ? { data: target!.data, shape: [rows, head.cols], labels: target!.labels } : { data: new Float32Array(0), shape: [0, 0], labels: undefined },
  );
}

/**
 * Reads a RecordIO file of dense records into the caller's typed arrays, like
 * {@link decodeDenseInto} on its bytes, through one reused buffer for canonical records: nothing is
 * allocated in proportion to the data. Resolves to the rows, columns and element types read.
 *
 * @example
 * ```ts
 * const data = new Float32Array(rows * 30);
 * const labels = new Float32Array(rows);
 * await readDenseFileInto("train.rec", { data, labels });
 * ```
 * @public
 */
export function readDenseFileInto(path: string, target: DenseTarget, options: ReadDenseFileOptions & { rowOffset?: number } = {}): Promise<DenseInfo> {
  const bad = badPath(path);
  if (bad) return Promise.reject(bad);
  const rowOffset = integerOption(options?.rowOffset, "rowOffset", 0);
  return readDense<DenseInfo>(
    path,
    options,
    (head, rows) => {
      checkTarget(target, head);
      checkRoom(target, head, rowOffset, rows);
      return { target, rowOffset };
    },
    (bytes) => decodeDenseInto(bytes, target, options),
    (head, rows) => (head ? { rows, cols: head.cols, type: head.type, labelType: head.labelType } : { rows: 0, cols: 0, type: "float32", labelType: undefined }),
  );
}

/**
 * A Node `Readable` of a matrix's RecordIO bytes in chunks of about `chunkBytes`, each encoded
 * straight into its own buffer: a request or upload body (`PutObject`, `@aws-sdk/lib-storage`'s
 * `Upload`) that never holds the whole encoding. Checks everything before the first chunk.
 *
 * @example
 * ```ts
 * await new Upload({ client, params: { Bucket, Key, Body: createDenseReadStream(matrix, { labels }) } }).done();
 * ```
 * @public
 */
export function createDenseReadStream(matrix: MatrixInput, options: WriteDenseFileOptions = {}): Readable {
  return Readable.from(encodeDenseChunks(matrix, { ...options, reuse: false }), { objectMode: false });
}
