/**
 * The training plug-in seam: what `runLocalTraining` needs from an algorithm. The pipeline is
 * generic — it loads and splits the data, scores the validation and test sets with the trained
 * {@link Model}, computes the metrics, renders the report and commits the outputs — and each
 * algorithm's plug-in parses its hyperparameters, trains, chooses the threshold and encodes its
 * artifact. Built-in plug-ins are listed here; `registerTrainingPlugin` adds one at run time.
 * @packageDocumentation
 */
import { ALGORITHMS, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import type { Dataset } from "../data.js";
import { TrainError } from "../errors.js";
import type { Sweep } from "../metrics.js";
import type { OperatingPoints } from "../operating-points.js";
import type { TrainProgress } from "../train.js";
import { linearLearnerTraining } from "./linear-learner/training.js";
import type { Model } from "./model.js";
import { randomCutForestTraining } from "./randomcutforest/training.js";
import { xgboostTraining } from "./xgboost/training.js";

/** Raw hyperparameters as given on the command line or in code (SageMaker names). @public */
export type RawHyperparameters = Readonly<Record<string, string | number | boolean>>;

/**
 * The pipeline's worker threads, handed to a training plug-in (Linear Learner trains its parallel
 * models on them; others may train in the calling thread and ignore it).
 * @public
 */
export interface TrainingPool {
  /** Number of worker threads. */
  readonly size: number;
}

/** Report content a training plug-in adds. @public */
export interface TrainingReportExtras {
  /** Key facts shown at the top, after the pipeline's own. */
  facts?: Record<string, string | number>;
  /** Hyperparameters table. */
  hyperparameters?: Record<string, unknown>;
  /** Parallel models table (selected one highlighted). */
  models?: Record<string, number>[];
  /** Index of the selected model in `models`. */
  selectedModel?: number;
  /** Validation loss per epoch of the selected model. */
  lossHistory?: number[];
}

/** What a training plug-in is given. @public */
export interface TrainingRun<H> {
  /** Training rows (features row-major, 0/1 labels; unsupervised algorithms ignore the labels). */
  train: Dataset;
  /** Validation rows: threshold selection and early stopping. */
  validation: Dataset;
  /** Seed of every random choice. */
  seed: number;
  /** Hyperparameters as {@link TrainingPlugin.parseHyperparameters} resolved them. */
  hyperparameters: H;
  /** The hyperparameters as given (before resolving). */
  rawHyperparameters: RawHyperparameters;
  /** Worker threads to train on (null: the calling thread). */
  pool: TrainingPool | null;
  /** Also train the algorithm's comparison variant, when it has one (Linear Learner: the balanced-weight grid). */
  variant: boolean;
  /** Progress callback. */
  onProgress?: ((progress: TrainProgress) => void) | undefined;
}

/** What a training plug-in hands back to the pipeline. @public */
export interface TrainedModel<D = unknown> {
  /** The trained model, scoring raw features, with its threshold. */
  model: Model;
  /** Its `model.tar.gz`, in the algorithm's SageMaker layout. */
  artifact: Uint8Array;
  /** Wall-clock seconds of training. */
  trainSeconds: number;
  /** Why the model's threshold (one line). */
  thresholdReason: string;
  /** The selection criterion that chose the threshold, when one did. */
  thresholdCriterion: string | null;
  /** Extra `metrics.json` fields (resolved hyperparameters, grid, history…). */
  metricsExtras: Record<string, unknown>;
  /** Extra report content: facts at the top, hyperparameter and model tables, loss history. */
  reportExtras: TrainingReportExtras;
  /** Lines for the CLI after the metrics table (model chosen, training time). */
  summary: string;
  /**
   * Precision and recall at the threshold each selection criterion picks; the pipeline tunes the
   * criteria on the validation scores itself when absent.
   */
  operatingPoints?: (sweeps: { validation: Sweep; test: Sweep | null }, validation: Dataset, test: Dataset | null) => OperatingPoints;
  /**
   * `model`'s scores of the validation rows, in row order, when the plug-in has already computed
   * them (to choose or check its threshold): the pipeline uses them rather than scoring the rows a
   * second time. They must be exactly what `model.scores` gives.
   */
  validationScores?: Float64Array;
  /** Algorithm-specific result (Linear Learner: its `TrainResult`). */
  details: D;
}

/**
 * One algorithm's trainer.
 * @public
 */
export interface TrainingPlugin<H = unknown, D = unknown> {
  /** The algorithm, as SageMaker names it. */
  readonly algorithm: Algorithm;
  /** Its name in reports, e.g. `Linear Learner`. */
  readonly title: string;
  /** Whether it learns from labels (an anomaly detector does not; its threshold may still use them). */
  readonly supervised: boolean;
  /**
   * Resolves SageMaker hyperparameters (names and defaults of the algorithm's container).
   * @throws a `TrainError` `INVALID_ARGUMENT`, one line naming the hyperparameter and its value.
   */
  parseHyperparameters(raw: RawHyperparameters): H;
  /** Worker threads worth starting for these hyperparameters (1: none). */
  threads(hyperparameters: H, options: { workers?: number | undefined; variant: boolean }): number;
  /** Trains on the run's data. */
  train(run: TrainingRun<H>): Promise<TrainedModel<D>>;
}

/** The training plug-ins every process starts with. A new algorithm adds its plug-in here. */
const BUILTIN: readonly TrainingPlugin[] = [linearLearnerTraining as TrainingPlugin, xgboostTraining as TrainingPlugin, randomCutForestTraining as TrainingPlugin];

const plugins = new Map<Algorithm, TrainingPlugin>(BUILTIN.map((p) => [p.algorithm, p]));

/**
 * Registers a training plug-in under its algorithm, replacing any registered for it.
 * @example
 * ```ts
 * registerTrainingPlugin(myTrainer);
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` for an object that is not a plug-in.
 * @public
 */
export function registerTrainingPlugin(plugin: TrainingPlugin): void {
  if (typeof plugin !== "object" || plugin === null || !isAlgorithm(plugin.algorithm) || typeof plugin.train !== "function" || typeof plugin.parseHyperparameters !== "function") {
    throw new TrainError("INVALID_ARGUMENT", `a training plug-in needs an algorithm of ${ALGORITHMS.join(", ")}, parseHyperparameters and train`);
  }
  plugins.set(plugin.algorithm, plugin);
}

/**
 * The algorithms that can be trained here, in `ALGORITHMS` order.
 * @example
 * ```ts
 * trainableAlgorithms(); // ["linear-learner", …]
 * ```
 * @public
 */
export function trainableAlgorithms(): Algorithm[] {
  return ALGORITHMS.filter((a) => plugins.has(a));
}

/**
 * The training plug-in of an algorithm.
 * @example
 * ```ts
 * trainingPlugin("linear-learner").parseHyperparameters({ mini_batch_size: 200 });
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` for an unknown algorithm or one that cannot be
 *   trained here.
 * @public
 */
export function trainingPlugin(algorithm: string): TrainingPlugin {
  const known = isAlgorithm(algorithm) ? plugins.get(algorithm) : undefined;
  if (known === undefined) {
    throw new TrainError("INVALID_ARGUMENT", `algorithm ${JSON.stringify(String(algorithm).slice(0, 40))} cannot be trained here; use one of ${trainableAlgorithms().join(", ")}`);
  }
  return known;
}
