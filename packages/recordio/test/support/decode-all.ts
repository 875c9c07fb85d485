// Decodes inputs with decodeDense and describes each outcome exactly (the matrix's and labels' bytes,
// or the error), for comparing two processes: run as a script (node --import tsx decode-all.ts
// FILE, FILE holding the inputs as base64 JSON) it prints {compiled, results}.
import { readFileSync } from "node:fs";
import { decodeDense } from "@fraud/recordio";
import { structureCheck } from "../../src/dense-scan.js";
import { fixedLayout } from "../../src/fixed.js";

const b64 = (a: ArrayBufferView | undefined): string | null => (a === undefined ? null : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64"));

/** Each input's decoded matrix (its bytes, shape and labels' bytes) or its error (code and message). */
export function decodeAll(inputs: Uint8Array[]): unknown[] {
  return inputs.map((bytes) => {
    try {
      const m = decodeDense(bytes);
      return { shape: m.shape, data: b64(m.data), labels: b64(m.labels) };
    } catch (err) {
      return { error: `${(err as { code?: string }).code} ${(err as Error).message}` };
    }
  });
}

/** Whether the structure check of the canonical fast path is compiled in this process. */
export function checkCompiled(): boolean {
  return structureCheck(fixedLayout("float32", "float32", 3)).matches !== null;
}

if (process.argv[1]?.endsWith("decode-all.ts") && process.argv[2]) {
  const inputs = (JSON.parse(readFileSync(process.argv[2], "utf8")) as string[]).map((s) => new Uint8Array(Buffer.from(s, "base64")));
  process.stdout.write(JSON.stringify({ compiled: checkCompiled(), results: decodeAll(inputs) }));
}
