// Speed of the generator and the creditcard.csv codec. One JSON line per case on stdout:
// {"case", "op", "rows", "bytes", "seconds", "rowsPerSecond", "mbPerSecond"}; best of a few runs.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeCreditCardRows, generateDataset, readCreditCardCsv, writeCreditCardCsv, CsvParser } from "../dist/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 284_807);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function best(fn) {
  let min = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}
function report(name, op, rows, bytes, seconds) {
  const line = { case: name, op, rows, bytes, seconds: +seconds.toFixed(4), rowsPerSecond: Math.round(rows / seconds) };
  if (bytes) line.mbPerSecond = +(bytes / 1e6 / seconds).toFixed(1);
  console.log(JSON.stringify(line));
}

const dir = await mkdtemp(join(tmpdir(), "fraud-sim-bench-"));
try {
  let data;
  const genBig = await best(() => {
    data = generateDataset({ rows: 2_000_000, seed: 1 });
  });
  report("generate-2000000", "generate", 2_000_000, 0, genBig);
  const gen = await best(() => {
    data = generateDataset({ rows: ROWS, seed: 1 });
  });
  report(`generate-${ROWS}`, "generate", ROWS, 0, gen);

  let bytes;
  const enc = await best(() => {
    bytes = encodeCreditCardRows(data);
  });
  report(`csv-encode-${ROWS}`, "encode", ROWS, bytes.length, enc);

  const parse = await best(() => {
    const p = new CsvParser("mem");
    for (let i = 0; i < bytes.length; i += 1 << 20) p.push(bytes.subarray(i, i + (1 << 20)));
    p.finish();
  });
  report(`csv-parse-${ROWS}`, "parse", ROWS, bytes.length, parse);

  const path = join(dir, "creditcard.csv");
  const write = await best(() => writeCreditCardCsv(path, data));
  const size = (await stat(path)).size;
  report(`csv-write-file-${ROWS}`, "write", ROWS, size, write);
  const read = await best(() => readCreditCardCsv(path));
  report(`csv-read-file-${ROWS}`, "read", ROWS, size, read);

  const full = await best(async () => {
    await writeCreditCardCsv(path, generateDataset({ rows: 284_807, seed: 1 }));
  });
  report("generate-and-write-284807", "generate+write", 284_807, size, full);
} finally {
  await rm(dir, { recursive: true, force: true });
}
