// `fraud-train compare`: several models trained on one split and evaluated on the same test rows,
// and what an anomaly detector adds to a classifier ("classifier or anomalous").
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ALGORITHMS, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { COLORS, esc, lineChart, prSteps, rocPoints } from "./charts.js";
import type { Marker, Series } from "./charts.js";
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { loadInput, loadRunInputs, source } from "./inputs.js";
import type { DataInput, DataSource } from "./inputs.js";
import { confusionMetrics, sweep } from "./metrics.js";
import type { Confusion } from "./metrics.js";
import { trainingPlugin } from "./models/training.js";
import type { RawHyperparameters } from "./models/training.js";
import { ensureDir } from "./outputs.js";
import { runLocalTraining } from "./pipeline.js";
import type { LocalTrainingResult, SmoteSummary, SplitCounts } from "./pipeline.js";
import { quote } from "./text.js";

/** The classifiers {@link compareModels} trains when none are named. @internal */
export const COMPARE_DEFAULT_ALGORITHMS: readonly Algorithm[] = Object.freeze(["linear-learner", "xgboost"] as const);

/** Inputs of {@link compareModels} (the `fraud-train compare` command). @public */
export interface CompareOptions {
  /** One data set (CSV file or in memory) split `DEFAULT_SPLIT` (stratified, seeded). Exclusive with `train`. */
  data?: DataInput;
  /** Training set (with `test`; validation defaults to a stratified 15% of it). */
  train?: DataInput;
  /** Validation set (only with `train`). */
  validation?: DataInput;
  /** Test set (required with `train`): every model is evaluated on these rows. */
  test?: DataInput;
  /** Output directory: `compare.json`, `compare.html` and one folder per model. */
  out: string;
  /** Seed of the split, SMOTE and every training. @defaultValue 0 */
  seed?: number;
  /**
   * The classifiers to train, as SageMaker names them, in this order.
   * @defaultValue ["linear-learner", "xgboost"]
   */
  algorithms?: readonly Algorithm[];
  /**
   * Also train classifiers on the SMOTE-oversampled training split (the AWS solution's second
   * variant): `true` for XGBoost's (XGBoost must be among `algorithms`), or the algorithms whose
   * variant to train.
   * @defaultValue false
   */
  smoteVariant?: boolean | readonly Algorithm[];
  /** An anomaly detector to train beside them (`randomcutforest`), evaluated alone and combined with each classifier. */
  detector?: Algorithm;
  /** Hyperparameters per algorithm (SageMaker names), e.g. `{ xgboost: { max_depth: 5 } }`; a SMOTE variant takes its algorithm's. */
  hyperparameters?: Readonly<Partial<Record<Algorithm, RawHyperparameters>>>;
  /** Worker threads of Linear Learner (see `TrainOptions.workers`). */
  workers?: number;
  /** Called as each model starts and finishes. */
  onModel?: (event: CompareProgress) => void;
}

/** A model starting or finishing in {@link compareModels}. @public */
export interface CompareProgress {
  /** `start` before training, `done` once its folder is written. */
  phase: "start" | "done";
  /** The model's folder name, e.g. `xgboost-smote`. */
  name: string;
  /** The model's name in reports, e.g. `XGBoost + SMOTE`. */
  title: string;
  /** 1-based position among the models. */
  index: number;
  /** Models in the comparison. */
  total: number;
  /** Wall-clock seconds of training, evaluation and writing (`done` only). */
  seconds?: number;
}

/** Quality of one model's scores on one labelled set. @public */
export interface ModelFigures {
  /** Area under the ROC curve of the score. */
  rocAuc: number;
  /** Average precision of the score (PR AUC). */
  averagePrecision: number;
  /** Precision at the model's threshold. */
  precision: number;
  /** Recall at the model's threshold. */
  recall: number;
  /** F1 at the model's threshold. */
  f1: number;
  /** Rows at or above the threshold. */
  flagged: number;
  /** Counts at the threshold. */
  confusion: Confusion;
}

/** One model of a comparison (`compare.json` `classifiers[]` and `detector`). @public */
export interface ComparedModel {
  /** Folder name under the output directory (`linear-learner`, `xgboost`, `xgboost-smote`, `randomcutforest`). */
  name: string;
  /** Name in reports (`XGBoost + SMOTE`). */
  title: string;
  /** The algorithm, as SageMaker names it. */
  algorithm: Algorithm;
  /** The model's kind. */
  kind: string;
  /** What SMOTE did to its training split (null: trained on the split as it is). */
  smote: SmoteSummary | null;
  /** The threshold the model was saved with (a classifier's probability; a detector's anomaly score). */
  threshold: number;
  /** Why that threshold. */
  thresholdReason: string;
  /** Seconds of training. */
  trainSeconds: number;
  /** Seconds of training, scoring, report and artifact. */
  seconds: number;
  /** On the validation set. */
  validation: ModelFigures;
  /** On the test set. */
  test: ModelFigures;
}

/** Precision and recall of flagging rows by one rule. @public */
export interface RuleFigures {
  /** Rows the rule flags. */
  flagged: number;
  /** Frauds flagged. */
  tp: number;
  /** Legitimate rows flagged. */
  fp: number;
  /** Frauds not flagged. */
  fn: number;
  /** tp / flagged (0 when nothing is flagged). */
  precision: number;
  /** tp / frauds (0 when there are none). */
  recall: number;
}

/** Scores of one model and the threshold at or above which it flags a row. @public */
export interface ScoredRule {
  /** One score per row. */
  scores: ArrayLike<number>;
  /** A row is flagged when its score is at or above it. */
  threshold: number;
}

/** Inputs of {@link combinedEvaluation}: one set of rows scored by both models. @public */
export interface CombinedEvaluationInput {
  /** 0/1 fraud labels, one per row. */
  labels: ArrayLike<number>;
  /** The classifier's probabilities and its threshold. */
  classifier: ScoredRule;
  /** The anomaly detector's scores and its anomaly threshold. */
  detector: ScoredRule;
}

/** What an anomaly detector adds to a classifier on one set of rows. @public */
export interface CombinedEvaluation {
  /** Rows evaluated. */
  rows: number;
  /** Rows labelled fraud. */
  frauds: number;
  /** The classifier alone at its threshold. */
  classifier: RuleFigures;
  /** The anomaly flag alone. */
  detector: RuleFigures;
  /** "classifier or anomalous": a row is flagged when either model flags it. */
  either: RuleFigures;
  /** Frauds the classifier misses (its false negatives). */
  missedByClassifier: number;
  /** Of those, the frauds the anomaly flag catches. */
  caughtByDetector: number;
  /** `caughtByDetector / missedByClassifier` (0 when the classifier misses none). */
  caughtShare: number;
  /** Legitimate rows the anomaly flag adds to the classifier's (the rule's extra false positives). */
  addedFalsePositives: number;
}

/** A classifier combined with the detector on the test set (`compare.json` `combined[]`). @public */
export interface CombinedEntry {
  /** The classifier's folder name. */
  classifier: string;
  /** The detector's folder name. */
  detector: string;
  /** The figures of "classifier or anomalous" on the test set. */
  evaluation: CombinedEvaluation;
}

/** The `compare.json` document. @public */
export interface ComparisonDocument {
  /** Format version of this document. */
  version: 1;
  /** Seed of the split, SMOTE and every training. */
  seed: number;
  /** The data every model saw. */
  data: {
    /** Where the data came from, and its fingerprint. */
    source: DataSource;
    /** How it was split (null when the sets were given). */
    split: string | null;
    /** The training split as given (before any SMOTE). */
    train: SplitCounts;
    /** The validation split. */
    validation: SplitCounts;
    /** The test split, on which every model is compared. */
    test: SplitCounts;
  };
  /** The classifiers, in training order. */
  classifiers: ComparedModel[];
  /** The name of the classifier with the highest validation average precision. */
  best: string;
  /** How `best` was chosen. */
  bestBy: "validation average precision";
  /** The anomaly detector, when one was trained. */
  detector: ComparedModel | null;
  /** Each classifier combined with the detector on the test set (empty without a detector). */
  combined: CombinedEntry[];
}

/** One trained model of a comparison, with what its training returned. @public */
export interface ComparisonRun {
  /** Folder name under the output directory. */
  name: string;
  /** Absolute path of its folder (`model.tar.gz`, `metrics.json`, `report.html`). */
  dir: string;
  /** What `runLocalTraining` returned: the model, its metrics and its scores. */
  result: LocalTrainingResult;
}

/** What {@link compareModels} returns. @public */
export interface ComparisonResult {
  /** The `compare.json` content. */
  document: ComparisonDocument;
  /** The classifiers, then the detector, in training order. */
  runs: ComparisonRun[];
}

interface Planned {
  name: string;
  title: string;
  algorithm: Algorithm;
  smote: boolean;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function rule(tp: number, fp: number, frauds: number): RuleFigures {
  return { flagged: tp + fp, tp, fp, fn: frauds - tp, precision: ratio(tp, tp + fp), recall: ratio(tp, frauds) };
}

/**
 * What an anomaly detector adds to a classifier, on rows both have scored: the classifier alone at
 * its threshold, the anomaly flag alone, the frauds the classifier misses that the anomaly flag
 * catches (count and share), and "classifier or anomalous" as a rule with its precision and recall.
 * A row is flagged by a model when its score is at or above that model's threshold (a NaN score
 * never is). Pure: no I/O, the inputs are not modified.
 * @example
 * ```ts
 * const c = combinedEvaluation({ labels, classifier: { scores: probabilities, threshold: 0.42 }, detector: { scores: anomalyScores, threshold: 2.1 } });
 * c.caughtByDetector; // frauds the classifier missed that were flagged anomalous
 * c.either.recall >= c.classifier.recall; // always
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` when the lengths differ or a threshold is not a
 *   finite number, `BAD_DATA` for a label other than 0 or 1.
 * @public
 */
export function combinedEvaluation(input: CombinedEvaluationInput): CombinedEvaluation {
  if (typeof input !== "object" || input === null) throw new TrainError("INVALID_ARGUMENT", "combinedEvaluation needs { labels, classifier, detector }");
  const { labels, classifier, detector } = input;
  for (const [name, r] of [["classifier", classifier], ["detector", detector]] as const) {
    if (typeof r !== "object" || r === null || typeof r.scores?.length !== "number") throw new TrainError("INVALID_ARGUMENT", `combinedEvaluation: ${name} needs { scores, threshold }`);
    if (typeof r.threshold !== "number" || !Number.isFinite(r.threshold)) throw new TrainError("INVALID_ARGUMENT", `combinedEvaluation: ${name} threshold ${String(r.threshold).slice(0, 40)} is not a finite number`);
  }
  const n = labels?.length;
  if (typeof n !== "number") throw new TrainError("INVALID_ARGUMENT", "combinedEvaluation needs labels");
  if (classifier.scores.length !== n || detector.scores.length !== n) {
    throw new TrainError("INVALID_ARGUMENT", `combinedEvaluation: ${n} labels, ${classifier.scores.length} classifier scores and ${detector.scores.length} detector scores; they must be as many`);
  }
  let frauds = 0;
  // counts by (label, classifier flag, detector flag)
  let tpC = 0;
  let fpC = 0;
  let tpD = 0;
  let fpD = 0;
  let tpBoth = 0;
  let fpBoth = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new TrainError("BAD_DATA", `combinedEvaluation: label ${String(y).slice(0, 20)} of row ${i + 1} is not 0 or 1`);
    const c = classifier.scores[i]! >= classifier.threshold;
    const d = detector.scores[i]! >= detector.threshold;
    if (y === 1) {
      frauds++;
      if (c) tpC++;
      if (d) tpD++;
      if (c && d) tpBoth++;
    } else {
      if (c) fpC++;
      if (d) fpD++;
      if (c && d) fpBoth++;
    }
  }
  const missed = frauds - tpC;
  const caught = tpD - tpBoth;
  return {
    rows: n,
    frauds,
    classifier: rule(tpC, fpC, frauds),
    detector: rule(tpD, fpD, frauds),
    either: rule(tpC + caught, fpC + fpD - fpBoth, frauds),
    missedByClassifier: missed,
    caughtByDetector: caught,
    caughtShare: ratio(caught, missed),
    addedFalsePositives: fpD - fpBoth,
  };
}

function isClassifier(a: Algorithm): boolean {
  return trainingPlugin(a).supervised;
}

/** The models to train, checked before any data is read. */
function plan(opts: CompareOptions): { classifiers: Planned[]; detector: Planned | null } {
  const algorithms = opts.algorithms ?? COMPARE_DEFAULT_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new TrainError("INVALID_ARGUMENT", "compare needs at least one classifier algorithm");
  const seen = new Set<Algorithm>();
  for (const a of algorithms as unknown[]) {
    if (typeof a !== "string" || !isAlgorithm(a)) throw new TrainError("INVALID_ARGUMENT", `algorithm ${quote(String(a))} is not one of ${ALGORITHMS.join(", ")}`);
    trainingPlugin(a); // one that can be trained here
    if (!isClassifier(a)) throw new TrainError("INVALID_ARGUMENT", `${a} is an anomaly detector, not a classifier; compare it as the detector`);
    if (seen.has(a)) throw new TrainError("INVALID_ARGUMENT", `algorithm ${a} is listed twice`);
    seen.add(a);
  }
  const smoteList: readonly Algorithm[] = opts.smoteVariant === true ? ["xgboost"] : opts.smoteVariant === false || opts.smoteVariant === undefined ? [] : opts.smoteVariant;
  if (!Array.isArray(smoteList)) throw new TrainError("INVALID_ARGUMENT", "smoteVariant must be true, false or a list of algorithms");
  for (const a of smoteList) {
    if (!seen.has(a)) {
      throw new TrainError("INVALID_ARGUMENT", opts.smoteVariant === true ? "the SMOTE variant is XGBoost's: add xgboost to the algorithms, or name the algorithms whose variant to train" : `SMOTE variant of ${quote(String(a))}: not among the algorithms compared (${[...seen].join(", ")})`);
    }
  }
  const classifiers: Planned[] = [];
  for (const a of algorithms) {
    const title = trainingPlugin(a).title;
    classifiers.push({ name: a, title, algorithm: a, smote: false });
    if (smoteList.includes(a)) classifiers.push({ name: `${a}-smote`, title: `${title} + SMOTE`, algorithm: a, smote: true });
  }
  let detector: Planned | null = null;
  if (opts.detector !== undefined) {
    const d = opts.detector;
    if (typeof d !== "string" || !isAlgorithm(d)) throw new TrainError("INVALID_ARGUMENT", `detector ${quote(String(d))} is not one of ${ALGORITHMS.join(", ")}`);
    if (isClassifier(d)) throw new TrainError("INVALID_ARGUMENT", `detector ${d} is a classifier, not an anomaly detector`);
    detector = { name: d, title: trainingPlugin(d).title, algorithm: d, smote: false };
  }
  const inPlay = new Set<string>([...seen, ...(detector ? [detector.algorithm] : [])]);
  for (const [a, hp] of Object.entries(opts.hyperparameters ?? {})) {
    if (!inPlay.has(a)) throw new TrainError("INVALID_ARGUMENT", `hyperparameters for ${quote(a)}: not an algorithm compared here (${[...inPlay].join(", ")})`);
    trainingPlugin(a).parseHyperparameters(hp ?? {}); // a bad value fails before any data is read
  }
  return { classifiers, detector };
}

function counts(d: Dataset): SplitCounts {
  let positives = 0;
  for (let i = 0; i < d.rows; i++) positives += d.labels[i]!;
  return { rows: d.rows, positives };
}

function figures(scores: Float64Array, labels: Uint8Array, threshold: number, m: { rocAuc: number; prAuc: number }): ModelFigures {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const hat = scores[i]! >= threshold;
    positives += labels[i]!;
    if (hat) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  const confusion: Confusion = { tp, fp, fn: positives - tp, tn: labels.length - positives - fp };
  const c = confusionMetrics(confusion);
  return { rocAuc: m.rocAuc, averagePrecision: m.prAuc, precision: c.precision, recall: c.recall, f1: c.f1, flagged: tp + fp, confusion };
}

function compared(p: Planned, r: LocalTrainingResult, seconds: number, validation: Dataset, test: Dataset): ComparedModel {
  const { metrics, scores } = r;
  const t = r.trained.model.threshold;
  return {
    name: p.name,
    title: p.title,
    algorithm: p.algorithm,
    kind: r.trained.model.kind,
    smote: metrics.smote ?? null,
    threshold: t,
    thresholdReason: metrics.thresholdReason,
    trainSeconds: metrics.trainSeconds,
    seconds,
    validation: figures(scores.validation, validation.labels, t, metrics.validation!),
    test: figures(scores.test!, test.labels, t, metrics.test!),
  };
}

/** A fresh hidden folder inside `out` where the models are written before they are moved into place. */
async function stagingDir(out: string): Promise<string> {
  const dir = join(out, `.fraud-compare-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(dir);
  } catch (err) {
    throw new TrainError("IO_ERROR", `${out}: cannot write outputs (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return dir;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Moves the staged model folders and files into `out` together, replacing earlier ones of the same name. */
async function commitStaged(stage: string, out: string, entries: string[]): Promise<void> {
  const old = join(stage, ".replaced");
  const moved: string[] = [];
  try {
    await mkdir(old);
    for (const e of entries) {
      if (!(await exists(join(out, e)))) continue;
      await rename(join(out, e), join(old, e));
      moved.push(e);
    }
    for (const e of entries) await rename(join(stage, e), join(out, e));
  } catch (err) {
    // put back what was there: the outputs appear together or not at all
    for (const e of entries) if (!moved.includes(e) && (await exists(join(stage, e))) === false && (await exists(join(out, e)))) await rm(join(out, e), { recursive: true, force: true });
    for (const e of moved) await rm(join(out, e), { recursive: true, force: true }).then(() => rename(join(old, e), join(out, e))).catch(() => undefined);
    throw new TrainError("IO_ERROR", `${out}: cannot write outputs (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

/**
 * `fraud-train compare`: trains classifiers (by default Linear Learner and XGBoost; with
 * `smoteVariant`, XGBoost on the SMOTE-oversampled training split too) and, optionally, an anomaly
 * detector, all on the same split and seed; evaluates every model on the same test rows; and
 * writes `compare.json`, `compare.html` (average precision, ROC AUC, precision and recall at each
 * model's threshold, the precision–recall curves on one chart, and with a detector the
 * {@link combinedEvaluation} of each classifier with it) and each model's own folder
 * (`model.tar.gz`, `metrics.json`, `report.html`) into `out`, all together or none.
 * @example
 * ```ts
 * const { document, runs } = await compareModels({ data: "creditcard.csv", out: "runs/cmp", seed: 1, smoteVariant: true, detector: "randomcutforest" });
 * document.best; // e.g. "xgboost" (highest validation average precision)
 * document.combined[0]?.evaluation.either.recall; // "classifier or anomalous" on test
 * runs.find((r) => r.name === document.best)!.dir; // its model.tar.gz is there
 * ```
 * @throws {@link TrainError} for bad options, data or hyperparameters (checked before training)
 *   and unwritable outputs.
 * @public
 */
export async function compareModels(opts: CompareOptions): Promise<ComparisonResult> {
  if (typeof opts !== "object" || opts === null || typeof opts.out !== "string") throw new TrainError("INVALID_ARGUMENT", "compareModels needs options with an out directory");
  if ((opts.data === undefined) === (opts.train === undefined)) throw new TrainError("INVALID_ARGUMENT", "give either data or train (with test)");
  if (opts.data !== undefined && (opts.validation !== undefined || opts.test !== undefined)) throw new TrainError("INVALID_ARGUMENT", "validation and test go with train, not data");
  if (opts.train !== undefined && opts.test === undefined) throw new TrainError("INVALID_ARGUMENT", "compare evaluates every model on one test set: give test with train");
  const seed = opts.seed ?? 0;
  const planned = plan(opts);
  const out = resolve(opts.out);
  await ensureDir(out);

  const inputs = await loadRunInputs(opts, seed);
  const test = inputs.splitTest ?? (await loadInput(opts.test!, "test"));
  const { train, validation } = inputs;
  const all = [...planned.classifiers, ...(planned.detector ? [planned.detector] : [])];
  const stage = await stagingDir(out);
  try {
    const runs: ComparisonRun[] = [];
    const models: ComparedModel[] = [];
    for (const [i, p] of all.entries()) {
      opts.onModel?.({ phase: "start", name: p.name, title: p.title, index: i + 1, total: all.length });
      const t0 = performance.now();
      const result = await runLocalTraining({
        train,
        validation,
        test,
        out: join(stage, p.name),
        seed,
        algorithm: p.algorithm,
        hyperparameters: opts.hyperparameters?.[p.algorithm] ?? {},
        ...(p.smote ? { smote: true } : {}),
        ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      });
      const seconds = (performance.now() - t0) / 1000;
      runs.push({ name: p.name, dir: join(out, p.name), result });
      models.push(compared(p, result, seconds, validation, test));
      opts.onModel?.({ phase: "done", name: p.name, title: p.title, index: i + 1, total: all.length, seconds });
    }
    const classifiers = models.slice(0, planned.classifiers.length);
    const detector = planned.detector ? models[models.length - 1]! : null;
    const best = classifiers.reduce((a, b) => (b.validation.averagePrecision > a.validation.averagePrecision ? b : a));
    const combined = detector
      ? classifiers.map((c, i) => ({
          classifier: c.name,
          detector: detector.name,
          evaluation: combinedEvaluation({ labels: test.labels, classifier: { scores: runs[i]!.result.scores.test!, threshold: c.threshold }, detector: { scores: runs[runs.length - 1]!.result.scores.test!, threshold: detector.threshold } }),
        }))
      : [];
    const document: ComparisonDocument = {
      version: 1,
      seed,
      data: { source: source(inputs.fullInput, inputs.full), split: inputs.split, train: counts(train), validation: counts(validation), test: counts(test) },
      classifiers,
      best: best.name,
      bestBy: "validation average precision",
      detector,
      combined,
    };
    await writeFile(join(stage, "compare.json"), JSON.stringify(document, null, 2) + "\n");
    await writeFile(join(stage, "compare.html"), renderComparison(document, runs, test.labels));
    await commitStaged(stage, out, [...all.map((p) => p.name), "compare.json", "compare.html"]);
    return { document, runs };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// compare.html

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : "–");
const int = (x: number): string => x.toLocaleString("en-US");
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1120px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.fact{background:#f4f6f8;border-radius:6px;padding:6px 10px}.fact span{display:block;font-size:11px;color:#666}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff;border:1px solid #e3e3e3;border-radius:6px}svg text{font-size:11px;fill:#333}svg .t{font-size:13px;font-weight:600}
svg .g{stroke:#eee}svg .d{stroke:#bbb;stroke-dasharray:4 3}svg .m{font-size:10px;font-weight:700}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
tr.sel td{background:#fff6d6;font-weight:600}.note{color:#555;font-size:13px;max-width:900px}`;

function htmlTable(head: string[], rows: string[][], highlight: number[] = []): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r, i) => `<tr${highlight.includes(i) ? ' class="sel"' : ""}>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

const counts3 = (c: { tp: number; fp: number; fn: number }): string => `${int(c.tp)}/${int(c.fp)}/${int(c.fn)}`;

function modelRows(models: ComparedModel[]): string[][] {
  return models.map((m) => [
    `<a href="${esc(m.name)}/report.html">${esc(m.title)}</a>`,
    f4(m.validation.averagePrecision),
    f4(m.test.averagePrecision),
    f4(m.test.rocAuc),
    f4(m.threshold),
    f4(m.test.precision),
    f4(m.test.recall),
    counts3(m.test.confusion),
    m.trainSeconds.toFixed(2),
  ]);
}

/** Renders `compare.html`: one self-contained page (inline CSS and SVG, no script, no network). */
function renderComparison(doc: ComparisonDocument, runs: ComparisonRun[], labels: Uint8Array): string {
  const models = [...doc.classifiers, ...(doc.detector ? [doc.detector] : [])];
  const sweeps = runs.map((r) => sweep(r.result.scores.test!, labels));
  const color = (i: number): string => COLORS[i % COLORS.length]!;
  const name = (m: ComparedModel): string => (m.kind === "anomaly_detector" ? `${m.title} (anomaly score)` : m.title);
  const pr: Series[] = models.map((m, i) => ({ name: `${name(m)} AP ${f4(m.test.averagePrecision)}`, color: color(i), points: prSteps(sweeps[i]!) }));
  const roc: Series[] = models.map((m, i) => ({ name: `${name(m)} AUC ${f4(m.test.rocAuc)}`, color: color(i), points: rocPoints(sweeps[i]!) }));
  const marks: Marker[] = models.map((m, i) => ({ x: m.test.recall, y: m.test.precision, label: String(i + 1), color: color(i), title: `${m.title} at its threshold ${f4(m.threshold)}: precision ${f4(m.test.precision)}, recall ${f4(m.test.recall)}` }));
  const { data } = doc;
  const facts: [string, string][] = [
    ["data", data.source.file ?? "in memory"],
    ["rows", int(data.source.rows)],
    ["split", data.split ?? "given sets"],
    ["seed", String(doc.seed)],
    ["train rows / frauds", `${int(data.train.rows)} / ${int(data.train.positives)}`],
    ["test rows / frauds", `${int(data.test.rows)} / ${int(data.test.positives)}`],
    ["best (validation AP)", doc.classifiers.find((c) => c.name === doc.best)!.title],
    ["data sha256", data.source.sha256.slice(0, 16)],
  ];
  const best = doc.classifiers.findIndex((c) => c.name === doc.best);
  let html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fraud models compared on one split</title>
<style>
${STYLE}
</style></head><body>
<h1>Fraud models compared on one split</h1>
<p class="note">Every model was trained on the same training split with the same seed and is evaluated on the same ${int(data.test.rows)} test rows (${int(data.test.positives)} frauds). Precision and recall are at each model's own threshold, chosen on validation (a classifier's) or from its training scores (a detector's).</p>
<div class="facts">${facts.map(([k, v]) => `<div class="fact"><span>${esc(k)}</span><b>${esc(v)}</b></div>`).join("")}</div>
<h2>Classifiers</h2>
${htmlTable(["model", "validation AP", "test AP", "test ROC AUC", "threshold", "test precision", "test recall", "test TP/FP/FN", "training s"], modelRows(doc.classifiers), [best])}
<p class="note">Highlighted: the highest validation average precision. Each name links to the model's own report.${doc.classifiers.some((c) => c.smote) ? " SMOTE oversamples the frauds of the training split only (k = 5 neighbours, seeded); validation and test are untouched." : ""}</p>
<h2>Curves on the test set</h2>
<div class="charts">${lineChart("Precision–recall, test (steps)", "recall", "precision", pr, { legend: "below", markers: marks })}${lineChart("ROC, test", "false positive rate", "true positive rate", roc, { diagonal: true, legend: "below" })}</div>
<p class="note">Numbered dots: each model at its threshold (${models.map((m, i) => `${i + 1} ${esc(m.title)}`).join(", ")}).</p>
`;
  if (doc.detector) {
    const d = doc.detector;
    html += `<h2>Anomaly detector</h2>
${htmlTable(["model", "validation AP", "test AP", "test ROC AUC", "anomaly threshold", "test flagged", "test precision", "test recall", "test TP/FP/FN", "training s"], [[`<a href="${esc(d.name)}/report.html">${esc(d.title)}</a>`, f4(d.validation.averagePrecision), f4(d.test.averagePrecision), f4(d.test.rocAuc), f4(d.threshold), `${int(d.test.flagged)} (${pct(d.test.flagged / Math.max(1, data.test.rows))})`, f4(d.test.precision), f4(d.test.recall), counts3(d.test.confusion), d.trainSeconds.toFixed(2)]])}
<p class="note">Trained on the features alone; the labels only evaluate it. ${esc(d.thresholdReason)}.</p>
<h2>Classifier or anomalous (test set)</h2>
${htmlTable(
  ["classifier", "alone: precision", "alone: recall", "alone: TP/FP/FN", "frauds missed", "caught by the anomaly flag", "or-rule: precision", "or-rule: recall", "or-rule: TP/FP/FN", "added false positives"],
  doc.combined.map(({ classifier, evaluation: e }) => {
    const c = doc.classifiers.find((x) => x.name === classifier)!;
    return [esc(c.title), f4(e.classifier.precision), f4(e.classifier.recall), counts3(e.classifier), int(e.missedByClassifier), `${int(e.caughtByDetector)} (${pct(e.caughtShare)})`, f4(e.either.precision), f4(e.either.recall), counts3(e.either), int(e.addedFalsePositives)];
  }),
  [best],
)}
<p class="note">"Classifier or anomalous" flags a transaction when the classifier's probability reaches its threshold or the anomaly score reaches the anomaly threshold (${f4(d.threshold)}). "Caught by the anomaly flag": the frauds the classifier misses that the anomaly flag catches, and their share of the frauds it misses; "added false positives": legitimate transactions only the anomaly flag raises.</p>
`;
  }
  return `${html}</body></html>\n`;
}
