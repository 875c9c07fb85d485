// The parallel read's part loop, shared by the ingest bench and its worker: parts of a file in
// shared memory claimed one at a time (an atomic counter), each parsed straight into its rows of
// shared result arrays.
import { parseCreditCardCsvPart } from "../src/index.js";
import type { CsvPart } from "../src/index.js";

/** A file in shared memory, its parts (planCsvParts) and the shared arrays the rows go to. */
export interface PartsTask {
  bytes: SharedArrayBuffer;
  length: number;
  bounds: number[];
  rows: number[];
  features: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  next: SharedArrayBuffer;
  file: string;
}

/** A part parsed, with its index in the file. */
export interface ClaimedPart {
  index: number;
  part: CsvPart;
}

/** Parses parts until none is left unclaimed; an error stops the claiming. */
export function parseClaimed(task: PartsTask): ClaimedPart[] {
  const bytes = new Uint8Array(task.bytes, 0, task.length);
  const features = new Float64Array(task.features);
  const labels = new Uint8Array(task.labels);
  const next = new Int32Array(task.next);
  const count = task.bounds.length - 1;
  const done: ClaimedPart[] = [];
  for (let index = Atomics.add(next, 0, 1); index < count; index = Atomics.add(next, 0, 1)) {
    const row = task.rows[index]!;
    const into = { features, labels, row, room: task.rows[index + 1]! - row };
    const part = parseCreditCardCsvPart(bytes, task.bounds[index]!, task.bounds[index + 1]!, { file: task.file, first: index === 0, into });
    done.push({ index, part });
    if (part.error !== null) Atomics.store(next, 0, count);
  }
  return done;
}
