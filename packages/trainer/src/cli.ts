// `fraud-train`: the command-line interface. `program` is exported so further subcommands can be
// registered on it before parsing.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SingleBar } from "cli-progress";
import { parseHyperparameterArgs } from "./hyperparameters.js";
import type { BinaryMetrics } from "./metrics.js";
import type { OperatingPoints } from "./operating-points.js";
import { ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { trainableAlgorithms } from "./models/training.js";
import { runEvaluation, runLocalTraining } from "./pipeline.js";
import { formatStages } from "./stages.js";
import type { TrainProgress } from "./train.js";
import { registerSagemakerCommands } from "./sagemaker/cli.js";
import { clip, quote } from "./text.js";

const NAME = "fraud-train";
/** Hyperparameters `evaluate` uses: the settings of the selection criteria. */
const EVALUATE_HP = ["f_beta", "target_recall", "target_precision"];

function int(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${quote(v)}`);
    return n;
  };
}

/** `--algorithm`: one of `ALGORITHMS` with a training plug-in. */
function algorithm(v: string): Algorithm {
  if (!isAlgorithm(v)) throw new InvalidArgumentError(`--algorithm must be one of ${ALGORITHMS.join(", ")}, got ${quote(v)}`);
  if (!trainableAlgorithms().includes(v)) throw new InvalidArgumentError(`--algorithm ${v} cannot be trained here; use one of ${trainableAlgorithms().join(", ")}`);
  return v;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function summaryTable(rows: [string, BinaryMetrics | null][]): string {
  const cols: [string, (m: BinaryMetrics) => string][] = [
    ["rows", (m) => String(m.rows)],
    ["frauds", (m) => String(m.positives)],
    ["precision", (m) => m.precision.toFixed(4)],
    ["recall", (m) => m.recall.toFixed(4)],
    ["F1", (m) => m.f1.toFixed(4)],
    ["ROC AUC", (m) => m.rocAuc.toFixed(4)],
    ["PR AUC", (m) => m.prAuc.toFixed(4)],
    ["TP/FP/FN", (m) => `${m.confusion.tp}/${m.confusion.fp}/${m.confusion.fn}`],
  ];
  const body = rows.filter((r): r is [string, BinaryMetrics] => r[1] !== null).map(([n, m]) => [n, ...cols.map(([, f]) => f(m))]);
  const head = ["set", ...cols.map(([h]) => h)];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function pointsTable(op: OperatingPoints | undefined): string {
  if (!op) return "";
  const useTest = op.points.some((p) => p.test !== null);
  const where = useTest ? "test" : op.tunedOn === "validation" ? "validation" : "in-sample";
  const rows = op.points.map((p) => {
    const m = useTest ? p.test! : p.tuned;
    return [`${p.selected ? "* " : "  "}${p.criterion}${p.weights === "balanced" ? " (balanced)" : ""}${p.met ? "" : " (target missed)"}`, p.threshold.toFixed(4), m.precision.toFixed(4), m.recall.toFixed(4)];
  });
  const head = ["  criterion", "threshold", `${where} precision`, `${where} recall`];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return `\noperating points (* = saved threshold; balanced weights: ${op.balanced})\n${[line(head), ...rows.map(line)].join("\n")}\n`;
}

function progressReporter(quiet: boolean): { onProgress?: (p: TrainProgress) => void; stop: () => void } {
  if (quiet) return { stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: "training [{bar}] {value}/{total} shard-epochs | best val loss {loss}", stream: process.stderr, hideCursor: true });
    let started = false;
    return {
      onProgress: (p) => {
        if (!started) {
          bar.start(p.total, 0, { loss: "-" });
          started = true;
        }
        bar.update(p.completed, { loss: Number.isFinite(p.bestValidationLoss) ? p.bestValidationLoss.toFixed(5) : "-" });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  return {
    onProgress: (p) => process.stderr.write(`epoch ${p.epoch + 1}: ${p.completed}/${p.total} shard-epochs, best validation loss ${p.bestValidationLoss.toFixed(6)}\n`),
    stop: () => undefined,
  };
}

/** The `fraud-train` command tree. */
export const program = new Command(NAME)
  .description("Train, evaluate and package SageMaker-Linear-Learner-compatible fraud models.")
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(`${NAME}: ${str.replace(/^error: /, "")}`) });

program
  .command("local")
  .description("train locally; writes DIR/model.tar.gz, DIR/metrics.json and DIR/report.html")
  .addOption(new Option("--data <file>", "one creditcard.csv, split 70/15/15 (stratified, seeded)").conflicts(["train", "validation", "test"]))
  .option("--train <file>", "training CSV")
  .option("--validation <file>", "validation CSV (default: a stratified 15% of --train)")
  .option("--test <file>", "test CSV")
  .requiredOption("--out <dir>", "output directory")
  .option("--seed <n>", "seed of the split and the training", int("--seed", 0), 0)
  .option("--algorithm <name>", `the algorithm, as SageMaker names it: ${ALGORITHMS.join(", ")}`, algorithm, DEFAULT_ALGORITHM)
  .option("--hp <key=value>", "the algorithm's SageMaker hyperparameter (repeatable), e.g. --hp mini_batch_size=200", collect, [])
  .option("--workers <n>", "worker threads (default: all cores)", int("--workers", 0))
  .option("--balanced-variant", "also train the positive_example_weight_mult=balanced grid in the same pass (twice the training work) and report its operating points")
  .option("--quiet", "no progress output")
  .option("--verbose", "print the seconds of each stage (read, split, scale, train, evaluate, operating points, report, archive) to stderr")
  .action(async (o: { data?: string; train?: string; validation?: string; test?: string; out: string; seed: number; algorithm: Algorithm; hp: string[]; workers?: number; balancedVariant?: boolean; quiet?: boolean; verbose?: boolean }) => {
    if (o.data === undefined && o.train === undefined) throw new CommanderError(2, "usage", "give --data FILE or --train FILE");
    if (o.train === undefined && (o.validation !== undefined || o.test !== undefined)) throw new CommanderError(2, "usage", "--validation and --test need --train");
    const progress = progressReporter(Boolean(o.quiet));
    try {
      const { trained, metrics, stages } = await runLocalTraining({
        out: o.out,
        seed: o.seed,
        algorithm: o.algorithm,
        hyperparameters: parseHyperparameterArgs(o.hp),
        ...(o.data !== undefined ? { data: o.data } : {}),
        ...(o.train !== undefined ? { train: o.train } : {}),
        ...(o.validation !== undefined ? { validation: o.validation } : {}),
        ...(o.test !== undefined ? { test: o.test } : {}),
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.balancedVariant ? { balancedVariant: true } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
      progress.stop();
      process.stdout.write(
        `${summaryTable([
          ["validation", metrics.validation],
          ["test", metrics.test],
        ])}\n\n${trained.summary}\n${pointsTable(metrics.operatingPoints)}wrote ${o.out}/model.tar.gz, metrics.json, report.html\n`,
      );
      if (o.verbose) process.stderr.write(`${formatStages(stages)}\n`);
    } finally {
      progress.stop();
    }
  });

program
  .command("evaluate")
  .description("score a labelled CSV with a Linear Learner binary-classifier model.tar.gz (ours or SageMaker's)")
  .requiredOption("--model <file>", "model.tar.gz")
  .requiredOption("--data <file>", "labelled CSV (creditcard.csv layout)")
  .requiredOption("--out <dir>", "output directory for metrics.json and report.html")
  .option("--threshold <t>", "override the model's threshold", (v: string) => {
    const t = Number(v);
    if (v.trim() === "" || !(t >= 0 && t <= 1)) throw new InvalidArgumentError(`--threshold must be a number in [0, 1], got ${quote(v)}`);
    return t;
  })
  .option("--hp <key=value>", "criterion setting for the operating points (repeatable): f_beta, target_recall, target_precision", collect, [])
  .action(async (o: { model: string; data: string; out: string; threshold?: number; hp: string[] }) => {
    const hyperparameters = parseHyperparameterArgs(o.hp);
    for (const k of Object.keys(hyperparameters)) {
      if (!EVALUATE_HP.includes(k)) throw new CommanderError(2, "usage", `--hp ${clip(k)}: evaluate takes only ${EVALUATE_HP.join(", ")}`);
    }
    const doc = await runEvaluation({ model: o.model, data: o.data, out: o.out, hyperparameters, ...(o.threshold !== undefined ? { threshold: o.threshold } : {}) });
    process.stdout.write(`${summaryTable([[o.data, doc.test]])}\n\nthreshold ${doc.threshold.toFixed(4)} (${doc.thresholdReason})\n${pointsTable(doc.operatingPoints)}wrote ${o.out}/metrics.json, report.html\n`);
  });

// `sagemaker`, `sagemaker-status`, `sagemaker-stop` (the AWS SDK is loaded only when one runs)
registerSagemakerCommands(program);

/** Parses `argv` and runs the command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
      if (err.code === "usage") process.stderr.write(`${NAME}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${NAME}: ${message.split(/\r?\n/, 1)[0]}\n`);
    return 1;
  }
}

process.exitCode = await main();
