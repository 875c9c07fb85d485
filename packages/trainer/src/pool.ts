// A pool of worker threads running worker.ts: training shards, reading CSV files while the
// calling thread reads another, parsing parts of a large file the calling thread shares, and
// scoring chunks of rows with the calling thread (parallel-scores.ts). Workers start booting when
// the pool is made, so their start-up overlaps whatever the calling thread does next.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, isMainThread, workerData } from "node:worker_threads";
import pLimit from "p-limit";
import type { LimitFunction } from "p-limit";
import type { CsvPart } from "@fraud/simulator";
import type { Dataset } from "./data.js";
import type { SharedChunks, SharedParts } from "./inputs.js";
import { TrainError } from "./errors.js";
import type { TrainErrorCode } from "./errors.js";
import type { KernelJob, KernelModelResult } from "./kernel.js";
import type { SharedScoring } from "./parallel-scores.js";

/** A job for a worker. @internal */
export type WorkerTask =
  | { type: "train"; job: KernelJob }
  | { type: "read"; path: string }
  /** Read chunks of a file into shared memory until none is left unclaimed. */
  | ({ type: "chunks" } & SharedChunks)
  /** Parse parts of a file in shared memory until none is left unclaimed. */
  | ({ type: "parse" } & SharedParts)
  /** Score chunks of rows in shared memory until none is left unclaimed. */
  | ({ type: "score" } & SharedScoring);

/** What a worker posts back. @internal */
export type WorkerMessage =
  | { type: "epoch"; epoch: number; losses: number[] }
  | { type: "trained"; result: KernelModelResult[] }
  | { type: "read"; dataset: Dataset }
  | { type: "chunked"; chunks: number }
  | { type: "parsed"; parts: { index: number; part: CsvPart }[] }
  | { type: "scored"; chunks: number }
  | { type: "error"; message: string; code?: string };

const TASK_CODES: readonly string[] = ["INVALID_ARGUMENT", "BAD_DATA", "IO_ERROR", "WORKER_FAILED"] satisfies TrainErrorCode[];

/**
 * The worker module and its options: beside this file once built, `worker.bundle.js` (worker.js and
 * everything it imports in one file), else `worker.js`; the installed package's, when this module
 * was bundled into another file. From the TypeScript
 * sources (vitest, tsx), `worker-tsx.mjs`, which loads `worker.ts` through tsx and resolves the
 * workspace packages from their sources too.
 */
function workerEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    // the build's one-file bundle of worker.js (scripts/bundle-worker.mjs) loads in a fraction of the
    // time; when this module is itself bundled into an application, the package's own dist
    for (const dir of [new URL(".", here), packageDist(here)]) {
      if (dir === null) continue;
      for (const name of ["worker.bundle.js", "worker.js"]) {
        const url = new URL(name, dir);
        if (existsSync(fileURLToPath(url))) return { url };
      }
    }
    throw new TrainError("WORKER_FAILED", "cannot find the trainer's worker script (dist/worker.bundle.js or dist/worker.js of @fraud/trainer)");
  }
  try {
    createRequire(here).resolve("tsx/esm/api");
  } catch (err) {
    throw new TrainError("WORKER_FAILED", "training workers need tsx to run from the TypeScript sources (install tsx, or build first)", { cause: err });
  }
  return { url: new URL("./worker-tsx.mjs", here), execArgv: ["--conditions=@fraud/source"] };
}

/** The dist folder of the installed @fraud/trainer package, as seen from `from`; null when it cannot be resolved. */
function packageDist(from: string): URL | null {
  try {
    return new URL("dist/", pathToFileURL(createRequire(from).resolve("@fraud/trainer/package.json")));
  } catch {
    return null;
  }
}

/** The `workerData` a pool's workers are started with. */
const POOL_WORKER = "fraud-train-pool-worker";

/** Whether this thread is one of a {@link WorkerPool}'s workers. @internal */
export function inPoolWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === POOL_WORKER;
}

/** A worker and whether it is still alive. */
interface Slot {
  worker: Worker;
  dead: Error | null;
}

/**
 * A fixed set of worker threads; tasks beyond their number wait (p-limit).
 * @internal
 */
export class WorkerPool {
  private readonly idle: Slot[];
  private readonly limit: LimitFunction;
  private closed = false;
  /** Tasks posted that have not yet taken a worker. */
  private waiting = 0;

  private constructor(private readonly slots: Slot[]) {
    this.idle = [...slots];
    this.limit = pLimit(slots.length);
  }

  /** Starts `size` workers (they boot in the background). */
  static start(size: number): WorkerPool {
    const { url, execArgv } = workerEntry();
    const slots = Array.from({ length: size }, (): Slot => {
      const slot: Slot = { worker: new Worker(url, { ...(execArgv ? { execArgv } : {}), workerData: { role: POOL_WORKER } }), dead: null };
      // A worker that dies while idle is marked, never an unhandled 'error' event.
      slot.worker.on("error", (err) => (slot.dead ??= err));
      slot.worker.on("exit", (code) => (slot.dead ??= new Error(`exit code ${code}`)));
      slot.worker.unref();
      return slot;
    });
    return new WorkerPool(slots);
  }

  /** Threads in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs a task on the next free worker; `onMessage` sees its progress messages. */
  run<T extends WorkerMessage["type"]>(task: WorkerTask, done: T, onMessage?: (m: WorkerMessage) => void): Promise<Extract<WorkerMessage, { type: T }>> {
    this.waiting++;
    return this.limit(() => {
      this.waiting--;
      const slot = this.idle.pop();
      // every worker left has died (a dead one is never handed out again)
      if (slot === undefined) return Promise.reject(new TrainError("WORKER_FAILED", "no worker thread left: they stopped"));
      return this.runOn(slot, task, done, onMessage).finally(() => {
        if (slot.dead === null) this.idle.push(slot);
      });
    });
  }

  /**
   * Runs a task on a worker that is free now, or returns null: for work this thread can do itself
   * (the parts of a parallel read), which is no use queued behind a busy worker.
   */
  tryRun<T extends WorkerMessage["type"]>(task: WorkerTask, done: T): Promise<Extract<WorkerMessage, { type: T }>> | null {
    // idle workers not yet promised to a task posted before this one
    if (this.closed || this.idle.length - this.waiting <= 0) return null;
    return this.run(task, done);
  }

  private runOn<T extends WorkerMessage["type"]>(slot: Slot, task: WorkerTask, done: T, onMessage?: (m: WorkerMessage) => void): Promise<Extract<WorkerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const { worker } = slot;
      const finish = (): void => {
        worker.off("message", message);
        worker.off("error", failed);
        worker.off("exit", exited);
        // a closing pool keeps its workers referenced until they have exited (see close)
        if (!this.closed) worker.unref();
      };
      const message = (m: WorkerMessage): void => {
        if (m.type === done) {
          finish();
          resolve(m as Extract<WorkerMessage, { type: T }>);
        } else if (m.type === "error") {
          finish();
          reject(new TrainError(TASK_CODES.includes(m.code ?? "") ? (m.code as TrainErrorCode) : "WORKER_FAILED", m.message));
        } else onMessage?.(m);
      };
      const failed = (err: Error): void => {
        finish();
        reject(new TrainError("WORKER_FAILED", `worker thread failed: ${err.message}`, { cause: err }));
      };
      const exited = (code: number): void => {
        finish();
        reject(new TrainError("WORKER_FAILED", this.closed ? "worker thread stopped" : `worker thread stopped (exit code ${code}) before finishing`));
      };
      if (slot.dead) return failed(slot.dead);
      worker.on("message", message);
      worker.on("error", failed);
      worker.on("exit", exited);
      worker.ref();
      worker.postMessage(task);
    });
  }

  /** Stops every worker; running tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    this.limit.clearQueue();
    // An idle worker is unreferenced: without a reference until it has exited, the process could
    // end with this promise pending (nothing else keeping it alive), its awaiter never resumed.
    await Promise.all(
      this.slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }
}
