import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCreditCardCsv, transactionStream } from "@fraud/simulator";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, "../src/cli.ts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[]): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", CLI, ...args], {
      cwd: resolve(here, ".."),
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-sim-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("fraud-sim generate", () => {
  it("writes the same bytes for the same seed, with a one-line summary", async () => {
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    const [ra, rb] = await Promise.all([
      run(["generate", "--rows", "5000", "--seed", "7", "--out", a, "--no-progress"]),
      run(["generate", "--rows", "5000", "--seed", "7", "--out", b, "--fraud-rate", "0.01"]),
    ]);
    expect(ra.code).toBe(0);
    expect(ra.stdout).toMatch(new RegExp(`^fraud-sim: wrote 5000 rows \\(9 frauds\\) to ${a} in \\d+\\.\\d\\d s \\(seed 7\\)\\n$`));
    expect(ra.stderr).toBe("");
    expect(rb.stdout).toContain("(50 frauds)");
    expect(rb.stderr).toContain("fraud-sim: write 100% (5000/5000 rows)");
    const again = join(dir, "a2.csv");
    expect((await run(["generate", "--rows", "5000", "--seed", "7", "--out", again, "--no-progress"])).code).toBe(0);
    expect((await readFile(again)).equals(await readFile(a))).toBe(true);
    const data = await readCreditCardCsv(a);
    expect(data.rows).toBe(5000);
  });

  it("writes NDJSON by extension", async () => {
    const out = join(dir, "g.ndjson");
    expect((await run(["generate", "--rows", "20", "--seed", "1", "--out", out, "--no-progress"])).code).toBe(0);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(20);
    expect(JSON.parse(lines[0]!)).toMatchObject({ time: expect.any(Number), amount: expect.any(Number), label: 0 });
  });

  it.each([
    [["generate", "--rows", "0", "--seed", "1", "--out", "X"], 2, /rows must be an integer from 1 to 5000000, got "0"/],
    [["generate", "--rows", "5000001", "--seed", "1", "--out", "X"], 2, /rows must be an integer from 1 to 5000000, got "5000001"/],
    [["generate", "--rows", "0x10", "--seed", "1", "--out", "X"], 2, /rows must be an integer from 1 to 5000000, got "0x10"/],
    [["generate", "--rows", "-5", "--seed", "1", "--out", "X"], 2, /rows must be an integer/],
    [["generate", "--rows", "10", "--seed", "abc", "--out", "X"], 2, /seed must be a non-negative integer, got "abc"/],
    [["generate", "--rows", "10", "--seed", "1"], 2, /required option '--out <file>' not specified/],
    [["generate", "--rows", "10", "--seed", "1", "--out", "X", "--fraud-rate", "2"], 2, /fraud rate must be a number in \(0, 1\)/],
    [["generate", "--rows", "10", "--seed", "1", "--out", "X", "--bogus"], 2, /unknown option '--bogus'/],
    [["generate", "--rows"], 2, /argument missing/],
    [["stream", "--rate", "0", "--duration", "1", "--seed", "1"], 2, /rate must be a positive number up to 100000, got "0"/],
    [["stream", "--rate", "Infinity", "--duration", "1", "--seed", "1"], 2, /rate must be a positive number up to 100000, got "Infinity"/],
    [["stream", "--rate", "1e12", "--duration", "1", "--seed", "1"], 2, /rate must be a positive number up to 100000, got "1e12"/],
    [["stream", "--rate", "5", "--duration", "1e9", "--seed", "1"], 2, /duration must be a positive number of seconds up to 31622400, got "1e9"/],
    [["replay", "--data", "X", "--speed", "1e7"], 2, /speed must be a positive number up to 1000000, got "1e7"/],
    [["stream", "--rate", "5", "--duration", "1", "--seed", "1", "--batch-size", "0"], 2, /batch size must be an integer from 1 to 10000, got "0"/],
    [["stream", "--rate", "5", "--duration", "1", "--seed", "1", "--target", "ftp://x"], 2, /^fraud-sim: target must be an http\(s\) URL, got ftp:\/\/x\n$/],
    [["replay", "--data", "X", "--speed", "1", "--max-line-bytes", "10"], 2, /max line bytes must be an integer from 64 to 1073741824, got "10"/],
    [["stream", "--rate", "5", "--duration", "1", "--seed", "1", "--format", "xml"], 2, /Allowed choices are csv, ndjson/],
    [["replay", "--data", "/nonexistent/x.csv", "--speed", "10"], 1, /^fraud-sim: cannot read \/nonexistent\/x\.csv: no such file or directory\n$/],
    [["frobnicate"], 2, /unknown command 'frobnicate'/],
    [[], 2, /Usage: fraud-sim/],
  ])("%j fails with a one-line error and exit %d", async (args, code, message) => {
    const r = await run(args.map((a) => (a === "X" ? join(dir, "never.csv") : a)));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ["a 5,000-character seed", ["generate", "--rows", "10", "--seed", "x".repeat(5000), "--out", "X"], /^fraud-sim: seed must be a non-negative integer, got "x{80}…"\n$/],
    ["a 3,000-character command", ["y".repeat(3000)], /^fraud-sim: unknown command 'y{80}…'\nfraud-sim: see "fraud-sim --help"\n$/],
    ["a 3,000-character option", ["generate", "--rows", "1", "--seed", "1", "--out", "X", `--${"b".repeat(3000)}`], /^fraud-sim: unknown option '--b{78}…'\n$/],
  ])("%s is quoted to 80 characters (exit 2)", async (_name, args, message) => {
    const r = await run(args.map((a) => (a === "X" ? join(dir, "never.csv") : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("leaves nothing half-written when the output path is unwritable", async () => {
    const sub = join(dir, "ro");
    await writeFile(sub, "a file, not a directory");
    const before = await readdir(dir);
    const r = await run(["generate", "--rows", "100", "--seed", "1", "--out", join(sub, "x.csv"), "--no-progress"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fraud-sim: cannot write ${join(sub, "x.csv")}: a parent is not a directory\n`);
    expect(await readdir(dir)).toEqual(before);
  });

  it.each([["--help"], ["generate", "--help"], ["stream", "--help"], ["replay", "--help"]])("%s prints help", async (...args) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: fraud-sim/);
  });
});

describe("fraud-sim stream and replay", () => {
  it("streams NDJSON with ids, channels and timestamps at about the rate", async () => {
    const r = await run(["stream", "--rate", "100", "--duration", "1", "--seed", "5"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; channel: string; timestamp: string; v: number[] });
    expect(lines.length).toBeGreaterThan(60);
    expect(lines.length).toBeLessThan(140);
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    expect(lines.every((l) => ["Mobile", "Web", "Store"].includes(l.channel) && l.v.length === 28 && !Number.isNaN(Date.parse(l.timestamp)))).toBe(true);
    expect(r.stderr).toBe(`fraud-sim: stream: wrote ${lines.length} transactions in ${r.stderr.match(/in (\d+\.\d\d) s/)?.[1]} s\n`);
  });

  it("streams CSV with the id, timestamp and channel first", async () => {
    const r = await run(["stream", "--rate", "50", "--duration", "0.3", "--seed", "5", "--format", "csv"]);
    expect(r.code).toBe(0);
    const [header, first] = r.stdout.split("\n");
    expect(header).toMatch(/^"id","timestamp","channel","Time","V1",.*"Amount","Class"$/);
    expect(first!.split(",")).toHaveLength(34);
  });

  it("POSTs to --target and reports sent/failed: the seeded stream's first transactions, each once", async () => {
    const ids: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const batch = (JSON.parse(body) as { transactions: { id: string }[] }).transactions;
        expect(batch.length).toBeLessThanOrEqual(10);
        ids.push(...batch.map((t) => t.id));
        res.writeHead(200).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
      const r = await run(["stream", "--rate", "200", "--duration", "0.5", "--seed", "9", "--target", url, "--batch-size", "10"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`^fraud-sim: stream: sent ${ids.length}, failed 0 in \\d+ batches to ${url}`));
      // How many go out in the half second depends on the machine (the duration is wall time, the
      // POSTs take theirs); which ones does not: the stream's first, in arrival order up to the
      // two batches in flight at once.
      expect(ids.length).toBeGreaterThan(0);
      const seeded: string[] = [];
      for await (const t of transactionStream({ seed: 9, rate: 200, duration: 0.5, realTime: false })) seeded.push(t.id);
      expect([...ids].sort()).toEqual(seeded.slice(0, ids.length).sort());
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("replays a file in time order", async () => {
    const out = join(dir, "r.csv");
    expect((await run(["generate", "--rows", "300", "--seed", "2", "--out", out, "--no-progress"])).code).toBe(0);
    const r = await run(["replay", "--data", out, "--speed", "1000000"]);
    expect(r.code).toBe(0);
    const times = r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { time: number }).time);
    expect(times).toHaveLength(300);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it("refuses a 100 MB one-line file at the line limit with one short line", async () => {
    const big = join(dir, "big.csv");
    await writeFile(big, "");
    await truncate(big, 100 * 1024 * 1024);
    const r = await run(["replay", "--data", big, "--speed", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fraud-sim: ${big}:1:1: line is longer than 1048576 bytes (maxLineBytes)\n`);
    const small = join(dir, "small.csv");
    expect((await run(["generate", "--rows", "5", "--seed", "1", "--out", small, "--no-progress"])).code).toBe(0);
    const limited = await run(["replay", "--data", small, "--speed", "1000000", "--max-line-bytes", "100"]);
    expect(limited.code).toBe(1);
    expect(limited.stderr).toMatch(/^fraud-sim: .*small\.csv:1:\d+: line is longer than 100 bytes \(maxLineBytes\)\n$/);
  });

  it("quotes at most 80 characters of a 1 MB bad field", async () => {
    const bad = join(dir, "field.csv");
    const fields = Array.from({ length: 31 }, () => "0");
    fields[5] = "z".repeat(1_000_000);
    await writeFile(bad, `${fields.join(",")}\n`);
    const r = await run(["replay", "--data", bad, "--speed", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fraud-sim: .*field\.csv:1:6: V5 is not a number: "z{80}…"\n$/);
    expect(r.stderr.length).toBeLessThan(300);
  });

  it("reports a malformed replay file with file, line and column", async () => {
    const bad = join(dir, "bad.csv");
    await writeFile(bad, "1,2,3\n");
    const r = await run(["replay", "--data", bad, "--speed", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fraud-sim: ${bad}:1: expected 31 columns, found 3\n`);
  });
});

describe("fraud-sim stream ends on time", () => {
  it("--rate 100000 --duration 1 ends within its duration (plus start-up), whatever the machine manages", async () => {
    const t0 = performance.now();
    const r = await run(["stream", "--rate", "100000", "--duration", "1", "--seed", "1"]);
    expect(r.code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.stderr).toMatch(/^fraud-sim: stream: wrote \d+ transactions in 1\.\d\d s\n$/);
  });
});
