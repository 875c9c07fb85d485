// Entry point of a training worker thread: trains the shard in `workerData` with the same kernel
// the calling thread uses, reports each epoch, and answers with the results or the failure.
import { parentPort, workerData } from "node:worker_threads";
import { trainShard } from "./kernel.js";
import type { KernelJob } from "./kernel.js";
import type { WorkerMessage } from "./shards.js";

const port = parentPort;
if (port !== null) {
  const send = (message: WorkerMessage): void => port.postMessage(message);
  try {
    const result = trainShard(workerData as KernelJob, (epoch, losses) => send({ type: "epoch", epoch, losses }));
    send({ type: "done", result });
  } catch (err) {
    send({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
}
