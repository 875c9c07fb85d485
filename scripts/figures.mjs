#!/usr/bin/env node
// Measures the figures the READMEs state that a build or a bench can produce, and rewrites the
// marked blocks (`<!-- figures:NAME -->` … `<!-- /figures:NAME -->`) in README.md and
// packages/lambda-scorer/README.md, so the documents cannot drift from the build:
//   - the Lambda bundle: `index.mjs` and the deployed `lambda.zip`, in bytes;
//   - the bundle's cold start in both scoring modes (packages/infra/bench/cold-start.mjs: medians
//     of fresh processes against stand-ins on 127.0.0.1);
//   - `npm start`'s stage times (`node tools/demo/dist/cli.js --json --out <tmp>`);
// each with the machine's load average (os.loadavg) before and after.
// `npm run figures` builds what is measured first. Flags: --runs N (cold starts, default 5),
// --no-demo (no npm start run; its row is left out), --check (only say whether the blocks are current
// for the sizes; exit 1 when not).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, renameSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1 || runs > 50) fail(`--runs must be an integer from 1 to 50 (got ${JSON.stringify(args[runsAt + 1])})`);

function fail(message) {
  process.stderr.write(`figures: ${message}\n`);
  process.exit(1);
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(" / ");
const bytes = (n) => `${n.toLocaleString("en-US")} B (${(n / 1024).toFixed(0)} KiB)`;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Replaces the body of `<!-- figures:name -->` … `<!-- /figures:name -->` in a file; atomic. */
function rewrite(file, name, body) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const open = `<!-- figures:${name} -->`;
  const close = `<!-- /figures:${name} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) fail(`${file} has no ${open} … ${close} block`);
  const next = `${text.slice(0, a + open.length)}\n${body.trimEnd()}\n${text.slice(b)}`;
  if (next === text) return false;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, path);
  return true;
}

// 1. The bundle, as the build left it.
const bundleDir = join(root, "packages/lambda-scorer/dist/lambda");
const files = ["index.mjs", "lambda.zip"].map((f) => join(bundleDir, f));
for (const f of files) if (!existsSync(f)) fail(`${f} is missing: run "npm run figures" (it builds the bundle first) or "npx nx run lambda-scorer:bundle"`);
const [jsBytes, zipBytes] = files.map((f) => statSync(f).size);
if (flag("--check")) {
  const readme = readFileSync(join(root, "packages/lambda-scorer/README.md"), "utf8");
  const stated = (label) => Number(new RegExp(`\\| \`${label}\`[^|]*\\| ([\\d,]+) B`).exec(readme)?.[1]?.replaceAll(",", ""));
  const off = [["index.mjs", jsBytes], ["lambda.zip", zipBytes]].filter(([l, n]) => !(Math.abs(stated(l) - n) <= 0.05 * n));
  for (const [l, n] of off) process.stderr.write(`figures: the README states ${stated(l)} B for ${l}, the build made ${n} B\n`);
  process.exit(off.length === 0 ? 0 : 1);
}

const loadBefore = load();
const node = process.version;
const machine = `${cpus().length} cores, Node ${node.slice(1)}, ${process.platform} ${process.arch}`;
const today = new Date().toISOString().slice(0, 10);

// 2. Cold start in both modes.
process.stderr.write(`figures: cold start, ${runs} fresh processes per mode …\n`);
const coldLines = execFileSync(process.execPath, [join(root, "packages/infra/bench/cold-start.mjs")], {
  cwd: join(root, "packages/infra"),
  env: { ...process.env, RUNS: String(runs) },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
})
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l));
const cold = Object.fromEntries(coldLines.map((c) => [c.case, c]));
for (const k of ["cold-start-endpoint", "cold-start-embedded"]) if (!cold[k]) fail(`cold-start.mjs printed no ${k} line`);
const coldRow = (c) => `${seconds(c.initMs + c.firstInvokeMs)} (init ${seconds(c.initMs)} + first batch ${seconds(c.firstInvokeMs)})`;

// 3. npm start's stages.
let demo;
if (!flag("--no-demo")) {
  const cli = join(root, "tools/demo/dist/cli.js");
  if (!existsSync(cli)) fail(`${cli} is missing: run "npm run figures" (it builds the demo first)`);
  const out = mkdtempSync(join(tmpdir(), "figures-demo-"));
  process.stderr.write("figures: npm start (node tools/demo/dist/cli.js --json) …\n");
  const t0 = performance.now();
  try {
    const stdout = execFileSync(process.execPath, [cli, "--json", "--out", out], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
    demo = { summary: JSON.parse(stdout.trim().split("\n").pop()), wallMs: performance.now() - t0 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
const loadAfter = load();
const where = `${today}, ${machine}, load average ${loadBefore} before and ${loadAfter} after (1 / 5 / 15 min)`;

// 4. The blocks.
const lambdaBlock = `Measured by \`npm run figures\` on ${where}; cold starts are medians of ${runs} fresh processes
(\`packages/infra/bench/cold-start.mjs\`: import of \`index.mjs\` + one scheduled invocation of 100
transactions, against stand-ins on 127.0.0.1 for S3, the SageMaker runtime and Firehose — the
bundle's own work, without AWS's network or Lambda's sandbox start).

| what | figure |
| --- | --- |
| \`index.mjs\` (minified ESM, AWS SDK left to the runtime) | ${bytes(jsBytes)} |
| \`lambda.zip\` (what is deployed: \`index.mjs\` only) | ${bytes(zipBytes)} |
| cold start, endpoint mode | ${coldRow(cold["cold-start-endpoint"])} |
| cold start, embedded mode (30-feature \`model.tar.gz\` fetched from S3 and checked during init) | ${coldRow(cold["cold-start-embedded"])} |`;
const changed = [rewrite("packages/lambda-scorer/README.md", "lambda", lambdaBlock)];

const stageRows = demo
  ? Object.entries(demo.summary.stages)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(", ")
  : undefined;
const rootBlock = `Measured by \`npm run figures\` on ${where}:

| what | figure |
|---|---|
| Lambda bundle | \`index.mjs\` ${bytes(jsBytes)}, \`lambda.zip\` ${bytes(zipBytes)} (AWS SDK provided by the runtime) |
| Lambda cold start (bundle's own work, median of ${runs}) | ${coldRow(cold["cold-start-endpoint"])} with an endpoint; ${coldRow(cold["cold-start-embedded"])} embedded, the model fetched from S3 |
${demo ? `| \`npm start\`, whole pipeline after the build (${demo.summary.data.rows.toLocaleString("en-US")} rows, ${demo.summary.stream.sent.toLocaleString("en-US")} transactions) | ${seconds(demo.wallMs)} — stages: ${stageRows} |` : ""}`;
changed.push(rewrite("README.md", "summary", rootBlock));
process.stdout.write(
  `${JSON.stringify({ date: today, machine, loadBefore, loadAfter, indexMjsBytes: jsBytes, lambdaZipBytes: zipBytes, coldStart: { endpoint: cold["cold-start-endpoint"], embedded: cold["cold-start-embedded"] }, npmStart: demo ? { seconds: demo.wallMs / 1000, stages: demo.summary.stages } : null, rewritten: changed.some(Boolean) })}\n`,
);
