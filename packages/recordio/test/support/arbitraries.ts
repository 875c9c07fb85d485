// Shared fast-check arbitraries and helpers of the property tests.
import fc from "fast-check";
import type { TensorType } from "@fraud/recordio";

export type Kind = "float32" | "float64" | "int32" | "int64";

const float32 = fc.float({ noNaN: false });
const float64 = fc.double();
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });

function valueArb(kind: Kind): fc.Arbitrary<number> {
  return kind === "float32" ? float32 : kind === "float64" ? float64 : int32;
}

export function typed(kind: Kind, values: number[]): Float32Array | Float64Array | Int32Array | BigInt64Array {
  if (kind === "float32") return Float32Array.from(values);
  if (kind === "float64") return Float64Array.from(values);
  if (kind === "int32") return Int32Array.from(values);
  return BigInt64Array.from(values, (v) => BigInt(v));
}

export const tensorType = (kind: Kind): TensorType => (kind === "int64" ? "int32" : kind);
export const kindArb = fc.constantFrom<Kind>("float32", "float64", "int32", "int64");

/** A random matrix with optional labels of an independent element type. */
export const denseCase = fc
  .record({ rows: fc.integer({ min: 0, max: 12 }), cols: fc.integer({ min: 0, max: 40 }), fKind: kindArb, lKind: fc.option(kindArb, { nil: undefined }) })
  .chain(({ rows, cols, fKind, lKind }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      fKind: fc.constant(fKind),
      lKind: fc.constant(lKind),
      values: fc.array(valueArb(fKind), { minLength: rows * cols, maxLength: rows * cols }),
      labels: lKind ? fc.array(valueArb(lKind), { minLength: rows, maxLength: rows }) : fc.constant(undefined),
    }),
  );

export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

