// Local endpoint benchmark: rows/s on 1,000-row text/csv requests and single-row latency, with
// concurrent keep-alive clients against `fraud-local endpoint` running in its own process.
// Prints one JSON line per case. Usage: node bench/run.mjs [seconds-per-case]
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { writeModelArtifact } from "@fraud/trainer/model";

const seconds = Number(process.argv[2] ?? 3);
const dir = await mkdtemp(join(tmpdir(), "endpoint-bench-"));
const model = join(dir, "model.tar.gz");
await writeModelArtifact(model, { predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 });
const child = spawn(process.execPath, [join(import.meta.dirname, "../bin/fraud-local.js"), "endpoint", "--model", model, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    const m = /http:\/\/[\d.]+:\d+/.exec(out);
    if (m) resolve(new URL(m[0]));
  });
  child.on("exit", (c) => reject(new Error(`endpoint exited ${c}`)));
});
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const rng = xoroshiro128plus(1);
const rnd = () => uniformFloat64(rng) * 4 - 2;
const row = () => Array.from({ length: 30 }, () => rnd().toFixed(6)).join(",");
const big = Buffer.from(Array.from({ length: 1000 }, row).join("\n"));
const small = Buffer.from(row());

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: "/endpoints/fraud-detection-endpoint/invocations", method: "POST", agent, headers: { "content-type": "text/csv", "content-length": body.length } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function runCase(name, body, rowsPerRequest, clients) {
  const latencies = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await post(body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  console.log(JSON.stringify({ case: name, clients, requests: latencies.length, rowsPerSecond: Math.round((latencies.length * rowsPerRequest) / elapsed), p50Ms: +q(0.5).toFixed(3), p99Ms: +q(0.99).toFixed(3), seconds: +elapsed.toFixed(2) }));
}

try {
  await runCase("warmup", big, 1000, 4);
  await runCase("csv-1000-rows", big, 1000, 4);
  await runCase("csv-1-row", small, 1, 8);
} finally {
  child.kill("SIGTERM");
  agent.destroy();
  await rm(dir, { recursive: true, force: true });
}
