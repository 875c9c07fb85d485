/**
 * A worker thread writing `creditcard.csv` with `writeCreditCardCsv` of `@fraud/simulator`, so that
 * formatting 150 MB of text takes a core the stream leaves idle, not the calling thread's. It is
 * given the path and the data set (copied into its memory) and posts back the seconds the write took.
 * @packageDocumentation
 */
import { parentPort, workerData } from "node:worker_threads";
import { writeCreditCardCsv } from "@fraud/simulator";
import type { CsvJob, CsvReply } from "./csv-thread.js";

const port = parentPort;
if (port === null) throw new Error("csv-worker.js runs as a worker thread");
const job = workerData as CsvJob;
const started = performance.now();
writeCreditCardCsv(job.path, job.dataset).then(
  () => port.postMessage({ seconds: (performance.now() - started) / 1000 } satisfies CsvReply),
  (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies CsvReply),
);
