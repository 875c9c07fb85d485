/**
 * Writes `creditcard.csv` on a worker thread of its own (`csv-worker.js`), or on the calling thread
 * when the worker script is not built (running from the sources).
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { writeCreditCardCsv } from "@fraud/simulator";
import type { Dataset } from "@fraud/simulator";

/** What the worker writes. @internal */
export interface CsvJob {
  /** The file. */
  path: string;
  /** Its rows. */
  dataset: Dataset;
}

/** What the worker posts back: the seconds the write took, or why it failed. @internal */
export type CsvReply = { seconds: number } | { error: string };

const here = dirname(fileURLToPath(import.meta.url));
/** The worker script: beside this module once built; the built copy when running from sources (tests). */
const ENTRY = existsSync(join(here, "csv-worker.js")) ? join(here, "csv-worker.js") : join(here, "..", "dist", "csv-worker.js");

/**
 * Writes `dataset` to `path` as `creditcard.csv` (atomically, as `writeCreditCardCsv` does);
 * resolves with the seconds it took, rejects with the write's one-line reason.
 * @internal
 */
export function writeCsvOffThread(path: string, dataset: Dataset): Promise<number> {
  if (!existsSync(ENTRY)) {
    const started = performance.now();
    return writeCreditCardCsv(path, dataset).then(() => (performance.now() - started) / 1000);
  }
  return new Promise<number>((resolve, reject) => {
    // built code needs no flags; none inherited (a test runner's export conditions would point the
    // packages at their TypeScript sources)
    const worker = new Worker(ENTRY, { execArgv: [], workerData: { path, dataset } satisfies CsvJob });
    let settled = false;
    const settle = (outcome: Error | number): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    worker.once("message", (reply: CsvReply) => settle("error" in reply ? new Error(reply.error) : reply.seconds));
    worker.once("error", (err) => settle(err));
    worker.once("exit", (code) => settle(new Error(`the thread writing the file stopped (exit code ${code})`)));
  });
}
