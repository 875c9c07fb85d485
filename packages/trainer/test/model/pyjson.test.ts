// Python's json.dumps formatting, which SageMaker's additional-params.json and manifest.json use.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PyInt, pyFloat, pyJson } from "../../src/models/linear-learner/pyjson.js";

describe("pyFloat", () => {
  // repr(float) of CPython 3.11 for each value.
  it.each<[number, string]>([
    [1.0, "1.0"],
    [0.5, "0.5"],
    [0.4867939054965973, "0.4867939054965973"],
    [0.0300557, "0.0300557"],
    [1e-5, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [0.0001, "0.0001"],
    [0.00012345, "0.00012345"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [9999999999999998.0, "9999999999999998.0"],
    [123456789012345.6, "123456789012345.6"],
    [1e22, "1e+22"],
    [1e-300, "1e-300"],
    [5e-324, "5e-324"],
    [2 ** 53, "9007199254740992.0"],
    [-0, "-0.0"],
    [0, "0.0"],
    [-2.5, "-2.5"],
    [0.1 + 0.2, "0.30000000000000004"],
    [100, "100.0"],
    [1e15, "1000000000000000.0"],
    [3, "3.0"],
    [NaN, "NaN"],
    [-Infinity, "-Infinity"],
  ])("%s → %s", (x, repr) => {
    expect(pyFloat(x)).toBe(repr);
  });

  it("parses back to the same number, always with a point or an exponent (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = pyFloat(x);
        expect(Object.is(Number(s), x) || (x === 0 && Number(s) === 0)).toBe(true);
        expect(s).toMatch(/[.e]/);
      }),
    );
  });
});

describe("pyJson", () => {
  it("writes like json.dumps: ', ' and ': ', floats and ints apart, ASCII escapes", () => {
    expect(pyJson({ a: "é\u007f", f_beta: 1.0, i: new PyInt(3), n: null, b: true, l: [1, new PyInt(2)] })).toBe(
      '{"a": "\\u00e9\\u007f", "f_beta": 1.0, "i": 3, "n": null, "b": true, "l": [1.0, 2]}',
    );
  });
});
