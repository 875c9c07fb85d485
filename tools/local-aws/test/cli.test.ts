import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { absurdModel, b64, firehoseCall, readObjects, smallModel, tempDir } from "./helpers.js";

const CLI = join(import.meta.dirname, "../src/cli.ts");

function run(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", CLI, ...args], { stdio: "pipe" });
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; err: () => string; exit: Promise<number | null> } {
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { out: () => out, err: () => err, exit };
}

async function urlOf(io: { out: () => string }): Promise<string> {
  await expect.poll(() => /http:\/\/[\d.]+:\d+/.exec(io.out())?.[0], { timeout: 15_000, interval: 50 }).toBeDefined();
  return /http:\/\/[\d.]+:\d+/.exec(io.out())![0];
}

describe("fraud-local", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it("firehose: serves on a free port, logs requests at debug, and delivers the buffer on SIGTERM", async () => {
    // Prepare
    const child = run(["firehose", "--dir", dir, "--port", "0", "--buffer-seconds", "900", "--log-level", "debug"]);
    const io = collect(child);
    const url = await urlOf(io);
    // Act
    const res = await firehoseCall(url, "PutRecordBatch", { DeliveryStreamName: "s", Records: [{ Data: b64("a\n") }, { Data: b64("b\n") }] });
    child.kill("SIGTERM");
    const code = await io.exit;
    // Assess
    expect(res.json["FailedPutCount"]).toBe(0);
    expect(code).toBe(0);
    expect(io.err()).toMatch(/DEBUG firehose PutRecordBatch 200 records=2 failed=0/);
    expect((await readObjects(dir)).map((o) => o.text)).toEqual(["a\nb\n"]);
    expect(io.out()).toMatch(/1 objects written/);
  });

  it("firehose: exits 1 on SIGTERM with the count of records it could not write when the destination broke", async () => {
    // Prepare
    const dest = join(dir, "s3");
    const child = run(["firehose", "--dir", dest, "--port", "0", "--buffer-seconds", "900"]);
    const io = collect(child);
    const url = await urlOf(io);
    await firehoseCall(url, "PutRecordBatch", { DeliveryStreamName: "s", Records: [{ Data: b64("a\n") }] });
    await rm(dest, { recursive: true });
    await writeFile(dest, "");
    // Act
    child.kill("SIGTERM");
    // Assess
    expect(await io.exit).toBe(1);
    expect(io.err()).toMatch(/fraud-local: 1 accepted records \(2 bytes\) are not written: cannot create directory /);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("endpoint: serves a trainer-written artifact on a free port and stops on SIGINT", async () => {
    // Prepare
    const model = await smallModel(dir, 20);
    const child = run(["endpoint", "--model", model, "--port", "0", "--name", "attrition"]);
    const io = collect(child);
    const url = await urlOf(io);
    // Act
    const ping = await fetch(`${url}/ping`);
    const res = await fetch(`${url}/endpoints/attrition/invocations`, { method: "POST", headers: { "content-type": "text/csv" }, body: Array(20).fill("0").join(",") });
    child.kill("SIGINT");
    // Assess
    expect(ping.status).toBe(200);
    expect(res.status).toBe(200);
    expect(io.out()).toMatch(/endpoint attrition \(linear-learner binary_classifier, 20 features\) listening on/);
    expect(await io.exit).toBe(0);
  });

  it.each([
    { args: ["firehose", "--dir", "x", "--fail-rate", "1.5"], code: 2, msg: /^fraud-local: option '--fail-rate <f>' argument '1.5' is invalid. --fail-rate must be a number from 0 to 1, got "1.5"/ },
    { args: ["firehose", "--dir", "x", "--port", "ten"], code: 2, msg: /^fraud-local: option '--port <port>' argument 'ten' is invalid. --port must be an integer from 0 to 65535, got "ten"/ },
    { args: ["firehose", "--dir", "x", "--max-streams", ""], code: 2, msg: /--max-streams must be an integer from 1 to 5000, got ""/ },
    { args: ["firehose"], code: 2, msg: /^fraud-local: required option '--dir <dir>' not specified/ },
    { args: ["nope"], code: 2, msg: /^fraud-local: unknown command 'nope'/ },
    { args: ["endpoint", "--model", "/does/not/exist.tar.gz", "--port", "0"], code: 1, msg: /^fraud-local: cannot load model \/does\/not\/exist.tar.gz/ },
  ])("exits $code with a one-line error for $args", async ({ args, code, msg }) => {
    const io = collect(run(args));
    expect(await io.exit).toBe(code);
    expect(io.err()).toMatch(msg);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("endpoint: refuses a file that is not a model (exit 1, one line)", async () => {
    const notModel = join(dir, "notes.md");
    await writeFile(notModel, "# not a model\n");
    const io = collect(run(["endpoint", "--model", notModel, "--port", "0"]));
    expect(await io.exit).toBe(1);
    expect(io.err()).toMatch(/^fraud-local: cannot load model .*notes\.md/);
    expect(io.err().trim().split("\n")).toHaveLength(1);
  });

  it.each([
    { name: "declaring 100,000,000 features", model: (d: string) => absurdModel(d, 100_000_000), args: [], msg: /above the limit of 1000000/ },
    { name: "over --max-features", model: (d: string) => smallModel(d, 30), args: ["--max-features", "20"], msg: /above the limit of 20\b/ },
  ])("endpoint: refuses a model $name (exit 1, one line, nothing served)", async ({ model, args, msg }) => {
    const file = await model(dir);
    const io = collect(run(["endpoint", "--model", file, "--port", "0", ...args]));
    expect(await io.exit).toBe(1);
    expect(io.err()).toMatch(/^fraud-local: cannot load model /);
    expect(io.err()).toMatch(msg);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.out()).toBe("");
  });

  it.each([
    { name: "a file", dest: async (d: string) => (await writeFile(join(d, "f"), ""), join(d, "f")) },
    { name: "a path below a file", dest: async (d: string) => (await writeFile(join(d, "f"), ""), join(d, "f", "s3")) },
    ...(existsSync("/proc/self") ? [{ name: "/proc/x (never creatable)", dest: async () => "/proc/x" }] : []),
  ])("firehose: exits 1 at once when --dir is $name", async ({ dest }) => {
    const target = await dest(dir);
    const io = collect(run(["firehose", "--dir", target, "--port", "0"]));
    expect(await io.exit).toBe(1);
    expect(io.err()).toMatch(/^fraud-local: cannot create directory /);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.out()).toBe("");
  });

  it.each([[["--help"]], [["endpoint", "--help"]], [["firehose", "--help"]]])("prints help for %j", async (args) => {
    const io = collect(run(args));
    expect(await io.exit).toBe(0);
    expect(io.out()).toMatch(/^Usage: fraud-local/);
  });
});
