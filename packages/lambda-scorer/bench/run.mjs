// Scorer benchmarks, one JSON line each (load average first):
//  - core: simulator → scoreTransactions → in-process Firehose fake, embedded model and endpoint
//    scorer (text/csv serialisation + response parsing against an in-process InvokeEndpoint fake);
//    the same with 30% of Firehose entries failing (back-off waits skipped: CPU cost only);
//  - bundle: minified size; cold start of dist/lambda/index.mjs in a fresh Node process (median of
//    5) in endpoint mode and in embedded mode (30-feature model fetched from an S3 stand-in on
//    127.0.0.1 by the real S3 client, during init), plus the first scheduled invocation (100
//    transactions, to a Firehose stand-in on 127.0.0.1).
// Usage: node bench/run.mjs
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createModel, encodeModelArtifact } from "@fraud/trainer/model";
import { createEmbeddedScorer, createEndpointScorer, drawTransactions, scoreTransactions } from "@fraud/lambda-scorer";

const print = (o) => console.log(JSON.stringify(o));
print({ case: "load", loadAverage: loadavg().map((l) => +l.toFixed(2)), node: process.version });

const params = { predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 };
const model = createModel(params);

/** Firehose fake: takes every entry, or fails `rate` of them (by a hash of the data and call). */
function fakeFirehose(rate = 0) {
  let call = 0;
  return {
    send: async (command) => {
      call++;
      const RequestResponses = command.input.Records.map((r, i) => {
        const h = rate === 0 ? 1 : createHash("sha1").update(r.Data).update(`${call}:${i}`).digest().readUInt32BE(0) / 2 ** 32;
        return h < rate ? { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." } : { RecordId: "r" };
      });
      return { FailedPutCount: RequestResponses.filter((r) => r.ErrorCode).length, RequestResponses };
    },
  };
}

/** InvokeEndpoint fake: parses the text/csv rows and answers JSON predictions of the model. */
const fakeEndpoint = {
  send: async (command) => {
    const rows = Buffer.from(command.input.Body).toString().split("\n").map((l) => l.split(",").map(Number));
    const predictions = model.predict(rows).map((p) => ({ score: p.score, predicted_label: p.predictedLabel }));
    return { Body: Buffer.from(JSON.stringify({ predictions })) };
  },
};

const noWait = { sleep: () => Promise.resolve() };
const cases = [
  ["core-embedded", createEmbeddedScorer(model), 0],
  ["core-endpoint-csv", createEndpointScorer({ client: fakeEndpoint, endpointName: "bench" }), 0],
  ["core-embedded-30pct-failing", createEmbeddedScorer(model), 0.3],
];
for (const [name, scorer, rate] of cases) {
  for (const [phase, batches] of [["warmup", 2], ["measure", 8]]) {
    const sets = Array.from({ length: batches }, (_, i) => drawTransactions(5000, { seed: i + 1, start: 0 }));
    const firehose = fakeFirehose(rate);
    const t0 = performance.now();
    let retried = 0;
    for (const txs of sets) retried += (await scoreTransactions(txs, { scorer, firehose, streamName: "bench", modelVersion: "bench", retry: noWait })).retried;
    const s = (performance.now() - t0) / 1000;
    if (phase === "measure") print({ case: name, transactions: batches * 5000, batchSize: 5000, retried, transactionsPerSecond: Math.round((batches * 5000) / s), seconds: +s.toFixed(2) });
  }
}

// --- the bundle in fresh processes
const dir = await mkdtemp(join(tmpdir(), "scorer-bench-"));
const artifact = Buffer.from(await encodeModelArtifact(params));
const s3 = createServer((req, res) => {
  if (req.url?.startsWith("/models/model.tar.gz")) {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(artifact.length) });
    res.end(artifact);
  } else {
    res.writeHead(404);
    res.end();
  }
});
const firehose = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const n = JSON.parse(Buffer.concat(chunks).toString()).Records.length;
    res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
    res.end(JSON.stringify({ FailedPutCount: 0, Encrypted: false, RequestResponses: Array.from({ length: n }, (_, i) => ({ RecordId: String(i) })) }));
  });
});
await Promise.all([s3, firehose].map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r))));
const url = (s) => `http://127.0.0.1:${s.address().port}`;

const bundle = join(import.meta.dirname, "../dist/lambda/index.mjs");
const zip = join(import.meta.dirname, "../dist/lambda/lambda.zip");
const probe = join(dir, "probe.mjs");
await writeFile(
  probe,
  `const t = performance.now();
const m = await import(${JSON.stringify(bundle)});
const initMs = performance.now() - t;
const context = { awsRequestId: "b", functionName: "bench", getRemainingTimeInMillis: () => 60000 };
const t1 = performance.now();
const r = await m.scheduled({ id: "bench-event", time: "2025-06-01T12:00:00Z", detail: { count: 100 } }, context);
if (r.delivered !== 100) throw new Error("bench invocation did not deliver");
process.stdout.write(JSON.stringify({ initMs, firstInvocationMs: performance.now() - t1 }));`,
);
const base = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_ENDPOINT_URL_FIREHOSE: url(firehose),
  AWS_ENDPOINT_URL_S3: url(s3),
  DELIVERY_STREAM_NAME: "bench",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_METRICS_DISABLED: "true",
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const modes = [
  ["cold-start-endpoint", { ENDPOINT_NAME: "fraud-detection-endpoint" }, false],
  ["cold-start-embedded", { SCORING_MODE: "embedded", MODEL_S3_URI: "s3://models/model.tar.gz" }, true],
];
try {
  for (const [name, env, invoke] of modes) {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const src = invoke ? probe : null;
      const args = src ? ["--no-warnings", src] : ["--no-warnings", "--input-type=module", "-e", `const t=performance.now();await import(${JSON.stringify(bundle)});process.stdout.write(JSON.stringify({initMs:performance.now()-t}))`];
      // asynchronous: the S3 and Firehose stand-ins answer from this process
      const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...base, ...env } });
      runs.push(JSON.parse(stdout));
    }
    const out = { case: name, initMsMedian: +median(runs.map((r) => r.initMs)).toFixed(1), initMsMin: +Math.min(...runs.map((r) => r.initMs)).toFixed(1) };
    if (invoke) out.firstInvocationMsMedian = +median(runs.map((r) => r.firstInvocationMs)).toFixed(1);
    print(out);
  }
  print({ case: "bundle", bytes: (await stat(bundle)).size, zipBytes: (await stat(zip)).size, modelBytes: artifact.length });
} finally {
  s3.close();
  firehose.close();
  await rm(dir, { recursive: true, force: true });
}
