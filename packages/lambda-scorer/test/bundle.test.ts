/**
 * Integration: the bundled handler (the file inside dist/lambda/lambda.zip, not the sources) run in
 * a fresh Node process against the local SageMaker endpoint and Firehose stand-ins, reached by the
 * real AWS SDK clients through AWS_ENDPOINT_URL_*.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEndpoint, startFirehose } from "@fraud/local-aws";
import type { EndpointServer, FirehoseServer } from "@fraud/local-aws";
import { loadModel, writeModelArtifact } from "@fraud/trainer";
import type { LinearLearnerModel } from "@fraud/trainer";
import { drawTransactions, eventSeed } from "@fraud/lambda-scorer";
import { features as someFeatures } from "./helpers.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ZIP = join(ROOT, "dist/lambda/lambda.zip");
// Inside the package so the bundle resolves @aws-sdk/* from node_modules, as Lambda's runtime provides it.
const WORK = join(ROOT, "dist", `bundle-test-${process.pid}`);
const DRIVER = join(import.meta.dirname, "fixtures/driver.mjs");

interface DriverOutput {
  importMs: number;
  importError?: { code?: string; message: string };
  results: { ok: boolean; value?: unknown; error?: { code?: string; message: string; failedCount?: number }; ms: number }[];
}

let bundle: string;
let modelPath: string;
let model: LinearLearnerModel;
let endpoint: EndpointServer;
let s3: Server;
let s3Url: string;

async function invoke(
  env: Record<string, string>,
  plan: { handler: "scheduled" | "http"; event: unknown }[],
  name: string,
): Promise<DriverOutput & { stdout: string }> {
  const planFile = join(WORK, `${name}.plan.json`);
  const outFile = join(WORK, `${name}.out.json`);
  await writeFile(planFile, JSON.stringify(plan));
  const { stdout } = await run(process.execPath, ["--no-warnings", DRIVER, bundle, planFile, outFile], {
    env: {
      PATH: process.env["PATH"] ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoint.url,
      AWS_ENDPOINT_URL_S3: s3Url,
      POWERTOOLS_LOG_LEVEL: "WARN",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", // set by the Lambda runtime
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ...(JSON.parse(await readFile(outFile, "utf8")) as DriverOutput), stdout };
}

async function delivered(firehose: FirehoseServer, dir: string): Promise<Record<string, unknown>[]> {
  await firehose.flush();
  const lines: Record<string, unknown>[] = [];
  for (const key of firehose.objects) {
    const text = gunzipSync(await readFile(join(dir, key))).toString("utf8");
    for (const l of text.split("\n")) if (l !== "") lines.push(JSON.parse(l) as Record<string, unknown>);
  }
  return lines;
}

function scheduledEvent(i: number): { id: string; time: string; "detail-type": string; source: string; detail: object } {
  return { id: `evt-${i}-5a1c`, time: new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail: {} };
}

beforeAll(async () => {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run "nx run lambda-scorer:bundle" first (the test target depends on it)`);
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const files = unzipSync(new Uint8Array(await readFile(ZIP)));
  expect(Object.keys(files).sort()).toEqual(["index.mjs", "index.mjs.map"]);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(WORK, name), bytes);
  bundle = join(WORK, "index.mjs");

  // a 30-feature classifier artifact in Linear Learner's real layout
  modelPath = join(WORK, "model.tar.gz");
  const weights = Array.from({ length: 30 }, (_, j) => (j === 0 ? 0 : ((j * 37) % 19) / 19 - 0.5) / 4);
  await writeModelArtifact(modelPath, { weights, bias: -3, threshold: 0.5, predictorType: "binary_classifier" });
  model = await loadModel(modelPath);
  endpoint = await startEndpoint({ model: modelPath, name: "fraud-detection-endpoint" });

  // a minimal S3 GetObject stand-in (path-style, as the SDK uses for an IP endpoint)
  const artifact = await readFile(modelPath);
  s3 = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/models/fraud/model.tar.gz") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(artifact.length), etag: '"1"' });
      res.end(artifact);
    } else {
      res.writeHead(404, { "content-type": "application/xml" });
      res.end("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
    }
  });
  await new Promise<void>((r) => s3.listen(0, "127.0.0.1", r));
  s3Url = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await new Promise((r) => s3?.close(r));
  await rm(WORK, { recursive: true, force: true });
});

describe("bundled scheduled handler", () => {
  it.each<{ name: string; env: Record<string, string>; events: number; batch: number }>([
    { name: "endpoint mode, text/csv, fail rate 0.3", env: { CONTENT_TYPE: "text/csv" }, events: 4, batch: 1000 },
    { name: "endpoint mode, RecordIO, fail rate 0.3", env: { CONTENT_TYPE: "application/x-recordio-protobuf" }, events: 2, batch: 800 },
    { name: "embedded mode from S3, fail rate 0.3", env: { SCORING_MODE: "embedded", MODEL_S3_URI: "s3://models/fraud/model.tar.gz" }, events: 2, batch: 1000 },
  ])("delivers every transaction exactly once: $name", async ({ env, events, batch }) => {
    // Prepare
    const dir = join(WORK, `s3-${Object.values(env).join("-").replace(/[^a-z0-9]/gi, "")}`);
    const firehose = await startFirehose({ dir, failRate: 0.3, seed: 11, bufferSeconds: 900, bufferMb: 1, streamName: "fraud-scores" });
    try {
      const plan = Array.from({ length: events }, (_, i) => ({ handler: "scheduled" as const, event: scheduledEvent(i) }));
      // Act
      const out = await invoke(
        { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores", BATCH_SIZE: String(batch), DELIVERY_MAX_ATTEMPTS: "20", MODEL_VERSION: "test-v1", AWS_ENDPOINT_URL_FIREHOSE: firehose.url, ...env },
        plan,
        `scheduled-${events}-${batch}-${env["CONTENT_TYPE"] ?? env["SCORING_MODE"]}`.replace(/[^a-z0-9-]/gi, ""),
      );
      const lines = await delivered(firehose, dir);
      // Assess: the handler succeeded and retried
      expect(out.importError).toBeUndefined();
      expect(out.results.map((r) => r.error?.message)).toEqual(plan.map(() => undefined));
      const retried = out.results.reduce((a, r) => a + (r.value as { retried: number }).retried, 0);
      expect(retried).toBeGreaterThan(0);
      // every expected transaction exactly once, with the model's score
      const expected = plan.flatMap(({ event }) => drawTransactions(batch, { seed: eventSeed(event.id), start: Date.parse(event.time) }));
      expect(lines).toHaveLength(expected.length);
      const byId = new Map(lines.map((l) => [l["transactionId"] as string, l]));
      expect(byId.size).toBe(expected.length);
      // RecordIO requests carry float32 features, as Linear Learner expects
      const f32 = env["CONTENT_TYPE"] === "application/x-recordio-protobuf";
      const scores = model.predict(expected.map((t) => Array.from(t.features, (x) => (f32 ? Math.fround(x) : x))));
      expected.forEach((t, i) => {
        const line = byId.get(t.id);
        expect(line, t.id).toBeDefined();
        expect(line).toEqual({
          timestamp: t.timestamp,
          transactionId: t.id,
          channel: t.channel,
          amount: t.amount,
          // RecordIO answers carry float32 scores
          score: expect.closeTo(f32 ? Math.fround(scores[i]!.score) : scores[i]!.score, 12) as number,
          predictedLabel: scores[i]!.predictedLabel,
          modelVersion: "test-v1",
        });
      });
      expect(new Set(lines.map((l) => l["channel"]))).toEqual(new Set(["Mobile", "Web", "Store"]));
      // Powertools EMF metrics on stdout
      const emf = out.stdout.split("\n").filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const scored = emf.reduce((a, m) => a + ((m["TransactionsScored"] as number | undefined) ?? 0), 0);
      expect(scored).toBe(expected.length);
      expect(emf.some((m) => m["ColdStart"] === 1)).toBe(true);
    } finally {
      await firehose.close();
    }
  });

  it("fails the invocation and reports the count when Firehose keeps failing records", async () => {
    const dir = join(WORK, "s3-always-failing");
    const firehose = await startFirehose({ dir, failRate: 1, bufferSeconds: 900 });
    try {
      const out = await invoke(
        { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores", BATCH_SIZE: "50", DELIVERY_MAX_ATTEMPTS: "2", AWS_ENDPOINT_URL_FIREHOSE: firehose.url },
        [{ handler: "scheduled", event: scheduledEvent(9) }],
        "always-failing",
      );
      expect(out.results[0]).toMatchObject({ ok: false, error: { code: "DELIVERY_FAILED", failedCount: 50 } });
      expect(out.results[0]!.error!.message).toMatch(/^50 of 50 records still failing after 2 attempts \(last error ServiceUnavailableException: Slow down.\)$/);
      expect(out.stdout).toMatch(/"DeliveryFailedRecords":50/);
      expect(await delivered(firehose, dir)).toEqual([]);
    } finally {
      await firehose.close();
    }
  });

  it("refuses to start with a clear list of missing configuration", async () => {
    const out = await invoke({ SCORING_MODE: "embedded", AWS_ENDPOINT_URL_FIREHOSE: "http://127.0.0.1:9" }, [], "bad-config");
    expect(out.importError).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "invalid scorer configuration: MODEL_S3_URI is missing (required in embedded scoring mode); DELIVERY_STREAM_NAME is missing",
    });
  });
});

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
});

describe("bundled http handler", () => {
  const good = { id: "tx-1", channel: "Mobile", timestamp: "2025-06-01T12:00:00.000Z", features: someFeatures(1) };
  const post = (body: string, extra: Record<string, unknown> = {}) => ({
    handler: "http" as const,
    event: { version: "2.0", headers: { "content-type": "application/json" }, requestContext: { http: { method: "POST" } }, body, isBase64Encoded: false, ...extra },
  });
  const cases: { name: string; event: ReturnType<typeof post>; status: number; message?: RegExp }[] = [
    { name: "valid transactions", event: post(JSON.stringify({ transactions: [good, { ...good, id: "tx-2", features: someFeatures(2) }] })), status: 200 },
    { name: "a simulator-shaped transaction, base64", event: post(Buffer.from(JSON.stringify([{ time: 10, v: someFeatures(3).slice(1, 29), amount: 12.5 }])).toString("base64"), { isBase64Encoded: true }), status: 200 },
    { name: "broken JSON", event: post('{"transactions": ['), status: 400, message: /^body is not valid JSON/ },
    { name: "an empty body", event: post(""), status: 400, message: /^body is empty/ },
    { name: "29 features", event: post(JSON.stringify([{ features: someFeatures(1).slice(1) }])), status: 400, message: /^transactions\[0\]\.features must have 30 numbers, got 29$/ },
    { name: "a string feature", event: post(JSON.stringify([{ features: [...someFeatures(1).slice(1), "7"] }])), status: 400, message: /^transactions\[0\]\.features\[29\] must be a finite number, got "7"$/ },
    { name: "a null feature (NaN in JSON)", event: post(`[{"features":[${[...someFeatures(1).slice(1), "null"].join(",")}]}]`), status: 400, message: /features\[29\] must be a finite number, got null/ },
    { name: "a bad channel", event: post(JSON.stringify([{ ...good, channel: "Fax" }])), status: 400, message: /channel must be Mobile, Web or Store, got "Fax"/ },
    { name: "a bad timestamp", event: post(JSON.stringify([{ ...good, timestamp: "yesterday" }])), status: 400, message: /timestamp must be an ISO 8601 date-time/ },
    { name: "too many transactions", event: post(JSON.stringify(Array.from({ length: 1001 }, () => ({ features: someFeatures(0) })))), status: 400, message: /^1001 transactions in one request, the limit is 1000$/ },
    { name: "a body over 1 MiB", event: post(`[${" ".repeat(1_100_000)}]`), status: 400, message: /^body is 1100002 bytes, the limit is 1048576$/ },
    { name: "a number as body", event: post("42"), status: 400, message: /^body must be a JSON object or array/ },
    { name: "GET", event: post("[]", { requestContext: { http: { method: "GET" } } }), status: 405, message: /method GET not allowed/ },
    { name: "text/plain", event: post("[]", { headers: { "content-type": "text/plain" } }), status: 415, message: /content-type "text\/plain" not supported/ },
  ];

  it("answers each request with the right status and reason, never 500", async () => {
    // Prepare
    const dir = join(WORK, "s3-http");
    const firehose = await startFirehose({ dir, failRate: 0.3, seed: 3, bufferSeconds: 900 });
    try {
      // Act
      const out = await invoke(
        { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores", DELIVERY_MAX_ATTEMPTS: "20", AWS_ENDPOINT_URL_FIREHOSE: firehose.url },
        cases.map((c) => c.event),
        "http",
      );
      // Assess
      cases.forEach((c, i) => {
        const r = out.results[i]!;
        expect(r.ok, c.name).toBe(true);
        const res = r.value as { statusCode: number; body: string };
        expect(res.statusCode, `${c.name}: ${res.body}`).toBe(c.status);
        const body = JSON.parse(res.body) as { message?: string };
        if (c.message) expect(body.message, c.name).toMatch(c.message);
      });
      const first = JSON.parse((out.results[0]!.value as { body: string }).body) as { predictions: { transactionId: string; score: number; predictedLabel: number }[] };
      const expected = model.predict([someFeatures(1), someFeatures(2)]);
      expect(first.predictions).toEqual([
        { transactionId: "tx-1", score: expect.closeTo(expected[0]!.score, 12) as number, predictedLabel: expected[0]!.predictedLabel },
        { transactionId: "tx-2", score: expect.closeTo(expected[1]!.score, 12) as number, predictedLabel: expected[1]!.predictedLabel },
      ]);
      const lines = await delivered(firehose, dir);
      expect(lines.map((l) => l["transactionId"]).sort()).toEqual(["tx-1", "tx-2", expect.any(String) as string].sort());
    } finally {
      await firehose.close();
    }
  });
});
