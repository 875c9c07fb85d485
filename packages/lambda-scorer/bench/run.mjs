// Scorer benchmarks, one JSON line each:
//  - end-to-end transactions/s: simulator → scoreTransactions → local endpoint (text/csv) → local Firehose,
//    through the real AWS SDK clients;
//  - bundle: minified size and import time of dist/lambda/index.mjs in a fresh Node process (median of 5).
// Usage: node bench/run.mjs
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { startEndpoint, startFirehose } from "@fraud/local-aws";
import { createModel } from "@fraud/trainer";
import { createEndpointScorer, drawTransactions, scoreTransactions } from "@fraud/lambda-scorer";

const dir = await mkdtemp(join(tmpdir(), "scorer-bench-"));
const model = createModel({ predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 });
const endpoint = await startEndpoint({ model });
const firehose = await startFirehose({ dir, bufferSeconds: 900 });
const creds = { accessKeyId: "local", secretAccessKey: "local" };
const sagemaker = new SageMakerRuntimeClient({ region: "us-east-1", endpoint: endpoint.url, credentials: creds });
const fh = new FirehoseClient({ region: "us-east-1", endpoint: firehose.url, credentials: creds });
const scorer = createEndpointScorer({ client: sagemaker, endpointName: "fraud-detection-endpoint" });
try {
  for (const [name, batches, batchSize] of [["warmup", 2, 5000], ["end-to-end", 8, 5000]]) {
    const sets = Array.from({ length: batches }, (_, i) => drawTransactions(batchSize, { seed: i + 1, start: 0 }));
    const t0 = performance.now();
    for (const txs of sets) await scoreTransactions(txs, { scorer, firehose: fh, streamName: "bench", modelVersion: "bench" });
    const s = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ case: name, transactions: batches * batchSize, batchSize, transactionsPerSecond: Math.round((batches * batchSize) / s), seconds: +s.toFixed(2) }));
  }
} finally {
  await endpoint.close();
  await firehose.close();
  sagemaker.destroy();
  fh.destroy();
  await rm(dir, { recursive: true, force: true });
}

const bundle = join(import.meta.dirname, "../dist/lambda/index.mjs");
const zip = join(import.meta.dirname, "../dist/lambda/lambda.zip");
const probe = `const t=performance.now();await import(${JSON.stringify(bundle)});process.stdout.write(String(performance.now()-t))`;
const times = [];
for (let i = 0; i < 5; i++) {
  const out = execFileSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", probe], {
    env: { PATH: process.env.PATH, AWS_REGION: "us-east-1", ENDPOINT_NAME: "e", DELIVERY_STREAM_NAME: "s" },
  });
  times.push(Number(out));
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ case: "bundle", bytes: (await stat(bundle)).size, zipBytes: (await stat(zip)).size, importMsMedian: +times[2].toFixed(1), importMsMin: +times[0].toFixed(1) }));
