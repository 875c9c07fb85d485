/**
 * Stage 3: the classifiers — Linear Learner (the one set of training defaults every path uses,
 * `TRAINING_DEFAULTS` of `@fraud/trainer`) and XGBoost (the AWS solution's hyperparameters over them) — and the Random Cut Forest anomaly detector
 * (the AWS solution's `num_trees` 50 × `num_samples_per_tree` 512), all trained on the splits the
 * encode stage made (in memory: the CSV just written is not parsed again) and evaluated on the same
 * held-out test split. The classifier with the higher validation average precision is served.
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Algorithm } from "@fraud/contracts";
import { TRAINING_DEFAULTS, runLocalTraining } from "@fraud/trainer";
import type { LocalTrainingResult, MetricsDocument, TrainProgress } from "@fraud/trainer";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";
import { startTrainingThread, trainingThreadAvailable } from "../training-thread.js";
import type { EncodedSplits } from "./data.js";

/** One trained model. @internal */
export interface TrainedModel {
  /** The algorithm, as SageMaker names it. */
  algorithm: Algorithm;
  /** Folder holding `model.tar.gz`, `metrics.json`, `report.html`. */
  dir: string;
  /** `metrics.json` as written. */
  metrics: MetricsDocument;
  /** Its scores of the test split, in row order. */
  testScores: Float64Array;
}

/** The stage's models: both classifiers, the one served, and the anomaly detector. @internal */
export interface TrainedModels {
  /** The classifiers, in training order. */
  classifiers: TrainedModel[];
  /** The classifier with the higher validation average precision: the one the endpoint serves. */
  served: TrainedModel;
  /** The Random Cut Forest. */
  detector: TrainedModel;
  /** Fraud labels of the test split, in row order. */
  testLabels: Uint8Array;
}

/** Each model's folder under the run folder, and its training settings. @internal */
export const DEMO_MODELS = [
  { algorithm: "linear-learner", dir: "model", title: "Linear Learner", what: "the training defaults", hyperparameters: {} },
  // the AWS solution's XGBoost hyperparameters (its notebook's; scale_pos_weight left at 1)
  { algorithm: "xgboost", dir: "model-xgboost", title: "XGBoost", what: "max_depth 5, eta 0.2, gamma 4, min_child_weight 6, subsample 0.8, 100 rounds", hyperparameters: { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.8, num_round: 100 } },
  { algorithm: "randomcutforest", dir: "model-rcf", title: "Random Cut Forest", what: "50 trees × 512 samples", hyperparameters: { num_trees: 50, num_samples_per_tree: 512 } },
] as const satisfies readonly { algorithm: Algorithm; dir: string; title: string; what: string; hyperparameters: Record<string, string | number> }[];

/** A model's name in progress lines and the summary. @internal */
export function modelTitle(algorithm: Algorithm): string {
  return DEMO_MODELS.find((m) => m.algorithm === algorithm)!.title;
}

/** How the threshold was chosen, for the progress line and the summary. @internal */
export function thresholdChoice(metrics: MetricsDocument): string {
  const criterion = metrics.thresholdCriterion ?? metrics.criterion;
  return criterion ? `${criterion}: ${metrics.thresholdReason}` : metrics.thresholdReason;
}

/**
 * Where a model trains: `here` on the calling thread in the stage; `thread` on a worker thread of
 * its own, started as soon as the splits exist; `alone` here once every thread's model is done (it
 * wants the cores to itself).
 * @internal
 */
export type TrainingPlace = "here" | "thread" | "alone";

/** Where each model trains (`here` when not named). @internal */
export type TrainingPlaces = Readonly<Partial<Record<Algorithm, TrainingPlace>>>;

/**
 * Where the models train on a machine with `cores` cores. With two or more, the Random Cut Forest
 * (one thread, mostly scoring) trains on a worker thread from the moment the splits exist: beside
 * the RecordIO encoding and Linear Learner's worker threads. XGBoost hands work to its helper
 * thread many times a tree, which stalls when another thread holds a core: under four cores it
 * trains once the forest is done. On one core everything trains here, one model after the other.
 * @internal
 */
export function trainingPlaces(cores = availableParallelism()): TrainingPlaces {
  if (cores < 2) return {};
  return cores < 4 ? { randomcutforest: "thread", xgboost: "alone" } : { randomcutforest: "thread" };
}

/** Models training on worker threads, started before the `train` stage. @internal */
export interface ThreadTrainings {
  /** Per {@link DEMO_MODELS} entry: its training on a thread, or null when it trains in the stage. */
  readonly runs: readonly (Promise<TrainedModel> | null)[];
  /** Where each model trains. */
  readonly places: TrainingPlaces;
  /** Percent done, per {@link DEMO_MODELS} entry. */
  readonly percent: number[];
  /** Called on every progress step (set by the stage). */
  onProgress: () => void;
  /** Stops the threads (a training under way fails). */
  close(): Promise<void>;
}

function percentOf(completed: number, total: number): number {
  return Math.round((100 * completed) / Math.max(1, total));
}

/**
 * Starts training the models whose place is `thread`, on the splits just made, so their work
 * overlaps the stages before `train` (all of them train in the stage when the worker script is not
 * built).
 * @internal
 */
export function startTrainingThreads(o: ResolvedOptions, splits: EncodedSplits["splits"], wanted: TrainingPlaces = trainingPlaces()): ThreadTrainings {
  const [train, validation, test] = splits;
  // from the sources before any build there is no worker script: everything trains here
  const places = trainingThreadAvailable() ? wanted : {};
  const threads = DEMO_MODELS.map((m) => (places[m.algorithm] === "thread" ? startTrainingThread() : null));
  const started: ThreadTrainings = {
    places,
    percent: DEMO_MODELS.map(() => 0),
    onProgress: () => undefined,
    runs: DEMO_MODELS.map((m, i) => {
      const thread = threads[i];
      if (!thread) return null;
      const dir = join(o.out, m.dir);
      const job = { train, validation, test, out: dir, seed: o.seed, algorithm: m.algorithm, hyperparameters: m.hyperparameters };
      const run = thread
        .train(job, (c, t) => {
          started.percent[i] = percentOf(c, t);
          started.onProgress();
        })
        .then((r): TrainedModel => ({ algorithm: m.algorithm, dir, metrics: r.metrics, testScores: r.testScores }));
      run.catch(() => undefined); // awaited in the stage
      return run;
    }),
    close: async () => {
      await Promise.all(threads.map((t) => t?.close()));
    },
  };
  return started;
}

/** Stage `train`: the models of `threads` finish, the others train here. @internal */
export function trainModels(o: ResolvedOptions, encoded: EncodedSplits, reporter: Reporter, times: StageTimes, threads: ThreadTrainings): Promise<TrainedModels> {
  const [train, validation, test] = encoded.splits;
  // every run states the hyperparameters it trains with: the training defaults, then the demo's own
  const settings = (m: (typeof DEMO_MODELS)[number]): string =>
    Object.entries({ ...TRAINING_DEFAULTS[m.algorithm], ...m.hyperparameters })
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
  const what = DEMO_MODELS.map((m) => `${m.title} (${m.what}: ${settings(m)})`).join(", ");
  const { percent } = threads;
  threads.onProgress = () => reporter.progress("train", percent.reduce((a, b) => a + b, 0), DEMO_MODELS.length * 100);
  return runStage("train", reporter, times, `training ${what} on the same split`, async () => {
    const trainHere = async (i: number): Promise<TrainedModel> => {
      const m = DEMO_MODELS[i]!;
      const dir = join(o.out, m.dir);
      const result: LocalTrainingResult = await runLocalTraining({
        train,
        validation,
        test,
        out: dir,
        seed: o.seed,
        algorithm: m.algorithm,
        hyperparameters: m.hyperparameters,
        onProgress: (p: TrainProgress) => {
          percent[i] = percentOf(p.completed, p.total);
          threads.onProgress();
        },
      });
      return { algorithm: m.algorithm, dir, metrics: result.metrics, testScores: result.scores.test! };
    };
    const place = (i: number): TrainingPlace => threads.places[DEMO_MODELS[i]!.algorithm] ?? "here";
    const trained: (TrainedModel | undefined)[] = [];
    try {
      for (const i of DEMO_MODELS.keys()) if (place(i) === "here") trained[i] = await trainHere(i);
      const done = await Promise.all(threads.runs);
      for (const [i, t] of done.entries()) if (t) trained[i] = t;
      for (const i of DEMO_MODELS.keys()) if (place(i) === "alone") trained[i] = await trainHere(i);
    } finally {
      await threads.close();
    }
    const all = trained as TrainedModel[];
    const classifiers = all.filter((t) => t.metrics.predictorType !== "anomaly_detector");
    const detector = all.find((t) => t.metrics.predictorType === "anomaly_detector")!;
    const served = classifiers.reduce((best, c) => ((c.metrics.validation?.prAuc ?? 0) > (best.metrics.validation?.prAuc ?? 0) ? c : best));
    const line = classifiers
      .map((c) => `${modelTitle(c.algorithm)} test PR AUC ${c.metrics.test!.prAuc.toFixed(3)} (validation ${(c.metrics.validation?.prAuc ?? 0).toFixed(3)})`)
      .concat(`Random Cut Forest fraud ROC AUC ${detector.metrics.test!.rocAuc.toFixed(3)}`)
      .join(", ");
    return [{ classifiers, served, detector, testLabels: test.labels }, `${line}; serving ${modelTitle(served.algorithm)}`];
  });
}
