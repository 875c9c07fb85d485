// Crafted hostile model artifacts: zip entries that inflate far past their declared size, and
// artifact JSON nested deeper than any reader should follow. Small on disk, huge if followed.
import { constants, deflateRawSync, gzipSync } from "node:zlib";
import { encodeModelArtifact } from "@fraud/trainer/model";
import { modelFiles, tarOf } from "./archives.js";

interface ZipInput {
  name: string;
  /** Bytes as stored in the zip (deflated when `method` is 8). */
  stored: Uint8Array;
  /** Size written in the headers. */
  declared: number;
  method: 0 | 8;
}

/** A zip written field by field, so sizes can lie. */
export function rawZip(entries: readonly ZipInput[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.stored.length, 18);
    local.writeUInt32LE(e.declared, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(e.method, 10);
    dir.writeUInt32LE(e.stored.length, 20);
    dir.writeUInt32LE(e.declared, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.stored);
    central.push(dir, name);
    offset += 30 + name.length + e.stored.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** Raw deflate of `mib` MiB of zeros in about a kilobyte per MiB: one flushed 1 MiB block repeated. */
export function zeroDeflate(mib: number): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array<Buffer>(mib).fill(block), Buffer.from([0x03, 0x00])]);
}

/** A real trainer artifact's zip entries (params, manifest, additional params, symbol). */
async function baseEntries(): Promise<Record<string, Uint8Array>> {
  return modelFiles(await encodeModelArtifact({ predictorType: "binary_classifier", weights: [0.5, -1, 2], bias: 0.1, threshold: 0.4 }));
}

async function artifactWith(replace: Record<string, ZipInput>): Promise<Uint8Array> {
  const files = await baseEntries();
  const entries: ZipInput[] = Object.entries(files).map(([name, data]) => replace[name] ?? { name, stored: data, declared: data.length, method: 0 });
  return gzipSync(await tarOf([{ name: "model_algo-1", data: rawZip(entries) }]), { level: 9 });
}

/** `mx-mod-symbol.json` declares `declared` bytes but inflates to `mib` MiB of zeros. */
export function inflationBomb(mib: number, declared = 100): Promise<Uint8Array> {
  return artifactWith({ "mx-mod-symbol.json": { name: "mx-mod-symbol.json", stored: zeroDeflate(mib), declared, method: 8 } });
}

/** `name` (a JSON entry) holds `{"nodes": [[[…]]]}` nested `depth` deep, honestly declared. */
export function deepJson(depth: number, name = "mx-mod-symbol.json"): Promise<Uint8Array> {
  const text = new TextEncoder().encode(`{"nodes":${"[".repeat(depth)}${"]".repeat(depth)}}`);
  return artifactWith({ [name]: { name, stored: deflateRawSync(text), declared: text.length, method: 8 } });
}

/** `mx-mod-symbol.json` of `mib` MiB of JSON whitespace, honestly declared (over the JSON entry cap). */
export function hugeJson(mib: number): Promise<Uint8Array> {
  const text = Buffer.alloc(mib << 20, 0x20);
  text.write("{}", 0);
  return artifactWith({ "mx-mod-symbol.json": { name: "mx-mod-symbol.json", stored: deflateRawSync(text), declared: text.length, method: 8 } });
}
