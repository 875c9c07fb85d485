import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { writeModelArtifact } from "@fraud/trainer";

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
