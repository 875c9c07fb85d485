/**
 * Trains a model on a worker thread (`train-worker.js`): the thread starts, and loads the trainer,
 * as soon as it is made, so its start-up overlaps what the calling thread does meanwhile.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Algorithm } from "@fraud/contracts";
import type { Dataset } from "@fraud/simulator";
import type { MetricsDocument } from "@fraud/trainer";

/** What the worker trains: `runLocalTraining` of these splits into `out`. @internal */
export interface TrainingJob {
  /** The training split. */
  train: Dataset;
  /** The validation split. */
  validation: Dataset;
  /** The test split. */
  test: Dataset;
  /** The model's folder. */
  out: string;
  /** Seed of the training. */
  seed: number;
  /** The algorithm. */
  algorithm: Algorithm;
  /** Its hyperparameters (SageMaker names). */
  hyperparameters: Readonly<Record<string, string | number>>;
}

/** What the worker posts back. @internal */
export type TrainingReply =
  | { type: "progress"; completed: number; total: number }
  | { type: "trained"; metrics: MetricsDocument; testScores: Float64Array }
  | { type: "failed"; message: string };

/** A model trained on a worker thread. @internal */
export interface ThreadTrained {
  /** `metrics.json` as written. */
  metrics: MetricsDocument;
  /** The model's scores of the test split, in row order. */
  testScores: Float64Array;
}

/** A worker thread ready to train one model. @internal */
export interface TrainingThread {
  /** Trains `job`; resolves when the model's folder is written. The thread ends afterwards. */
  train(job: TrainingJob, onProgress: (completed: number, total: number) => void): Promise<ThreadTrained>;
  /** Stops the thread (a training under way fails). */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The worker script: beside this module once built; the built copy when running from sources (tests). */
const ENTRY = existsSync(join(here, "train-worker.js")) ? join(here, "train-worker.js") : join(here, "..", "dist", "train-worker.js");

/** Whether the worker script exists (from the sources, only once the package is built). @internal */
export function trainingThreadAvailable(): boolean {
  return existsSync(ENTRY);
}

/**
 * Starts a worker thread that will train one model.
 * @internal
 */
export function startTrainingThread(): TrainingThread {
  // built code needs no flags; none inherited (a test runner's export conditions would point the
  // packages at their TypeScript sources)
  const worker = new Worker(ENTRY, { execArgv: [] });
  let failure: Error | null = null;
  let settle: ((outcome: Error | ThreadTrained) => void) | null = null;
  const fail = (err: Error): void => {
    failure ??= err;
    settle?.(err);
  };
  worker.on("error", (err) => fail(err));
  worker.on("exit", (code) => fail(new Error(`the training thread stopped (exit code ${code})`)));
  return {
    train(job, onProgress) {
      return new Promise<ThreadTrained>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        settle = (outcome) => {
          settle = null;
          void worker.terminate();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        worker.on("message", (reply: TrainingReply) => {
          if (reply.type === "progress") onProgress(reply.completed, reply.total);
          else if (reply.type === "trained") settle?.({ metrics: reply.metrics, testScores: reply.testScores });
          else settle?.(new Error(reply.message));
        });
        worker.postMessage(job);
      });
    },
    async close() {
      settle = null;
      await worker.terminate();
    },
  };
}
