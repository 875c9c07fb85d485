/**
 * Stage 3: Linear Learner trained with its defaults and the original's `mini_batch_size=200` on the
 * splits the encode stage made (in memory: the CSV just written is not parsed again), evaluated on
 * the held-out test split.
 * @packageDocumentation
 */
import { join } from "node:path";
import { runLocalTraining } from "@fraud/trainer";
import type { MetricsDocument, TrainProgress } from "@fraud/trainer";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";
import type { EncodedSplits } from "./data.js";

/** The trained model. @internal */
export interface TrainedModel {
  /** Folder holding `model.tar.gz`, `metrics.json`, `report.html`. */
  dir: string;
  /** `metrics.json` as written. */
  metrics: MetricsDocument;
}

/** How the threshold was chosen, for the progress line and the summary. @internal */
export function thresholdChoice(metrics: MetricsDocument): string {
  const criterion = metrics.thresholdCriterion ?? metrics.criterion;
  return criterion ? `${criterion}: ${metrics.thresholdReason}` : metrics.thresholdReason;
}

/** Stage `train`. @internal */
export function trainModel(o: ResolvedOptions, encoded: EncodedSplits, reporter: Reporter, times: StageTimes): Promise<TrainedModel> {
  const [train, validation, test] = encoded.splits;
  const dir = join(o.out, "model");
  return runStage("train", reporter, times, "training Linear Learner (defaults, mini_batch_size=200)", async () => {
    const { metrics } = await runLocalTraining({
      train,
      validation,
      test,
      out: dir,
      seed: o.seed,
      hyperparameters: { mini_batch_size: "200" },
      onProgress: (p: TrainProgress) => reporter.progress("train", p.completed, p.total),
    });
    const t = metrics.test!;
    const line = `test PR AUC ${t.prAuc.toFixed(3)}, precision ${t.precision.toFixed(3)}, recall ${t.recall.toFixed(3)} at threshold ${metrics.threshold.toFixed(3)} chosen by ${thresholdChoice(metrics)}`;
    return [{ dir, metrics }, line];
  });
}
