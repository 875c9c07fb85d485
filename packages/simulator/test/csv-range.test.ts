// Parsing a creditcard.csv file in parts cut at any line ends gives exactly what the one-pass
// reader gives: the same rows, or the same error with the same file, line and column.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser, joinCreditCardCsvParts, parseCreditCardCsvPart, planCsvParts, splitCsvLines } from "@fraud/simulator";
import type { CsvPart, Dataset } from "@fraud/simulator";

const HEADER = ["Time", ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), "Amount", "Class"];

/** The one-pass reader's answer: the data set, or the error's code and message. */
function onePass(bytes: Uint8Array, file: string, maxLineBytes: number): Dataset | string {
  try {
    const p = new CsvParser(file, { maxLineBytes });
    p.push(bytes);
    return p.finish();
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

function inParts(bytes: Uint8Array, bounds: number[], file: string, maxLineBytes: number): Dataset | string {
  try {
    const parts = bounds.slice(1).map((end, k) => parseCreditCardCsvPart(bytes, bounds[k]!, end, { file, first: k === 0, maxLineBytes }));
    return joinCreditCardCsvParts(parts, { file });
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.integer({ min: -999, max: 999 }).map(String));
const badField = fc.constantFrom("x", "", "1e400", "NaN", "1.2.3", '"7"', '"1', "0x10", "1,2", "- 1", "Infinity");
const label = fc.oneof({ weight: 9, arbitrary: fc.constantFrom("0", "1", '"0"', '"1"') }, { weight: 1, arbitrary: fc.constantFrom("2", "", "0.5") });
const goodLine = fc.tuple(fc.array(number, { minLength: 30, maxLength: 30 }), label).map(([f, l]) => [...f, l].join(","));
const badLine = fc
  .tuple(fc.array(number, { minLength: 30, maxLength: 30 }), fc.nat(30), badField)
  .map(([f, at, bad]) => {
    const fields = [...f, "0"];
    fields[at] = bad;
    return fields.join(",");
  });
const line = fc.oneof(
  { weight: 20, arbitrary: goodLine },
  { weight: 1, arbitrary: badLine },
  { weight: 2, arbitrary: fc.constantFrom("", "\r") },
  { weight: 1, arbitrary: fc.constantFrom(HEADER.join(","), "1,2,3", "x".repeat(2000)) },
);
const file = fc
  .tuple(fc.constantFrom("", "\ufeff" + HEADER.map((c) => `"${c}"`).join(",") + "\n", HEADER.join(",") + "\r\n"), fc.array(line, { maxLength: 40 }), fc.constantFrom("", "\n", "\r\n", "\n\n"))
  .map(([head, lines, tail]) => head + lines.join("\n") + tail);

/** Every line end's position + 1: the places a part may end. */
function lineEnds(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && i + 1 < bytes.length) out.push(i + 1);
  return out;
}

describe("creditcard.csv in parts", () => {
  it("gives the one-pass reader's rows or its error, wherever the parts are cut", () => {
    fc.assert(
      fc.property(file, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(1000, 1 << 20), (text, cuts, maxLineBytes) => {
        const bytes = new TextEncoder().encode(text);
        const ends = lineEnds(bytes);
        const chosen = ends.length === 0 ? [] : [...new Set(cuts.map((c) => ends[c % ends.length]!))].sort((a, b) => a - b);
        const bounds = [0, ...chosen, bytes.length];
        expect(inParts(bytes, bounds, "f.csv", maxLineBytes)).toEqual(onePass(bytes, "f.csv", maxLineBytes));
      }),
      { numRuns: 600 },
    );
  });

  it("cuts with splitCsvLines: ranges cover the bytes, each ending after a line feed", () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 9 }), (text, n) => {
        const bytes = new TextEncoder().encode(text);
        const bounds = splitCsvLines(bytes, n);
        expect(bounds[0]).toBe(0);
        expect(bounds.at(-1)).toBe(bytes.length);
        expect(bounds.length - 1).toBeLessThanOrEqual(n);
        for (let k = 1; k < bounds.length - 1; k++) {
          expect(bounds[k]!).toBeGreaterThan(bounds[k - 1]!);
          expect(bytes[bounds[k]! - 1]).toBe(10);
        }
        expect(inParts(bytes, bounds, "g.csv", 1 << 20)).toEqual(onePass(bytes, "g.csv", 1 << 20));
      }),
      { numRuns: 300 },
    );
  });

  it("parses the parts of planCsvParts into one pair of shared arrays: the one-pass result, in place when it succeeds", () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 7 }), fc.boolean(), (text, n, reversed) => {
        const bytes = new TextEncoder().encode(text);
        const plan = planCsvParts(bytes, n);
        const room = plan.rows.at(-1)!;
        const into = { features: new Float64Array(new SharedArrayBuffer(room * 30 * 8)), labels: new Uint8Array(new SharedArrayBuffer(room)) };
        const order = plan.bounds.slice(1).map((_, k) => k);
        // Parts may finish in any order (threads claim them); each writes only its own rows.
        if (reversed) order.reverse();
        const parts: CsvPart[] = [];
        for (const k of order) {
          const target = { ...into, row: plan.rows[k]!, room: plan.rows[k + 1]! - plan.rows[k]! };
          parts[k] = parseCreditCardCsvPart(bytes, plan.bounds[k]!, plan.bounds[k + 1]!, { file: "p.csv", first: k === 0, into: target });
        }
        let got: Dataset | string;
        try {
          got = joinCreditCardCsvParts(parts, { file: "p.csv", into });
        } catch (err) {
          got = `${(err as { code: string }).code} ${(err as Error).message}`;
        }
        const want = onePass(bytes, "p.csv", 1 << 20);
        expect(got).toEqual(want);
        if (typeof got !== "string") {
          expect(got.features.buffer).toBe(into.features.buffer);
          expect(got.labels.buffer).toBe(into.labels.buffer);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("moves rows that outgrow a part's room to arrays of its own: same rows, joined by copying", () => {
    const line = "1," + "0.5,".repeat(29) + '"1"\n';
    const bytes = new TextEncoder().encode(line.repeat(5));
    const into = { features: new Float64Array(4 * 30), labels: new Uint8Array(4) };
    const part = parseCreditCardCsvPart(bytes, 0, bytes.length, { into: { ...into, row: 1, room: 3 } });
    expect(part.rows).toBe(5);
    expect(part.row).toBeUndefined();
    const data = joinCreditCardCsvParts([part], { into });
    expect(data.features.buffer).not.toBe(into.features.buffer);
    expect(data).toEqual(onePass(bytes, "<input>", 1 << 20));
  });

  it("copies the rows when the join is given other arrays than the parts were parsed into", () => {
    const line = "1," + "0.25,".repeat(29) + "0\n";
    const bytes = new TextEncoder().encode(line.repeat(3));
    const into = { features: new Float64Array(3 * 30), labels: new Uint8Array(3) };
    const part = parseCreditCardCsvPart(bytes, 0, bytes.length, { into: { ...into, row: 0, room: 3 } });
    expect(part.row).toBe(0);
    const other = { features: new Float64Array(3 * 30), labels: new Uint8Array(3) };
    const data = joinCreditCardCsvParts([part], { into: other });
    expect(data.features.buffer).not.toBe(other.features.buffer);
    expect(data).toEqual(onePass(bytes, "<input>", 1 << 20));
    expect(joinCreditCardCsvParts([part], { into }).features.buffer).toBe(into.features.buffer);
  });

  it.each([
    { features: new Float64Array(30), labels: new Uint8Array(2), row: 0, room: 2 },
    { features: new Float64Array(60), labels: new Uint8Array(2), row: -1, room: 1 },
    { features: new Float64Array(60), labels: new Uint8Array(2), row: 0, room: 1.5 },
    { features: [0], labels: new Uint8Array(2), row: 0, room: 1 },
  ])("refuses a target without room for its rows (%#)", (into) => {
    const bytes = new TextEncoder().encode("1,2\n");
    expect(() => parseCreditCardCsvPart(bytes, 0, bytes.length, { into: into as never })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it.each([
    { text: "1," + "0,".repeat(29) + "0\n\n\n2," + "0,".repeat(29) + "1\n", cut: 64, error: "CSV_MALFORMED f.csv:2: empty line" },
    { text: "1," + "0,".repeat(29) + "0\n\n\n", cut: 63, error: null },
    { text: "1," + "0,".repeat(29) + "0\n\n" + "9".repeat(70) + "\n", cut: 63, error: "LINE_TOO_LONG f.csv:3:1: line is longer than 64 bytes (maxLineBytes)" },
    { text: "\n\n", cut: 1, error: "CSV_EMPTY f.csv: no data rows" },
  ])("joins blank lines across a cut ($error)", ({ text, cut, error }) => {
    const bytes = new TextEncoder().encode(text);
    const got = inParts(bytes, [0, cut, bytes.length], "f.csv", 64);
    expect(got).toEqual(onePass(bytes, "f.csv", 64));
    if (error !== null) expect(got).toBe(error);
  });
});
