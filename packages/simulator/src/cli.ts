import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import cliProgress from "cli-progress";
import { CSV_COLUMNS } from "./columns.js";
import type { Dataset, LiveTransaction } from "./columns.js";
import { readCreditCardCsv, writeCsvRows } from "./csv.js";
import { CsvError, SimulatorError } from "./errors.js";
import { formatNumber } from "./format.js";
import { DEFAULT_FRAUD_RATE } from "./columns.js";
import { MAX_ROWS, generateDataset } from "./generate.js";
import { writeFileAtomic } from "./io.js";
import { readNdjson, writeNdjsonRows } from "./ndjson.js";
import { postTransactions, replayDataset, transactionStream } from "./stream.js";

const NAME = "fraud-sim";

function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}
function positiveArg(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    }
    return n;
  };
}
function rateArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n >= 1) {
    throw new InvalidArgumentError(`fraud rate must be a number in (0, 1), got "${value}"`);
  }
  return n;
}

type Format = "csv" | "ndjson";

function formatFor(path: string, explicit: Format | undefined): Format {
  if (explicit) return explicit;
  return /\.(ndjson|jsonl)$/i.test(path) ? "ndjson" : "csv";
}

async function readData(path: string): Promise<Dataset> {
  return formatFor(path, undefined) === "ndjson" ? readNdjson(path) : readCreditCardCsv(path);
}

/** Writes to stdout honouring back-pressure; resolves false once stdout is closed (EPIPE). */
let stdoutClosed = false;
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") stdoutClosed = true;
  else throw err;
});
function writeOut(text: string): Promise<void> | void {
  if (stdoutClosed) return;
  if (!process.stdout.write(text)) {
    return new Promise((resolve) => {
      const done = (): void => {
        process.stdout.off("drain", done);
        process.stdout.off("close", done);
        resolve();
      };
      process.stdout.once("drain", done);
      process.stdout.once("close", done);
    });
  }
}

const LIVE_CSV_HEADER = ["id", "timestamp", "channel", ...CSV_COLUMNS].map((c) => `"${c}"`).join(",");
function liveLine(t: LiveTransaction, format: Format): string {
  if (format === "ndjson") return `${JSON.stringify(t)}\n`;
  let line = `"${t.id}","${t.timestamp}","${t.channel}",${formatNumber(t.time)}`;
  for (const v of t.v) line += `,${formatNumber(v)}`;
  return `${line},${formatNumber(t.amount)},"${t.label === 1 ? 1 : 0}"\n`;
}

interface Progress {
  start(total: number, phase: string): void;
  update(done: number): void;
  stop(): void;
}
function progress(enabled: boolean): Progress {
  if (!enabled) return { start: () => undefined, update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: "{phase} [{bar}] {percentage}% | {value}/{total} rows | {duration}s", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      start(total, phase) {
        if (running) bar.stop();
        bar.start(total, 0, { phase });
        running = true;
      },
      update: (done) => bar.update(done),
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  // Not a terminal: a plain line at each quarter.
  let total = 0;
  let phase = "";
  let next = 0;
  return {
    start(t, p) {
      total = t;
      phase = p;
      next = 0.25;
    },
    update(done) {
      if (total > 0 && done / total >= next && next <= 1) {
        const pct = Math.floor((done / total) * 4) * 25;
        process.stderr.write(`${NAME}: ${phase} ${pct}% (${done}/${total} rows)\n`);
        next = pct / 100 + 0.25;
      }
    },
    stop: () => undefined,
  };
}

interface GenerateFlags {
  rows: number;
  seed: number;
  out: string;
  fraudRate?: number;
  format?: Format;
  progress: boolean;
}

async function generateCommand(flags: GenerateFlags): Promise<void> {
  const t0 = performance.now();
  const bar = progress(flags.progress);
  bar.start(flags.rows, "generate");
  let data: Dataset;
  try {
    data = generateDataset({
      rows: flags.rows,
      seed: flags.seed,
      ...(flags.fraudRate === undefined ? {} : { fraudRate: flags.fraudRate }),
      onProgress: (n) => bar.update(n),
    });
    bar.start(flags.rows, "write");
    const format = formatFor(flags.out, flags.format);
    await writeFileAtomic(flags.out, async (sink) => {
      if (format === "csv") {
        await sink.write(`${CSV_COLUMNS.map((c) => `"${c}"`).join(",")}\n`);
        await writeCsvRows(sink, data, (n) => bar.update(n));
      } else {
        await writeNdjsonRows(sink, data, (n) => bar.update(n));
      }
    });
  } finally {
    bar.stop();
  }
  let frauds = 0;
  for (let i = 0; i < data.rows; i++) frauds += data.labels[i] as number;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${NAME}: wrote ${data.rows} rows (${frauds} frauds) to ${flags.out} in ${seconds.toFixed(2)} s (seed ${flags.seed})\n`,
  );
}

interface EmitFlags {
  format: Format;
  target?: string;
  batchSize: number;
  concurrency: number;
}

async function emit(source: AsyncIterable<LiveTransaction>, flags: EmitFlags, what: string): Promise<void> {
  const t0 = performance.now();
  if (flags.target) {
    const result = await postTransactions(source, { url: flags.target, batchSize: flags.batchSize, concurrency: flags.concurrency });
    const seconds = (performance.now() - t0) / 1000;
    process.stderr.write(
      `${NAME}: ${what}: sent ${result.sent}, failed ${result.failed} in ${result.batches} batches to ${flags.target} in ${seconds.toFixed(2)} s\n`,
    );
    if (result.failed > 0) {
      process.stderr.write(`${NAME}: ${result.failed} transactions were not accepted (last error: ${result.lastError})\n`);
      process.exitCode = 1;
    }
    return;
  }
  let n = 0;
  if (flags.format === "csv") await writeOut(`${LIVE_CSV_HEADER}\n`);
  for await (const t of source) {
    if (stdoutClosed) break;
    await writeOut(liveLine(t, flags.format));
    n++;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`${NAME}: ${what}: wrote ${n} transactions in ${seconds.toFixed(2)} s\n`);
}

/** Builds the `fraud-sim` command line program. @internal */
export function buildProgram(): Command {
  const program = new Command(NAME)
    .description("Credit-card transactions like the public creditcard.csv: generate files, stream and replay them.")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  const formatOption = (def?: Format): Option => {
    const o = new Option("--format <format>", "output format").choices(["csv", "ndjson"]);
    return def ? o.default(def) : o;
  };

  program
    .command("generate")
    .description("write a seeded data set in the creditcard.csv layout (same seed, same bytes)")
    .requiredOption("--rows <n>", `number of rows (1 to ${MAX_ROWS})`, intArg("rows", 1, MAX_ROWS))
    .requiredOption("--seed <s>", "seed, a non-negative integer", intArg("seed", 0))
    .requiredOption("--out <file>", "output file (written to a temporary name, then renamed)")
    .option("--fraud-rate <r>", `share of frauds, in (0, 1) (default ${DEFAULT_FRAUD_RATE.toFixed(6)})`, rateArg)
    .addOption(formatOption().default(undefined, "from the file extension: .ndjson/.jsonl, else csv"))
    .option("--no-progress", "no progress bar or progress lines")
    .exitOverride()
    .action((flags: GenerateFlags) => generateCommand(flags));

  program
    .command("stream")
    .description("emit live transactions with Poisson arrivals to stdout, or POST them in batches to --target")
    .requiredOption("--rate <r>", "mean arrivals per second", positiveArg("rate"))
    .requiredOption("--duration <seconds>", "how long to stream", positiveArg("duration"))
    .requiredOption("--seed <s>", "seed, a non-negative integer", intArg("seed", 0))
    .addOption(formatOption("ndjson"))
    .option("--target <url>", "POST batches of {\"transactions\": [...]} to this URL instead of stdout")
    .option("--fraud-rate <r>", "share of frauds, in (0, 1)", rateArg)
    .option("--batch-size <n>", "transactions per POST", intArg("batch size", 1, 10_000), 25)
    .option("--concurrency <n>", "most POSTs in flight", intArg("concurrency", 1, 64), 2)
    .exitOverride()
    .action(async (flags: EmitFlags & { rate: number; duration: number; seed: number; fraudRate?: number }) => {
      const source = transactionStream({
        seed: flags.seed,
        rate: flags.rate,
        duration: flags.duration,
        ...(flags.fraudRate === undefined ? {} : { fraudRate: flags.fraudRate }),
      });
      await emit(source, flags, "stream");
    });

  program
    .command("replay")
    .description("replay a creditcard.csv (or .ndjson) file in its own time order, --speed times faster than real time")
    .requiredOption("--data <file>", "data file (creditcard.csv layout, or NDJSON by extension)")
    .requiredOption("--speed <x>", "speed-up over real time, e.g. 60", positiveArg("speed"))
    .addOption(formatOption("ndjson"))
    .option("--target <url>", "POST batches of {\"transactions\": [...]} to this URL instead of stdout")
    .option("--seed <s>", "seed for ids and channels", intArg("seed", 0), 0)
    .option("--batch-size <n>", "transactions per POST", intArg("batch size", 1, 10_000), 25)
    .option("--concurrency <n>", "most POSTs in flight", intArg("concurrency", 1, 64), 2)
    .exitOverride()
    .action(async (flags: EmitFlags & { data: string; speed: number; seed: number }) => {
      const data = await readData(flags.data);
      await emit(replayDataset(data, { speed: flags.speed, seed: flags.seed }), flags, "replay");
    });

  return program;
}

function cleanCommanderMessage(message: string): string {
  return message.replace(/^error:\s*/i, "").replace(/\s*\n[\s\S]*$/, "");
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. @internal */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      // Help shown because no command was given: a usage error.
      if (err.code === "commander.help") return 2;
      process.stderr.write(`${NAME}: ${cleanCommanderMessage(err.message)}\n`);
      if (err.code === "commander.missingArgument" || err.code === "commander.unknownCommand") {
        process.stderr.write(`${NAME}: see "${NAME} --help"\n`);
      }
      return 2;
    }
    if (err instanceof CsvError || err instanceof SimulatorError) {
      process.stderr.write(`${NAME}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`${NAME}: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
