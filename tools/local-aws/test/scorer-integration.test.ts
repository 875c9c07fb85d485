/**
 * The bundled scorer Lambda (the file inside packages/lambda-scorer/dist/lambda/lambda.zip, not its
 * sources) run in a fresh Node process as Lambda runs it — imported once, invoked in turn,
 * scheduled events retried up to twice on failure, HTTP clients re-sending what was not delivered —
 * against the local SageMaker endpoint and Firehose, reached by the real AWS SDK clients through
 * AWS_ENDPOINT_URL_*. S3 (the embedded model) and SQS (the on-failure queue) are minimal stand-ins
 * here. Every transaction must arrive exactly once, with the scorer's default settings.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawTransactions, eventSeed, recordId } from "@fraud/lambda-scorer";
import type { HttpScoreResponse, ScheduledResult } from "@fraud/lambda-scorer";
import { deadLetterMessageSchema, scoredRecordSchema } from "@fraud/lambda-scorer/config";
import type { DeadLetterMessage, ScoredRecord } from "@fraud/lambda-scorer/config";
import { loadModel as loadAnyModel, loadLinearLearnerModel as loadModel } from "@fraud/trainer/model";
import type { LinearLearnerModel, Model } from "@fraud/trainer/model";
import { startEndpoint, startFirehose } from "../src/index.js";
import type { EndpointServer, FirehoseServer } from "../src/index.js";
import { readObjects, smallModel } from "./helpers.js";
import { trainTwoModels } from "./models.js";

const run = promisify(execFile);
const ZIP = resolve(import.meta.dirname, "../../../packages/lambda-scorer/dist/lambda/lambda.zip");
// Inside the repository so the bundle resolves @aws-sdk/* from node_modules, as Lambda's runtime provides them.
const WORK = resolve(import.meta.dirname, "..", "dist", `scorer-integration-${process.pid}`);
const STREAM = "fraud-scores";
const ENDPOINT = "fraud-detection-endpoint";

/**
 * Runs a plan in one process, as one warm Lambda container: import the bundle (the cold start), then
 * each step in turn with a fresh context of `timeoutMs`. A failed scheduled invocation is retried up
 * to twice (Lambda's asynchronous retries); an HTTP client re-sends the failed transactions of a
 * 207/503 answer, up to five times.
 */
const DRIVER = `
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createFakeContext } from "@fraud/lambda-scorer/testing";
const [bundle, planFile, outFile] = process.argv.slice(2);
const out = { importMs: 0, importError: undefined, steps: [] };
const t0 = performance.now();
let mod;
try {
  mod = await import(pathToFileURL(bundle).href);
  out.importMs = performance.now() - t0;
} catch (err) {
  out.importError = { code: err.code, message: err.message };
}
const attempt = async (handler, event, timeoutMs) => {
  try {
    return { ok: true, value: await mod[handler](event, createFakeContext({ timeoutMs })) };
  } catch (err) {
    return { ok: false, error: { code: err.code, message: err.message } };
  }
};
for (const { handler, event, timeoutMs = 60000 } of mod ? JSON.parse(readFileSync(planFile, "utf8")) : []) {
  const attempts = [await attempt(handler, event, timeoutMs)];
  if (handler === "scheduled") {
    while (!attempts.at(-1).ok && attempts.length < 3) attempts.push(await attempt(handler, event, timeoutMs));
  } else if (event && typeof event.body === "string" && event.body.startsWith("{")) {
    let last = attempts.at(-1);
    while (last.ok && (last.value.statusCode === 207 || last.value.statusCode === 503) && attempts.length < 6) {
      const failed = new Set(JSON.parse(last.value.body).failed.map((f) => f.transactionId));
      const rest = JSON.parse(event.body).transactions.filter((t) => failed.has(t.id));
      last = await attempt(handler, { ...event, body: JSON.stringify({ transactions: rest }) }, timeoutMs);
      attempts.push(last);
    }
  }
  out.steps.push(attempts);
}
writeFileSync(outFile, JSON.stringify(out));
`;

interface Attempt<T> {
  ok: boolean;
  value?: T;
  error?: { code?: string; message: string };
}
interface DriverOutput {
  importMs: number;
  importError?: { code?: string; message: string };
  steps: Attempt<unknown>[][];
}

let bundle: string;
let modelPath: string;
let model: LinearLearnerModel;
let endpoint: EndpointServer;
let xgbEndpoint: EndpointServer;
let rcfEndpoint: EndpointServer;
let xgb: Model;
let rcf: Model;
const servers: Server[] = [];
let s3Url: string;
let sqsUrl: string;
const queued: DeadLetterMessage[] = [];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** S3 GetObject of the model objects, by `/bucket/key` path (path-style, as the SDK addresses an IP endpoint). */
async function startS3(objects: Record<string, Buffer>): Promise<string> {
  return listen((req, res) => {
    const artifact = req.method === "GET" ? objects[req.url?.split("?")[0] ?? ""] : undefined;
    if (artifact !== undefined) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(artifact.length), etag: '"1"' });
      res.end(artifact);
    } else {
      res.writeHead(404, { "content-type": "application/xml" });
      res.end("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
    }
  });
}

/** SQS SendMessage (AWS JSON 1.0), recording each message; answers the body's MD5 as SQS does. */
async function startSqs(): Promise<string> {
  return listen((req, res) => {
    void readBody(req).then((raw) => {
      const target = req.headers["x-amz-target"];
      if (target !== "AmazonSQS.SendMessage") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.sqs#InvalidAction", message: `unsupported ${String(target)}` }));
        return;
      }
      const { MessageBody } = JSON.parse(raw.toString("utf8")) as { QueueUrl: string; MessageBody: string };
      queued.push(deadLetterMessageSchema.parse(JSON.parse(MessageBody)));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ MessageId: `m-${queued.length}`, MD5OfMessageBody: createHash("md5").update(MessageBody).digest("hex") }));
    });
  });
}

async function invoke(env: Record<string, string>, plan: { handler: "scheduled" | "http"; event: unknown; timeoutMs?: number }[], name: string): Promise<DriverOutput> {
  const planFile = join(WORK, `${name}.plan.json`);
  const outFile = join(WORK, `${name}.out.json`);
  const driver = join(WORK, "driver.mjs");
  await writeFile(planFile, JSON.stringify(plan));
  await run(process.execPath, ["--no-warnings", driver, bundle, planFile, outFile], {
    env: {
      PATH: process.env["PATH"] ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoint.url,
      AWS_ENDPOINT_URL_S3: s3Url,
      AWS_ENDPOINT_URL_SQS: sqsUrl,
      POWERTOOLS_LOG_LEVEL: "ERROR",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", // set by the Lambda runtime
      ENDPOINT_NAME: ENDPOINT,
      DELIVERY_STREAM_NAME: STREAM,
      ON_FAILURE_QUEUE_URL: `${sqsUrl}/123456789012/fraud-on-failure`,
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(await readFile(outFile, "utf8")) as DriverOutput;
}

async function delivered(firehose: FirehoseServer, dir: string): Promise<ScoredRecord[]> {
  await firehose.flush();
  return (await readObjects(dir)).flatMap(({ text }) => text.split("\n").filter((l) => l !== "").map((l) => scoredRecordSchema.parse(JSON.parse(l))));
}

function scheduledEvent(i: number): { id: string; time: string; "detail-type": string; source: string; detail: object } {
  return { id: `5a1c${String(i).padStart(4, "0")}-7b61-4e6a-9a41-93e812345678`, time: new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail: {} };
}

function expectExactlyOnce(lines: readonly ScoredRecord[], ids: readonly string[]): void {
  const seen = new Map<string, number>();
  for (const l of lines) seen.set(l.transactionId, (seen.get(l.transactionId) ?? 0) + 1);
  const lost = ids.filter((id) => !seen.has(id)).length;
  const duplicated = lines.length - seen.size;
  expect({ lost, duplicated, unexpected: seen.size - ids.length }).toEqual({ lost: 0, duplicated: 0, unexpected: 0 });
}

beforeAll(async () => {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run "nx run lambda-scorer:bundle" first (the test target depends on it)`);
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const files = unzipSync(new Uint8Array(await readFile(ZIP)));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(WORK, name), bytes);
  await writeFile(join(WORK, "driver.mjs"), DRIVER);
  bundle = join(WORK, "index.mjs");
  modelPath = await smallModel(WORK);
  model = await loadModel(modelPath);
  endpoint = await startEndpoint({ model: modelPath, name: ENDPOINT });
  const two = await trainTwoModels(WORK);
  xgb = await loadAnyModel(two.xgboost);
  rcf = await loadAnyModel(two.randomcutforest);
  xgbEndpoint = await startEndpoint({ model: two.xgboost, name: ENDPOINT });
  rcfEndpoint = await startEndpoint({ model: two.randomcutforest, name: "fraud-anomaly-endpoint" });
  s3Url = await startS3({
    "/models/fraud/model.tar.gz": await readFile(modelPath),
    "/models/xgboost/model.tar.gz": await readFile(two.xgboost),
    "/models/rcf/model.tar.gz": await readFile(two.randomcutforest),
  });
  sqsUrl = await startSqs();
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await xgbEndpoint?.close();
  await rcfEndpoint?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await rm(WORK, { recursive: true, force: true });
});

describe("bundled scorer against the local stand-ins, 30% of Firehose entries failing, default settings", { timeout: 180_000 }, () => {
  it.each<{ name: string; env: Record<string, string>; events: number; batch: number }>([
    { name: "endpoint mode, text/csv", env: {}, events: 3, batch: 1000 },
    { name: "endpoint mode, RecordIO", env: { CONTENT_TYPE: "application/x-recordio-protobuf" }, events: 2, batch: 800 },
    { name: "embedded mode, model from S3", env: { SCORING_MODE: "embedded", MODEL_S3_URI: "s3://models/fraud/model.tar.gz" }, events: 2, batch: 1000 },
  ])("scheduled events deliver every transaction exactly once: $name", async ({ name, env, events, batch }) => {
    // Prepare
    const dir = join(WORK, `firehose-${name.replace(/[^a-z0-9]+/gi, "-")}`);
    const firehose = await startFirehose({ dir, failRate: 0.3, seed: 11, bufferSeconds: 900, bufferMb: 1, streamName: STREAM });
    const plan = Array.from({ length: events }, (_, i) => ({ handler: "scheduled" as const, event: scheduledEvent(i) }));
    try {
      // Act
      const out = await invoke({ BATCH_SIZE: String(batch), MODEL_VERSION: "test-v1", AWS_ENDPOINT_URL_FIREHOSE: firehose.url, ...env }, plan, name.replace(/[^a-z0-9]+/gi, "-"));
      const lines = await delivered(firehose, dir);
      // Assess: every invocation completed, with retries, and nothing went to the queue
      expect(out.importError).toBeUndefined();
      const results = out.steps.map((s) => s.at(-1)!.value as ScheduledResult);
      expect(results.map((r) => r.delivered + r.alreadyDelivered)).toEqual(plan.map(() => batch));
      expect(results.reduce((a, r) => a + r.retried, 0)).toBeGreaterThan(0);
      expect(results.reduce((a, r) => a + r.deadLettered, 0)).toBe(0);
      const expected = plan.flatMap(({ event }) => drawTransactions(batch, { seed: eventSeed(event.id), start: Date.parse(event.time) }));
      expectExactlyOnce(lines, expected.map((t) => t.id));
      // each line carries the model's score and its stable id
      const f32 = env["CONTENT_TYPE"] === "application/x-recordio-protobuf";
      const scores = model.predict(expected.map((t) => Array.from(t.features, (x) => (f32 ? Math.fround(x) : x))));
      const byId = new Map(lines.map((l) => [l.transactionId, l]));
      expected.forEach((t, i) => {
        expect(byId.get(t.id)).toEqual({
          id: recordId("test-v1", t.id),
          timestamp: t.timestamp,
          transactionId: t.id,
          channel: t.channel,
          amount: t.amount,
          score: expect.closeTo(f32 ? Math.fround(scores[i]!.score) : scores[i]!.score, 12) as number,
          predictedLabel: scores[i]!.predictedLabel,
          modelVersion: "test-v1",
        });
      });
    } finally {
      await firehose.close();
    }
  });

  it("HTTP clients re-sending what the answer lists as failed deliver every transaction exactly once", async () => {
    // Prepare: five requests of 1,000 transactions
    const dir = join(WORK, "firehose-http");
    const firehose = await startFirehose({ dir, failRate: 0.3, seed: 3, bufferSeconds: 900, streamName: STREAM });
    const requests = Array.from({ length: 5 }, (_, r) =>
      Array.from({ length: 1000 }, (_, i) => ({ id: `r${r}-tx${i}`, channel: "Mobile", features: Array.from({ length: 30 }, (_, j) => Math.sin(r * 1000 + i + j)) })),
    );
    const post = (transactions: unknown[]) => ({ version: "2.0", headers: { "content-type": "application/json" }, requestContext: { http: { method: "POST" } }, body: JSON.stringify({ transactions }), isBase64Encoded: false });
    try {
      // Act
      const out = await invoke({ AWS_ENDPOINT_URL_FIREHOSE: firehose.url }, [...requests.map((txs) => ({ handler: "http" as const, event: post(txs) })), { handler: "http", event: null }], "http");
      const lines = await delivered(firehose, dir);
      // Assess
      const answers = out.steps.map((s) => s.map((a) => a.value as { statusCode: number; body: string }));
      for (const answer of answers.slice(0, 5)) expect(answer.at(-1)!.statusCode).toBe(200);
      const deliveredIds = answers.slice(0, 5).flatMap((a) => a.flatMap((r) => (JSON.parse(r.body) as HttpScoreResponse).delivered));
      expect(deliveredIds.sort()).toEqual(requests.flat().map((t) => t.id).sort());
      expectExactlyOnce(lines, requests.flat().map((t) => t.id));
      expect(answers[5]![0]).toMatchObject({ statusCode: 400, body: JSON.stringify({ message: "event must be an object (got null)", code: "INVALID_ARGUMENT" }) });
    } finally {
      await firehose.close();
    }
  });
});

describe("bundled scorer with an XGBoost classifier and a Random Cut Forest detector, 30% of Firehose entries failing, default settings", { timeout: 180_000 }, () => {
  it.each<{ name: string; env: () => Record<string, string>; threshold: () => number }>([
    {
      name: "XGBoost endpoint + RCF embedded",
      env: () => ({ MODEL_ALGORITHM: "xgboost", AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: xgbEndpoint.url, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: "s3://models/rcf/model.tar.gz" }),
      threshold: () => rcf.threshold,
    },
    {
      name: "XGBoost embedded + RCF endpoint",
      env: () => ({
        SCORING_MODE: "embedded",
        MODEL_S3_URI: "s3://models/xgboost/model.tar.gz",
        AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: rcfEndpoint.url,
        ANOMALY_SCORING_MODE: "endpoint",
        ANOMALY_ENDPOINT_NAME: "fraud-anomaly-endpoint",
        ANOMALY_THRESHOLD: "0.9",
      }),
      threshold: () => 0.9,
    },
  ])("every record carries both models' scores, each transaction exactly once: $name", async ({ name, env, threshold }) => {
    // Prepare
    const slug = name.replace(/[^a-z0-9]+/gi, "-");
    const dir = join(WORK, `firehose-${slug}`);
    const firehose = await startFirehose({ dir, failRate: 0.3, seed: 5, bufferSeconds: 900, bufferMb: 1, streamName: STREAM });
    const plan = Array.from({ length: 2 }, (_, i) => ({ handler: "scheduled" as const, event: scheduledEvent(20 + i) }));
    try {
      // Act
      const out = await invoke({ BATCH_SIZE: "1000", MODEL_VERSION: "xgb-v1", ANOMALY_MODEL_VERSION: "rcf-v1", AWS_ENDPOINT_URL_FIREHOSE: firehose.url, ...env() }, plan, slug);
      const lines = await delivered(firehose, dir);
      // Assess
      expect(out.importError).toBeUndefined();
      const results = out.steps.map((s) => s.at(-1)!.value as ScheduledResult);
      expect(results.map((r) => r.delivered + r.alreadyDelivered)).toEqual([1000, 1000]);
      expect(results.reduce((a, r) => a + r.retried, 0)).toBeGreaterThan(0);
      const expected = plan.flatMap(({ event }) => drawTransactions(1000, { seed: eventSeed(event.id), start: Date.parse(event.time) }));
      expectExactlyOnce(lines, expected.map((t) => t.id));
      const m = { data: Float64Array.from(expected.flatMap((t) => Array.from(t.features))), rows: expected.length, cols: 30 };
      const p = xgb.predict(m);
      const a = rcf.scores(m);
      const byId = new Map(lines.map((l) => [l.transactionId, l]));
      expected.forEach((t, i) => {
        expect(byId.get(t.id)).toEqual({
          id: recordId("xgb-v1", t.id),
          timestamp: t.timestamp,
          transactionId: t.id,
          channel: t.channel,
          amount: t.amount,
          score: expect.closeTo(p[i]!.score, 6) as number,
          predictedLabel: p[i]!.predictedLabel,
          modelVersion: "xgb-v1",
          anomalyScore: expect.closeTo(a[i]!, 9) as number,
          anomalous: a[i]! >= threshold(),
          anomalyModelVersion: "rcf-v1",
        });
      });
      expect(results.reduce((n, r) => n + (r.anomalous ?? 0), 0)).toBe(Array.from(a).filter((x) => x >= threshold()).length);
    } finally {
      await firehose.close();
    }
  });
});

describe("bundled scorer when Firehose fails every entry", { timeout: 60_000 }, () => {
  it("sends the undelivered batch to the on-failure queue and completes", async () => {
    // Prepare: a Lambda timeout of 8 s, so the default 5 s margin leaves 3 s of retries
    const dir = join(WORK, "firehose-down");
    const firehose = await startFirehose({ dir, failRate: 1, bufferSeconds: 900, streamName: STREAM });
    queued.length = 0;
    const event = scheduledEvent(9);
    try {
      // Act
      const out = await invoke({ BATCH_SIZE: "500", AWS_ENDPOINT_URL_FIREHOSE: firehose.url }, [{ handler: "scheduled", event, timeoutMs: 8_000 }], "firehose-down");
      // Assess
      expect(out.steps[0]).toHaveLength(1);
      expect(out.steps[0]![0]).toMatchObject({ ok: true, value: { scored: 500, delivered: 0, deadLettered: 500 } });
      const ids = queued.flatMap((m) => m.records.map((r) => r.transactionId));
      expect(ids.sort()).toEqual(drawTransactions(500, { seed: eventSeed(event.id), start: Date.parse(event.time) }).map((t) => t.id).sort());
      // the reason is Firehose's refusal, or the deadline's abort when a loaded machine spends the
      // whole retry window on the first attempt: either way nothing was delivered and all of it is queued
      expect(queued[0]).toMatchObject({ eventId: event.id, deliveryStreamName: STREAM, reason: expect.stringMatching(/^(ServiceUnavailableException|AbortError)\b/) as string });
      expect(await delivered(firehose, dir)).toEqual([]);
    } finally {
      await firehose.close();
    }
  });
});
