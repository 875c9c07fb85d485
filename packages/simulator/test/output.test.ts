import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCreditCardRows, generateDataset, parseCreditCardCsv, writeCreditCardCsv, writeNdjson } from "@fraud/simulator";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, "../src/cli.ts");
const hasMkfifo = spawnSync("mkfifo", ["--version"], { stdio: "ignore" }).status === 0;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-sim-output-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(path: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(path)) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

function cli(args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", CLI, ...args], { cwd: resolve(here, ".."), env: { ...process.env, NODE_OPTIONS: "" } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => done({ code, stderr, ms: performance.now() - t0 }));
  });
}

describe("writers never replace what is not a regular file", () => {
  it.skipIf(!hasMkfifo)("writeCreditCardCsv and writeNdjson write through a FIFO, which stays a FIFO", async () => {
    const fifo = join(dir, "pipe.csv");
    execFileSync("mkfifo", [fifo]);
    const data = generateDataset({ rows: 50, seed: 3 });
    const [text] = await Promise.all([drain(fifo), writeCreditCardCsv(fifo, data)]);
    expect(parseCreditCardCsv(text).rows).toBe(50);
    const [json] = await Promise.all([drain(fifo), writeNdjson(fifo, data)]);
    expect(json.trim().split("\n")).toHaveLength(50);
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect((await readdir(dir)).filter((n) => n.startsWith(".pipe.csv"))).toEqual([]);
  });

  it("writeCreditCardCsv to /dev/null leaves it a character device", async () => {
    await writeCreditCardCsv("/dev/null", generateDataset({ rows: 10, seed: 1 }));
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
  });

  it.skipIf(!hasMkfifo)("fraud-sim generate --out FIFO streams the file through it", async () => {
    const fifo = join(dir, "gen.csv");
    execFileSync("mkfifo", [fifo]);
    const [text, r] = await Promise.all([drain(fifo), cli(["generate", "--rows", "200", "--seed", "4", "--out", fifo, "--no-progress"])]);
    expect(r.code).toBe(0);
    expect(text.endsWith(new TextDecoder().decode(encodeCreditCardRows(generateDataset({ rows: 200, seed: 4 }))))).toBe(true);
    expect(parseCreditCardCsv(text).rows).toBe(200);
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it("fraud-sim generate --out /dev/null exits 0 and /dev/null stays a device", async () => {
    const r = await cli(["generate", "--rows", "100", "--seed", "1", "--out", "/dev/null", "--no-progress"]);
    expect(r.code).toBe(0);
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
  });

  it("fraud-sim generate --out DIRECTORY fails before generating (5 million rows would take a minute)", async () => {
    const r = await cli(["generate", "--rows", "5000000", "--seed", "1", "--out", dir, "--no-progress"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fraud-sim: cannot write ${dir}: is a directory\n`);
    expect(r.ms).toBeLessThan(30_000);
  });

  it("writeCreditCardCsv refuses a directory with IO_ERROR before encoding", async () => {
    await expect(writeCreditCardCsv(dir, generateDataset({ rows: 5, seed: 1 }))).rejects.toMatchObject({
      code: "IO_ERROR",
      message: `cannot write ${dir}: is a directory`,
    });
  });
});
