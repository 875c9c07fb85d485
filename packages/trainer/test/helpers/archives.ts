// Building and taking apart tars and zips in tests (tar-stream and fflate, as the package does).
import { gunzipSync, gzipSync } from "node:zlib";
import { unzipSync, zipSync } from "fflate";
import { extract as tarExtract, pack as tarPack } from "tar-stream";

/** A tar member to write. */
export interface Member {
  name: string;
  data: Uint8Array;
  type?: "file" | "directory" | "symlink";
  linkname?: string;
}

/** A tar of the members (tar-stream's header format). */
export async function tarOf(members: readonly Member[]): Promise<Uint8Array> {
  const pack = tarPack();
  for (const m of members) {
    const type = m.type ?? "file";
    if (type === "file") pack.entry({ name: m.name, size: m.data.length, type }, m.data);
    else pack.entry({ name: m.name, type, ...(m.linkname ? { linkname: m.linkname } : {}) }, new Uint8Array(0));
  }
  pack.finalize();
  const chunks: Uint8Array[] = [];
  for await (const c of pack) chunks.push(c as Uint8Array);
  return Buffer.concat(chunks);
}

/** Every member of a tar, with its header fields and bytes. */
export async function untar(bytes: Uint8Array): Promise<{ name: string; uid: number; data: Uint8Array }[]> {
  const ex = tarExtract();
  const out: { name: string; uid: number; data: Uint8Array }[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const chunks: Uint8Array[] = [];
      for await (const c of e) chunks.push(c as Uint8Array);
      out.push({ name: e.header.name, uid: e.header.uid, data: Buffer.concat(chunks) });
    }
  })();
  ex.end(bytes);
  await done;
  return out;
}

/** The entries of the `model_algo-1` zip inside a `model.tar.gz`. */
export async function modelFiles(targz: Uint8Array): Promise<Record<string, Uint8Array>> {
  const [member] = await untar(gunzipSync(targz));
  return unzipSync(member!.data);
}

/** A `model.tar.gz` (tar-stream layout) whose `model_algo-1` zip holds these files. */
export async function targzOf(files: Record<string, Uint8Array | string>, memberName = "model_algo-1"): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? enc.encode(v) : v])));
  return gzipSync(await tarOf([{ name: memberName, data: zip }]));
}

/** Decodes UTF-8. */
export const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
