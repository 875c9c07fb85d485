/**
 * Safe output files for every writer of the project: a regular file is written beside its target
 * and renamed over it (complete or not at all); a character device, FIFO or socket is written
 * directly and never replaced; a directory, block device or unwritable path is refused before
 * anything is produced. Leftovers of a killed run are removed by the next write to the same path.
 * Node.js only (`@fraud/recordio/node`).
 * @packageDocumentation
 */
import { constants } from "node:fs";
import type { Stats } from "node:fs";
import { access, lstat, open, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { basename, dirname, join } from "node:path";
import { RecordIOError } from "./errors.js";

/** How an {@link OutputFile} reaches its path. @public */
export type OutputKind = "file" | "character-device" | "fifo" | "socket";

/**
 * A writer's open output, from {@link openOutput}: write chunks, then {@link OutputFile.commit}
 * (or {@link OutputFile.abort} on failure).
 * @public
 */
export interface OutputFile {
  /** The path given to {@link openOutput}. */
  readonly path: string;
  /** `"file"`: written to a temporary sibling, renamed on commit; otherwise written directly. */
  readonly kind: OutputKind;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  /**
   * Writes all of `chunk` (waits for the device, pipe or socket to take it).
   * @throws `RecordIOError` `IO_ERROR`.
   */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Finishes: flushes and renames a regular file over its path; closes a device, FIFO or socket.
   * Resolves to the number of bytes written.
   * @throws `RecordIOError` `IO_ERROR` (the temporary file is removed).
   */
  commit(): Promise<number>;
  /** Gives up: closes, and removes the temporary file of a regular file. Never throws. */
  abort(): Promise<void>;
}

/** The marker in temporary names: `.<name>.<pid>.<n>.partial`. */
const PARTIAL = ".partial";
let tempCounter = 0;

function ioError(path: string, why: string, cause?: unknown): RecordIOError {
  return new RecordIOError("IO_ERROR", `cannot write ${path}: ${why}`, cause === undefined ? undefined : { cause });
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  ENXIO: "no reader on the other end",
  ECONNREFUSED: "nothing listens on the socket",
  EPIPE: "the reader went away",
};

/**
 * A file-system error as a short lowercase reason (`permission denied`, `no space left on
 * device`, …), the error's own message for codes without one; at most 200 characters. What every
 * `@fraud` reader and writer says after the path.
 * @example
 * ```ts
 * systemErrorReason(Object.assign(new Error("x"), { code: "EACCES" })); // "permission denied"
 * ```
 * @public
 */
export function systemErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const text = (e?.code ? REASONS[e.code] : undefined) ?? (err instanceof Error ? err.message : String(err));
  return text.slice(0, 200);
}

const reason = systemErrorReason;

async function statOrUndefined(path: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(path) : await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function kindOf(st: Stats): OutputKind | string {
  if (st.isFile()) return "file";
  if (st.isCharacterDevice()) return "character-device";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isDirectory()) return "is a directory";
  if (st.isBlockDevice()) return "is a block device";
  return "is not a regular file";
}

/**
 * Checks that `path` can be written, without touching it: an existing regular file, character
 * device, FIFO or socket that this process may write, or a new name in a writable directory. Call
 * it before producing anything, so a bad path fails at once.
 *
 * @returns how {@link openOutput} will write it.
 * @throws `RecordIOError` `INVALID_ARGUMENT` for a path that is not a non-empty string;
 *   `IO_ERROR` for a directory, a block device, a missing or unwritable folder, an unwritable file.
 * @example
 * ```ts
 * await checkOutput("out/train.rec"); // "file" — or throws before any work is done
 * ```
 * @public
 */
export async function checkOutput(path: string): Promise<OutputKind> {
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new RecordIOError("INVALID_ARGUMENT", `path must be a non-empty string, got ${describe(path)}`);
  }
  let st: Stats | undefined;
  try {
    st = await statOrUndefined(path, true);
  } catch (err) {
    throw ioError(path, reason(err), err);
  }
  if (st) {
    const kind = kindOf(st);
    if (kind !== "file" && kind !== "character-device" && kind !== "fifo" && kind !== "socket") throw ioError(path, kind);
    if (kind !== "socket") {
      try {
        await access(path, constants.W_OK);
      } catch (err) {
        throw ioError(path, reason(err), err);
      }
    }
    if (kind !== "file") return kind;
  }
  const dir = dirname(st ? await realpath(path) : path);
  let dst: Stats | undefined;
  try {
    dst = await statOrUndefined(dir, true);
  } catch (err) {
    throw ioError(path, reason(err), err);
  }
  if (!dst) throw ioError(path, REASONS.ENOENT as string);
  if (!dst.isDirectory()) throw ioError(path, REASONS.ENOTDIR as string);
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    throw ioError(path, `folder ${dir}: ${reason(err)}`, err);
  }
  return "file";
}

/**
 * Removes the temporary files a killed earlier write to `target` left in its folder (those whose
 * process is gone; a live writer's file is kept). Returns how many were removed.
 */
async function removeLeftovers(target: string): Promise<number> {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(PARTIAL)) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    await rm(join(dir, name), { force: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Opens `path` for one complete write, after {@link checkOutput}'s checks.
 *
 * - A regular file (or a new name) is written to `.<name>.<pid>.<n>.partial` in the same folder,
 *   flushed and renamed over `path` on commit, so readers see the old file or the new one, never a
 *   part. Such leftovers of a killed earlier run are removed here. A symbolic link is followed:
 *   the file it points to is replaced, the link stays.
 * - A character device (`/dev/null`, `/dev/stdout`, a terminal), a FIFO or a Unix socket is
 *   written directly and never replaced. Opening a FIFO waits for its reader.
 *
 * @throws `RecordIOError` as {@link checkOutput}, and `IO_ERROR` when opening fails.
 * @example
 * ```ts
 * const out = await openOutput("train.rec");
 * try {
 *   for (const chunk of chunks) await out.write(chunk);
 *   await out.commit();
 * } catch (err) {
 *   await out.abort();
 *   throw err;
 * }
 * ```
 * @public
 */
export async function openOutput(path: string): Promise<OutputFile> {
  const kind = await checkOutput(path);
  if (kind === "socket") return socketOutput(path, await connectSocket(path));
  if (kind !== "file") {
    let fh: FileHandle;
    try {
      fh = await open(path, constants.O_WRONLY | constants.O_NOCTTY);
    } catch (err) {
      throw ioError(path, reason(err), err);
    }
    return handleOutput(path, kind, fh, undefined);
  }
  let target = path;
  try {
    target = await realpath(path);
  } catch {
    // a new file: written under the name given
  }
  await removeLeftovers(target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${++tempCounter}${PARTIAL}`);
  let fh: FileHandle;
  try {
    fh = await open(temp, "wx", 0o666);
  } catch (err) {
    throw ioError(path, reason(err), err);
  }
  return handleOutput(path, "file", fh, { temp, target });
}

function handleOutput(path: string, kind: OutputKind, fh: FileHandle, file: { temp: string; target: string } | undefined): OutputFile {
  let written = 0;
  let open_ = true;
  const close = async () => {
    if (!open_) return;
    open_ = false;
    await fh.close();
  };
  return {
    path,
    kind,
    get bytesWritten() {
      return written;
    },
    async write(chunk: Uint8Array) {
      try {
        for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      } catch (err) {
        throw ioError(path, reason(err), err);
      }
      written += chunk.length;
    },
    async commit() {
      try {
        if (file) await fh.sync();
        await close();
        if (file) await rename(file.temp, file.target);
      } catch (err) {
        await close().catch(() => undefined);
        if (file) await rm(file.temp, { force: true }).catch(() => undefined);
        throw ioError(path, reason(err), err);
      }
      return written;
    },
    async abort() {
      await close().catch(() => undefined);
      if (file) await rm(file.temp, { force: true }).catch(() => undefined);
    },
  };
}

function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once("connect", () => resolve(socket));
    socket.once("error", (err) => reject(ioError(path, reason(err), err)));
  });
}

function socketOutput(path: string, socket: Socket): OutputFile {
  let written = 0;
  let failure: unknown;
  socket.on("error", (err) => {
    failure = err;
  });
  return {
    path,
    kind: "socket",
    get bytesWritten() {
      return written;
    },
    write(chunk: Uint8Array) {
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(ioError(path, reason(failure), failure));
        socket.write(chunk, (err) => {
          if (err) return reject(ioError(path, reason(err), err));
          written += chunk.length;
          resolve();
        });
      });
    },
    commit() {
      return new Promise<number>((resolve, reject) => {
        if (failure !== undefined) return reject(ioError(path, reason(failure), failure));
        socket.end(() => resolve(written));
      });
    },
    async abort() {
      socket.destroy();
    },
  };
}

/**
 * Writes `chunks` (bytes, or an iterable of byte chunks produced on demand) to `path` through
 * {@link openOutput}: a regular file appears complete or not at all; a device, FIFO or socket is
 * written directly. Resolves to the number of bytes written.
 *
 * @throws `RecordIOError` `INVALID_ARGUMENT` for a path or chunk of the wrong type,
 *   `IO_ERROR` for the file system; an error thrown while producing a chunk propagates (the
 *   temporary file is removed first).
 * @example
 * ```ts
 * await writeOutput("report.json", new TextEncoder().encode(json));
 * ```
 * @public
 */
export async function writeOutput(path: string, chunks: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  if (!(chunks instanceof Uint8Array) && !isIterable(chunks)) {
    throw new RecordIOError("INVALID_ARGUMENT", `chunks must be a Uint8Array or an iterable of them, got ${describe(chunks)}`);
  }
  const out = await openOutput(path);
  try {
    if (chunks instanceof Uint8Array) await out.write(chunks);
    else {
      for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
        if (!(chunk instanceof Uint8Array)) throw new RecordIOError("INVALID_ARGUMENT", `chunk must be a Uint8Array, got ${describe(chunk)}`);
        await out.write(chunk);
      }
    }
    return await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
}

function isIterable(x: unknown): boolean {
  return x !== null && typeof x === "object" && (Symbol.iterator in x || Symbol.asyncIterator in x);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "string") return JSON.stringify(x.slice(0, 40));
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x === "number" || typeof x === "boolean" || typeof x === "undefined" ? String(x) : typeof x;
}
