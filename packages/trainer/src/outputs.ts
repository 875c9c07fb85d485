// Writing a run's outputs: all files appear together or none does.
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { TrainError } from "./errors.js";

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Creates `dir` and its missing parents, one level at a time: at most one attempt per path
 * component, so a path the system refuses (`/proc/x/t`) fails at once with the level that could not
 * be made (Node's recursive `mkdir` retries such paths forever).
 * @throws {@link TrainError} `IO_ERROR` naming the directory and the system's reason.
 * @internal
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    const kind = await pathKind(p);
    if (kind === "directory") break;
    if (kind === "other") throw new TrainError("IO_ERROR", `${p}: exists and is not a directory`);
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      await mkdir(p);
    } catch (err) {
      if (errno(err) !== "EEXIST") throw ioError(p, "cannot create directory", err);
    }
  }
}

async function pathKind(p: string): Promise<"directory" | "other" | "missing"> {
  try {
    return (await stat(p)).isDirectory() ? "directory" : "other";
  } catch (err) {
    if (errno(err) === "ENOENT") return "missing";
    throw ioError(p, "cannot create directory", err);
  }
}

function ioError(path: string, what: string, err: unknown): TrainError {
  const reason = errno(err) ?? (err instanceof Error ? err.message : String(err));
  return new TrainError("IO_ERROR", `${path}: ${what} (${reason})`, { cause: err });
}

/**
 * Writes several files into `dir` so that either all appear or none does: each is staged in a
 * fresh hidden directory inside `dir`, then moved into place; on any failure the staging directory
 * is removed and earlier outputs in `dir` are left as they were.
 * @throws {@link TrainError} `IO_ERROR` naming the directory and the system's reason.
 * @internal
 */
export async function commitFiles(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  await ensureDir(dir);
  let stage: string;
  try {
    stage = await mkdtemp(join(dir, ".fraud-train-"));
  } catch (err) {
    throw ioError(dir, "cannot write outputs", err);
  }
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(stage, name), data);
    for (const name of Object.keys(files)) await rename(join(stage, name), join(dir, name));
  } catch (err) {
    throw ioError(dir, "cannot write outputs", err);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
