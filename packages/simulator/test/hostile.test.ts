// Hostile inputs: very long lines are refused as soon as the line limit is passed (memory stays
// bounded by the limit plus one chunk), and messages quote at most 80 characters of a bad value.
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CSV_COLUMNS,
  CsvError,
  CsvParser,
  DEFAULT_MAX_LINE_BYTES,
  NdjsonParser,
  formatCreditCardCsv,
  generateDataset,
  isCsvError,
  isSimulatorError,
  parseCreditCardCsv,
  parseNdjson,
  readCreditCardCsv,
  readNdjson,
} from "@fraud/simulator";

const HEADER = CSV_COLUMNS.map((c) => `"${c}"`).join(",");
const ROW = formatCreditCardCsv(generateDataset({ rows: 1, seed: 1 })).split("\n")[1]!;
const NDJSON_ROW = JSON.stringify({ time: 0, v: new Array(28).fill(0.5), amount: 1, label: 0 });
const MB = 1 << 20;
const CHUNK = 64 * 1024;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-sim-hostile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Feeds `prefix` and then `total` bytes of `fill` in 64 KiB chunks; returns the error and the bytes fed. */
function feed(parser: { push(chunk: Uint8Array): void }, prefix: string, fill: number, total: number): { error: unknown; fed: number } {
  const head = new TextEncoder().encode(prefix);
  let fed = 0;
  try {
    parser.push(head);
    fed += head.length;
    const chunk = new Uint8Array(CHUNK).fill(fill);
    while (fed < total) {
      parser.push(chunk);
      fed += chunk.length;
    }
  } catch (error) {
    return { error, fed };
  }
  return { error: undefined, fed };
}

function caught(fn: () => unknown): CsvError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error("expected a CsvError");
}

describe("a 100 MB line is refused early, with bounded buffering", () => {
  it.each([
    ["CSV, no line end", () => new CsvParser("big.csv"), "", 0x31, "big.csv:1:1: line is longer than 1048576 bytes (maxLineBytes)"],
    ["CSV, after two good lines", () => new CsvParser("big.csv"), `${HEADER}\n${ROW}\n`, 0x31, "big.csv:3:1: line is longer than 1048576 bytes (maxLineBytes)"],
    ["CSV, inside the fourth field", () => new CsvParser("big.csv"), "1,2,3,", 0x31, "big.csv:1:4: line is longer than 1048576 bytes (maxLineBytes)"],
    ["CSV, NUL bytes", () => new CsvParser("big.csv"), "", 0, "big.csv:1:1: line is longer than 1048576 bytes (maxLineBytes)"],
    ["NDJSON", () => new NdjsonParser("big.ndjson"), `${NDJSON_ROW}\n`, 0x20, "big.ndjson:2:1048577: line is longer than 1048576 bytes (maxLineBytes)"],
    ["CSV, limit 1000", () => new CsvParser("s.csv", { maxLineBytes: 1000 }), "", 0x31, "s.csv:1:1: line is longer than 1000 bytes (maxLineBytes)"],
  ])("%s", (_name, make, prefix, fill, message) => {
    const limit = message.includes("1000 bytes") ? 1000 : DEFAULT_MAX_LINE_BYTES;
    const { error, fed } = feed(make(), prefix, fill, 100 * MB);
    expect(isCsvError(error, "LINE_TOO_LONG")).toBe(true);
    expect((error as CsvError).message).toBe(message);
    // Refused within one chunk of passing the limit: never more than limit + chunk bytes held.
    expect(fed).toBeLessThanOrEqual(prefix.length + limit + CHUNK);
  });

  it("the same line split into one-byte chunks costs linear time (no re-scan of the held bytes)", () => {
    const parser = new CsvParser("tiny.csv", { maxLineBytes: 200_000 });
    const one = new Uint8Array([0x31]);
    let fed = 0;
    let error: unknown;
    try {
      for (; fed < 1_000_000; fed++) parser.push(one);
    } catch (err) {
      error = err;
    }
    expect(isCsvError(error, "LINE_TOO_LONG")).toBe(true);
    expect(fed).toBe(200_000);
  });

  it("a line of exactly the limit is accepted", () => {
    const line = `${ROW}${" ".repeat(0)}`;
    expect(parseCreditCardCsv(`${line}\n`, "x.csv", { maxLineBytes: line.length }).rows).toBe(1);
    expect(() => parseCreditCardCsv(`${line}\n`, "x.csv", { maxLineBytes: line.length - 1 })).toThrow(/x\.csv:1:\d+: line is longer than/);
  });

  it("reading a 100 MB one-line file stops at the limit (CSV and NDJSON)", async () => {
    const path = join(dir, "sparse.bin");
    await writeFile(path, "");
    await truncate(path, 100 * MB); // 100 MB of NUL bytes, no line end, no disk used
    await expect(readCreditCardCsv(path)).rejects.toMatchObject({ code: "LINE_TOO_LONG", line: 1, column: 1, file: path });
    await expect(readNdjson(path)).rejects.toMatchObject({ code: "LINE_TOO_LONG", line: 1, file: path });
  });

  it.each([0, 63, 1.5, 2 ** 31, Number.NaN])("maxLineBytes %s is refused as INVALID_ARGUMENT", (maxLineBytes) => {
    let error: unknown;
    try {
      new CsvParser("x.csv", { maxLineBytes });
    } catch (err) {
      error = err;
    }
    expect(isSimulatorError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toMatch(/^maxLineBytes must be an integer from 64 to 1073741824, got /);
  });
});

describe("messages quote at most 80 characters of a bad value", () => {
  const big = "x".repeat(1_000_000); // about 1 MB, under the default line limit
  const fields = ROW.split(",");
  const withField = (i: number, value: string): string => fields.map((f, j) => (j === i ? value : f)).join(",");
  it.each([
    ["a 1 MB number field", () => parseCreditCardCsv(`${withField(3, big)}\n`, "b.csv"), /^b\.csv:1:4: V3 is not a number: "x{80}…"$/],
    ["a 1 MB digit string", () => parseCreditCardCsv(`${withField(3, "9".repeat(1_000_000))}\n`, "b.csv"), /^b\.csv:1:4: V3 is not finite: "9{80}…"$/],
    ["a 1 MB class", () => parseCreditCardCsv(`${withField(30, `"${big}"`)}\n`, "b.csv"), /^b\.csv:1:31: Class is not a number: "x{80}…"$/],
    ["a 1 MB header", () => parseCreditCardCsv(`${big}\n${ROW}\n`, "b.csv"), /^b\.csv:1: expected the header Time,V1\.\.V28,Amount,Class, got "x{80}…"$/],
    ["a 1 MB NDJSON line", () => parseNdjson(`${big}\n`, "b.ndjson"), /^b\.ndjson:1: not valid JSON: "x{80}…"$/],
    ["a 1 MB NDJSON value", () => parseNdjson(`{"time":"${big}","v":[],"amount":1}\n`, "b.ndjson"), /^b\.ndjson:1: "time" must be a finite number, got "x{80}…"$/],
  ])("%s", (_name, fn, message) => {
    const err = caught(fn);
    expect(err.message).toMatch(message);
    expect(err.message.length).toBeLessThan(200);
  });
});
