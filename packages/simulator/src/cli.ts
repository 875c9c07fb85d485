import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_FRAUD_RATE } from "./columns.js";
import type { Dataset, LiveTransaction } from "./columns.js";
import { LIVE_CSV_HEADER, NAME, isStdoutClosed, liveLine, progress, writeOut } from "./cli-output.js";
import type { Format } from "./cli-output.js";
import { readCreditCardCsv } from "./csv-parse.js";
import type { ReadOptions } from "./csv-parse.js";
import { encodeCsvFile } from "./csv.js";
import { clip, isSimulatorError } from "./errors.js";
import { generateDataset } from "./generate.js";
import { checkWritable, writeFileAtomically } from "./io.js";
import { encodeNdjsonFile, readNdjson } from "./ndjson.js";
import { DEFAULT_MAX_LINE_BYTES, DURATION, FRAUD_RATE, MAX_LINE_BYTES, MAX_REPLAY_SPEED, MAX_ROWS, MAX_STREAM_RATE, MAX_STREAM_SECONDS, RATE, ROWS, SEED, SPEED, flagParser, integer } from "./options.js";
import type { OptionSpec } from "./options.js";
import { postTransactions } from "./post.js";
import { replayDataset, transactionStream } from "./stream.js";

/** A commander argument parser from an option spec: the same checks as the library's. */
const flag = <T>(name: string, s: OptionSpec<T>): ((text: string) => T) => flagParser(name, s, (m) => new InvalidArgumentError(m));

function formatFor(path: string, explicit: Format | undefined): Format {
  if (explicit) return explicit;
  return /\.(ndjson|jsonl)$/i.test(path) ? "ndjson" : "csv";
}

async function readData(path: string, options: ReadOptions): Promise<Dataset> {
  return formatFor(path, undefined) === "ndjson" ? readNdjson(path, options) : readCreditCardCsv(path, options);
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
  await checkWritable(flags.out);
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
    const encode = formatFor(flags.out, flags.format) === "csv" ? encodeCsvFile : encodeNdjsonFile;
    await writeFileAtomically(flags.out, encode(data, (n) => bar.update(n)));
  } finally {
    bar.stop();
  }
  let frauds = 0;
  for (let i = 0; i < data.rows; i++) frauds += data.labels[i] as number;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${NAME}: wrote ${data.rows} rows (${frauds} frauds) to ${flags.out} in ${seconds.toFixed(2)} s (seed ${flags.seed})\n`);
}

interface EmitFlags {
  format: Format;
  target?: string;
  batchSize: number;
  concurrency: number;
}

async function post(source: AsyncIterable<LiveTransaction>, flags: EmitFlags & { target: string }, what: string): Promise<void> {
  const t0 = performance.now();
  const result = await postTransactions(source, { url: flags.target, batchSize: flags.batchSize, concurrency: flags.concurrency });
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`${NAME}: ${what}: sent ${result.sent}, failed ${result.failed} in ${result.batches} batches to ${flags.target} in ${seconds.toFixed(2)} s\n`);
  if (result.failed > 0) {
    process.stderr.write(`${NAME}: ${result.failed} transactions were not accepted (last error: ${result.lastError})\n`);
    process.exitCode = 1;
  }
}

async function emit(source: AsyncIterable<LiveTransaction>, flags: EmitFlags, what: string): Promise<void> {
  if (flags.target) return post(source, { ...flags, target: flags.target }, what);
  const t0 = performance.now();
  let n = 0;
  if (flags.format === "csv") await writeOut(`${LIVE_CSV_HEADER}\n`);
  for await (const t of source) {
    if (isStdoutClosed()) break;
    await writeOut(liveLine(t, flags.format));
    n++;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`${NAME}: ${what}: wrote ${n} transactions in ${seconds.toFixed(2)} s\n`);
}

const formatOption = (def?: Format): Option => {
  const o = new Option("--format <format>", "output format").choices(["csv", "ndjson"]);
  return def ? o.default(def) : o;
};

/** The options `stream` and `replay` share: output format, target and POST settings. */
function addEmitOptions(command: Command): Command {
  return command
    .addOption(formatOption("ndjson"))
    .option("--target <url>", 'POST batches of {"transactions": [...]} to this URL instead of stdout')
    .option("--batch-size <n>", "transactions per POST, 1 to 10000", flag("batch size", integer(1, 10_000)), 25)
    .option("--concurrency <n>", "most POSTs in flight, 1 to 64", flag("concurrency", integer(1, 64)), 2);
}

function generateProgram(program: Command): void {
  program
    .command("generate")
    .description("write a seeded data set in the creditcard.csv layout (same seed, same bytes)")
    .requiredOption("--rows <n>", `number of rows (1 to ${MAX_ROWS})`, flag("rows", ROWS))
    .requiredOption("--seed <s>", "seed, an integer from 0 to 2^53-1", flag("seed", SEED))
    .requiredOption("--out <file>", "output file (written to a temporary name, flushed, then renamed; a device, FIFO or socket is written directly)")
    .option("--fraud-rate <r>", `share of frauds, in (0, 1) (default ${DEFAULT_FRAUD_RATE.toFixed(6)})`, flag("fraud rate", FRAUD_RATE))
    .addOption(formatOption().default(undefined, "from the file extension: .ndjson/.jsonl, else csv"))
    .option("--no-progress", "no progress bar or progress lines")
    .exitOverride()
    .action((flags: GenerateFlags) => generateCommand(flags));
}

function streamProgram(program: Command): void {
  const stream = program
    .command("stream")
    .description("emit live transactions with Poisson arrivals to stdout, or POST them in batches to --target")
    .requiredOption("--rate <r>", `mean arrivals per second, in (0, ${MAX_STREAM_RATE}]`, flag("rate", RATE))
    .requiredOption("--duration <seconds>", `how long to stream (wall time), in (0, ${MAX_STREAM_SECONDS}]`, flag("duration", DURATION))
    .requiredOption("--seed <s>", "seed, an integer from 0 to 2^53-1", flag("seed", SEED))
    .option("--fraud-rate <r>", "share of frauds, in (0, 1)", flag("fraud rate", FRAUD_RATE));
  addEmitOptions(stream)
    .exitOverride()
    .action(async (flags: EmitFlags & { rate: number; duration: number; seed: number; fraudRate?: number }) => {
      const { seed, rate, duration, fraudRate } = flags;
      await emit(transactionStream({ seed, rate, duration, ...(fraudRate === undefined ? {} : { fraudRate }) }), flags, "stream");
    });
}

function replayProgram(program: Command): void {
  const replay = program
    .command("replay")
    .description("replay a creditcard.csv (or .ndjson) file in its own time order, --speed times faster than real time")
    .requiredOption("--data <file>", "data file (creditcard.csv layout, or NDJSON by extension)")
    .requiredOption("--speed <x>", `speed-up over real time, in (0, ${MAX_REPLAY_SPEED}], e.g. 60`, flag("speed", SPEED))
    .option("--seed <s>", "seed for ids and channels", flag("seed", SEED), 0)
    .option("--max-line-bytes <n>", "longest line accepted in the data file, in bytes (64 to 1073741824)", flag("max line bytes", MAX_LINE_BYTES), DEFAULT_MAX_LINE_BYTES);
  addEmitOptions(replay)
    .exitOverride()
    .action(async (flags: EmitFlags & { data: string; speed: number; seed: number; maxLineBytes: number }) => {
      const data = await readData(flags.data, { maxLineBytes: flags.maxLineBytes });
      await emit(replayDataset(data, { speed: flags.speed, seed: flags.seed }), flags, "replay");
    });
}

/** Builds the `fraud-sim` command line program. @internal */
export function buildProgram(): Command {
  const program = new Command(NAME)
    .description("Credit-card transactions like the public creditcard.csv: generate files, stream and replay them.")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  generateProgram(program);
  streamProgram(program);
  replayProgram(program);
  return program;
}

/**
 * One line from a commander message: no `error:` prefix, no usage text, our own message alone for
 * a rejected flag value, and any value commander quotes cut to 80 characters.
 */
function cleanCommanderMessage(message: string): string {
  return message
    .replace(/^error:\s*/i, "")
    .replace(/^option '[^']*' argument '[\s\S]*?' is invalid\. /, "")
    .replace(/\s*\n[\s\S]*$/, "")
    .replace(/'([^']{81,})'/g, (_m, value: string) => `'${clip(value)}'`);
}

function commanderExit(err: CommanderError): number {
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
  // Help shown because no command was given: a usage error.
  if (err.code === "commander.help") return 2;
  process.stderr.write(`${NAME}: ${cleanCommanderMessage(err.message)}\n`);
  if (err.code === "commander.missingArgument" || err.code === "commander.unknownCommand") {
    process.stderr.write(`${NAME}: see "${NAME} --help"\n`);
  }
  return 2;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. @internal */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (isSimulatorError(err)) {
      process.stderr.write(`${NAME}: ${err.message}\n`);
      return err.code === "INVALID_ARGUMENT" ? 2 : 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${NAME}: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
