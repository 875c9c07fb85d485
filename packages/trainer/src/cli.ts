// `fraud-train`: the command-line interface. `program` is exported so further subcommands can be
// registered on it before parsing.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SingleBar } from "cli-progress";
import { parseHyperparameterArgs } from "./hyperparameters.js";
import type { BinaryMetrics } from "./metrics.js";
import type { OperatingPoints } from "./operating-points.js";
import { ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { trainableAlgorithms, trainingPlugin } from "./models/training.js";
import { runEvaluation, runLocalTraining } from "./pipeline.js";
import { formatStages } from "./stages.js";
import type { MetricsDocument } from "./pipeline.js";
import { COMPARE_DEFAULT_ALGORITHMS, compareModels } from "./compare.js";
import type { ComparedModel, ComparisonDocument } from "./compare.js";
import type { RawHyperparameters } from "./models/training.js";
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

/** An anomaly detector's lines: its score against the fraud label and its threshold (no classifier criteria). */
function anomalyLines(doc: MetricsDocument): string {
  const a = doc.anomalyScore;
  if (!a) return "";
  const set = (name: string, x: NonNullable<typeof a.test>): string =>
    `${name}: ROC AUC ${x.rocAuc.toFixed(4)}, AP ${x.averagePrecision.toFixed(4)}; the threshold flags ${x.flagged} of ${x.rows} rows (${((100 * x.flagged) / Math.max(1, x.rows)).toFixed(2)}%)`;
  const lines = [`\nanomaly score against the fraud label (anomaly threshold ${a.threshold.toFixed(4)}: ${doc.thresholdReason})`];
  if (a.validation) lines.push(set("  validation", a.validation));
  if (a.test) lines.push(set("  test", a.test));
  return `${lines.join("\n")}\n`;
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
  .description("Train, evaluate, compare and package fraud models SageMaker's containers serve: Linear Learner, XGBoost, Random Cut Forest.")
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
  .option("--smote", "oversample the frauds of the training split with SMOTE (k=5, seeded) before training a classifier; validation and test are untouched")
  .option("--quiet", "no progress output")
  .option("--verbose", "print the seconds of each stage (read, split, scale, train, evaluate, operating points, report, archive) to stderr")
  .action(async (o: { data?: string; train?: string; validation?: string; test?: string; out: string; seed: number; algorithm: Algorithm; hp: string[]; workers?: number; balancedVariant?: boolean; smote?: boolean; quiet?: boolean; verbose?: boolean }) => {
    if (o.data === undefined && o.train === undefined) throw new CommanderError(2, "usage", "give --data FILE or --train FILE");
    if (o.train === undefined && (o.validation !== undefined || o.test !== undefined)) throw new CommanderError(2, "usage", "--validation and --test need --train");
    if (o.smote && !trainingPlugin(o.algorithm).supervised) throw new CommanderError(2, "usage", `--smote oversamples a classifier's training split; ${o.algorithm} is an anomaly detector`);
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
        ...(o.smote ? { smote: true } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
      progress.stop();
      const smoted = metrics.smote ? `SMOTE (k=${metrics.smote.k}): training split ${metrics.smote.before.rows} rows, ${metrics.smote.before.positives} frauds → ${metrics.smote.after.rows} rows, ${metrics.smote.after.positives} frauds\n` : "";
      process.stdout.write(
        `${metrics.title ?? metrics.algorithm} (${metrics.algorithm})\n${summaryTable([
          ["validation", metrics.validation],
          ["test", metrics.test],
        ])}\n\n${smoted}${trained.summary}\n${pointsTable(metrics.operatingPoints)}${anomalyLines(metrics)}wrote ${o.out}/model.tar.gz, metrics.json, report.html\n`,
      );
      if (o.verbose) process.stderr.write(`${formatStages(stages)}\n`);
    } finally {
      progress.stop();
    }
  });

program
  .command("evaluate")
  .description("score a labelled CSV with a model.tar.gz of any registered algorithm (a binary classifier or an anomaly detector; ours or SageMaker's)")
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
    const head = `${doc.title ?? doc.algorithm} (${doc.algorithm})\n${summaryTable([[o.data, doc.test]])}\n`;
    const tail = doc.anomalyScore ? anomalyLines(doc) : `\nthreshold ${doc.threshold.toFixed(4)} (${doc.thresholdReason})\n${pointsTable(doc.operatingPoints)}`;
    process.stdout.write(`${head}${tail}wrote ${o.out}/metrics.json, report.html\n`);
  });

/** `--algorithms a,b`: distinct classifiers that can be trained here. */
function classifierList(v: string): Algorithm[] {
  const names = v.split(",").map((x) => x.trim());
  const out: Algorithm[] = [];
  for (const n of names) {
    if (!isAlgorithm(n)) throw new InvalidArgumentError(`--algorithms takes a comma-separated list of ${classifierAlgorithms().join(", ")}, got ${quote(n)}`);
    if (!trainableAlgorithms().includes(n)) throw new InvalidArgumentError(`--algorithms: ${n} cannot be trained here`);
    if (!trainingPlugin(n).supervised) throw new InvalidArgumentError(`--algorithms: ${n} is an anomaly detector; compare it with --detector ${n}`);
    if (out.includes(n)) throw new InvalidArgumentError(`--algorithms: ${n} is listed twice`);
    out.push(n);
  }
  return out;
}

function classifierAlgorithms(): Algorithm[] {
  return trainableAlgorithms().filter((a) => trainingPlugin(a).supervised);
}

/** `--detector NAME`: an anomaly detector that can be trained here. */
function detectorName(v: string): Algorithm {
  const detectors = trainableAlgorithms().filter((a) => !trainingPlugin(a).supervised);
  if (!isAlgorithm(v) || !detectors.includes(v)) throw new InvalidArgumentError(`--detector must be one of ${detectors.join(", ")}, got ${quote(v)}`);
  return v;
}

/** `--hp algorithm.key=value` pairs, grouped by algorithm. */
function compareHyperparameters(pairs: readonly string[], inPlay: readonly Algorithm[]): Partial<Record<Algorithm, RawHyperparameters>> {
  const grouped: Partial<Record<Algorithm, string[]>> = {};
  for (const p of pairs) {
    const m = /^([a-z-]+)\.([^=]+=.*)$/s.exec(p);
    if (!m) throw new CommanderError(2, "usage", `--hp takes algorithm.key=value (e.g. xgboost.max_depth=5), got ${quote(p)}`);
    const algo = m[1]!;
    if (!isAlgorithm(algo) || !inPlay.includes(algo)) throw new CommanderError(2, "usage", `--hp ${quote(p)}: ${clip(algo)} is not compared here (${inPlay.join(", ")})`);
    (grouped[algo] ??= []).push(m[2]!);
  }
  const out: Partial<Record<Algorithm, RawHyperparameters>> = {};
  for (const [a, list] of Object.entries(grouped) as [Algorithm, string[]][]) out[a] = parseHyperparameterArgs(list);
  return out;
}

function compareTable(models: ComparedModel[], best: string): string {
  const head = ["  model", "val AP", "test AP", "test ROC AUC", "threshold", "precision", "recall", "TP/FP/FN", "train s"];
  const rows = models.map((m) => [
    `${m.name === best ? "* " : "  "}${m.title}`,
    m.validation.averagePrecision.toFixed(4),
    m.test.averagePrecision.toFixed(4),
    m.test.rocAuc.toFixed(4),
    m.threshold.toFixed(4),
    m.test.precision.toFixed(4),
    m.test.recall.toFixed(4),
    `${m.test.confusion.tp}/${m.test.confusion.fp}/${m.test.confusion.fn}`,
    m.trainSeconds.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

function compareSummary(doc: ComparisonDocument, out: string): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const t = doc.data.test;
  let text = `models on the same split (${doc.data.split ?? "given sets"}, seed ${doc.seed}); test: ${t.rows} rows, ${t.positives} frauds; precision and recall at each model's threshold\n`;
  text += `${compareTable(doc.classifiers, doc.best)}\n* highest validation AP\n`;
  const d = doc.detector;
  if (d) {
    text += `\n${d.title} (anomaly score): test ROC AUC ${d.test.rocAuc.toFixed(4)}, AP ${d.test.averagePrecision.toFixed(4)}; anomaly threshold ${d.threshold.toFixed(4)} flags ${d.test.flagged} test rows (precision ${d.test.precision.toFixed(4)}, recall ${d.test.recall.toFixed(4)})\n`;
    text += `classifier or anomalous, on test:\n`;
    for (const { classifier, evaluation: e } of doc.combined) {
      const c = doc.classifiers.find((x) => x.name === classifier)!;
      text +=
        `  ${c.title}: alone precision ${e.classifier.precision.toFixed(4)}, recall ${e.classifier.recall.toFixed(4)}; misses ${e.missedByClassifier} frauds, the anomaly flag catches ${e.caughtByDetector} of them (${pct(e.caughtShare)}); ` +
        `or-rule precision ${e.either.precision.toFixed(4)}, recall ${e.either.recall.toFixed(4)} (+${e.addedFalsePositives} false positives)\n`;
    }
  }
  return `${text}wrote ${out}/compare.json, compare.html and a folder per model (${[...doc.classifiers, ...(d ? [d] : [])].map((m) => m.name).join(", ")})\n`;
}

program
  .command("compare")
  .description("train classifiers (and optionally an anomaly detector) on the same split; writes DIR/compare.json, DIR/compare.html and a folder per model")
  .requiredOption("--data <file>", "one creditcard.csv, split 70/15/15 (stratified, seeded) once for every model")
  .requiredOption("--out <dir>", "output directory")
  .option("--seed <n>", "seed of the split, SMOTE and the training", int("--seed", 0), 0)
  .option("--algorithms <list>", `comma-separated classifiers (default ${COMPARE_DEFAULT_ALGORITHMS.join(",")})`, classifierList)
  .option("--smote-variant [list]", "also train on the SMOTE-oversampled training split: XGBoost's variant, or those of the comma-separated classifiers given")
  .option("--detector <name>", "an anomaly detector to train beside them and combine with each classifier (randomcutforest)", detectorName)
  .option("--hp <algorithm.key=value>", "a hyperparameter of one algorithm (repeatable), e.g. --hp xgboost.max_depth=5", collect, [])
  .option("--workers <n>", "Linear Learner's worker threads (default: all cores)", int("--workers", 0))
  .option("--quiet", "no progress output")
  .action(async (o: { data: string; out: string; seed: number; algorithms?: Algorithm[]; smoteVariant?: boolean | string; detector?: Algorithm; hp: string[]; workers?: number; quiet?: boolean }) => {
    const algorithms = o.algorithms ?? [...COMPARE_DEFAULT_ALGORITHMS];
    let smoteVariant: boolean | Algorithm[] = false;
    if (o.smoteVariant === true) {
      if (!algorithms.includes("xgboost")) throw new CommanderError(2, "usage", "--smote-variant alone is XGBoost's: add xgboost to --algorithms, or name the classifiers (--smote-variant linear-learner)");
      smoteVariant = true;
    } else if (typeof o.smoteVariant === "string") {
      try {
        smoteVariant = classifierList(o.smoteVariant);
      } catch (err) {
        throw new CommanderError(2, "usage", (err as Error).message.replace("--algorithms", "--smote-variant"));
      }
      const stray = smoteVariant.find((a) => !algorithms.includes(a));
      if (stray) throw new CommanderError(2, "usage", `--smote-variant ${stray}: not in --algorithms (${algorithms.join(",")})`);
    }
    const hyperparameters = compareHyperparameters(o.hp, [...algorithms, ...(o.detector ? [o.detector] : [])]);
    const doc = await compareModels({
      data: o.data,
      out: o.out,
      seed: o.seed,
      algorithms,
      smoteVariant,
      hyperparameters,
      ...(o.detector ? { detector: o.detector } : {}),
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
      ...(o.quiet
        ? {}
        : {
            onModel: (e) => {
              process.stderr.write(e.phase === "start" ? `[${e.index}/${e.total}] training ${e.title}…\n` : `[${e.index}/${e.total}] ${e.title} done in ${e.seconds!.toFixed(1)} s\n`);
            },
          }),
    });
    process.stdout.write(compareSummary(doc.document, o.out));
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
