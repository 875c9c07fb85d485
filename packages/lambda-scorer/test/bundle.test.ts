/**
 * The Lambda zip itself: deterministic bytes, the files Lambda needs, and a cold start that refuses
 * bad configuration with one clear error. (Runs of the bundle against the local SageMaker endpoint
 * and Firehose live in tools/local-aws, which may import this package, not the other way round.)
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ZIP = join(ROOT, "dist/lambda/lambda.zip");
// Inside the package so the bundle resolves @aws-sdk/* from node_modules, as Lambda's runtime provides it.
const WORK = join(ROOT, "dist", `bundle-test-${process.pid}`);
let bundle: string;

beforeAll(async () => {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run "nx run lambda-scorer:bundle" first (the test target depends on it)`);
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const files = unzipSync(new Uint8Array(await readFile(ZIP)));
  expect(Object.keys(files).sort()).toEqual(["index.mjs"]);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(WORK, name), bytes);
  bundle = join(WORK, "index.mjs");
});

afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

/** Imports the bundle in a fresh Node process with only `env`; returns the handlers' names or the import error. */
async function coldStart(env: Record<string, string>): Promise<{ exports?: string[]; error?: { name: string; code?: string; message: string } }> {
  const probe = `try { const m = await import(${JSON.stringify(bundle)}); console.log(JSON.stringify({ exports: Object.keys(m).sort() })); }
    catch (e) { console.log(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message } })); }`;
  const { stdout } = await run(process.execPath, ["--no-warnings", "--input-type=module", "-e", probe], {
    env: { PATH: process.env["PATH"] ?? "", AWS_REGION: "us-east-1", POWERTOOLS_LOG_LEVEL: "SILENT", ...env },
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as { exports?: string[]; error?: { name: string; code?: string; message: string } };
}

describe("lambda.zip", () => {
  it("is deterministic: zipping the same bundle again gives the same bytes, dated 1980-01-01", async () => {
    const again = join(WORK, "again.zip");
    await run(process.execPath, [join(ROOT, "scripts/zip-bundle.mjs"), join(ROOT, "dist/lambda"), again]);
    const a = await readFile(ZIP);
    const b = await readFile(again);
    expect(b.equals(a)).toBe(true);
    // local file header: DOS time 0x0000, DOS date 1980-01-01 = 0x0021
    expect(a.readUInt16LE(10)).toBe(0);
    expect(a.readUInt16LE(12)).toBe(0x21);
  });

  it("exports the two handlers when the configuration is valid", async () => {
    expect(await coldStart({ ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores" })).toEqual({ exports: ["http", "scheduled"] });
  });

  it("refuses to start with every configuration problem in one typed error", async () => {
    const out = await coldStart({ SCORING_MODE: "embedded", BATCH_SIZE: "0" });
    expect(out.error).toEqual({
      name: "ScorerError",
      code: "INVALID_ARGUMENT",
      message: "invalid scorer configuration: MODEL_S3_URI is missing (required in embedded scoring mode); DELIVERY_STREAM_NAME is missing; BATCH_SIZE must be an integer from 1 to 10000 (got 0)",
    });
  });

  it("stays within its size budget: 300 KB zipped", async () => {
    expect((await readFile(ZIP)).length).toBeLessThanOrEqual(300 * 1024);
  });

  it("is the size the README states (the figures block written by npm run figures), within 5%", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = /<!-- figures:lambda -->([\s\S]*?)<!-- \/figures:lambda -->/.exec(readme)?.[1] ?? "";
    const stated = (file: string): number => Number(new RegExp(`\\| \`${file.replace(".", "\\.")}\`[^|]*\\| ([\\d,]+) B`).exec(block)?.[1]?.replaceAll(",", ""));
    for (const file of ["index.mjs", "lambda.zip"]) {
      const built = (await readFile(join(ROOT, "dist/lambda", file))).length;
      expect(stated(file), `README's figures block states no size for ${file}: run "npm run figures"`).toBeGreaterThan(0);
      expect(Math.abs(stated(file) - built) / built, `README states ${stated(file)} B for ${file}, the build made ${built} B: run "npm run figures"`).toBeLessThanOrEqual(0.05);
    }
  });

  it("carries zod's tree-shakable core only: no schema class of zod's classic API", async () => {
    const source = await readFile(bundle, "utf8");
    expect(source).toMatch(/ZodMiniObject/);
    expect(source).not.toMatch(/"ZodString"|"ZodObject"|"ZodNumber"/);
  });

  it("bundles no code of the local stand-ins", async () => {
    const source = await readFile(bundle, "utf8");
    expect(source).not.toMatch(/local-aws|fraud-local/);
  });
});
