/**
 * The run's summary: what `npm start -- --json` prints as one JSON line.
 * @packageDocumentation
 */
import type { CombinedEvaluation } from "@fraud/trainer";
import type { Stage } from "./stages.js";

/** The data set of a run. @public */
export interface DataSummary {
  /** `generated`, or the path of the `--data` file. */
  source: string;
  /** Rows. */
  rows: number;
  /** Rows labelled fraud. */
  frauds: number;
  /** Seed of the data, the split, the training and the stream. */
  seed: number;
  /** Seconds the `creditcard.csv` write took, from formatting to the file on disk, overlapping serve and stream (0 for `--data`). */
  csvSeconds: number;
}

/** A trained classifier on the held-out test split. @public */
export interface ModelSummary {
  /** The algorithm, as SageMaker names it (`linear-learner`, `xgboost`). */
  algorithm: string;
  /** Area under the precision–recall curve. */
  prAuc: number;
  /** Area under the ROC curve. */
  rocAuc: number;
  /** Precision at the model's threshold. */
  precision: number;
  /** Recall at the model's threshold. */
  recall: number;
  /** F1 at the model's threshold. */
  f1: number;
  /** Decision threshold, in probability space. */
  threshold: number;
  /** The selection criterion that chose the threshold, and why (e.g. `accuracy: highest validation accuracy (0.9991)`). */
  criterion: string;
  /** Training seconds. */
  trainSeconds: number;
}

/** One of the classifiers trained on the same split. @public */
export interface ClassifierSummary extends ModelSummary {
  /** Average precision on the validation split: the higher one is served. */
  validationPrAuc: number;
  /** Whether this is the classifier the endpoint serves. */
  served: boolean;
}

/** The anomaly detector (Random Cut Forest) and what it adds to the served classifier. @public */
export interface AnomalySummary {
  /** The algorithm: `randomcutforest`. */
  algorithm: string;
  /** Anomaly score at or above which a transaction is `anomalous` (mean + 3 sd of the training scores). */
  threshold: number;
  /** Fraud ROC AUC of the anomaly score on the test split. */
  rocAuc: number;
  /** Fraud average precision of the anomaly score on the test split. */
  prAuc: number;
  /** Training seconds. */
  trainSeconds: number;
  /**
   * On the test split: the served classifier alone at its threshold, the anomaly flag alone, the
   * frauds the classifier misses that the flag catches, and "classifier or anomalous" as a rule.
   */
  combined: CombinedEvaluation;
}

/** Handler latencies, in milliseconds. @public */
export interface LatencySummary {
  /** Median. */
  p50: number;
  /** 99th percentile. */
  p99: number;
  /** Slowest. */
  max: number;
}

/** The stream through the bundled Lambda and where every transaction ended up. @public */
export interface StreamSummary {
  /** Transactions sent. */
  sent: number;
  /** Scheduled events (asynchronous invocations). */
  scheduledInvocations: number;
  /** HTTP requests, re-sends included. */
  httpRequests: number;
  /** Transactions the function flagged, among those delivered. */
  flagged: number;
  /** Transactions the anomaly detector flagged, among those delivered. */
  anomalous: number;
  /** Distinct transactions in the GZIP objects. */
  delivered: number;
  /** Transactions found nowhere (the run fails when this is not 0). */
  lost: number;
  /** Extra copies in the GZIP objects (the run fails when this is not 0). */
  duplicates: number;
  /** Records the Lambda re-sent to Firehose after partial failures. */
  retried: number;
  /** Lambda's retries of failed scheduled events. */
  lambdaRetries: number;
  /** Transactions HTTP clients re-sent after 207/5xx answers. */
  clientResent: number;
  /** Transactions in the on-failure destination (their events exhausted Lambda's retries). */
  deadLettered: number;
  /** Transactions whose HTTP callers were told they were not delivered. */
  refused: number;
  /** Share of records the local Firehose failed. */
  failRate: number;
  /** Wall seconds of the stream stage. */
  seconds: number;
  /** Transactions per second over the stage. */
  throughputPerSecond: number;
  /** Handler latencies measured inside the Lambda process. */
  latencyMs: LatencySummary;
  /** Import time of the bundle (the cold start), in milliseconds. */
  coldStartMs: number;
}

/** Where the run's files are. @public */
export interface OutputsSummary {
  /** The run folder. */
  dir: string;
  /** `creditcard.csv` (written, or the one read). */
  csv: string;
  /** `report.html`. */
  report: string;
  /** `model.tar.gz`. */
  model: string;
  /** `metrics.json`. */
  metrics: string;
  /** The RecordIO files of the splits. */
  recordio: string[];
  /** Where Firehose landed the GZIP objects. */
  firehoseDir: string;
  /** GZIP objects written. */
  objects: number;
  /** The on-failure destination's JSON-lines file (absent when nothing went there). */
  onFailure: string;
  /** The Lambda's log. */
  lambdaLog: string;
}

/** The run's summary (`npm start -- --json` prints it as one JSON line). @public */
export interface DemoSummary {
  /** The data set. */
  data: DataSummary;
  /** The served classifier. */
  model: ModelSummary;
  /** Every classifier trained on the same split, by algorithm. */
  models: Record<string, ClassifierSummary>;
  /** The anomaly detector streamed beside the classifier. */
  anomaly: AnomalySummary;
  /** The stream. */
  stream: StreamSummary;
  /** Seconds per stage. */
  stages: Record<Stage, number>;
  /** Where everything is. */
  outputs: OutputsSummary;
}
