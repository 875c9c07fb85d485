/**
 * Directory checks that fail instead of spinning: Node 20's `mkdir(…, { recursive: true })` loops
 * forever on paths such as `/proc/x` (the parent exists, the child can never be created), so
 * directories are made one level at a time.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { LocalAwsError } from "./errors.js";

function reason(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * Creates `dir` and its missing parents, one level at a time; every failure is an `IO_FAILED`
 * {@link LocalAwsError} naming the directory.
 *
 * @example
 * ```ts
 * await ensureDirectory("out/s3/fraud-detection/firehose/2026/01/01/00");
 * ```
 * @public
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let d = target; ; d = dirname(d)) {
    let isDir: boolean;
    try {
      isDir = (await stat(d)).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || dirname(d) === d) {
        throw new LocalAwsError("IO_FAILED", `cannot create directory ${dir}: ${d} is not reachable (${reason(err)})`, { cause: err, path: dir });
      }
      missing.push(d);
      continue;
    }
    if (!isDir) throw new LocalAwsError("IO_FAILED", `cannot create directory ${dir}: ${d} is not a directory`, { path: dir });
    break;
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST" && (await stat(d).catch(() => undefined))?.isDirectory()) continue;
      throw new LocalAwsError("IO_FAILED", `cannot create directory ${dir} (${reason(err)} on ${d})`, { cause: err, path: dir });
    }
  }
}

/**
 * Checks that files can be created in `dir` (creating it when missing) by writing and removing a
 * probe file: a destination that cannot take objects fails at start, not at the first delivery.
 * @internal
 */
export async function checkWritableDirectory(dir: string): Promise<void> {
  await ensureDirectory(dir);
  const probe = join(dir, `.write-check-${process.pid}-${randomUUID()}`);
  try {
    await writeFile(probe, "");
  } catch (err) {
    throw new LocalAwsError("IO_FAILED", `cannot write in directory ${dir} (${reason(err)})`, { cause: err, path: dir });
  }
  await rm(probe, { force: true });
}
