/**
 * The `runs/` folder: every `npm start` writes a run folder named by its start time; only the
 * newest runs are kept, and what the kept runs weigh is reported.
 * @packageDocumentation
 */
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** Names of the run folders the demo makes (`2026-11-25T22-43-08-620Z`); nothing else is ever removed. @internal */
export const RUN_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/** How many runs `npm start` keeps by default. @public */
export const DEFAULT_KEEP = 5;

/** What {@link pruneRuns} did. @public */
export interface RunsSummary {
  /** The folder holding the runs. */
  dir: string;
  /** Run folders left, the current one included. */
  kept: number;
  /** Run folders removed, oldest first. */
  removed: string[];
  /** Bytes on disk of the runs left (file sizes, not blocks). */
  bytes: number;
}

async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

/**
 * Removes the oldest run folders of `dir` so that `keep` remain (folders whose names are not run
 * names are neither counted nor touched; `current` is never removed), then measures what is left.
 * @internal
 */
export async function pruneRuns(dir: string, keep: number, current?: string): Promise<RunsSummary> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && RUN_NAME.test(e.name)).map((e) => e.name);
  } catch {
    return { dir, kept: 0, removed: [], bytes: 0 };
  }
  names.sort();
  const removable = names.filter((n) => join(dir, n) !== current);
  const excess = Math.max(0, names.length - keep);
  const removed = removable.slice(0, excess);
  for (const name of removed) await rm(join(dir, name), { recursive: true, force: true });
  const left = names.filter((n) => !removed.includes(n));
  let bytes = 0;
  for (const name of left) bytes += await sizeOf(join(dir, name));
  return { dir, kept: left.length, removed, bytes };
}
