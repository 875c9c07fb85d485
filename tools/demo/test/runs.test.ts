import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneRuns } from "../src/runs.js";

const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

async function runsDir(names: string[], other: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "runs-"));
  made.push(dir);
  for (const n of names) {
    await mkdir(join(dir, n, "model"), { recursive: true });
    await writeFile(join(dir, n, "model", "model.tar.gz"), Buffer.alloc(100));
  }
  for (const n of other) await mkdir(join(dir, n));
  return dir;
}

const stamp = (i: number): string => `2026-11-25T22-43-${String(i).padStart(2, "0")}-620Z`;

describe("pruneRuns", () => {
  it.each([
    { runs: 8, keep: 5, removed: 3 },
    { runs: 3, keep: 5, removed: 0 },
    { runs: 5, keep: 1, removed: 4 },
  ])("keeps the newest $keep of $runs runs", async ({ runs, keep, removed }) => {
    // Prepare
    const names = Array.from({ length: runs }, (_, i) => stamp(i));
    const dir = await runsDir(names, ["notes", "my-run"]);
    // Act
    const summary = await pruneRuns(dir, keep, join(dir, names.at(-1)!));
    // Assess
    expect(summary.removed).toEqual(names.slice(0, removed));
    expect(summary.kept).toBe(runs - removed);
    expect(summary.bytes).toBe((runs - removed) * 100);
    expect((await readdir(dir)).sort()).toEqual([...names.slice(removed), "my-run", "notes"].sort());
  });

  it("never removes the current run, even when it is not the newest", async () => {
    const names = [stamp(1), stamp(2), stamp(3)];
    const dir = await runsDir(names);
    const summary = await pruneRuns(dir, 1, join(dir, stamp(1)));
    expect(summary.removed).toEqual([stamp(2), stamp(3)]);
    expect(await readdir(dir)).toContain(stamp(1));
  });

  it("reports nothing for a folder that does not exist", async () => {
    expect(await pruneRuns(join(tmpdir(), "no-such-runs-folder-xyz"), 5)).toMatchObject({ kept: 0, removed: [], bytes: 0 });
  });
});
