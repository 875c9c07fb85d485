// Reading a file in chunks claimed by several threads, cutting the parts from the chunks'
// line-feed counts (planCsvChunks) and parsing them from the file gives exactly what the one-pass
// reader gives, and the same plan planCsvParts would make for those cuts.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CsvParser, csvChunksRead, joinCreditCardCsvParts, parseClaimedCsvParts, planCsvChunks, readClaimedCsvChunks, sharedCsvFile } from "@fraud/simulator";
import type { CsvPart, Dataset } from "@fraud/simulator";

const dir = mkdtempSync(join(tmpdir(), "csv-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = ["Time", ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), "Amount", "Class"];
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.integer({ min: -999, max: 999 }).map(String));
const goodLine = fc.tuple(fc.array(number, { minLength: 30, maxLength: 30 }), fc.constantFrom("0", "1", '"0"')).map(([f, l]) => [...f, l].join(","));
const line = fc.oneof({ weight: 20, arbitrary: goodLine }, { weight: 2, arbitrary: fc.constantFrom("", "\r", "1,2,3", "x".repeat(300)) });
const file = fc
  .tuple(fc.constantFrom("", "\ufeff" + HEADER.map((c) => `"${c}"`).join(",") + "\n", HEADER.join(",") + "\r\n"), fc.array(line, { maxLength: 30 }), fc.constantFrom("", "\n", "\r\n", "\n\n"))
  .map(([head, lines, tail]) => head + lines.join("\n") + tail);

function onePass(bytes: Uint8Array): Dataset | string {
  try {
    const p = new CsvParser("f.csv");
    p.push(bytes);
    return p.finish();
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

let serial = 0;
function written(bytes: Uint8Array): string {
  const path = join(dir, `f${serial++}.csv`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * The file read as a parallel read does it, on this thread alone: chunks read and counted, parts
 * planned from the counts, parsed from the file into shared arrays and joined; the data set, or
 * the error as `CODE message`.
 */
function inParts(bytes: Uint8Array, chunks: number): Dataset | string {
  const task = sharedCsvFile(written(bytes), bytes.length, chunks);
  readClaimedCsvChunks(task);
  const plan = planCsvChunks(task);
  const room = plan.rows.at(-1)!;
  const shared = { path: task.path, length: task.length, bounds: plan.bounds, rows: plan.rows, features: new SharedArrayBuffer(room * 240), labels: new SharedArrayBuffer(room), next: new SharedArrayBuffer(4), file: "f.csv" };
  try {
    const parts: CsvPart[] = [];
    for (const { index, part } of parseClaimedCsvParts(shared)) parts[index] = part;
    const failed = parts.findIndex((p) => p.error !== null);
    return joinCreditCardCsvParts(failed >= 0 ? parts.slice(0, failed + 1) : parts, { file: "f.csv", into: { features: new Float64Array(shared.features), labels: new Uint8Array(shared.labels) } });
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

/** Lines of bytes[start, end): line feeds, plus one for an unterminated last line. */
function linesIn(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (bytes[i] === 10) n++;
  return end > start && bytes[end - 1] !== 10 ? n + 1 : n;
}

/** A parts task over a 10-byte file, for the argument checks. */
const parts = () => ({ path: "f", length: 10, bounds: [0, 10], rows: [0, 1], features: new SharedArrayBuffer(240), labels: new SharedArrayBuffer(1), next: new SharedArrayBuffer(4), file: "f" });

describe("a file read in claimed chunks", () => {
  it("cuts parts at line starts whose row places are the lines before them (the header taking none)", () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 12 }), (text, chunks) => {
        const bytes = new TextEncoder().encode(text);
        const task = sharedCsvFile(written(bytes), bytes.length, chunks);
        expect(readClaimedCsvChunks(task)).toBe(new Int32Array(task.counts).length);
        expect(csvChunksRead(task)).toBe(true);
        const { bounds, rows } = planCsvChunks(task);
        expect(bounds[0]).toBe(0);
        expect(bounds.at(-1)).toBe(bytes.length);
        expect(rows).toHaveLength(bounds.length);
        for (let k = 1; k < bounds.length - 1; k++) {
          expect(bounds[k]).toBeGreaterThan(bounds[k - 1]!);
          expect(bytes[bounds[k]! - 1]).toBe(10);
        }
        // the header, when there is one, is the first line and holds no row
        const first = bytes[bytes[0] === 0xef ? 3 : 0];
        const header = bytes.length > 0 && !(first !== undefined && ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46 || first === 10 || first === 13)) ? 1 : 0;
        for (let k = 0; k + 1 < bounds.length; k++) {
          const n = linesIn(bytes, bounds[k]!, bounds[k + 1]!);
          expect(rows[k + 1]! - rows[k]!).toBe(k === 0 ? Math.max(0, n - header) : n);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("parsed in its parts, gives the one-pass reader's rows or its error", () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 12 }), (text, chunks) => {
        const bytes = new TextEncoder().encode(text);
        expect(inParts(bytes, chunks)).toEqual(onePass(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("leaves the chunks another thread claimed to it, and tells when all are read", () => {
    const text = ("1," + "0.5,".repeat(29) + "0\n").repeat(100);
    const task = sharedCsvFile(written(new TextEncoder().encode(text)), text.length, 10);
    // another thread took chunk 0..2 and has not finished
    Atomics.store(new Int32Array(task.next), 0, 3);
    expect(readClaimedCsvChunks(task)).toBe(7);
    expect(csvChunksRead(task)).toBe(false);
    expect(() => planCsvChunks(task)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    Atomics.store(new Int32Array(task.next), 0, 0);
    expect(readClaimedCsvChunks(task)).toBe(10);
    expect(planCsvChunks(task).rows.at(-1)).toBe(100);
  });

  it.each([
    ["a file that is gone", (p: string) => rmSync(p), /IO_ERROR .*no such file/],
    ["a file that shrank", (p: string) => truncateSync(p, 10), /IO_ERROR .*shorter than the 4100 bytes/],
  ])("refuses %s with IO_ERROR, and stops the other threads' claims", (_, change, message) => {
    const path = written(new TextEncoder().encode("1,2\n".repeat(1025)));
    const task = sharedCsvFile(path, 4100, 4);
    change(path);
    let err: unknown;
    try {
      readClaimedCsvChunks(task);
    } catch (e) {
      err = e;
    }
    expect(`${(err as { code: string }).code} ${(err as Error).message}`).toMatch(message);
    expect(Atomics.load(new Int32Array(task.next), 0)).toBeGreaterThanOrEqual(4);
  });

  it("parses parts longer than its buffer, with a line across each read, and refuses a line over the limit as the one-pass reader does", () => {
    const row = (r: number): string => [r, ...Array.from({ length: 28 }, (_, c) => ((r * 31 + c) % 997) / 7), r % 5, r % 2].join(",");
    const many = Array.from({ length: 12_000 }, (_, r) => row(r)).join("\n") + "\n";
    const long = "1," + "0".repeat((1 << 20) + 10) + "\n";
    for (const text of [many, many + long + many, many.slice(0, -1)]) {
      const bytes = new TextEncoder().encode(text);
      expect(inParts(bytes, 3)).toEqual(onePass(bytes));
    }
  });

  it("refuses a file that shrank after it was planned with IO_ERROR, and stops the other threads' claims", () => {
    const text = ("1," + "0.5,".repeat(29) + "0\n").repeat(1000);
    const task = sharedCsvFile(written(new TextEncoder().encode(text)), text.length, 4);
    readClaimedCsvChunks(task);
    const plan = planCsvChunks(task);
    truncateSync(task.path, 100);
    const shared = { path: task.path, length: task.length, bounds: plan.bounds, rows: plan.rows, features: new SharedArrayBuffer(1000 * 240), labels: new SharedArrayBuffer(1000), next: new SharedArrayBuffer(4), file: "f.csv" };
    expect(() => parseClaimedCsvParts(shared)).toThrow(expect.objectContaining({ code: "IO_ERROR", message: expect.stringMatching(/shorter than the \d+ bytes it had when the read began/) }));
    expect(Atomics.load(new Int32Array(shared.next), 0)).toBeGreaterThanOrEqual(plan.bounds.length - 1);
  });

  it.each([
    ["sharedCsvFile", () => sharedCsvFile("f", -1, 2), /length must be an integer/],
    ["sharedCsvFile", () => sharedCsvFile("f", 10, 0), /chunks must be an integer from 1 to 1024/],
    ["readClaimedCsvChunks", () => readClaimedCsvChunks({ ...sharedCsvFile("f", 10, 2), chunkBytes: 0 }), /task.chunkBytes must be a positive integer/],
    ["readClaimedCsvChunks", () => readClaimedCsvChunks({ ...sharedCsvFile("f", 10, 2), counts: new SharedArrayBuffer(4) }), /task.counts must hold 2 Int32/],
    ["readClaimedCsvChunks", () => readClaimedCsvChunks({ ...sharedCsvFile("f", 10, 2), starts: new SharedArrayBuffer(4) }), /task.starts must hold 2 Int32/],
    ["planCsvChunks", () => planCsvChunks({ ...sharedCsvFile("f", 10, 2), length: -1 }), /task.length must be an integer from 0 to 2147483647/],
    ["parseClaimedCsvParts", () => parseClaimedCsvParts({ ...parts(), bytes: new SharedArrayBuffer(10) }), /bytes or a path, not both/],
    ["parseClaimedCsvParts", () => parseClaimedCsvParts({ ...parts(), bounds: [0, 11], rows: [0, 1] }), /bounds must rise from 0 to at most 10/],
  ])("%s refuses a bad argument with INVALID_ARGUMENT", (_, call, message) => {
    expect(call).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(message) }));
  });
});
