import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs bench/decode-rss.ts in a fresh process (its own RSS) and returns its JSON line. */
function measure(mode: string, mib: number, chunk: number): Promise<{ records: number; growthMb: number }> {
  return new Promise((done, reject) => {
    execFile(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", "bench/decode-rss.ts", mode, String(mib), String(chunk)], { cwd: root, timeout: 120_000 }, (err, stdout) => {
      if (err) reject(err);
      else done(JSON.parse(stdout.trim()));
    });
  });
}

describe("readRecords memory whatever the chunking (separate process, RSS)", () => {
  it("a 1 MiB record in 1-byte chunks holds a few MiB, not one object per chunk (was ~130 MB)", async () => {
    const r = await measure("one-record", 1, 1);
    expect(r.records).toBe(1);
    expect(r.growthMb).toBeLessThan(40);
  }, 120_000);

  it("4 MiB of empty frames in 64 KiB chunks stay flat", async () => {
    const r = await measure("empty-frames", 4, 65536);
    expect(r.records).toBe(524288);
    expect(r.growthMb).toBeLessThan(40);
  }, 120_000);
});
