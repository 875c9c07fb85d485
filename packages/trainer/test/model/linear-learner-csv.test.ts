// Linear Learner's `text/csv` requests read with the one exact number parser of @fraud/contracts:
// every field gives the double `Number()` gives for it, and a field `Number()` cannot read as a
// finite number is refused in one line naming the line and column.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError, inferenceProtocol } from "@fraud/trainer/model";

const protocol = inferenceProtocol("linear-learner");
const parse = (body: string, dim: number) => protocol.parseRequest(Buffer.from(body, "latin1"), "text/csv", dim);

/** `Number()`'s reading of a field, as the container's reader takes it (no hexadecimal, octal or binary). */
function reference(field: string): number {
  const s = field.trim();
  return s === "" || /^[+-]?0[xXoObB]/.test(s) ? NaN : Number(s);
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const decimal = fc
  .tuple(fc.constantFrom("", "-", "+"), digits(0, 22), fc.constantFrom("", "."), digits(0, 22), fc.constantFrom("", "e", "E", "e-", "e+"), digits(0, 4), fc.constantFrom("", " ", "\t"))
  .map(([s, i, d, f, e, x, sp]) => `${sp}${s}${i}${d}${f}${e}${e === "" ? "" : x}${sp}`);
const field = fc.oneof(
  { weight: 6, arbitrary: decimal },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constantFrom("", "Infinity", "-Infinity", "NaN", "0x1f", "1_000", "1e400", "-1e-400", "-0", "4.9e-324", " 1 ", "\u00a01.5", "1,5") },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).filter((s) => !/[,\n\r]/.test(s) && [...s].every((c) => c.charCodeAt(0) < 256)) },
);

describe("Linear Learner text/csv numbers", () => {
  it("read every field as Number() does, or refuse the first bad one with its line and column", () => {
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const body = rows.map((r) => r.join(",")).join("\n");
        const expected: number[] = [];
        let failure: string | undefined;
        rows.forEach((r, line) => {
          if (failure !== undefined) return;
          const cols = r.join(",").split(",");
          if (cols.join("").trim() === "" && cols.length === 1) return;
          cols.forEach((c, j) => {
            if (failure !== undefined) return;
            if (j >= 3) failure = `line ${line + 1} has more than 3 features, the model expects 3`;
            const v = reference(c);
            if (failure === undefined && !Number.isFinite(v)) failure = `line ${line + 1}, column ${j + 1}: ${JSON.stringify(c.trim()).slice(0, 80)} is not a finite number`;
            else if (failure === undefined) expected.push(v);
          });
          if (failure === undefined && cols.length < 3) failure = `line ${line + 1} has ${cols.length} features, the model expects 3`;
        });
        let got: unknown;
        try {
          got = Array.from(parse(body, 3).data);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
          expect((err as Error).message).toBe(`unable to evaluate payload provided: ${failure ?? "(no error expected)"}`);
          return;
        }
        expect(failure).toBeUndefined();
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    { body: "1.5,-2e-3,  7 \n", data: [1.5, -0.002, 7] },
    { body: "0.1234567890123456789,1e308,-0\r\n", data: [Number("0.1234567890123456789"), 1e308, -0] },
    { body: "5.,.5,+4.9e-324", data: [5, 0.5, 4.9e-324] },
  ])("reads $body", ({ body, data }) => {
    expect(Array.from(parse(body, 3).data)).toEqual(data);
  });

  it.each([
    { body: "1,0x10,2", message: 'line 1, column 2: "0x10" is not a finite number' },
    { body: "1,2,1e400", message: 'line 1, column 3: "1e400" is not a finite number' },
    { body: "1,,2", message: 'line 1, column 2: "" is not a finite number' },
    { body: "1,2,3,", message: "line 1 has more than 3 features, the model expects 3" },
    { body: "1,2,Infinity", message: 'line 1, column 3: "Infinity" is not a finite number' },
  ])("refuses $body", ({ body, message }) => {
    expect(() => parse(body, 3)).toThrow(`unable to evaluate payload provided: ${message}`);
  });
});
