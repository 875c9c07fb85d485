// Hostile HTTP events, measured: how long the HTTP handler's request check (`parseHttpRequest`,
// the first thing the handler does) takes to answer, and the process's peak RSS growth.
// Run: node --conditions=@fraud/source --import tsx bench/hostile.ts
import { loadavg } from "node:os";
import { parseHttpRequest } from "@fraud/lambda-scorer";

const post = (body: string): object => ({ headers: { "content-type": "application/json" }, requestContext: { http: { method: "POST" } }, body });
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const cases: [string, () => unknown][] = [
  ['body "[" × 5000 + "]" × 5000 (10 KB)', () => post("[".repeat(5000) + "]".repeat(5000))],
  ["body nested 500,000 deep (1 MiB)", () => post("[".repeat(500_000) + "]".repeat(500_000))],
  ["event.body an array nested 100,000 deep", () => ({ ...post("[]"), body: nested(100_000) })],
  ["event.headers nested 100,000 deep", () => ({ ...post("[]"), headers: { "content-type": nested(100_000) } })],
];
const base = process.memoryUsage.rss();
for (const [name, make] of cases) {
  const event = make();
  let best = Infinity;
  let status = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const res = parseHttpRequest(event);
    best = Math.min(best, performance.now() - t);
    status = "statusCode" in res ? res.statusCode : 200;
  }
  process.stdout.write(`${JSON.stringify({ case: name, status, ms: Number(best.toFixed(2)), rssGrowthMiB: Math.round((process.memoryUsage.rss() - base) / 2 ** 20), load1: Number(loadavg()[0]!.toFixed(2)) })}\n`);
}
