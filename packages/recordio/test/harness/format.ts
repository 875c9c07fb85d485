// The golden-vector folder format (see test/vectors/README.md): one NAME.json per case, NAME.rio
// beside it when there are bytes, index.json listing the cases. Loading never throws: a file the
// harness cannot read becomes an entry with a `problem`, which its own test reports.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface JsonTensor {
  type: string | null;
  values?: (number | string)[];
  keys?: number[];
  shape?: number[];
  /** Bytes values, hex-encoded. */
  value?: string[];
  contentType?: string;
}

export interface JsonRecord {
  features: Record<string, JsonTensor>;
  label: Record<string, JsonTensor>;
  uid?: string;
  metadata?: string;
  configuration?: string;
}

export interface VectorCase {
  name: string;
  direction: "encode" | "decode";
  kind: string;
  dtype?: string | null;
  shape?: number[];
  array?: unknown;
  labels?: unknown;
  labelsDtype?: string | null;
  labelsShape?: number[] | null;
  input?: string;
  error: { type: string; message: string } | null;
  bytesWrittenBeforeError?: number;
  expected?: {
    byteLength?: number;
    recordCount: number;
    framing?: { offset: number; payloadLength: number; padding: number }[];
    records: JsonRecord[];
  } | null;
}

/** One JSON file of a folder: the parsed case, or why it could not be used. */
export interface VectorEntry {
  file: string;
  name: string;
  vector?: VectorCase;
  problem?: string;
}

const KINDS: Record<string, readonly string[]> = { encode: ["dense", "sparse", "serializer"], decode: ["decode"] };

/** Parses and checks the shape of one vector file; never throws. */
export function parseVectorFile(file: string, text: string): VectorEntry {
  const name = file.replace(/\.json$/, "");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { file, name, problem: `not JSON: ${(err as Error).message}` };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return { file, name, problem: "not a JSON object" };
  const c = data as Partial<VectorCase>;
  if (typeof c.name !== "string") return { file, name, problem: 'no "name"' };
  if (c.direction !== "encode" && c.direction !== "decode") return { file, name: c.name, problem: `unknown direction ${JSON.stringify(c.direction)}` };
  if (typeof c.kind !== "string" || !KINDS[c.direction]!.includes(c.kind)) {
    return { file, name: c.name, problem: `unknown kind ${JSON.stringify(c.kind)} for direction ${c.direction}` };
  }
  const e = c.error;
  if (e !== null && (typeof e !== "object" || e === undefined || typeof e.type !== "string" || typeof e.message !== "string")) {
    return { file, name: c.name, problem: '"error" is neither null nor {type, message}' };
  }
  if (e === null && (typeof c.expected !== "object" || c.expected === null || !Array.isArray(c.expected.records))) {
    return { file, name: c.name, problem: 'no error and no "expected.records"' };
  }
  return { file, name: c.name, vector: c as VectorCase };
}

/** Every vector of a folder (every `*.json` but `index.json`), sorted by file name. */
export function loadVectorFolder(dir: string): VectorEntry[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "index.json")
    .sort()
    .map((f) => {
      try {
        return parseVectorFile(f, readFileSync(join(dir, f), "utf8"));
      } catch (err) {
        return { file: f, name: f.replace(/\.json$/, ""), problem: `unreadable: ${(err as Error).message}` };
      }
    });
}

/** The bytes of a case: the `.rio` of an encode case, or the input of a decode case. */
export function readCaseBytes(dir: string, c: VectorCase): Uint8Array {
  const file = c.direction === "decode" ? (c.input ?? `${c.name}.rio`) : `${c.name}.rio`;
  return new Uint8Array(readFileSync(join(dir, file)));
}
