import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as api from "@fraud/simulator";

/** Values of the wrong type for any parameter of the public API. */
const wrongValue = fc.constantFrom<unknown>(
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
  { rows: "x", seed: null },
  { rows: 1, features: null, labels: null },
  () => undefined,
  Symbol("s"),
  10n,
  new Uint16Array(2),
  new Float32Array(3),
  new ArrayBuffer(4),
  new Date(0),
);

const show = (a: unknown): string => (typeof a === "symbol" ? "Symbol" : typeof a === "bigint" ? `${a}n` : typeof a === "function" ? "fn" : (JSON.stringify(a) ?? String(a)));

// Error classes and type guards take anything by design.
const functions = Object.entries(api).filter(([name, v]) => typeof v === "function" && !/Error$/.test(name) && !/^is[A-Z]/.test(name)) as [
  string,
  (...a: unknown[]) => unknown,
][];

describe("every export refuses wrong argument types with a typed error", () => {
  it.each(functions.map(([name, fn]) => ({ name, fn })))(
    "$name",
    async ({ name, fn }) => {
      await fc.assert(
        fc.asyncProperty(fc.array(wrongValue, { minLength: 0, maxLength: 3 }), async (args) => {
          let err: unknown;
          try {
            const isClass = /^class\b/.test(Function.prototype.toString.call(fn));
            const out = isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
            if (out && typeof (out as Promise<unknown>).then === "function") await out;
            // generators check their options when first pulled
            if (out && typeof (out as AsyncGenerator).next === "function" && typeof (out as AsyncGenerator).return === "function") {
              try {
                await (out as AsyncGenerator).next();
              } finally {
                await (out as AsyncGenerator).return(undefined);
              }
            }
          } catch (e) {
            err = e;
          }
          if (err !== undefined && !api.isSimulatorError(err)) throw new Error(`${name}(${args.map(show).join(", ")}) threw ${String(err)}`);
          // null is never a valid first argument of a function that takes one
          if (args.length > 0 && args[0] === null && name !== "creditCardCsvHeader") expect((err as { code?: string } | undefined)?.code, `${name}(null, …)`).toBe("INVALID_ARGUMENT");
        }),
        { numRuns: 120 },
      );
    },
    60_000,
  );
});
