import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as api from "@fraud/recordio";
import * as nodeApi from "@fraud/recordio/node";

/** Values of the wrong type for any parameter of the public API. */
export const wrongValue = fc.constantFrom<unknown>(
  null,
  undefined,
  0,
  -1,
  1.5,
  Number.NaN,
  Infinity,
  "",
  "\u0000",
  true,
  {},
  [],
  [null],
  [{}],
  { length: -1 },
  { data: null, shape: null },
  () => undefined,
  Symbol("s"),
  10n,
  new Uint16Array(2),
  new BigInt64Array(1),
  new Float64Array([1, 2]),
  new ArrayBuffer(4),
  new Date(0),
);

function isTyped(err: unknown): boolean {
  return api.isRecordIOError(err) && typeof (err as { code?: unknown }).code === "string";
}

// Error classes, type guards and the reason of a caught error take anything by design.
const functions = Object.entries({ ...api, ...nodeApi }).filter(([name, v]) => typeof v === "function" && !/Error$/.test(name) && !/^is[A-Z]/.test(name) && name !== "systemErrorReason") as [string, (...a: unknown[]) => unknown][];

describe("every export refuses wrong argument types with a typed error", () => {
  it.each(functions.map(([name, fn]) => ({ name, fn })))("$name", async ({ name, fn }) => {
    await fc.assert(
      fc.asyncProperty(fc.array(wrongValue, { minLength: 0, maxLength: 3 }), async (args) => {
        let err: unknown;
        try {
          const isClass = /^class\b/.test(Function.prototype.toString.call(fn));
          const out = isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
          if (out && typeof (out as Promise<unknown>).then === "function") await out;
        } catch (e) {
          err = e;
        }
        if (err !== undefined && !isTyped(err)) {
          throw new Error(`${name}(${args.map((a) => (typeof a === "symbol" ? "Symbol" : typeof a === "bigint" ? `${a}n` : JSON.stringify(a) ?? String(a))).join(", ")}) threw ${String(err)}`);
        }
        // null is never a valid first argument: the boundary says so (a matrix argument with its own code)
        if (args.length > 0 && args[0] === null) expect(["INVALID_ARGUMENT", "NOT_A_MATRIX", "NOT_SPARSE"], name).toContain((err as { code?: string } | undefined)?.code);
      }),
      { numRuns: 150 },
    );
  });
});
