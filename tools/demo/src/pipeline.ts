/**
 * The whole fraud-detection pipeline on one machine: data → RecordIO → training → evaluation →
 * local endpoint + Firehose → the bundled Lambda scoring a live stream → GZIP objects checked.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { decodeDense, encodeDense } from "@fraud/recordio";
import { drawTransactions, eventSeed } from "@fraud/lambda-scorer";
import { startEndpoint, startFirehose } from "@fraud/local-aws";
import type { EndpointServer, FirehoseServer } from "@fraud/local-aws";
import { generateDataset, readCreditCardCsv, transactionStream, writeCreditCardCsv } from "@fraud/simulator";
import type { Dataset, LiveTransaction } from "@fraud/simulator";
import { runLocalTraining, stratifiedSplit } from "@fraud/trainer";
import type { TrainProgress } from "@fraud/trainer";
import { startLambda } from "./lambda-host.js";
import type { LambdaHost } from "./lambda-host.js";

/** The stages of a run, in order. @public */
export const STAGES = ["data", "encode", "train", "serve", "stream", "deliver"] as const;
/** One stage of a run. @public */
export type Stage = (typeof STAGES)[number];

/** Options of {@link runDemo}. @public */
export interface DemoOptions {
  /** Rows to generate when no `data` file is given. @defaultValue 284807 */
  rows?: number;
  /** A creditcard.csv to use instead of generated data (e.g. the real file). */
  data?: string | undefined;
  /** Transactions to stream through the Lambda. @defaultValue 4000 */
  transactions?: number;
  /** Share of records the local Firehose reports failed (the scorer must retry them). @defaultValue 0 */
  failRate?: number;
  /** Seed of the data, the split, the training and the stream. @defaultValue 42 */
  seed?: number;
  /** Output folder. @defaultValue `runs/<timestamp>` in the repository */
  out?: string;
  /** Mean arrivals per second of the HTTP stream (Poisson). @defaultValue 4000 */
  rate?: number;
  /** Transactions drawn by each scheduled invocation. @defaultValue 500 */
  batchSize?: number;
  /** Path of the Lambda zip. @defaultValue `packages/lambda-scorer/dist/lambda/lambda.zip` */
  lambdaZip?: string;
}

/** Receives progress of a run. @public */
export interface Reporter {
  /** A stage begins. */
  start(stage: Stage, what: string): void;
  /** Progress inside a stage (`done` of `total`). */
  progress(stage: Stage, done: number, total: number): void;
  /** A stage finished. */
  end(stage: Stage, seconds: number, what: string): void;
}

/** The run's summary (`npm start -- --json` prints it as one JSON line). @public */
export interface DemoSummary {
  /** The data set. */
  data: { source: string; rows: number; frauds: number; seed: number };
  /** The trained model on the held-out test split. */
  model: { prAuc: number; rocAuc: number; precision: number; recall: number; f1: number; threshold: number; trainSeconds: number };
  /** The stream through the bundled Lambda. */
  stream: {
    sent: number;
    scheduledInvocations: number;
    httpRequests: number;
    flagged: number;
    delivered: number;
    lost: number;
    duplicates: number;
    retried: number;
    failRate: number;
    seconds: number;
    throughputPerSecond: number;
    latencyMs: { p50: number; p99: number; max: number };
    coldStartMs: number;
  };
  /** Seconds per stage. */
  stages: Record<Stage, number>;
  /** Where everything is. */
  outputs: { dir: string; report: string; model: string; metrics: string; recordio: string[]; firehoseDir: string; objects: number; lambdaLog: string };
}

/** Options that cannot run (a usage error). @public */
export class DemoOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoOptionError";
  }
}

/** A failed stage. @public */
export class DemoError extends Error {
  /** The stage that failed. */
  readonly stage: Stage;
  constructor(stage: Stage, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DemoError";
    this.stage = stage;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tools/demo/dist → ../../..). */
export const REPO_ROOT = resolve(here, "..", "..", "..");

const STREAM_NAME = "fraud-detection-stream";
const ENDPOINT_NAME = "fraud-detection-endpoint";
const FIREHOSE_PREFIX = "fraud-detection/firehose/";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}

function checkOptions(o: DemoOptions): Required<Omit<DemoOptions, "data">> & { data: string | undefined } {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new DemoOptionError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
    return v;
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const failRate = o.failRate ?? 0;
  if (!(failRate >= 0 && failRate < 1)) throw new DemoOptionError(`fail rate must be in [0, 1), got ${failRate}`);
  const rate = o.rate ?? 4000;
  if (!(rate > 0 && Number.isFinite(rate))) throw new DemoOptionError(`rate must be a positive number, got ${rate}`);
  return {
    rows: int("rows", o.rows ?? 284_807, 1000, 10_000_000),
    data: o.data,
    transactions: int("transactions", o.transactions ?? 4000, 1, 1_000_000),
    failRate,
    seed: int("seed", o.seed ?? 42, 0, 2 ** 31 - 1),
    out: resolve(o.out ?? join(REPO_ROOT, "runs", stamp)),
    rate,
    batchSize: int("batch size", o.batchSize ?? 500, 1, 10_000),
    lambdaZip: resolve(o.lambdaZip ?? join(REPO_ROOT, "packages/lambda-scorer/dist/lambda/lambda.zip")),
  };
}

async function stage<T>(name: Stage, reporter: Reporter, what: string, times: Partial<Record<Stage, number>>, fn: () => Promise<[T, string]>): Promise<T> {
  reporter.start(name, what);
  const t0 = performance.now();
  let value: T;
  let done: string;
  try {
    [value, done] = await fn();
  } catch (err) {
    if (err instanceof DemoError) throw err;
    throw new DemoError(name, (err as Error).message, { cause: err });
  }
  const seconds = (performance.now() - t0) / 1000;
  times[name] = round(seconds, 3);
  reporter.end(name, seconds, done);
  return value;
}

/**
 * Runs the whole pipeline and returns its summary. Every service it starts is stopped before it
 * returns or throws; a failure is a {@link DemoError} naming the stage.
 * @public
 */
export async function runDemo(options: DemoOptions, reporter: Reporter): Promise<DemoSummary> {
  const o = checkOptions(options);
  const times: Partial<Record<Stage, number>> = {};
  await mkdir(o.out, { recursive: true });
  const rel = (p: string) => relative(process.cwd(), p) || ".";

  // 1. data
  const { dataset, csv, frauds } = await stage("data", reporter, o.data ? `reading ${o.data}` : `generating ${o.rows} transactions (seed ${o.seed})`, times, async () => {
    let dataset: Dataset;
    let csv: string;
    if (o.data) {
      dataset = await readCreditCardCsv(o.data);
      csv = resolve(o.data);
    } else {
      dataset = generateDataset({ rows: o.rows, seed: o.seed });
      csv = join(o.out, "creditcard.csv");
      await writeCreditCardCsv(csv, dataset);
    }
    let frauds = 0;
    for (let i = 0; i < dataset.rows; i++) frauds += dataset.labels[i]!;
    return [{ dataset, csv, frauds }, `${dataset.rows} rows, ${frauds} frauds → ${rel(csv)}`];
  });
  // 2. RecordIO, as the original notebook writes before uploading to S3
  const recordio = await stage("encode", reporter, "encoding the 70/15/15 stratified splits to RecordIO-protobuf", times, async () => {
    const splits = stratifiedSplit(dataset, [0.7, 0.15, 0.15], o.seed, ["train", "validation", "test"]);
    const dir = join(o.out, "recordio");
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    let bytes = 0;
    for (const [i, name] of ["train", "validation", "test"].entries()) {
      const s = splits[i]!;
      const body = encodeDense({ data: Float32Array.from(s.features), shape: [s.rows, 30] }, { labels: Float32Array.from(s.labels) });
      const back = decodeDense(body);
      if (back.shape[0] !== s.rows || back.shape[1] !== 30) throw new Error(`${name}.rec does not decode back to ${s.rows} rows`);
      const file = join(dir, `${name}.rec`);
      await writeFile(file, body);
      files.push(file);
      bytes += body.length;
    }
    return [files, `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB → ${rel(dir)}`];
  });

  // 3. training and evaluation (Linear Learner defaults, mini_batch_size=200 as the original)
  const modelDir = join(o.out, "model");
  const metrics = await stage("train", reporter, "training Linear Learner (defaults, mini_batch_size=200)", times, async () => {
    const { metrics } = await runLocalTraining({
      data: csv,
      out: modelDir,
      seed: o.seed,
      hyperparameters: { mini_batch_size: "200" },
      onProgress: (p: TrainProgress) => reporter.progress("train", p.completed, p.total),
    });
    const t = metrics.test!;
    return [metrics, `test PR AUC ${t.prAuc.toFixed(3)}, precision ${t.precision.toFixed(3)}, recall ${t.recall.toFixed(3)} at threshold ${metrics.threshold.toFixed(3)}`];
  });

  // 4. the local endpoint and Firehose
  const firehoseDir = join(o.out, "s3");
  const lambdaLog = join(o.out, "lambda.log");
  let endpoint: EndpointServer | undefined;
  let firehose: FirehoseServer | undefined;
  let lambda: LambdaHost | undefined;
  try {
    await stage("serve", reporter, "starting the local SageMaker endpoint, Firehose and the bundled Lambda", times, async () => {
      if (!existsSync(o.lambdaZip)) throw new Error(`${o.lambdaZip} is missing: run "npx nx run lambda-scorer:bundle"`);
      endpoint = await startEndpoint({ model: join(modelDir, "model.tar.gz"), name: ENDPOINT_NAME });
      firehose = await startFirehose({ dir: firehoseDir, failRate: o.failRate, seed: o.seed, bufferSeconds: 60, streamName: STREAM_NAME, prefix: FIREHOSE_PREFIX });
      lambda = await startLambda(
        o.lambdaZip,
        {
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "local",
          AWS_SECRET_ACCESS_KEY: "local",
          AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoint.url,
          AWS_ENDPOINT_URL_FIREHOSE: firehose.url,
          AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
          SCORING_MODE: "endpoint",
          ENDPOINT_NAME,
          DELIVERY_STREAM_NAME: STREAM_NAME,
          BATCH_SIZE: String(o.batchSize),
          CONTENT_TYPE: "text/csv",
          MODEL_VERSION: "local-1",
          FRAUD_RATE: String(492 / 284_807),
          DELIVERY_MAX_ATTEMPTS: "20",
          POWERTOOLS_SERVICE_NAME: "fraud-scorer",
          POWERTOOLS_LOG_LEVEL: "INFO",
          POWERTOOLS_METRICS_NAMESPACE: "FraudDetection",
        },
        lambdaLog,
      );
      return [undefined, `endpoint ${endpoint.url}, firehose ${firehose.url}, Lambda cold start ${lambda.importMs.toFixed(0)} ms`];
    });

    // 5. the stream: scheduled invocations (the original's trigger) and HTTP requests (Poisson arrivals)
    const streamed = await stage("stream", reporter, `streaming ${o.transactions} transactions through the bundled Lambda`, times, async () => {
      const host = lambda!;
      const expected = new Set<string>();
      const latencies: number[] = [];
      let flagged = 0;
      let retried = 0;
      let sent = 0;
      let failures = 0;
      let firstFailure = "";
      const scheduledCount = Math.floor(o.transactions / 2);
      const httpCount = o.transactions - scheduledCount;
      const started = performance.now();
      const t0 = Date.parse("2026-01-01T00:00:00Z");
      // scheduled: rate(1 minute) events, each drawing a batch from the simulator
      let scheduledInvocations = 0;
      for (let left = scheduledCount, i = 0; left > 0; i++) {
        const count = Math.min(o.batchSize, left);
        const event = { id: `demo-${o.seed}-${i}`, time: new Date(t0 + i * 60_000).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail: { count } };
        for (const t of drawTransactions(count, { seed: eventSeed(event.id), start: Date.parse(event.time), fraudRate: 492 / 284_807 })) expected.add(t.id);
        const r = await host.invoke<{ scored: number; flagged: number; retried: number }>("scheduled", event);
        scheduledInvocations++;
        latencies.push(r.ms);
        if (!r.ok) {
          failures++;
          firstFailure ||= r.error ?? "unknown error";
        } else {
          flagged += r.value!.flagged;
          retried += r.value!.retried;
        }
        sent += count;
        left -= count;
        reporter.progress("stream", sent, o.transactions);
      }
      // HTTP: Poisson arrivals in real time, sent every 20 ms as one request
      let httpRequests = 0;
      let batch: LiveTransaction[] = [];
      let windowEnd = performance.now() + 20;
      const post = async (txs: LiveTransaction[]) => {
        for (const t of txs) expected.add(t.id);
        const event = {
          version: "2.0",
          rawPath: "/",
          headers: { "content-type": "application/json" },
          requestContext: { http: { method: "POST", path: "/" } },
          body: JSON.stringify({ transactions: txs }),
          isBase64Encoded: false,
        };
        const r = await host.invoke<{ statusCode: number; body: string }>("http", event);
        httpRequests++;
        latencies.push(r.ms);
        if (!r.ok || r.value!.statusCode !== 200) {
          failures++;
          firstFailure ||= r.error ?? `HTTP ${r.value!.statusCode}: ${r.value!.body}`;
        } else {
          flagged += (JSON.parse(r.value!.body) as { flagged: number }).flagged;
        }
        sent += txs.length;
        reporter.progress("stream", sent, o.transactions);
      };
      for await (const t of transactionStream({ rate: o.rate, count: httpCount, seed: o.seed + 1, start: t0 })) {
        batch.push(t);
        if (performance.now() >= windowEnd || batch.length >= 500) {
          await post(batch);
          batch = [];
          windowEnd = performance.now() + 20;
        }
      }
      if (batch.length > 0) await post(batch);
      const seconds = (performance.now() - started) / 1000;
      if (failures > 0) throw new Error(`${failures} invocation(s) failed; first: ${firstFailure}`);
      latencies.sort((a, b) => a - b);
      return [
        { expected, sent, flagged, retried, seconds, latencies, scheduledInvocations, httpRequests },
        `${sent} sent in ${scheduledInvocations} scheduled + ${httpRequests} HTTP invocations, ${flagged} flagged, ${(sent / seconds).toFixed(0)}/s`,
      ];
    });

    // 6. delivery: flush Firehose, read every GZIP object back, check each transaction arrived once
    const delivery = await stage("deliver", reporter, "flushing Firehose and checking the GZIP objects", times, async () => {
      await firehose!.flush();
      const seen = new Map<string, number>();
      let lines = 0;
      for (const key of firehose!.objects) {
        const text = gunzipSync(await readFile(join(firehoseDir, key))).toString("utf8");
        for (const line of text.split("\n")) {
          if (line === "") continue;
          lines++;
          const id = (JSON.parse(line) as { transactionId: string }).transactionId;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      let lost = 0;
      for (const id of streamed.expected) if (!seen.has(id)) lost++;
      const duplicates = lines - seen.size;
      const objects = firehose!.objects.length;
      if (lost > 0 || duplicates > 0) throw new Error(`${lost} transaction(s) lost and ${duplicates} duplicated in ${objects} object(s)`);
      return [{ delivered: seen.size, lost, duplicates, objects }, `${seen.size} records in ${objects} GZIP object(s) → ${rel(join(firehoseDir, FIREHOSE_PREFIX))}, none lost, none duplicated`];
    });

    const t = metrics.test!;
    return {
      data: { source: o.data ? resolve(o.data) : "generated", rows: dataset.rows, frauds, seed: o.seed },
      model: {
        prAuc: round(t.prAuc),
        rocAuc: round(t.rocAuc),
        precision: round(t.precision),
        recall: round(t.recall),
        f1: round(t.f1),
        threshold: round(metrics.threshold, 6),
        trainSeconds: round(metrics.trainSeconds, 3),
      },
      stream: {
        sent: streamed.sent,
        scheduledInvocations: streamed.scheduledInvocations,
        httpRequests: streamed.httpRequests,
        flagged: streamed.flagged,
        delivered: delivery.delivered,
        lost: delivery.lost,
        duplicates: delivery.duplicates,
        retried: streamed.retried,
        failRate: o.failRate,
        seconds: round(streamed.seconds, 3),
        throughputPerSecond: Math.round(streamed.sent / streamed.seconds),
        latencyMs: { p50: round(percentile(streamed.latencies, 50), 2), p99: round(percentile(streamed.latencies, 99), 2), max: round(streamed.latencies.at(-1) ?? 0, 2) },
        coldStartMs: round(lambda!.importMs, 1),
      },
      stages: times as Record<Stage, number>,
      outputs: {
        dir: o.out,
        report: join(modelDir, "report.html"),
        model: join(modelDir, "model.tar.gz"),
        metrics: join(modelDir, "metrics.json"),
        recordio,
        firehoseDir: join(firehoseDir, FIREHOSE_PREFIX),
        objects: delivery.objects,
        lambdaLog,
      },
    };
  } finally {
    await lambda?.close().catch(() => undefined);
    await endpoint?.close().catch(() => undefined);
    await firehose?.close().catch(() => undefined);
  }
}
