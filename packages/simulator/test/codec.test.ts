import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CSV_COLUMNS,
  CsvError,
  FEATURE_COLUMNS,
  FEATURE_NAMES,
  encodeCreditCardRows,
  formatCreditCardCsv,
  generateDataset,
  parseCreditCardCsv,
  readCreditCardCsv,
  toDataset,
  transactionFeatures,
  writeCreditCardCsv,
} from "@fraud/simulator";
import type { Transaction } from "@fraud/simulator";

// The first two rows of the public creditcard.csv, exactly as distributed.
const PUBLIC_HEADER = CSV_COLUMNS.map((c) => `"${c}"`).join(",");
const PUBLIC_ROWS = [
  '0,-1.3598071336738,-0.0727811733098497,2.53634673796914,1.37815522427443,-0.338320769942518,0.462387777762292,0.239598554061094,0.0986979012610507,0.363786969611213,0.0907941719789316,-0.551599533260035,-0.617800855762348,-0.991389847235408,-0.311169353699879,1.46817697209427,-0.470400525259478,0.207971241929242,0.0257905801684878,0.403992960255733,0.251412098239705,-0.018306777944153,0.277837575558899,-0.110473910188767,0.0669280749146731,0.128539358273528,-0.189114843888824,0.133558376740387,-0.0210530534538215,149.62,"0"',
  '0,1.19185711131486,0.26615071205963,0.16648011335321,0.448154078460911,0.0600176492822243,-0.0823608088155687,-0.0788029833323113,0.0851016549148104,-0.255425128109186,-0.166974414004614,1.61272666105479,1.06523531137287,0.48909501589608,-0.143772296441519,0.635558093258208,0.463917041022171,-0.114804663102346,-0.183361270123994,-0.145783041325259,-0.0690831352230203,-0.225775248033138,-0.638671952771851,0.101288021253234,-0.339846475529127,0.167170404418143,0.125894532368176,-0.00898309914322813,0.0147241691924927,2.69,"0"',
];
const PUBLIC_SAMPLE = `${PUBLIC_HEADER}\n${PUBLIC_ROWS.join("\n")}\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-sim-codec-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("columns", () => {
  it("names the 30 features and the class in file order", () => {
    expect(FEATURE_NAMES).toHaveLength(30);
    expect(FEATURE_NAMES[0]).toBe("Time");
    expect(FEATURE_NAMES[1]).toBe("V1");
    expect(FEATURE_NAMES[28]).toBe("V28");
    expect(FEATURE_NAMES[29]).toBe("Amount");
    expect(CSV_COLUMNS).toEqual([...FEATURE_NAMES, "Class"]);
    expect(FEATURE_COLUMNS).toBe(FEATURE_NAMES);
    expect(Object.isFrozen(FEATURE_NAMES)).toBe(true);
  });

  it("transactionFeatures puts Time, V1..V28, Amount in order", () => {
    const v = Array.from({ length: 28 }, (_, i) => i + 1);
    expect(transactionFeatures({ time: 5, v, amount: 9.5 })).toEqual([5, ...v, 9.5]);
    expect(() => transactionFeatures({ time: 5, v: [1, 2], amount: 1 })).toThrow(/28 V components, got 2/);
  });
});

describe("creditcard.csv codec", () => {
  it("reads the public file's layout and writes it back byte for byte", () => {
    const data = parseCreditCardCsv(PUBLIC_SAMPLE, "sample.csv");
    expect(data.rows).toBe(2);
    expect(data.features[1]).toBe(-1.3598071336738);
    expect(data.features[29]).toBe(149.62);
    expect(data.features[30 + 29]).toBe(2.69);
    expect(Array.from(data.labels)).toEqual([0, 0]);
    expect(formatCreditCardCsv(data)).toBe(PUBLIC_SAMPLE);
  });

  it.each([
    ["plain header, unquoted class", `${CSV_COLUMNS.join(",")}\n${PUBLIC_ROWS[0]!.replace('"0"', "1")}\n`, [1]],
    ["no header, CRLF, no final newline", PUBLIC_ROWS.join("\r\n"), [0, 0]],
    ["byte-order mark", `\ufeff${PUBLIC_SAMPLE}`, [0, 0]],
    ["trailing blank lines", `${PUBLIC_SAMPLE}\n\n`, [0, 0]],
  ])("accepts %s", (_name, text, labels) => {
    const data = parseCreditCardCsv(text, "x.csv");
    expect(Array.from(data.labels)).toEqual(labels);
    expect(data.features[29]).toBe(149.62);
  });

  const row = PUBLIC_ROWS[0]!;
  const fields = row.split(",");
  const withField = (i: number, value: string): string => fields.map((f, j) => (j === i ? value : f)).join(",");
  it.each([
    ["too few columns", fields.slice(0, 30).join(","), "bad.csv:2: expected 31 columns, found 30"],
    ["too many columns", `${row},1`, "bad.csv:2:32: expected 31 columns, found 32"],
    ["not a number", withField(3, "abc"), 'bad.csv:2:4: V3 is not a number: "abc"'],
    ["empty field", withField(0, ""), 'bad.csv:2:1: Time is not a number: ""'],
    ["non-finite", withField(29, "Inf"), 'bad.csv:2:30: Amount is not finite: "Inf"'],
    ["NaN", withField(5, "NaN"), 'bad.csv:2:6: V5 is not finite: "NaN"'],
    ["overflow", withField(5, "1e999"), 'bad.csv:2:6: V5 is not finite: "1e999"'],
    ["class 2", withField(30, '"2"'), 'bad.csv:2:31: Class must be 0 or 1, got "2"'],
    ["unterminated quote", withField(30, '"1'), "bad.csv:2:31: unterminated quoted field"],
    ["trailing comma", `${fields.slice(0, 30).join(",")},`, 'bad.csv:2:31: not a number: ""'],
  ])("rejects %s with file, line and column", (_name, line, message) => {
    const text = `${PUBLIC_HEADER}\n${line}\n`;
    let caught: unknown;
    try {
      parseCreditCardCsv(text, "bad.csv");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CsvError);
    expect((caught as CsvError).code).toBe("CSV_MALFORMED");
    expect((caught as CsvError).message).toBe(message);
  });

  it.each([
    ["a wrong header", `"Time","V1"\n${PUBLIC_ROWS[0]}\n`, "CSV_BAD_HEADER", /^h\.csv:1: expected the header/],
    ["no rows", `${PUBLIC_HEADER}\n`, "CSV_EMPTY", /^h\.csv: no data rows$/],
    ["a blank line between rows", `${PUBLIC_HEADER}\n${PUBLIC_ROWS[0]}\n\n${PUBLIC_ROWS[1]}\n`, "CSV_MALFORMED", /^h\.csv:3: empty line$/],
  ])("rejects %s", (_name, text, code, message) => {
    expect(() => parseCreditCardCsv(text, "h.csv")).toThrow(message);
    try {
      parseCreditCardCsv(text, "h.csv");
    } catch (err) {
      expect((err as CsvError).code).toBe(code);
    }
  });

  it("names the line of a malformed row deep in a streamed file", async () => {
    const data = generateDataset({ rows: 3000, seed: 3 });
    const text = formatCreditCardCsv(data).split("\n");
    text[2500] = text[2500]!.replace(/,[^,]*$/, ',"7"');
    const path = join(dir, "deep.csv");
    await writeFile(path, text.join("\n"));
    await expect(readCreditCardCsv(path)).rejects.toThrow(`${path}:2501:31: Class must be 0 or 1, got "7"`);
  });

  it.each([
    ["long lines first, then short ones (the rows outgrow the first estimate)", true],
    ["short lines first, then long ones (the first estimate is far too high)", false],
  ])("reads a file of %s: the rows of a one-piece parse", async (_, longFirst) => {
    const long = `1,${Array.from({ length: 28 }, (_, j) => `0.${String(j + 1).repeat(60)}`).join(",")},2.5,"1"`;
    const short = `2,${"0,".repeat(28)}0.5,0`;
    const lines = longFirst ? [...Array(700).fill(long), ...Array(60_000).fill(short)] : [...Array(60_000).fill(short), ...Array(700).fill(long)];
    const text = `${PUBLIC_HEADER}\n${lines.join("\n")}\n`;
    const path = join(dir, `estimate-${longFirst ? "low" : "high"}.csv`);
    await writeFile(path, text);
    const back = await readCreditCardCsv(path);
    const want = parseCreditCardCsv(text);
    const bytes = (a: Float64Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(back.rows).toBe(60_700);
    expect(back.rows).toBe(want.rows);
    expect(back.features.length).toBe(back.rows * 30);
    expect(bytes(back.features).equals(bytes(want.features))).toBe(true);
    expect(bytes(back.labels).equals(bytes(want.labels))).toBe(true);
    // No more than an eighth more memory than the rows need stays held.
    expect(back.features.buffer.byteLength).toBeLessThanOrEqual(back.features.byteLength * 1.125 + 8);
  });

  it("write then read keeps every value to 15 significant digits", async () => {
    const data = generateDataset({ rows: 2000, seed: 11, fraudRate: 0.05 });
    const path = join(dir, "round.csv");
    await writeCreditCardCsv(path, data);
    const back = await readCreditCardCsv(path);
    expect(back.rows).toBe(data.rows);
    expect(back.labels).toEqual(data.labels);
    for (let i = 0; i < data.features.length; i++) {
      const a = data.features[i]!;
      const b = back.features[i]!;
      expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(a) * 1e-14 + 1e-300);
    }
    // Writing what was read reproduces the file byte for byte.
    const again = join(dir, "round2.csv");
    await writeCreditCardCsv(again, back);
    expect(await readFile(again, "utf8")).toBe(await readFile(path, "utf8"));
  });

  it("round-trips arbitrary transactions (property)", () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    const tx = fc.record({
      time: fc.integer({ min: 0, max: 172_792 }),
      v: fc.array(value, { minLength: 28, maxLength: 28 }),
      amount: fc.integer({ min: 0, max: 3_000_000 }).map((c) => c / 100),
      label: fc.constantFrom<0 | 1>(0, 1),
    });
    fc.assert(
      fc.property(fc.array(tx, { minLength: 1, maxLength: 20 }), (txs: Transaction[]) => {
        const data = toDataset(txs);
        const back = parseCreditCardCsv(formatCreditCardCsv(data));
        expect(back.labels).toEqual(data.labels);
        for (let i = 0; i < data.features.length; i++) {
          const a = data.features[i]!;
          expect(back.features[i]!).toBeCloseTo(a, Math.abs(a) < 1 ? 12 : 0);
          expect(Math.abs(back.features[i]! - a)).toBeLessThanOrEqual(Math.abs(a) * 1e-14);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("leaves nothing behind when the output directory does not exist", async () => {
    const before = await readdir(dir);
    const path = join(dir, "missing", "out.csv");
    await expect(writeCreditCardCsv(path, generateDataset({ rows: 10, seed: 1 }))).rejects.toThrow(
      `cannot write ${path}: no such file or directory`,
    );
    expect(await readdir(dir)).toEqual(before);
  });

  it("keeps the old file whole when a write cannot finish, and leaves no temporary file", async () => {
    const sub = await mkdtemp(join(dir, "atomic-"));
    const path = join(sub, "out.csv");
    await writeCreditCardCsv(path, generateDataset({ rows: 5, seed: 1 }));
    const old = await readFile(path, "utf8");
    // A directory in the way of the rename: the new content cannot replace the file's name.
    const blocked = join(sub, "blocked.csv");
    await mkdir(join(blocked, "inside"), { recursive: true });
    await expect(writeCreditCardCsv(blocked, generateDataset({ rows: 5, seed: 2 }))).rejects.toMatchObject({ code: "IO_ERROR" });
    expect((await readdir(sub)).sort()).toEqual(["blocked.csv", "out.csv"]);
    expect(await readFile(path, "utf8")).toBe(old);
  });

  it.each([
    ["too few features", { rows: 2, features: new Float64Array(59), labels: new Uint8Array(2) }, "rows 2, 59 features, 2 labels"],
    ["too many labels", { rows: 1, features: new Float64Array(30), labels: new Uint8Array(2) }, "rows 1, 30 features, 2 labels"],
    ["a plain array", { rows: 1, features: new Array(30).fill(0) as unknown as Float64Array, labels: new Uint8Array(1) }, "rows 1, 30 features, 1 labels"],
  ])("refuses an inconsistent Dataset (%s) as INVALID_ARGUMENT before writing", async (_name, data, detail) => {
    const path = join(dir, "never.csv");
    await expect(writeCreditCardCsv(path, data)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining(detail) });
    expect(() => formatCreditCardCsv(data)).toThrow(/a Dataset needs rows × 30 features/);
    expect((await readdir(dir)).includes("never.csv")).toBe(false);
  });

  it("refuses a row range outside the data set", () => {
    const data = generateDataset({ rows: 3, seed: 1 });
    expect(() => encodeCreditCardRows(data, 2, 5)).toThrow("row range must satisfy 0 <= start <= end <= 3, got 2..5");
    expect(() => encodeCreditCardRows(data, 2, 1)).toThrow("row range must satisfy 0 <= start <= end <= 3, got 2..1");
    expect(encodeCreditCardRows(data, 1, 1)).toHaveLength(0);
  });

  it("reports an unreadable file as IO_ERROR", async () => {
    const path = join(dir, "nope.csv");
    await expect(readCreditCardCsv(path)).rejects.toMatchObject({ code: "IO_ERROR", message: `cannot read ${path}: no such file or directory` });
  });
});
