// The containers around a Linear Learner model: `model.tar.gz` (gzip, then a tar holding one
// member `model_algo-1`), and `model_algo-1` itself (a zip of stored entries). Reading is bounded
// by the model limits; writing reproduces SageMaker's own layout field by field.
import { gunzipSync, gzipSync } from "node:zlib";
import { unzipSync, zipSync } from "fflate";
import { extract as tarExtract } from "tar-stream";
import { ModelError } from "../errors.js";
import { quote } from "../text.js";
import { tooLarge } from "./limits.js";

/** Name of the tar member SageMaker writes its model into. */
export const MODEL_MEMBER = "model_algo-1";

/** The tar paths accepted for the model member: at the archive root, with or without `./`. */
const MEMBER_PATHS: ReadonlySet<string> = new Set([MODEL_MEMBER, `./${MODEL_MEMBER}`]);

const GZIP_MAGIC = [0x1f, 0x8b];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Whether `bytes` starts with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** Whether the bytes are a zip archive. */
export const isZip = (bytes: Uint8Array): boolean => startsWith(bytes, ZIP_MAGIC);

function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar";
}

/** Decompresses gzip data, refusing output above `maxBytes` without producing it. */
export function gunzipBounded(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw tooLarge(file, `decompresses to more than ${maxBytes} bytes`, "maxUncompressedBytes", maxBytes);
    }
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt gzip data (${(err as Error).message})`, { cause: err });
  }
}

/**
 * The bytes of `model_algo-1` in a tar, found by its exact path (`model_algo-1` or
 * `./model_algo-1`); other members are skipped without being kept.
 */
async function tarMember(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const ex = tarExtract();
  const members: string[] = [];
  let found: Uint8Array | undefined;
  const done = (async () => {
    for await (const entry of ex) {
      const { name, type } = entry.header;
      members.push(name);
      if (!MEMBER_PATHS.has(name)) {
        entry.resume();
        continue;
      }
      if (type !== "file" && type !== "contiguous-file") throw new ModelError("MODEL_CORRUPT", `${file}: ${quote(name)} is a ${type ?? "special"} entry, not a file`);
      if (found !== undefined) throw new ModelError("MODEL_CORRUPT", `${file}: more than one ${MODEL_MEMBER} member in the archive`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry) chunks.push(chunk as Uint8Array);
      found = Buffer.concat(chunks);
    }
  })();
  ex.end(bytes);
  try {
    await done;
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt tar archive (${(err as Error).message})`, { cause: err });
  }
  if (found === undefined) {
    const shown = members.slice(0, 5).map(quote).join(", ") + (members.length > 5 ? `, … (${members.length} members)` : "");
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: no ${MODEL_MEMBER} member at the archive root (members: ${shown || "none"})`);
  }
  return found;
}

/**
 * `model_algo-1` from a `model.tar.gz`, an uncompressed tar, or the bare member itself (zip or
 * NDArray list). The caller has already gunzipped gzip input.
 */
export async function modelMember(data: Uint8Array, file: string, isMember: (b: Uint8Array) => boolean): Promise<Uint8Array> {
  if (isMember(data)) return data;
  if (!isTar(data)) throw new ModelError("MODEL_CORRUPT", `${file}: not a model.tar.gz (neither gzip-compressed tar, tar nor zip)`);
  return tarMember(data, file);
}

/** Whether the bytes are gzip data. */
export const isGzip = (bytes: Uint8Array): boolean => startsWith(bytes, GZIP_MAGIC);

/**
 * Reads the named entries of a zip, refusing entries and totals above `maxBytes` (declared sizes
 * are checked before anything is inflated).
 * @returns the wanted entries found, and every entry name in archive order.
 */
export function readZip(zip: Uint8Array, wanted: readonly string[], file: string, maxBytes: number): { entries: Record<string, Uint8Array>; names: string[] } {
  const names: string[] = [];
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (f) => {
        names.push(f.name);
        if (!wanted.includes(f.name)) return false;
        total += f.originalSize;
        if (total > maxBytes) throw tooLarge(file, `${MODEL_MEMBER} entries declare ${total} bytes or more`, "maxUncompressedBytes", maxBytes);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt ${MODEL_MEMBER} zip (${(err as Error).message})`, { cause: err });
  }
  return { entries, names };
}

/** A zip entry as SageMaker stores it: stored (no compression), Unix, `-rw-r--r--`. */
export interface ZipEntry {
  /** Entry name. */
  name: string;
  /** Content. */
  data: Uint8Array;
}

/**
 * A zip of stored entries with the attributes Python's `zipfile` gives SageMaker's artifacts:
 * version 2.0, made on Unix, external attributes `-rw-r--r--`, no extra fields; the DOS time is
 * `mtime`'s UTC wall clock (SageMaker's containers run in UTC).
 */
export function writeZip(entries: readonly ZipEntry[], mtime: Date): Uint8Array {
  const wallClock = new Date(mtime.getUTCFullYear(), mtime.getUTCMonth(), mtime.getUTCDate(), mtime.getUTCHours(), mtime.getUTCMinutes(), mtime.getUTCSeconds());
  const opts = { level: 0 as const, mtime: wallClock, os: 3, attrs: 0o100644 << 16 };
  return zipSync(Object.fromEntries(entries.map((e) => [e.name, [e.data, opts]])));
}

const BLOCK = 512;
/** Tar's default record: 20 blocks. SageMaker's archives are padded to it. */
const RECORD = 20 * BLOCK;

function octal(value: number, digits: number): string {
  return `${value.toString(8).padStart(digits, "0")} `;
}

/**
 * A tar holding one regular file, in the exact header format of SageMaker's own `model.tar.gz`:
 * POSIX ustar magic, mode `0100644`, owner 0/0 with empty user and group names, space-terminated
 * octal fields, no pax header, padded to a 10240-byte record. (`tar-stream`, used for reading,
 * writes the mode without its file-type bits and ends fields differently.)
 */
export function writeTar(name: string, data: Uint8Array, mtime: Date): Uint8Array {
  const enc = new TextEncoder();
  const header = new Uint8Array(BLOCK);
  const put = (offset: number, text: string): void => header.set(enc.encode(text), offset);
  put(0, name);
  put(100, octal(0o100644, 7));
  put(108, octal(0, 7));
  put(116, octal(0, 7));
  put(124, octal(data.length, 11));
  put(136, octal(Math.floor(mtime.getTime() / 1000), 11));
  put(148, "        "); // checksum placeholder: eight spaces
  put(156, "0");
  put(257, "ustar\u000000");
  put(329, octal(0, 7));
  put(337, octal(0, 7));
  const sum = header.reduce((s, b) => s + b, 0);
  put(148, `${sum.toString(8).padStart(6, "0")}\u0000 `);
  const used = BLOCK + Math.ceil(data.length / BLOCK) * BLOCK + 2 * BLOCK;
  const out = new Uint8Array(Math.ceil(used / RECORD) * RECORD);
  out.set(header, 0);
  out.set(data, BLOCK);
  return out;
}

/**
 * Gzip with the header of SageMaker's archives: no name, modification time 0, no extra flags,
 * operating system "unknown" (255).
 */
export function writeGzip(data: Uint8Array): Uint8Array {
  const out = gzipSync(data, { level: 9 });
  out.fill(0, 4, 9); // MTIME, XFL
  out[9] = 255; // OS
  return out;
}
