// Peak resident memory of the streaming writer on N rows (default 10 million): rows are generated on
// the fly, encoded through the Node Transform and written to a file, so memory must stay flat.
// Prints one JSON line: {"case","op","rows","cols","bytes","seconds","peakRssMb","startRssMb"}.
// Usage: node bench/stream-rss.mjs [ROWS] [OUT_FILE]
import { createWriteStream, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createEncodeStream } from "../dist/node.js";
import { mulberry32 } from "./fixtures.mjs";

const rows = Number(process.argv[2] ?? 10_000_000);
const out = process.argv[3] ?? join(tmpdir(), `recordio-stream-${process.pid}.rec`);
const cols = 30;
const rand = mulberry32(1);

function* generate() {
  for (let i = 0; i < rows; i++) {
    const features = new Float32Array(cols);
    for (let j = 0; j < cols; j++) features[j] = rand() * 2 - 1;
    yield { features, label: rand() < 0.0017 ? 1 : 0 };
  }
}

const startRss = process.memoryUsage().rss;
let peak = startRss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const t0 = process.hrtime.bigint();
await pipeline(Readable.from(generate(), { highWaterMark: 256 }), createEncodeStream({ cols }), createWriteStream(out));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const bytes = statSync(out).size;
if (!process.argv[3]) rmSync(out, { force: true });
const mb = (n) => Math.round((n / 1048576) * 10) / 10;
process.stdout.write(JSON.stringify({ case: `stream-f32-${rows}x${cols}-labels`, op: "encode", rows, cols, bytes, seconds: Number(seconds.toPrecision(4)), peakRssMb: mb(peak), startRssMb: mb(startRss) }) + "\n");
