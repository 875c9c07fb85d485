/**
 * A worker thread training one model of the `train` stage with `runLocalTraining` of
 * `@fraud/trainer`, so that models train side by side on a machine with cores to spare. It is
 * given the splits (copied into its memory), writes the model's folder itself and posts back its
 * `metrics.json` and its test scores.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { runLocalTraining } from "@fraud/trainer";
import type { TrainingJob, TrainingReply } from "./training-thread.js";

const port = parentPort;
if (port === null) throw new Error("train-worker.js runs as a worker thread");

port.once("message", (job: TrainingJob) => {
  const post = (reply: TrainingReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  runLocalTraining({
    train: job.train,
    validation: job.validation,
    test: job.test,
    out: job.out,
    seed: job.seed,
    algorithm: job.algorithm,
    hyperparameters: job.hyperparameters,
    onProgress: (p) => post({ type: "progress", completed: p.completed, total: p.total }),
  }).then(
    (result) => {
      const testScores = result.scores.test ?? new Float64Array(0);
      post({ type: "trained", metrics: result.metrics, testScores }, [testScores.buffer as ArrayBuffer]);
    },
    (err: unknown) => post({ type: "failed", message: err instanceof Error ? err.message : String(err) }),
  );
});
