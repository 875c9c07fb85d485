import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDecimal, parseDecimalString, scanDecimal } from "@fraud/contracts";
import { powerOfTenMantissa } from "../src/number.js";

const enc = new TextEncoder();

/** The same double as `Number()`, -0 included. */
function expectSame(text: string): void {
  expect(Object.is(parseDecimalString(text), Number(text)), text).toBe(true);
}

/** A double from raw bits (every finite double is reachable). */
const anyDouble = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([hi, lo]) => {
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    u[0] = lo;
    u[1] = hi;
    return f[0] as number;
  })
  .filter((x) => Number.isFinite(x));

const digitString = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));

describe("parseDecimal", () => {
  it.each([
    ["0", 0],
    ["-0", -0],
    ["+0.0e-5", 0],
    ["-0.000", -0],
    ["1", 1],
    ["+1.5", 1.5],
    [".5", 0.5],
    ["5.", 5],
    ["-.5e1", -5],
    ["1E3", 1000],
    ["1e+3", 1000],
    ["00012.50", 12.5],
    ["0.1", 0.1],
    ["1e23", 1e23],
    ["9007199254740993", 9007199254740992],
    ["1e400", Infinity],
    ["-1e400", -Infinity],
    ["1e-400", 0],
    ["-1e-400", -0],
    ["4.9e-324", 5e-324],
    ["2.4703282292062327e-324", 0],
    ["2.4703282292062328e-324", 5e-324],
    ["1.7976931348623157e308", 1.7976931348623157e308],
    ["1.7976931348623158e308", 1.7976931348623157e308],
    ["1.7976931348623159e308", Infinity],
    ["2.2250738585072011e-308", 2.225073858507201e-308],
    ["0e999999999999999999", 0],
    ["1e-99999999999999999999", 0],
    ["123456789012345678901234567890", 1.2345678901234568e29],
  ])("%s is %d", (text, value) => {
    expect(Object.is(parseDecimalString(text), value)).toBe(true);
    expectSame(text);
  });

  it.each([
    "",
    " ",
    " 1",
    "1 ",
    "+",
    "-",
    ".",
    "+.",
    "e5",
    ".e5",
    "1e",
    "1e+",
    "1e-",
    "1.2.3",
    "--1",
    "+-1",
    "0x10",
    "0b1",
    "0o7",
    "1_000",
    "Infinity",
    "-Infinity",
    "NaN",
    "inf",
    "1,5",
    "1e5.5",
    "١",
    "1\u00002",
  ])("refuses %j", (text) => {
    expect(parseDecimalString(text)).toBeNaN();
  });

  it("reads a field inside a larger buffer, bounded by start and end", () => {
    const buf = enc.encode("x12.5e1,-3,7y");
    expect(parseDecimal(buf, 1, 7)).toBe(125);
    expect(parseDecimal(buf, 8, 10)).toBe(-3);
    expect(parseDecimal(buf, 11, 12)).toBe(7);
    expect(parseDecimal(buf, 1, 3)).toBe(12);
    expect(parseDecimal(buf, 3, 3)).toBeNaN();
    expect(parseDecimal(buf, 11, 13)).toBeNaN();
  });

  it("builds the published 128-bit power-of-ten table", () => {
    // Entries of the table in Go's strconv (eisel_lemire.go) and fast_float.
    expect(powerOfTenMantissa(-348)).toBe("fa8fd5a0081c02881732c869cd60e453");
    expect(powerOfTenMantissa(-1)).toBe("cccccccccccccccccccccccccccccccc");
    expect(powerOfTenMantissa(0)).toBe("80000000000000000000000000000000");
    expect(powerOfTenMantissa(1)).toBe("a0000000000000000000000000000000");
    expect(powerOfTenMantissa(347)).toBe("d13eb464694475674b7195f2d2d1a9fb");
  });

  it("agrees with Number() on every double printed with 1 to 21 significant digits", () => {
    fc.assert(
      fc.property(anyDouble, fc.integer({ min: 1, max: 21 }), (x, p) => {
        expectSame(x.toPrecision(p));
        expectSame(x.toExponential(p - 1));
        expectSame(String(x));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with Number() on random mantissas (1 to 25 digits), points and exponents", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("", "-", "+"),
        digitString(0, 25),
        fc.option(digitString(0, 25)),
        fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "-", "+"), fc.integer({ min: 0, max: 400 }))),
        (sign, int, frac, exp) => {
          const text = sign + int + (frac === null ? "" : "." + frac) + (exp === null ? "" : exp[0] + exp[1] + exp[2]);
          const v = parseDecimalString(text);
          if ((int === "" && (frac === null || frac === "")) || int + (frac ?? "") === "") {
            expect(v).toBeNaN();
          } else {
            expectSame(text);
          }
        },
      ),
      { numRuns: 8000 },
    );
  });

  it("agrees with Number() on 17 to 19 digit mantissas across the whole exponent range", () => {
    fc.assert(
      fc.property(digitString(17, 19), fc.integer({ min: -360, max: 330 }), fc.boolean(), (digits, e, neg) => {
        expectSame(`${neg ? "-" : ""}${digits}e${e}`);
        expectSame(`${neg ? "-" : ""}0.${digits}e${e}`);
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with Number() on 10 to 19 digit mantissas with small exponents, both sides of 2^53", () => {
    fc.assert(
      fc.property(
        fc.oneof(digitString(10, 19), fc.bigInt({ min: (1n << 53n) - 4096n, max: (1n << 53n) + 4096n }).map(String)),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: -25, max: 25 }),
        fc.boolean(),
        (digits, point, e, neg) => {
          const at = Math.min(point, digits.length);
          const text = `${neg ? "-" : ""}${digits.slice(0, at)}.${digits.slice(at)}`;
          expectSame(text.endsWith(".") ? `${text}0` : text);
          expectSame(`${neg ? "-" : ""}${digits}e${e}`);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["1.2,", 0, 3],
    ["-0.5e3x", 0, 6],
    ["12345678901234567890123,", 0, 23],
    ["007.25e-1\n", 0, 9],
    ["1e", 0, 1],
  ])("scanDecimal of %j stops at the end of the number", (text, start, stop) => {
    const bytes = enc.encode(text);
    const at = { end: -1 };
    const v = scanDecimal(bytes, start, bytes.length, at);
    if (text === "1e") {
      expect(v).toBeNaN();
    } else {
      expect(at.end).toBe(stop);
      expect(Object.is(v, Number(text.slice(start, stop)))).toBe(true);
    }
  });

  it("agrees with Number() on halfway integers between doubles and their neighbours", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 53n, max: (1n << 64n) - 1n }), fc.integer({ min: -2, max: 2 }), (n, d) => {
        // Round n to the grid of its binade and take the midpoint (an exact tie), then nudge it.
        const bits = n.toString(2).length;
        const ulp = 1n << BigInt(bits - 53);
        const mid = (n / ulp) * ulp + ulp / 2n + BigInt(d);
        expectSame(mid.toString());
        expectSame(`${mid.toString()}e-5`);
        expectSame(`${mid.toString()}e3`);
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with Number() on subnormals, the normal boundary and the largest doubles", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1, max: 0xfffff }).map((k) => k * 5e-324),
          fc.double({ min: 2.2e-308, max: 2.3e-308, noNaN: true }),
          fc.double({ min: 1.7e308, max: 1.7976931348623157e308, noNaN: true }),
        ),
        fc.integer({ min: 1, max: 21 }),
        (x, p) => {
          expectSame(x.toPrecision(p));
          expectSame(x.toExponential(p - 1));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it("agrees with Number() on leading zeros and long zero tails", () => {
    fc.assert(
      fc.property(fc.nat(30), digitString(1, 19), fc.nat(30), fc.integer({ min: -30, max: 30 }), (lead, digits, tail, e) => {
        expectSame(`${"0".repeat(lead)}${digits}${"0".repeat(tail)}e${e}`);
        expectSame(`0.${"0".repeat(lead)}${digits}${"0".repeat(tail)}`);
      }),
      { numRuns: 5000 },
    );
  });
});
