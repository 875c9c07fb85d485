// Reads the structural fields of a model.tar.gz layer by layer (gzip header, tar headers, zip
// records), so tests can compare two artifacts field by field.
import { gunzipSync } from "node:zlib";

/** The gzip member header (RFC 1952): flags, modification time, extra flags, operating system. */
export function gzipHeader(bytes: Uint8Array): { magic: string; method: number; flags: number; mtime: number; xfl: number; os: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { magic: Buffer.from(bytes.subarray(0, 2)).toString("hex"), method: bytes[2]!, flags: bytes[3]!, mtime: v.getUint32(4, true), xfl: bytes[8]!, os: bytes[9]! };
}

const TAR_FIELDS: [string, number, number][] = [
  ["name", 0, 100],
  ["mode", 100, 8],
  ["uid", 108, 8],
  ["gid", 116, 8],
  ["size", 124, 12],
  ["mtime", 136, 12],
  ["chksum", 148, 8],
  ["typeflag", 156, 1],
  ["linkname", 157, 100],
  ["magic", 257, 6],
  ["version", 263, 2],
  ["uname", 265, 32],
  ["gname", 297, 32],
  ["devmajor", 329, 8],
  ["devminor", 337, 8],
  ["prefix", 345, 155],
  ["pad", 500, 12],
];

/** A tar header's raw fields (as stored, terminators included), and its member data. */
export interface TarHeader {
  fields: Record<string, string>;
  data: Uint8Array;
}

/** Every header of an uncompressed tar, plus the archive's length and whether it ends in zero blocks. */
export function tarLayout(tar: Uint8Array): { headers: TarHeader[]; length: number; endsWithZeros: boolean } {
  const headers: TarHeader[] = [];
  let o = 0;
  while (o + 512 <= tar.length && tar.subarray(o, o + 512).some((b) => b !== 0)) {
    const fields: Record<string, string> = {};
    for (const [name, at, len] of TAR_FIELDS) fields[name] = Buffer.from(tar.subarray(o + at, o + at + len)).toString("latin1");
    const size = parseInt(fields["size"]!.replace(/[\0 ]/g, ""), 8);
    headers.push({ fields, data: tar.subarray(o + 512, o + 512 + size) });
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return { headers, length: tar.length, endsWithZeros: tar.subarray(o).every((b) => b === 0) && tar.length - o >= 1024 };
}

/** The structural fields of one zip entry's local and central records (no times, CRCs, sizes or offsets). */
export interface ZipEntryLayout {
  name: string;
  local: { versionNeeded: number; flags: number; method: number; extraLength: number };
  central: { versionMadeBy: number; versionNeeded: number; flags: number; method: number; extraLength: number; commentLength: number; disk: number; internalAttrs: number; externalAttrs: number };
  /** DOS time and date, as stored. */
  time: number;
  date: number;
  data: Uint8Array;
}

/** Entries in central-directory order, and the end-of-central-directory record's fields. */
export function zipLayout(zip: Uint8Array): { entries: ZipEntryLayout[]; eocd: { disk: number; cdDisk: number; entriesHere: number; entries: number; commentLength: number }; trailing: number } {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const e = zip.length - 22;
  if (v.getUint32(e, true) !== 0x06054b50) throw new Error("no end of central directory record at the end");
  const count = v.getUint16(e + 10, true);
  const cdSize = v.getUint32(e + 12, true);
  let c = v.getUint32(e + 16, true);
  const entries: ZipEntryLayout[] = [];
  for (let i = 0; i < count; i++) {
    if (v.getUint32(c, true) !== 0x02014b50) throw new Error(`no central directory record at ${c}`);
    const nameLen = v.getUint16(c + 28, true);
    const extraLen = v.getUint16(c + 30, true);
    const commentLen = v.getUint16(c + 32, true);
    const local = v.getUint32(c + 42, true);
    const localNameLen = v.getUint16(local + 26, true);
    const localExtra = v.getUint16(local + 28, true);
    const size = v.getUint32(c + 20, true);
    const dataAt = local + 30 + localNameLen + localExtra;
    entries.push({
      name: Buffer.from(zip.subarray(c + 46, c + 46 + nameLen)).toString("utf8"),
      local: { versionNeeded: v.getUint16(local + 4, true), flags: v.getUint16(local + 6, true), method: v.getUint16(local + 8, true), extraLength: localExtra },
      central: {
        versionMadeBy: v.getUint16(c + 4, true),
        versionNeeded: v.getUint16(c + 6, true),
        flags: v.getUint16(c + 8, true),
        method: v.getUint16(c + 10, true),
        extraLength: extraLen,
        commentLength: commentLen,
        disk: v.getUint16(c + 34, true),
        internalAttrs: v.getUint16(c + 36, true),
        externalAttrs: v.getUint32(c + 38, true),
      },
      time: v.getUint16(c + 12, true),
      date: v.getUint16(c + 14, true),
      data: zip.subarray(dataAt, dataAt + size),
    });
    c += 46 + nameLen + extraLen + commentLen;
  }
  return {
    entries,
    eocd: { disk: v.getUint16(e + 4, true), cdDisk: v.getUint16(e + 6, true), entriesHere: v.getUint16(e + 8, true), entries: count, commentLength: v.getUint16(e + 20, true) },
    trailing: zip.length - (v.getUint32(e + 16, true) + cdSize + 22),
  };
}

/** The layers of a model.tar.gz. */
export function layers(targz: Uint8Array): { gzip: ReturnType<typeof gzipHeader>; tar: ReturnType<typeof tarLayout>; zip: ReturnType<typeof zipLayout> } {
  const tar = tarLayout(gunzipSync(targz));
  const member = tar.headers.find((h) => h.fields["typeflag"] === "0")!;
  return { gzip: gzipHeader(targz), tar, zip: zipLayout(member.data) };
}

/** Every `"key": <number|null>` literal of a JSON text, as written (`"f_beta": 1.0`). */
export function numberLiterals(json: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of json.matchAll(/"([^"]+)": (-?[\d.eE+-]+|null|NaN|-?Infinity)/g)) (out[m[1]!] ??= []).push(m[2]!);
  return out;
}
