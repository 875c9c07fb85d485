// The containers around a Linear Learner model: `model.tar.gz` (gzip, then a tar holding one
// member `model_algo-1`), and `model_algo-1` itself (a zip of stored entries). Reading is bounded
// by the model limits; writing reproduces SageMaker's own layout field by field.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { gunzipSync, gzipSync, inflateRawSync } from "node:zlib";
import { zipSync } from "fflate";
import { extract as tarExtract } from "tar-stream";
import { ModelError } from "../errors.js";
import { clip, quote } from "../text.js";
import { tooLarge } from "./limits.js";
import type { ModelLimits } from "./limits.js";

/** Name of the tar member SageMaker writes its model into. */
export const MODEL_MEMBER = "model_algo-1";

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
 * Regular-file members of a tar, by path without a leading `./`, and the paths (without a trailing
 * `/`) of the other entries with their type.
 */
async function tarMembers(bytes: Uint8Array, file: string): Promise<{ members: Map<string, Uint8Array>; special: Map<string, string> }> {
  const ex = tarExtract();
  const members = new Map<string, Uint8Array>();
  const special = new Map<string, string>();
  const done = (async () => {
    for await (const entry of ex) {
      const { name, type } = entry.header;
      const path = name.startsWith("./") ? name.slice(2) : name;
      if (type !== "file" && type !== "contiguous-file") {
        special.set(path.endsWith("/") ? path.slice(0, -1) : path, type ?? "special");
        entry.resume();
        continue;
      }
      if (members.has(path)) throw new ModelError("MODEL_CORRUPT", `${file}: more than one ${clip(path)} member in the archive`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry) chunks.push(chunk as Uint8Array);
      members.set(path, Buffer.concat(chunks));
    }
  })();
  ex.end(bytes);
  try {
    await done;
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt tar archive (${(err as Error).message})`, { cause: err });
  }
  return { members, special };
}

/** The members of an opened artifact (see `ArtifactMembers` of the model interface). */
export interface OpenedArtifact {
  /** Name in messages. */
  name: string;
  /** Regular-file tar members by path (no leading `./`). */
  members: Map<string, Uint8Array>;
  /** Tar entries that are not regular files (directories, links), by path, with their type. */
  special: Map<string, string>;
  /** The decompressed input when it is not a tar. */
  bare: Uint8Array | undefined;
  /** Hex SHA-256 of the input. */
  sha256: string;
  /** Limits, defaults filled. */
  limits: Required<ModelLimits>;
}

/**
 * Opens an artifact once, within the limits: refuses input over `maxArtifactBytes`, gunzips at
 * most `maxUncompressedBytes`, then lists a tar's regular-file members (or keeps the bare bytes
 * when the input is not a tar).
 */
export async function openArtifact(bytes: Uint8Array, file: string, limits: Required<ModelLimits>): Promise<OpenedArtifact> {
  if (bytes.length > limits.maxArtifactBytes) throw tooLarge(file, `${bytes.length} bytes`, "maxArtifactBytes", limits.maxArtifactBytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const data = isGzip(bytes) ? gunzipBounded(bytes, file, limits.maxUncompressedBytes) : bytes;
  if (!isTar(data)) return { name: file, members: new Map(), special: new Map(), bare: data, sha256, limits };
  return { name: file, ...(await tarMembers(data, file)), bare: undefined, sha256, limits };
}

/** A short list of member names for messages. */
export function memberList(names: Iterable<string>): string {
  const all = [...names];
  return all.length === 0 ? "none" : all.slice(0, 5).map(quote).join(", ") + (all.length > 5 ? `, … (${all.length} members)` : "");
}

/**
 * Reads an artifact file, refusing anything that is not a regular file or is over `maxBytes`
 * before reading it.
 */
export async function readArtifactFile(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    if (s.size > maxBytes) throw tooLarge(path, `${s.size} bytes`, "maxArtifactBytes", maxBytes);
    return await readFile(path);
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new ModelError("MODEL_NOT_FOUND", `${path}: cannot read model (${code || (err as Error).message})`, { cause: err });
  }
}

/** Whether the bytes are gzip data. */
export const isGzip = (bytes: Uint8Array): boolean => startsWith(bytes, GZIP_MAGIC);

/** One entry of a zip's central directory. */
interface ZipDirEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** The central directory of a zip: the end record is searched in the last 64 KiB + 22 bytes only. */
function zipDirectory(zip: Uint8Array, corrupt: (why: string) => ModelError): ZipDirEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (u32(zip, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt("no end of central directory record");
  const count = u16(zip, eocd + 10);
  const dirSize = u32(zip, eocd + 12);
  let p = u32(zip, eocd + 16);
  if (count === 0xffff || p === 0xffffffff || dirSize === 0xffffffff) throw corrupt("zip64 archives are not read");
  if (p + dirSize > eocd) throw corrupt(`central directory at ${p} (${dirSize} bytes) runs past its end record`);
  const out: ZipDirEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || u32(zip, p) !== 0x02014b50) throw corrupt(`central directory entry ${k} is malformed`);
    const nameLen = u16(zip, p + 28);
    const end = p + 46 + nameLen + u16(zip, p + 30) + u16(zip, p + 32);
    if (end > eocd) throw corrupt(`central directory entry ${k} runs past the directory`);
    out.push({
      name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen)),
      flags: u16(zip, p + 8),
      method: u16(zip, p + 10),
      compressedSize: u32(zip, p + 20),
      size: u32(zip, p + 24),
      localOffset: u32(zip, p + 42),
    });
    p = end;
  }
  return out;
}

/**
 * One entry's content: stored or deflated, never more than its declared size (inflation stops at
 * the declared size plus one byte, and an entry that inflates to anything but its declared size
 * is corrupt).
 */
function zipEntryData(zip: Uint8Array, e: ZipDirEntry, corrupt: (why: string) => ModelError): Uint8Array {
  const at = e.localOffset;
  if (at + 30 > zip.length || u32(zip, at) !== 0x04034b50) throw corrupt(`entry ${quote(e.name)} has no local header at ${at}`);
  const start = at + 30 + u16(zip, at + 26) + u16(zip, at + 28);
  const end = start + e.compressedSize;
  if (end > zip.length) throw corrupt(`entry ${quote(e.name)} runs past the archive (${e.compressedSize} bytes at ${start})`);
  if ((e.flags & 1) !== 0) throw corrupt(`entry ${quote(e.name)} is encrypted`);
  const raw = zip.subarray(start, end);
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw corrupt(`stored entry ${quote(e.name)} declares ${e.size} bytes but holds ${e.compressedSize}`);
    return raw;
  }
  if (e.method !== 8) throw corrupt(`entry ${quote(e.name)} uses compression method ${e.method} (only stored and deflate are read)`);
  let out: Uint8Array;
  try {
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size + 1) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw corrupt(`entry ${quote(e.name)} inflates past its declared ${e.size} bytes`);
    throw corrupt(`entry ${quote(e.name)} is not valid deflate data (${(err as Error).message})`);
  }
  if (out.length > e.size) throw corrupt(`entry ${quote(e.name)} inflates past its declared ${e.size} bytes`);
  if (out.length < e.size) throw corrupt(`entry ${quote(e.name)} inflates to ${out.length} bytes, not its declared ${e.size}`);
  return out;
}

/** Per-entry caps of {@link readZip}, by entry name. */
export type EntryCaps = Readonly<Record<string, number>>;

/**
 * Reads the named entries of a zip. Declared sizes are checked against the caps before anything
 * is inflated: each wanted entry against its own cap (`caps[name]`, when given) and the wanted
 * entries together against `maxBytes`; inflation then stops at each entry's declared size, so an
 * entry that declares 100 bytes never produces more than 101.
 * @returns the wanted entries found, and every entry name in archive order.
 */
export function readZip(zip: Uint8Array, wanted: readonly string[], file: string, maxBytes: number, caps: EntryCaps = {}): { entries: Record<string, Uint8Array>; names: string[] } {
  const corrupt = (why: string): ModelError => new ModelError("MODEL_CORRUPT", `${file}: corrupt ${MODEL_MEMBER} zip (${why})`);
  const dir = zipDirectory(zip, corrupt);
  const names = dir.map((e) => e.name);
  const chosen = dir.filter((e) => wanted.includes(e.name));
  let total = 0;
  for (const e of chosen) {
    total += e.size;
    if (total > maxBytes) throw tooLarge(file, `${MODEL_MEMBER} entries declare ${total} bytes or more`, "maxUncompressedBytes", maxBytes);
    const cap = caps[e.name];
    if (cap !== undefined && e.size > cap) throw new ModelError("MODEL_TOO_LARGE", `${file}: ${e.name} declares ${e.size} bytes (limit ${cap})`);
  }
  const entries: Record<string, Uint8Array> = {};
  for (const e of chosen) {
    if (Object.hasOwn(entries, e.name)) throw corrupt(`more than one ${quote(e.name)} entry`);
    entries[e.name] = zipEntryData(zip, e, corrupt);
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
 * operating system "unknown" (255), at zlib's compression `level` (9 unless the caller chooses
 * less).
 */
export function writeGzip(data: Uint8Array, level = 9): Uint8Array {
  const out = gzipSync(data, { level });
  out.fill(0, 4, 9); // MTIME, XFL
  out[9] = 255; // OS
  return out;
}
