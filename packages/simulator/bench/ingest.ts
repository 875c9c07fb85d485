// CSV ingest throughput of readCreditCardCsv (one thread, streaming) and of the parallel read
// (chunks claimed and counted by this thread and worker threads started beforehand, as
// fraud-train's pool is, the parts cut by planCsvChunks, then claimed and parsed from the file,
// each written in place into shared arrays, joined by joinCreditCardCsvParts without a copy) against pandas'
// read_csv, timed interleaved in the same run (ours, ours in parallel, then pandas', RUNS times)
// so the machine's load hits all alike. Two files:
// a full-precision creditcard-layout file (shortest round-trip doubles, 16-17 significant digits,
// as pandas' to_csv writes them; 199,365 rows, about 113 MB) and the simulator's own output
// (284,807 rows). Prints one JSON line per case; pandas is skipped, visibly, where Python or pandas
// is missing. Usage: node --expose-gc --conditions=@fraud/source --import tsx bench/ingest.ts
//   env BENCH_RUNS (default 5), BENCH_PYTHON (default: python3, then /usr/bin/python3)
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CSV_COLUMNS, csvChunksRead, generateDataset, joinCreditCardCsvParts, parseClaimedCsvParts, planCsvChunks, readClaimedCsvChunks, readCreditCardCsv, sharedCsvFile, writeCreditCardCsv } from "../src/index.js";
import type { ClaimedCsvPart, CsvPart, Dataset, SharedCsvFile, SharedCsvParts } from "../src/index.js";

const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
/** Worker threads for the parallel read, started (and booted) before any timing. */
const workers = Array.from({ length: Math.max(0, THREADS - 1) }, () => new Worker(new URL("ingest-worker.mjs", import.meta.url), { execArgv: ["--conditions=@fraud/source"] }));

/** Parts per thread, claimed one at a time (a thread slowed by the machine's load does fewer). */
const PARTS_PER_THREAD = Number(process.env.BENCH_PARTS_PER_THREAD ?? 4);

/** Posts a task to every worker; resolves with their answers. */
function everyWorker<T>(task: SharedCsvFile | SharedCsvParts): Promise<T[]> {
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<T>((resolve) => {
          w.once("message", resolve);
          w.postMessage(task);
        }),
    ),
  );
}

/**
 * Reads a file in chunks this thread and the workers claim (each counting its line feeds), cuts
 * it into parts from those counts (planCsvChunks), which the threads claim in turn, each part read
 * from the file and written in place into shared result arrays; joined without a copy.
 */
async function readParallel(path: string): Promise<Dataset> {
  const file = sharedCsvFile(path, (await stat(path)).size, (workers.length + 1) * PARTS_PER_THREAD);
  const reading = everyWorker<number>(file);
  readClaimedCsvChunks(file);
  if (!csvChunksRead(file)) await reading;
  const plan = planCsvChunks(file);
  const room = plan.rows.at(-1)!;
  const task: SharedCsvParts = {
    path,
    length: file.length,
    bounds: plan.bounds,
    rows: plan.rows,
    features: new SharedArrayBuffer(room * 30 * 8),
    labels: new SharedArrayBuffer(room),
    next: new SharedArrayBuffer(4),
    file: path,
  };
  await reading;
  const others = everyWorker<ClaimedCsvPart[]>(task);
  const parts: CsvPart[] = [];
  for (const { index, part } of parseClaimedCsvParts(task)) parts[index] = part;
  for (const done of await others) for (const { index, part } of done) parts[index] = part;
  const failed = parts.findIndex((p) => p !== undefined && p.error !== null);
  return joinCreditCardCsvParts(failed >= 0 ? parts.slice(0, failed + 1) : parts, {
    file: path,
    into: { features: new Float64Array(task.features), labels: new Uint8Array(task.labels) },
  });
}

/** A full garbage collection, when the bench runs with --expose-gc (its nx target does). */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node.js ${process.versions.node}`;

/** The simulator's rows written with full double precision, each V value nudged off its short decimal. */
function fullPrecisionCsv(data: Dataset): Uint8Array {
  const parts: string[] = [CSV_COLUMNS.map((c) => `"${c}"`).join(",")];
  for (let r = 0; r < data.rows; r++) {
    const f = data.features.subarray(r * 30, r * 30 + 30);
    const row: string[] = [String(f[0])];
    for (let c = 1; c < 29; c++) row.push(String((f[c] as number) * (1 + 1e-9 * (((r * 31 + c) % 97) + 1))));
    row.push(String(f[29]), String(data.labels[r]));
    parts.push(row.join(","));
  }
  return new TextEncoder().encode(parts.join("\n") + "\n");
}

/** A running pandas reader, or the reason there is none. */
async function startPandas(): Promise<{ read: (path: string) => Promise<number>; stop: () => void; version: string } | string> {
  const script = fileURLToPath(new URL("pandas_read.py", import.meta.url));
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ["python3", "/usr/bin/python3"];
  const python = candidates.find((p) => spawnSync(p, ["-c", "import pandas"], { stdio: "ignore" }).status === 0);
  if (!python) return `no python with pandas among ${candidates.join(", ")}`;
  const child = spawn(python, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string) ?? "null");
  const hello = await next();
  return {
    version: `pandas ${hello.pandas} (${python})`,
    read: async (path) => {
      child.stdin.write(path + "\n");
      return (await next()).seconds as number;
    },
    stop: () => child.stdin.end(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = await mkdtemp(join(tmpdir(), "fraud-sim-ingest-"));
const pandas = await startPandas();
if (typeof pandas === "string") process.stderr.write(`pandas comparison skipped: ${pandas}\n`);
try {
  const full = join(dir, "creditcard-full-precision.csv");
  await writeFile(full, fullPrecisionCsv(generateDataset({ rows: 199_365, seed: 7 })));
  const sim = join(dir, "creditcard-simulated.csv");
  await writeCreditCardCsv(sim, generateDataset({ rows: 284_807, seed: 1 }));
  for (const [name, path] of [["full-precision-199365", full], ["simulator-284807", sim]] as const) {
    const bytes = (await stat(path)).size;
    const ours: number[] = [];
    const parallel: number[] = [];
    const theirs: number[] = [];
    const once = await readCreditCardCsv(path); // warm-up
    const inParts = await readParallel(path);
    const view = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    if (once.rows !== inParts.rows || Buffer.compare(view(once.features), view(inParts.features)) !== 0 || Buffer.compare(once.labels, inParts.labels) !== 0) {
      throw new Error(`${name}: the parallel read differs from the one-pass read`);
    }
    if (typeof pandas !== "string") await pandas.read(path);
    const loadBefore = load();
    for (let i = 0; i < RUNS; i++) {
      // Each read starts from a collected heap, as a program's one read of a file does: the garbage
      // of the read before it is not its cost (pandas_read.py collects before each read too).
      collect();
      const t0 = performance.now();
      await readCreditCardCsv(path);
      ours.push((performance.now() - t0) / 1000);
      collect();
      const t1 = performance.now();
      await readParallel(path);
      parallel.push((performance.now() - t1) / 1000);
      if (typeof pandas !== "string") theirs.push(await pandas.read(path));
    }
    const mb = (s: number) => Number((bytes / 1e6 / s).toFixed(1));
    const line: Record<string, unknown> = {
      case: name,
      bytes,
      runs: RUNS,
      oursBestSeconds: Number(Math.min(...ours).toFixed(3)),
      oursMBps: mb(Math.min(...ours)),
      oursMedianMBps: mb(median(ours)),
      parallelThreads: workers.length + 1,
      parallelBestSeconds: Number(Math.min(...parallel).toFixed(3)),
      parallelMBps: mb(Math.min(...parallel)),
      parallelMedianMBps: mb(median(parallel)),
    };
    if (typeof pandas !== "string") {
      Object.assign(line, {
        pandasBestSeconds: Number(Math.min(...theirs).toFixed(3)),
        pandasMBps: mb(Math.min(...theirs)),
        pandasMedianMBps: mb(median(theirs)),
        ratioBest: Number((Math.min(...theirs) / Math.min(...ours)).toFixed(2)),
        ratioMedian: Number((median(theirs) / median(ours)).toFixed(2)),
        parallelRatioBest: Number((Math.min(...theirs) / Math.min(...parallel)).toFixed(2)),
        parallelRatioMedian: Number((median(theirs) / median(parallel)).toFixed(2)),
        pandas: pandas.version,
      });
    } else line.pandas = `skipped: ${pandas}`;
    line.load = `${loadBefore} -> ${load()}`;
    line.machine = machine;
    line.at = new Date().toISOString();
    console.log(JSON.stringify(line));
  }
} finally {
  if (typeof pandas !== "string") pandas.stop();
  await Promise.all(workers.map((w) => w.terminate()));
  await rm(dir, { recursive: true, force: true });
}
