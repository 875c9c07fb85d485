// Peak resident memory of the streaming decoder (readRecords) on hostile chunkings: one large record
// fed in tiny chunks, or a long run of empty frames. Prints one JSON line:
// {"case","bytes","chunkBytes","records","seconds","baseRssMb","peakRssMb","growthMb","load"}.
// Usage: node --conditions=@fraud/source --import tsx bench/decode-rss.ts [one-record|empty-frames] [MiB] [CHUNK_BYTES]
//   defaults: one-record 16 1 (a 16 MiB record in 1-byte chunks)
import { loadavg } from "node:os";
import { encodeDense, frameRecords, readRecords } from "@fraud/recordio";

const mode = process.argv[2] ?? "one-record";
const mib = Number(process.argv[3] ?? 16);
const chunkBytes = Number(process.argv[4] ?? 1);

let input: Uint8Array;
if (mode === "one-record") {
  const floats = new Float32Array(Math.floor((mib * 1048576 - 64) / 4));
  for (let i = 0; i < floats.length; i++) floats[i] = i % 1000;
  input = encodeDense({ data: floats, shape: [1, floats.length] });
} else if (mode === "empty-frames") {
  // frames of an empty payload: the magic and a zero length, 8 bytes each
  const frames = Math.floor((mib * 1048576) / 8);
  input = new Uint8Array(frames * 8);
  const empty = frameRecords([new Uint8Array(0)]);
  for (let i = 0; i < frames; i++) input.set(empty, i * 8);
} else {
  throw new Error(`unknown case ${mode}: one-record or empty-frames`);
}

globalThis.gc?.();
const baseRss = process.memoryUsage.rss();
let peak = baseRss;
function* chunks(): Generator<Uint8Array> {
  for (let i = 0; i < input.length; i += chunkBytes) {
    // a fresh array per chunk, as a socket or file stream delivers them
    yield input.slice(i, i + chunkBytes);
    if ((i / chunkBytes) % 4096 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
}
const t0 = performance.now();
let records = 0;
for await (const _ of readRecords(chunks(), { maxRecordBytes: 64 << 20 })) {
  records++;
  if (records % 4096 === 0) peak = Math.max(peak, process.memoryUsage.rss());
}
peak = Math.max(peak, process.memoryUsage.rss());
const mb = (b: number) => Number((b / 1048576).toFixed(1));
console.log(
  JSON.stringify({
    case: mode,
    bytes: input.length,
    chunkBytes,
    records,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    baseRssMb: mb(baseRss),
    peakRssMb: mb(peak),
    growthMb: mb(peak - baseRss),
    load: loadavg().map((l) => l.toFixed(2)).join(" "),
  }),
);
