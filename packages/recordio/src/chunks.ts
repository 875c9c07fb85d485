/**
 * A whole matrix encoded chunk by chunk: the same bytes as `encodeDense`, in pieces of a bounded
 * size, each encoded straight into its buffer (for uploads, files and streams).
 * @packageDocumentation
 */
import { allocBytes, integerOption } from "./args.js";
import { rowBytes, sizePlan, writeRowRange } from "./dense.js";
import type { SizedPlan } from "./dense.js";
import type { EncodeDenseOptions, MatrixInput } from "./matrix.js";

/**
 * Default chunk size of {@link encodeDenseChunks} and the Node file paths: 1 MiB.
 * @example
 * ```ts
 * const chunks = encodeDenseChunks(matrix, { chunkBytes: 4 * DEFAULT_CHUNK_BYTES });
 * ```
 * @public
 */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/**
 * Largest `chunkBytes` accepted: 1 GiB (a record larger than the chunk still gets one of its own).
 * @example
 * ```ts
 * const chunkBytes = Math.min(requested, MAX_CHUNK_BYTES);
 * ```
 * @public
 */
export const MAX_CHUNK_BYTES = 1024 * 1024 * 1024;

/** Options of {@link encodeDenseChunks}. @public */
export interface EncodeDenseChunksOptions extends EncodeDenseOptions {
  /**
   * Largest chunk, in bytes: chunks hold whole records, as many as fit (a record larger than this
   * gets a chunk of its own).
   * @defaultValue 1048576 (1 MiB)
   */
  chunkBytes?: number;
  /**
   * Encode every chunk into the same buffer: each yielded chunk is valid only until the next one is
   * asked for. No allocation per chunk; for consumers that copy or write a chunk before pulling the
   * next (a file write that is awaited), not for ones that keep it (an upload that buffers parts).
   * @defaultValue false
   */
  reuse?: boolean;
}

/** Number of rows from `from` that fit in `room` bytes (at least one). @internal */
export function rowsThatFit(sized: SizedPlan, from: number, room: number): number {
  if (sized.layout) return Math.max(1, Math.min(sized.plan.rows - from, Math.floor(room / sized.layout.template.length)));
  let used = rowBytes(sized, from);
  let to = from + 1;
  while (to < sized.plan.rows) {
    const next = rowBytes(sized, to);
    if (used + next > room) break;
    used += next;
    to++;
  }
  return to - from;
}

/**
 * Encodes a matrix as RecordIO-protobuf in chunks of at most `chunkBytes` (whole records each):
 * concatenated, exactly the bytes {@link encodeDense} returns. Everything is checked before the
 * first chunk; memory is one chunk, whatever the matrix size.
 *
 * @example
 * ```ts
 * import { Readable } from "node:stream";
 * const body = Readable.from(encodeDenseChunks({ data: features, shape: [rows, 30] }, { labels }));
 * ```
 * @public
 */
export function encodeDenseChunks(matrix: MatrixInput, options: EncodeDenseChunksOptions = {}): Generator<Uint8Array, void, undefined> {
  const sized = sizePlan(matrix, options);
  const chunkBytes = integerOption(options.chunkBytes, "chunkBytes", DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, 1);
  return chunksOf(sized, chunkBytes, options.reuse === true);
}

function* chunksOf(sized: SizedPlan, chunkBytes: number, reuse: boolean): Generator<Uint8Array, void, undefined> {
  let shared: Uint8Array | undefined;
  for (let row = 0; row < sized.plan.rows; ) {
    const n = rowsThatFit(sized, row, chunkBytes);
    let size = 0;
    for (let r = row; r < row + n && !sized.layout; r++) size += rowBytes(sized, r);
    if (sized.layout) size = n * sized.layout.template.length;
    let buf: Uint8Array;
    if (reuse && shared && shared.length >= size) buf = shared;
    else {
      buf = allocBytes(Math.max(size, reuse ? chunkBytes : 0), "a chunk");
      if (reuse) shared = buf;
    }
    writeRowRange(buf, 0, sized, row, row + n);
    row += n;
    yield buf.length === size ? buf : buf.subarray(0, size);
  }
}
