// Worker thread of the ingest bench's parallel read: parses the parts of a shared file it claims
// (in place in the shared result arrays) and posts them back; their rows are in shared memory, so
// nothing is copied or transferred.
import { parentPort } from "node:worker_threads";
import { parseClaimedCsvParts } from "../src/index.js";
import type { SharedCsvParts } from "../src/index.js";

parentPort?.on("message", (task: SharedCsvParts) => {
  const parts = parseClaimedCsvParts(task);
  const own = parts.flatMap(({ part }) => [part.features.buffer, part.labels.buffer]).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  parentPort?.postMessage(parts, own);
});
