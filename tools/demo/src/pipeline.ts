/**
 * The whole fraud-detection pipeline on one machine: data → RecordIO → training → evaluation →
 * local endpoint + Firehose → the bundled Lambda scoring a live stream → GZIP objects checked.
 * @packageDocumentation
 */
import { join } from "node:path";
import { ensureDirectory } from "@fraud/local-aws";
import { combinedEvaluation } from "@fraud/trainer";
import { DemoError } from "./errors.js";
import { resolveOptions } from "./options.js";
import type { DemoOptions, ResolvedOptions } from "./options.js";
import { round } from "./stages.js";
import type { AnomalySummary, ClassifierSummary, DemoSummary, ModelSummary, StreamSummary } from "./summary.js";
import type { Reporter, Stage, StageTimes } from "./stages.js";
import { encodeSplits, prepareData } from "./stages/data.js";
import type { EncodedSplits, PreparedData } from "./stages/data.js";
import { checkDelivery } from "./stages/deliver.js";
import type { DeliveryCheck } from "./stages/deliver.js";
import { FIREHOSE_PREFIX, plannedServices, startServices, stopServices } from "./stages/serve.js";
import type { Services } from "./stages/serve.js";
import { streamTransactions } from "./stages/stream.js";
import type { StreamResult } from "./stages/stream.js";
import { startTrainingThreads, thresholdChoice, trainModels } from "./stages/train.js";
import type { ThreadTrainings, TrainedModel, TrainedModels } from "./stages/train.js";

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface RunParts {
  o: ResolvedOptions;
  data: PreparedData;
  csvSeconds: number;
  recordio: string[];
  models: TrainedModels;
  services: Services;
  streamed: StreamResult;
  delivery: DeliveryCheck;
  times: StageTimes;
}

function modelSummary({ algorithm, metrics }: TrainedModel): ModelSummary {
  const t = metrics.test!;
  return {
    algorithm,
    prAuc: round(t.prAuc),
    rocAuc: round(t.rocAuc),
    precision: round(t.precision),
    recall: round(t.recall),
    f1: round(t.f1),
    threshold: round(metrics.threshold, 6),
    criterion: thresholdChoice(metrics),
    trainSeconds: round(metrics.trainSeconds, 3),
  };
}

function classifierSummaries({ classifiers, served }: TrainedModels): Record<string, ClassifierSummary> {
  return Object.fromEntries(classifiers.map((c) => [c.algorithm, { ...modelSummary(c), validationPrAuc: round(c.metrics.validation?.prAuc ?? 0), served: c === served }]));
}

function anomalySummary({ served, detector, testLabels }: TrainedModels): AnomalySummary {
  const t = detector.metrics.test!;
  const combined = combinedEvaluation({
    labels: testLabels,
    classifier: { scores: served.testScores, threshold: served.metrics.threshold },
    detector: { scores: detector.testScores, threshold: detector.metrics.threshold },
  });
  const r = (f: typeof combined.classifier) => ({ ...f, precision: round(f.precision), recall: round(f.recall) });
  return {
    algorithm: detector.algorithm,
    threshold: round(detector.metrics.threshold, 6),
    rocAuc: round(t.rocAuc),
    prAuc: round(t.prAuc),
    trainSeconds: round(detector.metrics.trainSeconds, 3),
    combined: { ...combined, classifier: r(combined.classifier), detector: r(combined.detector), either: r(combined.either), caughtShare: round(combined.caughtShare) },
  };
}

function streamSummary({ o, services, streamed: s, delivery: d }: RunParts): StreamSummary {
  return {
    sent: s.sent,
    scheduledInvocations: s.scheduledInvocations,
    httpRequests: s.httpRequests,
    flagged: s.flagged,
    anomalous: s.anomalous,
    delivered: d.delivered,
    lost: d.lost,
    duplicates: d.duplicates,
    retried: s.firehoseRetries,
    lambdaRetries: s.asyncRetries,
    clientResent: s.resent,
    deadLettered: d.deadLettered,
    refused: d.refused,
    failRate: o.failRate,
    seconds: round(s.seconds, 3),
    throughputPerSecond: Math.round(s.sent / s.seconds),
    latencyMs: { p50: round(percentile(s.latencies, 50), 2), p99: round(percentile(s.latencies, 99), 2), max: round(s.latencies.at(-1) ?? 0, 2) },
    coldStartMs: round(services.lambda?.importMs ?? 0, 1),
  };
}

function summarize(parts: RunParts): DemoSummary {
  const { o, data, models, services } = parts;
  const model = models.served;
  return {
    data: { source: o.data ? data.csv : "generated", rows: data.dataset.rows, frauds: data.frauds, seed: o.seed, csvSeconds: round(parts.csvSeconds, 3) },
    model: modelSummary(model),
    models: classifierSummaries(models),
    anomaly: anomalySummary(models),
    stream: streamSummary(parts),
    stages: parts.times as Record<Stage, number>,
    outputs: {
      dir: o.out,
      csv: data.csv,
      report: join(model.dir, "report.html"),
      model: join(model.dir, "model.tar.gz"),
      metrics: join(model.dir, "metrics.json"),
      recordio: parts.recordio,
      firehoseDir: join(services.firehoseDir, FIREHOSE_PREFIX),
      objects: parts.delivery.objects,
      onFailure: services.onFailureFile,
      lambdaLog: services.lambdaLog,
    },
  };
}

/** Waits for `creditcard.csv`; a failed write fails the `data` stage. */
async function csvWritten(data: PreparedData, written: Promise<number>): Promise<number> {
  try {
    return await written;
  } catch (err) {
    throw new DemoError("STAGE_FAILED", `cannot write ${data.csv}: ${(err as Error).message}`, { cause: err, stage: "data" });
  }
}

/**
 * Runs the whole pipeline and returns its summary. Every service it starts is stopped before it
 * returns or throws.
 *
 * @throws {@link DemoError} `INVALID_ARGUMENT` for a bad option, `STAGE_FAILED` naming the stage
 * that failed.
 * @example
 * ```ts
 * const summary = await runDemo({ rows: 20_000, transactions: 400 }, { start() {}, progress() {}, end() {} });
 * console.log(summary.stream.delivered);
 * ```
 * @public
 */
export async function runDemo(options: DemoOptions, reporter: Reporter): Promise<DemoSummary> {
  const o = resolveOptions(options);
  const times: StageTimes = {};
  await ensureDirectory(o.out);
  const data = await prepareData(o, reporter, times);
  // models trained on worker threads start as soon as the splits exist, beside the encoding
  let threads: ThreadTrainings | undefined;
  let models: TrainedModels;
  let encoded: EncodedSplits;
  try {
    encoded = await encodeSplits(o, data.dataset, reporter, times, (splits) => {
      threads = startTrainingThreads(o, splits);
    });
    models = await trainModels(o, encoded, reporter, times, threads!);
  } finally {
    await threads?.close();
  }
  // creditcard.csv is written while the endpoints start and the stream runs, which leave a core idle
  const written = data.write();
  written.catch(() => undefined); // awaited (and its error reported) below
  const services = plannedServices(o);
  try {
    await startServices(o, models, services, reporter, times);
    const streamed = await streamTransactions(o, services.lambda!, services.onFailure, reporter, times);
    const delivery = await checkDelivery(services.firehose!, services.firehoseDir, streamed, reporter, times);
    const csvSeconds = await csvWritten(data, written);
    return summarize({ o, data, csvSeconds, recordio: encoded.files, models, services, streamed, delivery, times });
  } finally {
    await stopServices(services);
    // a run that failed on the way still leaves the file whole, or not at all
    await written.catch(() => undefined);
  }
}
