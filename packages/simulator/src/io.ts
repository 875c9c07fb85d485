import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CsvError } from "./errors.js";

let tempCounter = 0;

/** Name of the temporary sibling a file is written to before it is renamed into place. @internal */
export function tempPathFor(path: string): string {
  tempCounter++;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${tempCounter}.tmp`);
}

/** Sink for text chunks with back-pressure. @internal */
export interface TextSink {
  write(chunk: string | Uint8Array): Promise<void> | void;
}

/**
 * Writes a file atomically: `produce` writes chunks into a temporary sibling, which is renamed
 * over `path` only when everything was written. On any failure the temporary file is removed.
 * @internal
 */
export async function writeFileAtomic(path: string, produce: (sink: TextSink) => Promise<void> | void): Promise<void> {
  const tmp = tempPathFor(path);
  const stream = createWriteStream(tmp, { flags: "wx" });
  let failure: unknown;
  stream.on("error", (err) => {
    failure ??= err;
  });
  const opened = new Promise<void>((resolve) => {
    stream.once("open", () => resolve());
    stream.once("error", () => resolve());
  });
  try {
    await opened;
    if (failure !== undefined) throw failure;
    await produce({
      write(chunk: string | Uint8Array): Promise<void> | void {
        if (failure !== undefined) throw failure;
        if (!stream.write(chunk)) {
          return new Promise<void>((resolve, reject) => {
            const onDrain = (): void => {
              stream.off("error", onError);
              resolve();
            };
            const onError = (err: Error): void => {
              stream.off("drain", onDrain);
              reject(err);
            };
            stream.once("drain", onDrain);
            stream.once("error", onError);
          });
        }
      },
    });
    await new Promise<void>((resolve, reject) => {
      stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (failure !== undefined) throw failure;
    await rename(tmp, path);
  } catch (err) {
    stream.destroy();
    await rm(tmp, { force: true }).catch(() => undefined);
    if (err instanceof CsvError) throw err;
    throw ioError(path, "cannot write", err);
  }
}

/** Wraps a filesystem error into a one-line {@link CsvError} `IO_ERROR`. @internal */
export function ioError(path: string, verb: string, err: unknown): CsvError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === "ENOENT"
      ? "no such file or directory"
      : e?.code === "EACCES" || e?.code === "EPERM"
        ? "permission denied"
        : e?.code === "EISDIR"
          ? "is a directory"
          : e?.code === "ENOTDIR"
            ? "a parent is not a directory"
            : e?.code === "ENOSPC"
              ? "no space left on device"
              : (e?.message ?? String(err));
  return new CsvError("IO_ERROR", `${verb} ${path}: ${why}`, { cause: err });
}
