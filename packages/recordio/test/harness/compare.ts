// Decoded records against what the SDK's read_records returned (as the vectors' JSON lists it).
import { expect } from "vitest";
import type { RecordIORecord, Value } from "@fraud/recordio";
import type { JsonRecord, JsonTensor } from "./format.js";
import { TENSOR_DTYPE, num } from "./inputs.js";

export function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function compareValue(actual: Value | undefined, expected: JsonTensor, where: string): void {
  expect(actual, where).toBeDefined();
  if (expected.type === null) {
    expect(actual!.type, where).toBe("none");
    return;
  }
  if (expected.type === "bytes") {
    expect(actual!.type, where).toBe("bytes");
    if (actual!.type !== "bytes") return;
    expect(actual!.values.map(hex), `${where} bytes`).toEqual(expected.value ?? []);
    expect(actual!.contentType, `${where} content type`).toBe(expected.contentType);
    return;
  }
  const want = TENSOR_DTYPE[expected.type];
  expect(want, `${where}: unknown tensor type ${expected.type}`).toBeDefined();
  expect(actual!.type, where).toBe(want === "int64" ? "int32" : want);
  if (actual!.type === "bytes" || actual!.type === "none") return;
  const values = Array.from(actual!.values);
  const expValues = expected.values ?? [];
  expect(values.length, `${where} length`).toBe(expValues.length);
  values.forEach((v, i) => {
    if (!sameNumber(v, num(expValues[i]))) expect.fail(`${where}[${i}]: ${v} !== ${String(expValues[i])}`);
  });
  expect(actual!.keys, `${where} keys`).toEqual(expected.keys ?? []);
  expect(actual!.shape, `${where} shape`).toEqual(expected.shape ?? []);
}

export function compareRecords(actual: RecordIORecord[], expected: JsonRecord[], name: string): void {
  expect(actual.length, `${name}: record count`).toBe(expected.length);
  expected.forEach((exp, i) => {
    const got = actual[i]!;
    for (const map of ["features", "label"] as const) {
      expect(Object.keys(got[map]).sort(), `${name}[${i}].${map} keys`).toEqual(Object.keys(exp[map] ?? {}).sort());
      for (const key of Object.keys(exp[map] ?? {})) compareValue(got[map][key], exp[map][key]!, `${name}[${i}].${map}.${key}`);
    }
    for (const f of ["uid", "metadata", "configuration"] as const) expect(got[f], `${name}[${i}].${f}`).toBe(exp[f]);
  });
}
