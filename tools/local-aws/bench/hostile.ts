// Hostile request bodies against the local endpoint, measured: 32 concurrent 6 MiB JSON bodies
// (nested 3 million deep; two million empty objects; a valid 6 MiB request for comparison), the
// endpoint in its own process. Prints one JSON line per case: statuses, wall time and the
// endpoint's peak RSS (sampled every 2 ms) above its idle RSS.
// Run: node --conditions=@fraud/source --import tsx bench/hostile.ts
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeModelArtifact } from "@fraud/trainer/model";
import { startEndpoint } from "../src/endpoint.js";

const SIX_MIB = 6 * 1024 * 1024;

if (process.argv[2] === "serve") {
  const server = await startEndpoint({ model: process.argv[3]! });
  await new Promise((r) => setTimeout(r, 200));
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  process.stdout.write(`${server.url}\n`);
  process.on("message", () => {
    clearInterval(sampler);
    process.send?.({ idleMiB: Math.round(idle / 2 ** 20), maxMiB: Math.round(peak / 2 ** 20) });
  });
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
} else {
  const dir = await mkdtemp(join(tmpdir(), "endpoint-hostile-"));
  const model = join(dir, "model.tar.gz");
  await writeModelArtifact(model, { predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 });
  const depth = 3 * 1024 * 1024 - 16;
  const row = `{"features":[${Array(30).fill("0.125").join(",")}]}`;
  const cases: [string, Buffer][] = [
    ["JSON nested 3 million deep (6 MiB)", Buffer.from(`{"instances":${"[".repeat(depth)}${"]".repeat(depth)}}`)],
    ["two million empty objects (6 MiB)", Buffer.from(`{"instances":[${Array(Math.floor((SIX_MIB - 20) / 3)).fill("{}").join(",")}]}`)],
    ["valid JSON, 30 features per instance (6 MiB)", Buffer.from(`{"instances":[${Array(Math.floor((SIX_MIB - 20) / (row.length + 1))).fill(row).join(",")}]}`)],
  ];
  for (const [name, body] of cases) {
    const child = spawn(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", import.meta.filename, "serve", model], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
    const url = await new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
    const t = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 32 }, () => fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => (await r.arrayBuffer(), r.status))),
    );
    const ms = performance.now() - t;
    const rss = await new Promise<{ idleMiB: number; maxMiB: number }>((resolve) => {
      child.once("message", (m) => resolve(m as { idleMiB: number; maxMiB: number }));
      child.send("rss");
    });
    child.kill("SIGTERM");
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    process.stdout.write(`${JSON.stringify({ case: name, bytes: body.length, concurrent: 32, statuses: counts, ms: Math.round(ms), rssGrowthMiB: rss.maxMiB - rss.idleMiB, load1: Number(loadavg()[0]!.toFixed(2)) })}\n`);
  }
  await rm(dir, { recursive: true, force: true });
}
