// Reading a creditcard.csv file into shared memory on several threads at once. The file is cut
// into chunks of one size; each thread claims chunks (an atomic counter), reads each one at its
// place and counts its line feeds. From the counts alone, planCsvChunks cuts the parts at the
// first line start of each chunk and places their rows, with no further pass over the bytes: what
// planCsvParts does after a read on one thread, without the serial read and count.
import { closeSync, openSync, readSync } from "node:fs";
import type { CsvPartPlan } from "./csv-range.js";
import { CsvError, invalidArgument } from "./errors.js";
import { requireObject, requireString } from "./options.js";

/**
 * A file being read into shared memory in chunks threads claim: what a thread needs to take part
 * (it can be posted to a worker as it is). Make one with {@link sharedCsvFile}.
 * @public
 */
export interface SharedCsvFile {
  /** The file. */
  path: string;
  /** Where its bytes go, `length` of them. */
  bytes: SharedArrayBuffer;
  /** Bytes to read: the file's size when the read began. */
  length: number;
  /** Bytes of every chunk but the last. */
  chunkBytes: number;
  /** One Int32 per chunk: 0 until the chunk is read, then 1 + the line feeds in it. */
  counts: SharedArrayBuffer;
  /** One Int32: the next chunk to claim. */
  next: SharedArrayBuffer;
}

/** Most chunks a file is cut into. */
const MAX_CHUNKS = 1024;

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
  return { path, bytes: new SharedArrayBuffer(length), length, chunkBytes, counts: new SharedArrayBuffer(4 * count), next: new SharedArrayBuffer(4) };
}

/** Chunks of a task (checked). */
function chunkCount(task: SharedCsvFile): number {
  requireObject("task", task);
  requireString("task.path", task.path);
  for (const key of ["bytes", "counts", "next"] as const) {
    if (!(task[key] instanceof SharedArrayBuffer)) throw invalidArgument(`task.${key} must be a SharedArrayBuffer`);
  }
  if (!Number.isSafeInteger(task.length) || task.length < 0 || task.length > task.bytes.byteLength) throw invalidArgument(`task.length must be an integer from 0 to ${task.bytes.byteLength}, got ${String(task.length)}`);
  if (!Number.isSafeInteger(task.chunkBytes) || task.chunkBytes < 1) throw invalidArgument(`task.chunkBytes must be a positive integer, got ${String(task.chunkBytes)}`);
  const count = Math.max(1, Math.ceil(task.length / task.chunkBytes));
  if (task.counts.byteLength < 4 * count) throw invalidArgument(`task.counts must hold ${count} Int32 (one per chunk)`);
  if (task.next.byteLength < 4) throw invalidArgument("task.next must hold one Int32");
  return count;
}

/**
 * Reads chunks of a shared file until none is left unclaimed (an atomic counter): every thread of
 * a parallel read runs this, so a thread that starts late simply finds less to do. Each chunk is
 * read at its place in `task.bytes` and its line feeds are counted into `task.counts`; once every
 * chunk is counted ({@link csvChunksRead}), {@link planCsvChunks} cuts the parts.
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
  const bytes = new Uint8Array(task.bytes, 0, task.length);
  const lines = Buffer.from(task.bytes, 0, task.length);
  let fd: number | undefined;
  let done = 0;
  try {
    for (let c = Atomics.add(next, 0, 1); c < count; c = Atomics.add(next, 0, 1)) {
      fd ??= openSync(task.path, "r");
      const start = c * task.chunkBytes;
      const end = Math.min(task.length, start + task.chunkBytes);
      for (let at = start; at < end; ) {
        const n = readSync(fd, bytes, at, end - at, at);
        if (n === 0) throw new CsvError("IO_ERROR", `the file is shorter than the ${task.length} bytes it had when the read began (it changed while being read)`, { file: task.path });
        at += n;
      }
      let feeds = 0;
      for (let i = lines.indexOf(10, start); i >= 0 && i < end; i = lines.indexOf(10, i + 1)) feeds++;
      Atomics.store(counts, c, feeds + 1);
      done++;
    }
  } catch (err) {
    // no other thread waits for chunks that will not come
    Atomics.store(next, 0, count);
    if (err instanceof CsvError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new CsvError("IO_ERROR", e.code === "ENOENT" ? "no such file" : `cannot read the file: ${e.message ?? String(err)}`, { file: task.path, cause: err });
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
 * pass over the bytes. Hand it on as `SharedCsvParts` (`bytes`, `length`, `bounds`, `rows`).
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
  const buf = new Uint8Array(task.bytes, 0, task.length);
  const lines = Buffer.from(task.bytes, 0, task.length);
  const n = buf.length;
  // A first line that cannot start a number is the header (or an error): it holds no row.
  let skip = 0;
  if (n > 0) {
    const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const c = buf[bom];
    const isData = c !== undefined && ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46);
    if (!isData && c !== 10 && c !== 13) skip = 1;
  }
  const bounds = [0];
  const rows = [0];
  // line feeds before chunk c's first byte
  let feeds = 0;
  for (let c = 1; c < count; c++) {
    feeds += counts[c - 1]! - 1;
    const from = c * task.chunkBytes;
    // the first line start at or after `from`: `from` itself after a line feed, else just past the next one
    let start = from;
    let before = feeds;
    if (buf[from - 1] !== 10) {
      const nl = lines.indexOf(10, from);
      if (nl < 0) break;
      start = nl + 1;
      before++;
    }
    if (start >= n) break;
    if (start <= bounds[bounds.length - 1]!) continue;
    bounds.push(start);
    rows.push(before - skip);
  }
  let all = 0;
  for (let c = 0; c < count; c++) all += counts[c]! - 1;
  const total = all + (n > 0 && buf[n - 1] !== 10 ? 1 : 0);
  bounds.push(n);
  rows.push(Math.max(0, total - skip));
  return { bounds, rows };
}
