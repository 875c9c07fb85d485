// Worker thread of the ingest bench's parallel read: reads the chunks of a file it claims, and parses the parts of it it claims
// (in place in the shared result arrays) and posts them back; their rows are in shared memory, so
// nothing is copied or transferred.
import { parentPort } from "node:worker_threads";
import { parseClaimedCsvParts, readClaimedCsvChunks } from "../src/index.js";
import type { SharedCsvFile, SharedCsvParts } from "../src/index.js";

parentPort?.on("message", (task: SharedCsvFile | SharedCsvParts) => {
  // a file to read in chunks, or its parts to parse
  if ("chunkBytes" in task) {
    parentPort?.postMessage(readClaimedCsvChunks(task));
    return;
  }
  const parts = parseClaimedCsvParts(task);
  const own = parts.flatMap(({ part }) => [part.features.buffer, part.labels.buffer]).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  parentPort?.postMessage(parts, own);
});
