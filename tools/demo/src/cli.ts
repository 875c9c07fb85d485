/**
 * `npm start`: the whole fraud-detection pipeline on this machine, offline.
 * @packageDocumentation
 */
import { join, relative } from "node:path";
import cliProgress from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { z } from "zod";
import { isDemoError } from "./errors.js";
import { NUMERIC_OPTIONS, REPO_ROOT } from "./options.js";
import { DEFAULT_KEEP, pruneRuns } from "./runs.js";
import type { RunsSummary } from "./runs.js";
import { runDemo } from "./pipeline.js";
import type { DemoSummary } from "./summary.js";
import { modelTitle } from "./stages/train.js";
import type { Algorithm } from "@fraud/contracts";
import type { Reporter, Stage } from "./stages.js";

/** A commander parser checking a flag with the option's own schema. */
function flag(schema: z.ZodNumber): (raw: string) => number {
  const parse = z.string().transform((v) => (v.trim() === "" ? Number.NaN : Number(v))).pipe(schema);
  return (raw) => {
    const result = parse.safeParse(raw);
    if (result.success) return result.data;
    // the schema's message names the option and quotes the number; quote the text given instead
    const message = result.error.issues.at(-1)?.message ?? "invalid value";
    throw new InvalidArgumentError(`${message.replace(/, got .*$/, "")}, got ${JSON.stringify(raw.slice(0, 80))}`);
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
  keep: number;
}

/** Progress lines (plain, for logs and CI) or bars (on a terminal), on stderr. */
function makeReporter(quiet: boolean): Reporter {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const say = (line: string): void => {
    if (!quiet) process.stderr.write(`${line}\n`);
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
      bar?.setTotal(total);
      bar?.update(done);
    },
    end(stage: Stage, seconds: number, what: string) {
      bar?.stop();
      bar = undefined;
      say(`[${stage}] ${what} (${seconds.toFixed(1)} s)`);
    },
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}

function runsLine(r: RunsSummary | undefined, keep: number): string[] {
  if (!r) return [];
  const removed = r.removed.length > 0 ? `, ${r.removed.length} older removed` : "";
  return [`  runs     ${relative(process.cwd(), r.dir) || "."} keeps the last ${keep}: ${r.kept} run${r.kept === 1 ? "" : "s"}, ${mb(r.bytes)} on disk${removed}`, ""];
}

function summaryLines(s: DemoSummary): string[] {
  const rel = (p: string): string => relative(process.cwd(), p) || ".";
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const st = s.stream;
  const a = s.anomaly;
  const c = a.combined;
  const undelivered = st.deadLettered + st.refused > 0 ? `, ${st.deadLettered} in the on-failure destination, ${st.refused} refused to HTTP callers` : "";
  return [
    "",
    "Fraud detection, end to end on this machine",
    `  data     ${s.data.rows.toLocaleString("en-US")} transactions, ${s.data.frauds} frauds (${s.data.source === "generated" ? `generated, seed ${s.data.seed}; creditcard.csv: ${s.data.csvSeconds.toFixed(1)} s to write, overlapping serve and stream` : s.data.source})`,
    ...Object.values(s.models).map(
      (m) =>
        `  ${m.served ? "served" : "model "}   ${modelTitle(m.algorithm as Algorithm).padEnd(14)} test PR AUC ${m.prAuc.toFixed(3)}, ROC AUC ${m.rocAuc.toFixed(3)}, precision ${pct(m.precision)}, recall ${pct(m.recall)} at threshold ${m.threshold.toFixed(3)}; validation PR AUC ${m.validationPrAuc.toFixed(3)}; trained in ${m.trainSeconds.toFixed(1)} s`,
    ),
    `  threshold ${s.model.threshold.toFixed(3)}, chosen by ${s.model.criterion}`,
    `  anomaly  Random Cut Forest: fraud ROC AUC ${a.rocAuc.toFixed(3)}, PR AUC ${a.prAuc.toFixed(3)}, anomalous at score >= ${a.threshold.toFixed(3)}; trained in ${a.trainSeconds.toFixed(1)} s`,
    `  combined on the test split (${c.frauds} frauds): ${modelTitle(s.model.algorithm as Algorithm)} alone precision ${pct(c.classifier.precision)}, recall ${pct(c.classifier.recall)}; it misses ${c.missedByClassifier}, the anomaly flag catches ${c.caughtByDetector} of them; "classifier or anomalous" precision ${pct(c.either.precision)}, recall ${pct(c.either.recall)} (${c.addedFalsePositives} more false positives)`,
    `  stream   ${st.sent} transactions (${st.scheduledInvocations} scheduled + ${st.httpRequests} HTTP invocations), ${st.flagged} flagged, ${st.anomalous} anomalous, ${st.throughputPerSecond.toLocaleString("en-US")}/s, latency p50 ${st.latencyMs.p50.toFixed(1)} ms / p99 ${st.latencyMs.p99.toFixed(1)} ms`,
    `  delivery ${st.delivered} delivered, ${st.lost} lost, ${st.duplicates} duplicated${undelivered} (fail rate ${st.failRate}: ${st.retried} records resent by the Lambda, ${st.lambdaRetries} Lambda retries, ${st.clientResent} re-sent by HTTP clients)`,
    `  stages   ${Object.entries(s.stages).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`,
    "",
    `  report   ${rel(s.outputs.report)}`,
    `  model    ${rel(s.outputs.model)}`,
    `  output   ${rel(s.outputs.firehoseDir)} (${s.outputs.objects} GZIP object${s.outputs.objects === 1 ? "" : "s"})`,
    "",
  ];
}

const program = new Command("fraud-demo")
  .description("Runs the whole fraud-detection pipeline offline: data, RecordIO, training, evaluation, local endpoint and Firehose, the bundled Lambda on a live stream.")
  .option("--rows <n>", "transactions to generate", flag(NUMERIC_OPTIONS.rows), 284_807)
  .option("--data <file>", "use this creditcard.csv (e.g. the real one) instead of generated data")
  .option("--transactions <n>", "transactions to stream through the Lambda", flag(NUMERIC_OPTIONS.transactions), 4000)
  .option("--fail-rate <f>", "share of records the local Firehose fails (the scorer must resend them)", flag(NUMERIC_OPTIONS.failRate), 0)
  .option("--seed <n>", "seed of data, split, training and stream", flag(NUMERIC_OPTIONS.seed), 42)
  .option("--rate <r>", "mean HTTP arrivals per second (Poisson)", flag(NUMERIC_OPTIONS.rate), 4000)
  .option("--out <dir>", "output folder (default runs/<timestamp>)")
  .option("--keep <n>", "run folders kept under runs/ (the oldest are removed; folders given with --out are never touched)", flag(NUMERIC_OPTIONS.keep), DEFAULT_KEEP)
  .option("--json", "print the summary as one JSON object on the last line of stdout", false)
  .option("--quiet", "no progress output", false)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(`fraud-demo: ${str.replace(/^error: /, "")}`) })
  .exitOverride();

async function main(): Promise<void> {
  try {
    program.parse(process.argv);
  } catch (err) {
    const e = err as { code?: string };
    process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 2;
    return;
  }
  const f = program.opts<Flags>();
  try {
    const summary: DemoSummary & { runs?: RunsSummary } = await runDemo(
      { rows: f.rows, data: f.data, transactions: f.transactions, failRate: f.failRate, seed: f.seed, rate: f.rate, ...(f.out ? { out: f.out } : {}) },
      makeReporter(f.quiet || f.json),
    );
    // only runs in the default folder are pruned: a folder given with --out is the user's
    if (!f.out) summary.runs = await pruneRuns(join(REPO_ROOT, "runs"), f.keep, summary.outputs.dir);
    process.stdout.write(f.json ? `${JSON.stringify(summary)}\n` : [...summaryLines(summary), ...runsLine(summary.runs, f.keep)].join("\n"));
  } catch (err) {
    const stage = isDemoError(err, "STAGE_FAILED") ? `stage ${err.stage} failed: ` : "";
    process.stderr.write(`fraud-demo: ${stage}${(err as Error).message}\n`);
    process.exitCode = isDemoError(err, "INVALID_ARGUMENT") ? 2 : 1;
  }
}

await main();
