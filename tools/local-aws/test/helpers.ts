import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { crc32, gunzipSync, gzipSync } from "node:zlib";
import { writeModelArtifact } from "@fraud/trainer/model";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/**
 * The real SageMaker Linear Learner models (not copyable into the repository): `LL_FIXTURES_DIR`,
 * else `../shared/fixtures/linear-learner` beside the repository.
 */
export const FIXTURES = process.env["LL_FIXTURES_DIR"] ?? resolve(REPO_ROOT, "../shared/fixtures/linear-learner");
/** Whether the real models are present; tests that need them are skipped with {@link FIXTURES_SKIP} otherwise. */
export const HAS_FIXTURES = existsSync(join(FIXTURES, "attrition-binary", "model.tar.gz"));
/** Why the real-model tests are skipped. */
export const FIXTURES_SKIP = `real Linear Learner models not found at ${FIXTURES} (set LL_FIXTURES_DIR)`;
if (!HAS_FIXTURES) console.warn(`skipping real-model tests: ${FIXTURES_SKIP}`);

/** Writes a small binary-classifier artifact (`dim` features) made by the trainer; returns its path. */
export async function smallModel(dir: string, dim = 30): Promise<string> {
  const file = join(dir, "model.tar.gz");
  await writeModelArtifact(file, { predictorType: "binary_classifier", weights: Array.from({ length: dim }, (_, j) => Math.sin(j + 1) / 4), bias: -1, threshold: 0.5 });
  return file;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "local-aws-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under dir (relative, sorted) with its gunzipped content. */
export async function readObjects(dir: string): Promise<{ key: string; text: string }[]> {
  const out: { key: string; text: string }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out.push({ key: relative(dir, file), text: gunzipSync(await readFile(file)).toString("utf8") });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export function b64(s: string | Buffer): string {
  return Buffer.from(s).toString("base64");
}

export async function firehoseCall(url: string, op: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `Firehose_20150804.${op}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/**
 * A trainer-written `model.tar.gz` whose `fc0_weight` is patched to declare `rows` features while
 * holding the bytes of 30: a tiny file declaring a huge model (the loader must refuse it by its
 * limits before allocating). The stored zip's CRCs are fixed so only the size is wrong.
 */
export async function absurdModel(dir: string, rows: number): Promise<string> {
  const file = await smallModel(dir, 30);
  const tar = Buffer.from(gunzipSync(await readFile(file)));
  // dense NDArray v2 header: magic, stype 0, ndim 2, shape (30, 1)
  const header = Buffer.alloc(28);
  header.writeUInt32LE(0xf993fac9, 0);
  header.writeInt32LE(0, 4);
  header.writeInt32LE(2, 8);
  header.writeBigUInt64LE(30n, 12);
  header.writeBigUInt64LE(1n, 20);
  const at = tar.indexOf(header);
  if (at < 0) throw new Error("fc0_weight header not found");
  tar.writeBigUInt64LE(BigInt(rows), at + 12);
  // fix the CRC-32 of the stored zip entry holding the params, in its local header and central directory entry
  const name = Buffer.from("mx-mod-0000.params");
  for (let h = tar.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04])); h >= 0; h = tar.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), h + 4)) {
    if (!tar.subarray(h + 30, h + 30 + name.length).equals(name)) continue;
    const start = h + 30 + name.length + tar.readUInt16LE(h + 28);
    const crc = crc32(tar.subarray(start, start + tar.readUInt32LE(h + 18)));
    tar.writeUInt32LE(crc, h + 14);
    for (let c = tar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); c >= 0; c = tar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), c + 4)) {
      if (tar.subarray(c + 46, c + 46 + name.length).equals(name)) tar.writeUInt32LE(crc, c + 16);
    }
  }
  const out = join(dir, "absurd.tar.gz");
  await writeFile(out, gzipSync(tar));
  return out;
}
