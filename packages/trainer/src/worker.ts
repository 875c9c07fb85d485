// Entry point of a worker thread (see pool.ts): trains shards of models with the same kernel the
// calling thread uses, reads CSV files and parses parts of one, scores chunks of rows, answering
// each task with its result or its failure.
import { parentPort } from "node:worker_threads";
import { TrainError } from "./errors.js";
import { trainShard } from "./kernel.js";
import type { WorkerMessage, WorkerTask } from "./pool.js";

/** `read()`, with the file's own faults (gone, unreadable, changed) as IO_ERROR: the reader's one-line message. */
function fileFault<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === "IO_ERROR") throw new TrainError("IO_ERROR", e.message, { cause: err });
    throw err;
  }
}

/** What each task is, in a failure's message. */
const WORK: Record<WorkerTask["type"], string> = { train: "training", read: "reading", chunks: "reading", parse: "reading", score: "scoring" };

async function handle(task: WorkerTask, send: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  if (task.type === "train") {
    const result = trainShard(task.job, (epoch, losses) => send({ type: "epoch", epoch, losses }));
    send({ type: "trained", result });
  } else if (task.type === "chunks") {
    const { readClaimedCsvChunks } = await import("./inputs.js");
    const chunks = fileFault(() => readClaimedCsvChunks(task));
    send({ type: "chunked", chunks });
  } else if (task.type === "parse") {
    const { parseClaimedCsvParts } = await import("./inputs.js");
    const parts = fileFault(() => parseClaimedCsvParts(task));
    // Rows written in place live in shared memory (not transferable, and not copied either).
    const own = parts.flatMap(({ part }) => [part.features.buffer, part.labels.buffer]).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    send({ type: "parsed", parts }, own);
  } else if (task.type === "score") {
    const { scoreClaimedChunks } = await import("./parallel-scores.js");
    send({ type: "scored", chunks: scoreClaimedChunks(task) });
  } else {
    const { readDataset } = await import("./inputs.js");
    const dataset = await readDataset(task.path, task.path);
    send({ type: "read", dataset }, [dataset.features.buffer as ArrayBuffer, dataset.labels.buffer as ArrayBuffer]);
  }
}

const port = parentPort;
if (port !== null) {
  const send = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
  port.on("message", (task: WorkerTask) => {
    handle(task, send).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof TrainError) send({ type: "error", message, code: err.code });
      else send({ type: "error", message: `${WORK[task.type]} worker failed: ${message}` });
    });
  });
}
