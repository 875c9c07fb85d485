// Cold start of the scorer bundle as each scoring mode runs it, for the cost/latency table: a fresh
// Node process imports `lambda-scorer/dist/lambda/index.mjs` (embedded mode: fetches and checks a
// 30-feature model.tar.gz from S3 during init) and runs one scheduled invocation of BATCH_SIZE
// (default 100) transactions. S3, the SageMaker runtime and Firehose are answered by a minimal
// stand-in on 127.0.0.1, so the figures are this machine's CPU and I/O, without AWS's network.
// Prints one JSON line per mode: {"case", "runs", "initMs", "firstInvokeMs", "totalMs"} (medians),
// and one for warm scoring: {"case": "warm-invoke", …}.
// Needs `nx run lambda-scorer:bundle` and `nx run trainer:build` first.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { encodeModelArtifact } from "@fraud/trainer/model";

const bundle = fileURLToPath(new URL("../../lambda-scorer/dist/lambda/index.mjs", import.meta.url));
if (!existsSync(bundle)) {
  console.error(`cold-start: ${bundle} not found (run "nx run lambda-scorer:bundle")`);
  process.exit(1);
}
const RUNS = Number(process.env.RUNS ?? 5);
const weights = Array.from({ length: 30 }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
const model = Buffer.from(await encodeModelArtifact({ weights, bias: -3.2, threshold: 0.5, predictorType: "binary_classifier" }));

function respond(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

// S3 GetObject (path style), InvokeEndpoint (text/csv) and Firehose PutRecordBatch.
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const target = req.headers["x-amz-target"];
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/models/fraud/model.tar.gz") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": model.length, etag: '"m"' });
      res.end(model);
    } else if (target === "Firehose_20150804.PutRecordBatch") {
      const n = JSON.parse(body).Records.length;
      const out = { FailedPutCount: 0, Encrypted: false, RequestResponses: Array.from({ length: n }, (_, i) => ({ RecordId: `r${i}` })) };
      respond(res, 200, "application/x-amz-json-1.1", JSON.stringify(out));
    } else if (req.method === "POST" && /^\/endpoints\/[^/]+\/invocations$/.test(path)) {
      const rows = body.trim().split("\n");
      respond(res, 200, "application/json", JSON.stringify({ predictions: rows.map(() => ({ score: 0.01, predicted_label: 0 })) }));
    } else {
      respond(res, 404, "text/plain", `not here: ${req.method} ${req.url}`);
    }
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}`;

// Runs in the fresh process: performance.now() counts from the process's start.
const child = `
const t0 = performance.now();
const mod = await import(${JSON.stringify(new URL(`file://${bundle}`).href)});
const t1 = performance.now();
const context = { functionName: "fraud-scorer", awsRequestId: "r", getRemainingTimeInMillis: () => 60000, callbackWaitsForEmptyEventLoop: true };
const event = (id) => ({ version: "0", id, "detail-type": "Scheduled Event", source: "aws.events", account: "123456789012", time: new Date().toISOString(), region: "us-east-1", resources: [], detail: {} });
await mod.scheduled(event("00000000-0000-0000-0000-000000000001"), context);
const t2 = performance.now();
const warm = [];
for (let i = 2; i < 12; i++) { const s = performance.now(); await mod.scheduled(event("00000000-0000-0000-0000-0000000000" + String(i).padStart(2, "0")), context); warm.push(performance.now() - s); }
console.log(JSON.stringify({ startMs: t0, initMs: t1 - t0, firstInvokeMs: t2 - t1, totalMs: t2, warmMs: warm.sort((a, b) => a - b)[5] }));
`;
const common = {
  ...process.env,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "fake",
  AWS_ENDPOINT_URL_S3: url,
  AWS_ENDPOINT_URL_FIREHOSE: url,
  AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: url,
  DELIVERY_STREAM_NAME: "fraud-detection-dev-results",
  POWERTOOLS_LOG_LEVEL: "ERROR",
  POWERTOOLS_METRICS_DISABLED: "true",
};
const modes = {
  embedded: { SCORING_MODE: "embedded", MODEL_S3_URI: "s3://models/fraud/model.tar.gz" },
  endpoint: { SCORING_MODE: "endpoint", ENDPOINT_NAME: "fraud-detection-dev-endpoint" },
};
const run = promisify(execFile);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Number(x.toFixed(1));
try {
  for (const [name, env] of Object.entries(modes)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      // Asynchronously: the stand-in answering the child runs in this process.
      const { stdout } = await run(process.execPath, ["--no-warnings", "--input-type=module", "-e", child], { env: { ...common, ...env }, encoding: "utf8" });
      runs.push(JSON.parse(stdout.trim().split("\n").at(-1)));
    }
    const pick = (k) => round(median(runs.map((r) => r[k])));
    console.log(JSON.stringify({ case: `cold-start-${name}`, runs: RUNS, initMs: pick("initMs"), firstInvokeMs: pick("firstInvokeMs"), totalMs: pick("totalMs") }));
    console.log(JSON.stringify({ case: `warm-invoke-${name}`, runs: RUNS, batch: Number(process.env.BATCH_SIZE ?? 100), ms: pick("warmMs") }));
  }
} finally {
  server.close();
}
