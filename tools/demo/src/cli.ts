/**
 * `npm start`: the whole fraud-detection pipeline on this machine, offline.
 * @packageDocumentation
 */
import { relative } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import cliProgress from "cli-progress";
import { DemoError, DemoOptionError, runDemo } from "./pipeline.js";
import type { DemoSummary, Reporter, Stage } from "./pipeline.js";

function num(kind: "int" | "float") {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || (kind === "int" && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`not ${kind === "int" ? "an integer" : "a number"}: ${value}`);
    }
    return n;
  };
}

interface Flags {
  rows: number;
  data?: string;
  transactions: number;
  failRate: number;
  seed: number;
  out?: string;
  rate: number;
  json: boolean;
  quiet: boolean;
}

/** Progress lines (plain, for logs and CI) or bars (on a terminal), on stderr. */
function makeReporter(quiet: boolean): Reporter {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const say = (line: string) => {
    if (!quiet) process.stderr.write(line + "\n");
  };
  return {
    start(stage: Stage, what: string) {
      say(`[${stage}] ${what}`);
      if (tty && !quiet && (stage === "train" || stage === "stream")) {
        bar = new cliProgress.SingleBar({ format: `  ${stage} [{bar}] {percentage}% {value}/{total}`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(1, 0);
      }
    },
    progress(_stage: Stage, done: number, total: number) {
      if (bar) {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    end(stage: Stage, seconds: number, what: string) {
      bar?.stop();
      bar = undefined;
      say(`[${stage}] ${what} (${seconds.toFixed(1)} s)`);
    },
  };
}

function printSummary(s: DemoSummary): void {
  const rel = (p: string) => relative(process.cwd(), p) || ".";
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    "",
    "Fraud detection, end to end on this machine",
    `  data     ${s.data.rows.toLocaleString("en-US")} transactions, ${s.data.frauds} frauds (${s.data.source === "generated" ? `generated, seed ${s.data.seed}` : s.data.source})`,
    `  model    Linear Learner: test PR AUC ${s.model.prAuc.toFixed(3)}, ROC AUC ${s.model.rocAuc.toFixed(3)}, precision ${pct(s.model.precision)}, recall ${pct(s.model.recall)}, threshold ${s.model.threshold.toFixed(3)}, trained in ${s.model.trainSeconds.toFixed(1)} s`,
    `  stream   ${s.stream.sent} transactions (${s.stream.scheduledInvocations} scheduled + ${s.stream.httpRequests} HTTP invocations), ${s.stream.flagged} flagged, ${s.stream.throughputPerSecond.toLocaleString("en-US")}/s, latency p50 ${s.stream.latencyMs.p50.toFixed(1)} ms / p99 ${s.stream.latencyMs.p99.toFixed(1)} ms`,
    `  delivery ${s.stream.delivered} delivered, ${s.stream.lost} lost, ${s.stream.duplicates} duplicated, ${s.stream.retried} resent after Firehose failures (fail rate ${s.stream.failRate})`,
    `  stages   ${Object.entries(s.stages).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`,
    "",
    `  report   ${rel(s.outputs.report)}`,
    `  model    ${rel(s.outputs.model)}`,
    `  output   ${rel(s.outputs.firehoseDir)} (${s.outputs.objects} GZIP object${s.outputs.objects === 1 ? "" : "s"})`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

const program = new Command("fraud-demo")
  .description("Runs the whole fraud-detection pipeline offline: data, RecordIO, training, evaluation, local endpoint and Firehose, the bundled Lambda on a live stream.")
  .option("--rows <n>", "transactions to generate", num("int"), 284_807)
  .option("--data <file>", "use this creditcard.csv (e.g. the real one) instead of generated data")
  .option("--transactions <n>", "transactions to stream through the Lambda", num("int"), 4000)
  .option("--fail-rate <f>", "share of records the local Firehose fails (they must be retried)", num("float"), 0)
  .option("--seed <n>", "seed of data, split, training and stream", num("int"), 42)
  .option("--rate <r>", "mean HTTP arrivals per second (Poisson)", num("float"), 4000)
  .option("--out <dir>", "output folder (default runs/<timestamp>)")
  .option("--json", "print the summary as one JSON object on the last line of stdout", false)
  .option("--quiet", "no progress output", false)
  .showHelpAfterError()
  .exitOverride();

async function main(): Promise<void> {
  try {
    program.parse(process.argv);
  } catch (err) {
    const e = err as { exitCode?: number; code?: string };
    process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 2;
    return;
  }
  const f = program.opts<Flags>();
  try {
    const summary = await runDemo(
      { rows: f.rows, data: f.data, transactions: f.transactions, failRate: f.failRate, seed: f.seed, rate: f.rate, ...(f.out ? { out: f.out } : {}) },
      makeReporter(f.quiet || f.json),
    );
    if (f.json) process.stdout.write(JSON.stringify(summary) + "\n");
    else printSummary(summary);
  } catch (err) {
    const stage = err instanceof DemoError ? `stage ${err.stage} failed: ` : "";
    process.stderr.write(`fraud-demo: ${stage}${(err as Error).message}\n`);
    process.exitCode = err instanceof DemoOptionError ? 2 : 1;
  }
}

await main();
