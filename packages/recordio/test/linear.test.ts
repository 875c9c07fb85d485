// Decoding is linear in its input for every valid encoding: unpacked repeated values (one tag per
// value), repeated `Value` messages and repeated tensor fields (which protobuf merges) cost the same
// per value at any size. Relative timing only: 4× the values must take about 4× the time (a
// quadratic decoder takes 16×), and unpacked values within 20× of the same values packed. Sizes are
// compared in the same run, interleaved, best of several, next to a linear reference (copying and
// summing the same bytes) whose own scaling absorbs what the machine adds (allocation, cache, load);
// no wall-clock bound.
import { describe, expect, it } from "vitest";
import { decodeDense, decodeRecord, decodeRecords, iterateRecords, parseInferenceResponse, readRecords } from "@fraud/recordio";
import { bytes, entry, frame, ld, packedF32, packedInt, unpackedF32, unpackedInt } from "./support/proto.js";

const N = 100_000;
const SCALE = 4;
/** Generous bound on t(4N) / t(N): linear gives about 4, quadratic 16. */
const MAX_SCALING = 10;
/** Bound relative to the reference's own scaling, when the machine makes that one above 4. */
const MAX_SCALING_VS_REFERENCE = 2.5;

/** The linear reference: copy the bytes and read every one. */
function reference(payload: Uint8Array): number {
  const copy = payload.slice();
  let sum = 0;
  for (let i = 0; i < copy.length; i++) sum += copy[i]!;
  return sum;
}
/** Bound on unpacked / packed time for the same values. */
const MAX_UNPACKED_FACTOR = 20;

type Encoding = (n: number) => Uint8Array; // a Record payload holding n feature values

const floats = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 97) / 8);
const ints = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 1000);

const encodings: Record<string, Encoding> = {
  "float32 packed": (n) => ld(1, entry(ld(2, packedF32(floats(n))))),
  "float32 unpacked": (n) => ld(1, entry(ld(2, unpackedF32(floats(n))))),
  "int32 packed": (n) => ld(1, entry(ld(7, packedInt(ints(n))))),
  "int32 unpacked": (n) => ld(1, entry(ld(7, unpackedInt(ints(n))))),
  // the map entry's value field n times, one value each: protobuf merges them
  "repeated Value messages": (n) => {
    const one = ld(2, ld(2, packedF32([1.5])));
    const parts: Uint8Array[] = [ld(1, Array.from(new TextEncoder().encode("values")))];
    for (let i = 0; i < n; i++) parts.push(one);
    return ld(1, bytes(...parts));
  },
  // the Value's float32_tensor field n times, one value each
  "repeated tensor fields": (n) => {
    const one = ld(2, packedF32([2.5]));
    const parts: Uint8Array[] = [];
    for (let i = 0; i < n; i++) parts.push(one);
    return ld(1, entry(bytes(...parts)));
  },
};

/** Adds the one-element score label an inference response needs. */
const withScore = (payload: Uint8Array) => bytes(payload, ld(2, entry(ld(2, packedF32([0.5])), "score")));

type Path = (payload: Uint8Array) => unknown;

const paths: Record<string, Path> = {
  decodeRecords: (p) => decodeRecords(frame(p)),
  iterateRecords: (p) => [...iterateRecords(frame(p))].length,
  readRecords: async (p) => {
    const all = frame(p);
    const chunks = Array.from({ length: Math.ceil(all.length / 65536) }, (_, i) => all.subarray(i * 65536, (i + 1) * 65536));
    let n = 0;
    for await (const _ of readRecords(chunks)) n++;
    return n;
  },
  decodeDense: (p) => decodeDense(frame(p)),
  decodeRecord: (p) => decodeRecord(p),
  parseInferenceResponse: (p) => parseInferenceResponse(frame(withScore(p))),
};

async function seconds(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Best time of each input, measured interleaved so both see the same machine load. */
async function bestOf(runs: number, fns: (() => unknown)[]): Promise<number[]> {
  for (const fn of fns) await fn(); // warm-up
  const best = fns.map(() => Infinity);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < fns.length; i++) best[i] = Math.min(best[i]!, await seconds(fns[i]!));
  }
  return best;
}

describe.each(Object.entries(paths))("%s is linear in its input", (_name, path) => {
  it.each(Object.keys(encodings))("%s: 4x the values take about 4x the time", async (encoding) => {
    const small = encodings[encoding]!(N);
    const large = encodings[encoding]!(N * SCALE);
    const [ts, tl, rs, rl] = await bestOf(7, [() => path(small), () => path(large), () => reference(small), () => reference(large)]);
    const bound = Math.max(MAX_SCALING, MAX_SCALING_VS_REFERENCE * (rl! / rs!));
    const what = `${encoding}: ${ts!.toFixed(2)} ms for ${N} values, ${tl!.toFixed(2)} ms for ${N * SCALE} (reference ${rs!.toFixed(2)} / ${rl!.toFixed(2)} ms)`;
    expect(tl! / ts!, what).toBeLessThan(bound);
  });

  it.each([
    ["float32", "float32 packed", "float32 unpacked"],
    ["int32", "int32 packed", "int32 unpacked"],
  ])(`%s unpacked is within ${MAX_UNPACKED_FACTOR}x of packed`, async (_type, packed, unpacked) => {
    const p = encodings[packed]!(N * SCALE);
    const u = encodings[unpacked]!(N * SCALE);
    const [tp, tu] = await bestOf(7, [() => path(p), () => path(u)]);
    expect(tu! / tp!, `packed ${tp!.toFixed(2)} ms, unpacked ${tu!.toFixed(2)} ms`).toBeLessThan(MAX_UNPACKED_FACTOR);
  });
});

describe("the crafted encodings decode to the same values", () => {
  it.each(Object.keys(encodings))("%s", (encoding) => {
    const [rec] = decodeRecords(frame(encodings[encoding]!(1000)));
    const v = rec!.features["values"]!;
    expect(v.type === "bytes" || v.type === "none" ? 0 : v.values.length).toBe(1000);
    expect(decodeDense(frame(encodings[encoding]!(1000))).shape).toEqual([1, 1000]);
  });
});
