// Decoding is linear in its input for every valid encoding: unpacked repeated values (one tag per
// value), repeated `Value` messages and repeated tensor fields (which protobuf merges) cost the same
// per value at any size. Checked two ways, neither against a wall-clock bound:
// - operation counts, deterministic: the typed-array elements each decoder allocates and copies
//   (a decoder that copies everything decoded so far for each value does n²/2 of them) must grow
//   like the input, 4x the values about 4x the work, and stay a few elements per input byte;
// - relative time: unpacked values within 20x of the same values packed, measured interleaved in
//   the same run, best of several.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDense, decodeRecord, decodeRecords, iterateRecords, parseInferenceResponse, readRecords } from "@fraud/recordio";
import { bytes, entry, frame, ld, packedF32, packedInt, unpackedF32, unpackedInt } from "./support/proto.js";

const N = 50_000;
const SCALE = 4;
/** Bound on work(4N) / work(N): linear gives about 4, quadratic 16. */
const MAX_SCALING = 6;
/** Bound on the elements allocated and copied per input byte (a value takes 1 to 10 bytes). */
const MAX_WORK_PER_BYTE = 8;
/** Bound on unpacked / packed time for the same values. */
const MAX_UNPACKED_FACTOR = 20;

/** Typed-array elements allocated (constructors) and copied (`set`) while the counter is on. */
const work = { on: false, elements: 0 };
const CONSTRUCTORS = ["Float32Array", "Float64Array", "Int32Array", "Uint8Array", "Uint32Array"] as const;
const originals = CONSTRUCTORS.map((name) => globalThis[name]);
const TypedArray = Object.getPrototypeOf(Float32Array) as { prototype: { set(this: Float32Array, src: ArrayLike<number>, offset?: number): void } };
const originalSet = TypedArray.prototype.set;

beforeAll(() => {
  CONSTRUCTORS.forEach((name, i) => {
    (globalThis as Record<string, unknown>)[name] = new Proxy(originals[i]!, {
      construct(target, args, newTarget) {
        if (work.on) {
          const a = args[0] as unknown;
          work.elements += typeof a === "number" ? a : a instanceof ArrayBuffer ? 0 : ((a as ArrayLike<unknown> | undefined)?.length ?? 0);
        }
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  });
  TypedArray.prototype.set = function (this: Float32Array, src: ArrayLike<number>, offset?: number) {
    if (work.on) work.elements += src.length;
    return originalSet.call(this, src, offset);
  };
});

afterAll(() => {
  CONSTRUCTORS.forEach((name, i) => ((globalThis as Record<string, unknown>)[name] = originals[i]));
  TypedArray.prototype.set = originalSet;
});

async function workOf(fn: () => unknown): Promise<number> {
  work.elements = 0;
  work.on = true;
  try {
    await fn();
  } finally {
    work.on = false;
  }
  return work.elements;
}

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

/** A decoder path: how its input is made from a Record payload (not measured), and the call. */
interface Path {
  input: (payload: Uint8Array) => Uint8Array;
  run: (input: Uint8Array) => unknown;
}

const paths: Record<string, Path> = {
  decodeRecords: { input: frame, run: (b) => decodeRecords(b) },
  iterateRecords: { input: frame, run: (b) => [...iterateRecords(b)].length },
  readRecords: {
    input: frame,
    run: async (b) => {
      const chunks = Array.from({ length: Math.ceil(b.length / 65536) }, (_, i) => b.subarray(i * 65536, (i + 1) * 65536));
      let n = 0;
      for await (const _ of readRecords(chunks)) n++;
      return n;
    },
  },
  decodeDense: { input: frame, run: (b) => decodeDense(b) },
  decodeRecord: { input: (p) => p, run: (b) => decodeRecord(b) },
  parseInferenceResponse: { input: (p) => frame(withScore(p)), run: (b) => parseInferenceResponse(b) },
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
  it.each(Object.keys(encodings))("%s: 4x the values take about 4x the work", async (encoding) => {
    const small = path.input(encodings[encoding]!(N));
    const large = path.input(encodings[encoding]!(N * SCALE));
    const ws = await workOf(() => path.run(small));
    const wl = await workOf(() => path.run(large));
    const what = `${encoding}: ${ws} elements allocated or copied for ${small.length} bytes, ${wl} for ${large.length}`;
    expect(wl / ws, what).toBeLessThan(MAX_SCALING);
    expect(wl / large.length, what).toBeLessThan(MAX_WORK_PER_BYTE);
  });

  it.each([
    ["float32", "float32 packed", "float32 unpacked"],
    ["int32", "int32 packed", "int32 unpacked"],
  ])(`%s unpacked is within ${MAX_UNPACKED_FACTOR}x of packed`, async (_type, packed, unpacked) => {
    const p = path.input(encodings[packed]!(N * SCALE));
    const u = path.input(encodings[unpacked]!(N * SCALE));
    const [tp, tu] = await bestOf(7, [() => path.run(p), () => path.run(u)]);
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
