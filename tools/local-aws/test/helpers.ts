import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";

export const FIXTURES = join(import.meta.dirname, "../../../../shared/fixtures/linear-learner");

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
