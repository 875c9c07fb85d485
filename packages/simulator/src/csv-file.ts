// Reading a creditcard.csv file on several threads at once. The file is cut into chunks of one
// size; each thread claims chunks (an atomic counter), reads each one through a small buffer of
// its own and counts its line feeds, noting where its first line starts. From those counts alone,
// planCsvChunks cuts the parts at the first line start of each chunk and places their rows; the
// threads then parse the parts straight from the file (parseClaimedCsvParts with a `path`): no
// copy of the whole file in memory, whose first touch of every page costs more than reading it.
import { closeSync, openSync, readSync } from "node:fs";
import type { CsvPartPlan } from "./csv-range.js";
import { CsvError, invalidArgument } from "./errors.js";
import { ioError, shrankError } from "./io.js";
import { requireObject, requireString } from "./options.js";

/**
 * A file being read in chunks threads claim: what a thread needs to take part (it can be posted
 * to a worker as it is). Make one with {@link sharedCsvFile}.
 * @public
 */
export interface SharedCsvFile {
  /** The file. */
  path: string;
  /** Bytes to read: the file's size when the read began. */
  length: number;
  /** Bytes of every chunk but the last. */
  chunkBytes: number;
  /** One Int32 per chunk: 0 until the chunk is read, then 1 + the line feeds in it. */
  counts: SharedArrayBuffer;
  /**
   * One Int32 per chunk: the first line start at or after the chunk's first byte, up to its end
   * (the chunk's first byte when a line feed precedes it), or -1 when no line starts there.
   */
  starts: SharedArrayBuffer;
  /** Five bytes: the file's first four (zero past its end) and its last. */
  edges: SharedArrayBuffer;
  /** One Int32: the next chunk to claim. */
  next: SharedArrayBuffer;
}

/** Most chunks a file is cut into. */
const MAX_CHUNKS = 1024;
/** Bytes of {@link SharedCsvFile.edges}. */
const EDGES = 5;
/** Bytes a thread reads at a time (its buffer, reused for every chunk it reads). */
const PIECE = 1 << 20;

/**
 * A {@link SharedCsvFile} for `length` bytes of `path` in `chunks` chunks of about equal size (at
 * most 1024; fewer for a small file, every chunk at least one byte).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad path, length or chunk count.
 * @example
 * ```ts
 * const task = sharedCsvFile("creditcard.csv", (await stat("creditcard.csv")).size, 8);
 * ```
 * @public
 */
export function sharedCsvFile(path: string, length: number, chunks: number): SharedCsvFile {
  requireString("path", path);
  if (!Number.isSafeInteger(length) || length < 0 || length > 2 ** 31 - 1) throw invalidArgument(`length must be an integer from 0 to 2147483647, got ${String(length)}`);
  if (!Number.isInteger(chunks) || chunks < 1 || chunks > MAX_CHUNKS) throw invalidArgument(`chunks must be an integer from 1 to ${MAX_CHUNKS}, got ${String(chunks)}`);
  const chunkBytes = Math.max(1, Math.ceil(length / chunks));
  const count = Math.max(1, Math.ceil(length / chunkBytes));
  return { path, length, chunkBytes, counts: new SharedArrayBuffer(4 * count), starts: new SharedArrayBuffer(4 * count), edges: new SharedArrayBuffer(EDGES), next: new SharedArrayBuffer(4) };
}

/** Chunks of a task (checked). */
function chunkCount(task: SharedCsvFile): number {
  requireObject("task", task);
  requireString("task.path", task.path);
  for (const key of ["counts", "starts", "edges", "next"] as const) {
    if (!(task[key] instanceof SharedArrayBuffer)) throw invalidArgument(`task.${key} must be a SharedArrayBuffer`);
  }
  if (!Number.isSafeInteger(task.length) || task.length < 0 || task.length > 2 ** 31 - 1) throw invalidArgument(`task.length must be an integer from 0 to 2147483647, got ${String(task.length)}`);
  if (!Number.isSafeInteger(task.chunkBytes) || task.chunkBytes < 1) throw invalidArgument(`task.chunkBytes must be a positive integer, got ${String(task.chunkBytes)}`);
  const count = Math.max(1, Math.ceil(task.length / task.chunkBytes));
  if (task.counts.byteLength < 4 * count) throw invalidArgument(`task.counts must hold ${count} Int32 (one per chunk)`);
  if (task.starts.byteLength < 4 * count) throw invalidArgument(`task.starts must hold ${count} Int32 (one per chunk)`);
  if (task.edges.byteLength < EDGES) throw invalidArgument(`task.edges must hold ${EDGES} bytes`);
  if (task.next.byteLength < 4) throw invalidArgument("task.next must hold one Int32");
  return count;
}

/**
 * Reads chunks of a shared file until none is left unclaimed (an atomic counter): every thread of
 * a parallel read runs this, so a thread that starts late simply finds less to do. Each chunk is
 * read through a buffer of this thread's (1 MiB at most), its line feeds counted into
 * `task.counts` and its first line start noted in `task.starts`; once every chunk is counted
 * ({@link csvChunksRead}), {@link planCsvChunks} cuts the parts.
 *
 * @returns how many chunks this thread read.
 * @throws {@link CsvError} `IO_ERROR` when the file cannot be opened or read, or is shorter than
 *   `task.length` (it changed since); {@link SimulatorError} `INVALID_ARGUMENT` for a task of the
 *   wrong shape.
 * @example
 * ```ts
 * readClaimedCsvChunks(task); // on each thread; then, once csvChunksRead(task), planCsvChunks
 * ```
 * @public
 */
export function readClaimedCsvChunks(task: SharedCsvFile): number {
  const count = chunkCount(task);
  const next = new Int32Array(task.next);
  const counts = new Int32Array(task.counts, 0, count);
  const starts = new Int32Array(task.starts, 0, count);
  const edges = new Uint8Array(task.edges, 0, EDGES);
  let fd: number | undefined;
  let piece: Buffer | undefined;
  let done = 0;
  try {
    for (let c = Atomics.add(next, 0, 1); c < count; c = Atomics.add(next, 0, 1)) {
      fd ??= openSync(task.path, "r");
      piece ??= Buffer.allocUnsafeSlow(Math.min(PIECE, task.chunkBytes + 1));
      const from = c * task.chunkBytes;
      const end = Math.min(task.length, from + task.chunkBytes);
      if (c === 0 && task.length > 0) {
        // the file's first bytes (a byte-order mark, then a header or a row), whatever the chunk size
        const head = Buffer.alloc(4);
        if (readSync(fd, head, 0, Math.min(4, task.length), 0) < Math.min(4, task.length)) throw shrankError(task.path, task.length);
        edges.set(head.subarray(0, 4));
      }
      // from the byte before the chunk (a line starts at its first byte when that is a line feed)
      let feeds = 0;
      let start = -1;
      for (let at = Math.max(0, from - 1); at < end; ) {
        const n = readSync(fd, piece, 0, Math.min(piece.length, end - at), at);
        if (n === 0) throw shrankError(task.path, task.length);
        if (at + n === task.length) edges[4] = piece[n - 1]!;
        let first = 0;
        if (at < from) {
          // the byte before the chunk
          if (piece[0] === 10) start = from;
          first = 1;
        }
        for (let i = piece.indexOf(10, first); i >= 0 && i < n; i = piece.indexOf(10, i + 1)) {
          if (start < 0) start = at + i + 1;
          feeds++;
        }
        at += n;
      }
      Atomics.store(starts, c, start);
      Atomics.store(counts, c, feeds + 1);
      done++;
    }
  } catch (err) {
    // no other thread waits for chunks that will not come
    Atomics.store(next, 0, count);
    if (err instanceof CsvError) throw err;
    throw ioError(task.path, "cannot read", err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return done;
}

/**
 * Whether every chunk of the task has been read and counted (by whichever thread claimed it).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a task of the wrong shape.
 * @example
 * ```ts
 * if (!csvChunksRead(task)) await Promise.all(otherThreads);
 * ```
 * @public
 */
export function csvChunksRead(task: SharedCsvFile): boolean {
  const count = chunkCount(task);
  const counts = new Int32Array(task.counts, 0, count);
  for (let c = 0; c < count; c++) if (Atomics.load(counts, c) === 0) return false;
  return true;
}

/**
 * Cuts a file read by {@link readClaimedCsvChunks} into parts, one per chunk (a part starts at the
 * first line start in its chunk; a chunk inside one line adds none), with the place of each part's
 * rows: the plan {@link planCsvParts} makes, from the chunks' line-feed counts instead of another
 * pass over the bytes. Hand it on as `SharedCsvParts` (`path`, `length`, `bounds`, `rows`).
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a task of the wrong shape or one not read
 *   through ({@link csvChunksRead}).
 * @example
 * ```ts
 * const plan = planCsvChunks(task);
 * const features = new SharedArrayBuffer(plan.rows.at(-1)! * 30 * 8);
 * ```
 * @public
 */
export function planCsvChunks(task: SharedCsvFile): CsvPartPlan {
  const count = chunkCount(task);
  if (!csvChunksRead(task)) throw invalidArgument("task has chunks not yet read (readClaimedCsvChunks on every thread first)");
  const counts = new Int32Array(task.counts, 0, count);
  const starts = new Int32Array(task.starts, 0, count);
  const edges = new Uint8Array(task.edges, 0, EDGES);
  const n = task.length;
  // A first line that cannot start a number is the header (or an error): it holds no row.
  let skip = 0;
  if (n > 0) {
    const bom = edges[0] === 0xef && edges[1] === 0xbb && edges[2] === 0xbf ? 3 : 0;
    const c = bom < n ? edges[bom]! : -1;
    const isData = (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
    if (!isData && c !== 10 && c !== 13) skip = 1;
  }
  const bounds = [0];
  const rows = [0];
  // line feeds before chunk c's first byte
  let feeds = 0;
  for (let c = 1; c < count; c++) {
    feeds += counts[c - 1]! - 1;
    // the first line start at or after the chunk's first byte: that byte itself after a line
    // feed, else just past the chunk's first line feed (none in the chunk: a later chunk's is the same)
    const start = starts[c]!;
    if (start < 0) continue;
    const before = start === c * task.chunkBytes ? feeds : feeds + 1;
    if (start >= n) break;
    if (start <= bounds[bounds.length - 1]!) continue;
    bounds.push(start);
    rows.push(before - skip);
  }
  let all = 0;
  for (let c = 0; c < count; c++) all += counts[c]! - 1;
  const total = all + (n > 0 && edges[4] !== 10 ? 1 : 0);
  bounds.push(n);
  rows.push(Math.max(0, total - skip));
  return { bounds, rows };
}
