// Worker thread of the ingest bench's parallel read: parses the parts it is sent (a file's bytes in
// shared memory) with parseCreditCardCsvPart and posts them back, their buffers transferred.
import { parentPort } from "node:worker_threads";
import { parseCreditCardCsvPart } from "../src/index.js";

parentPort?.on("message", (m: { bytes: SharedArrayBuffer; length: number; start: number; end: number; file: string }) => {
  const part = parseCreditCardCsvPart(new Uint8Array(m.bytes, 0, m.length), m.start, m.end, { file: m.file, first: false });
  parentPort?.postMessage(part, [part.features.buffer as ArrayBuffer, part.labels.buffer as ArrayBuffer]);
});
