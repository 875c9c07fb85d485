// The scorer end to end through the local stand-ins, one JSON line per case: simulator →
// scoreTransactions → local endpoint (text/csv) → local Firehose, through the real AWS SDK
// clients (what the Lambda does, without the Lambda runtime). Batches of 5,000 transactions.
// Usage: node bench/scorer.mjs
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { createEndpointScorer, drawTransactions, scoreTransactions } from "@fraud/lambda-scorer";
import { createModel } from "@fraud/trainer/model";
import { startEndpoint, startFirehose } from "@fraud/local-aws";

const dir = await mkdtemp(join(tmpdir(), "scorer-bench-"));
const model = createModel({ predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 });
const endpoint = await startEndpoint({ model });
const firehose = await startFirehose({ dir, bufferSeconds: 900, maxBufferedMb: 1024 });
const creds = { accessKeyId: "local", secretAccessKey: "local" };
const sagemaker = new SageMakerRuntimeClient({ region: "us-east-1", endpoint: endpoint.url, credentials: creds });
const fh = new FirehoseClient({ region: "us-east-1", endpoint: firehose.url, credentials: creds });
const scorer = createEndpointScorer({ client: sagemaker, endpointName: "fraud-detection-endpoint" });
try {
  for (const [name, batches, batchSize] of [["warmup", 2, 5000], ["scorer-end-to-end", 8, 5000]]) {
    const sets = Array.from({ length: batches }, (_, i) => drawTransactions(batchSize, { seed: i + 1, start: 0 }));
    const t0 = performance.now();
    for (const txs of sets) {
      const r = await scoreTransactions(txs, { scorer, firehose: fh, streamName: "bench", modelVersion: "bench" });
      if (r.counts.failed > 0) throw new Error(`${r.counts.failed} records not delivered`);
    }
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
