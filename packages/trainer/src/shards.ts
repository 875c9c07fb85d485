// Spreads the parallel models over worker threads. Each worker loads worker.ts (built next to this
// file as worker.js) and trains its shard with the same kernel and PRNG as the calling thread.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pLimit from "p-limit";
import { TrainError } from "./errors.js";
import { trainShard } from "./kernel.js";
import type { EpochCallback, KernelJob, KernelModelResult } from "./kernel.js";

/** What a training worker posts back. @internal */
export type WorkerMessage =
  | { type: "epoch"; epoch: number; losses: number[] }
  | { type: "done"; result: KernelModelResult[] }
  | { type: "error"; message: string };

/**
 * The worker module: `worker.js` beside this file once built. From the TypeScript sources (vitest,
 * tsx), `worker-tsx.mjs`, which loads `worker.ts` through tsx.
 */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new URL("./worker.js", here);
  try {
    createRequire(here).resolve("tsx/esm/api");
  } catch (err) {
    throw new TrainError("WORKER_FAILED", "training workers need tsx to run from the TypeScript sources (install tsx, or build first)", { cause: err });
  }
  return new URL("./worker-tsx.mjs", here);
}

function runInWorker(job: KernelJob, onEpoch: EpochCallback, workers: Set<Worker>): Promise<KernelModelResult[]> {
  const url = workerEntry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: job });
    workers.add(worker);
    let result: KernelModelResult[] | undefined;
    let failure: TrainError | undefined;
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "epoch") onEpoch(m.epoch, m.losses);
      else if (m.type === "done") result = m.result;
      else failure = new TrainError("WORKER_FAILED", `training worker failed: ${m.message}`);
    });
    worker.on("error", (err) => {
      failure ??= new TrainError("WORKER_FAILED", `training worker failed: ${err.message}`, { cause: err });
    });
    worker.on("exit", (code) => {
      workers.delete(worker);
      if (result !== undefined && failure === undefined) resolve(result);
      else reject(failure ?? new TrainError("WORKER_FAILED", `training worker stopped (exit code ${code}) before finishing`));
    });
  });
}

/**
 * Trains each job (a shard of models) on its own worker thread, at most `threads` at a time; with
 * one thread, trains in the calling thread. A failing worker, or `signal`, stops the others.
 * @throws {@link TrainError} `WORKER_FAILED` when a worker cannot start or dies; the signal's reason
 *   when aborted.
 * @internal
 */
export async function runShards(jobs: KernelJob[], threads: number, onEpoch: EpochCallback, signal?: AbortSignal): Promise<KernelModelResult[][]> {
  signal?.throwIfAborted();
  if (threads <= 1) return jobs.map((job) => trainShard(job, onEpoch));
  const limit = pLimit(threads);
  const live = new Set<Worker>();
  const stop = (): void => {
    limit.clearQueue();
    for (const w of live) void w.terminate();
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    const results = await Promise.all(jobs.map((job) => limit(() => runInWorker(job, onEpoch, live))));
    signal?.throwIfAborted();
    return results;
  } catch (err) {
    stop();
    signal?.throwIfAborted();
    throw err;
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}
