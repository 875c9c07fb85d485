// Scorer benchmarks, one JSON line each:
//  - bundle: minified size and import time of dist/lambda/index.mjs in a fresh Node process (median of 5).
// (The end-to-end case through the local endpoint and Firehose is in tools/local-aws/bench/scorer.mjs:
// packages never import tools.)
// Usage: node bench/run.mjs
import { execFileSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";

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
