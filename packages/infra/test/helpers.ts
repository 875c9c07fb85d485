// Shared test helpers: a small real zip, temp dirs, synthesis into a temp folder, accessors over
// the synthesized Terraform JSON, and the stand-in `terraform`.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { resolveConfig } from "@fraud/infra";
import { readSynthesized, synthesize } from "@fraud/infra/deploy";
import type { InfraConfigFile, StackConfig } from "@fraud/infra";

/** A stored (uncompressed) zip holding one file, written by hand. */
export function writeZip(path: string, name = "index.mjs", content = "export const scheduled = async () => ({ ok: true });\n"): void {
  const data = Buffer.from(content);
  const fname = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fname.length, 28);
  const centralOffset = local.length + fname.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  writeFileSync(path, Buffer.concat([local, fname, data, central, fname, end]));
}

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `fraud-infra-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Synthesized Terraform JSON with typed accessors. */
export interface Synth {
  json: TfJson;
  config: StackConfig;
  dir: string;
  /** Every resource of a type, by logical id. */
  all(type: string): Record<string, Record<string, unknown>>;
  /** The single resource of a type (fails when there are 0 or several). */
  one(type: string): Record<string, unknown>;
}

/** The shape of `cdk.tf.json` that the tests read. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider: { aws: Record<string, unknown>[] };
  terraform: { backend?: Record<string, Record<string, unknown>> };
  output: Record<string, { value: string }>;
  variable: Record<string, Record<string, unknown>>;
  locals?: Record<string, unknown>;
}

/** Resolves `file` for `environment` and synthesizes it (offline provider) into `outdir`. */
export function synth(outdir: string, zip: string, file: InfraConfigFile = {}, environment = "dev", env: NodeJS.ProcessEnv = {}): Synth {
  const merged: InfraConfigFile = { ...file, lambda: { zipPath: zip, ...(file.lambda ?? {}) } };
  const config = resolveConfig(merged, environment, { env, baseDir: outdir });
  const [stack] = synthesize([config], { outdir: join(outdir, `out-${environment}-${Math.abs(hash(JSON.stringify(file)))}`), offline: true });
  if (!stack) throw new Error("no stack");
  const json = readSynthesized(stack) as unknown as TfJson;
  return {
    json,
    config,
    dir: stack.dir,
    all: (type) => json.resource[type] ?? {},
    one: (type) => {
      const values = Object.values(json.resource[type] ?? {});
      if (values.length !== 1) throw new Error(`expected one ${type}, found ${values.length}`);
      return values[0] as Record<string, unknown>;
    },
  };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** A Terraform reference to an attribute of the only resource of `type`, e.g. `${aws_sagemaker_endpoint.x.name}`. */
export function ref(s: Synth, type: string, attr: string): string {
  const ids = Object.keys(s.all(type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attr}}`;
}

/** Every IAM statement of every inline role policy, with the policy's logical id. */
export function statements(s: Synth): { policy: string; role: string; Sid: string; Action: string[]; Resource: string[]; Condition?: Record<string, unknown> }[] {
  return Object.entries(s.all("aws_iam_role_policy")).flatMap(([id, p]) => {
    const doc = JSON.parse(p["policy"] as string) as { Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: Record<string, unknown> }[] };
    return doc.Statement.map((st) => ({ ...st, policy: id, role: p["role"] as string }));
  });
}

/**
 * Installs the stand-in `terraform` (test/fake-terraform.mjs: keeps its own state, answers
 * `plan -detailed-exitcode`, `output -json` and `show -json`) as `<dir>/<name>`.
 */
export function installFakeTerraform(dir: string, name = "terraform"): void {
  mkdirSync(dir, { recursive: true });
  const script = fileURLToPath(new URL("./fake-terraform.mjs", import.meta.url));
  writeFileSync(join(dir, name), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(join(dir, name), 0o755);
}

/** One call recorded by the stand-in `terraform`. */
export interface FakeTerraformCall {
  cwd: string;
  args: string[];
  /** `plan`: whether it had changes; resource types it would create / remove. */
  changed?: boolean;
  create?: string[];
  remove?: string[];
  /** `apply`: resource types created / removed; the type whose creation failed. */
  created?: string[];
  removed?: string[];
  failed?: string;
}

/** The calls the stand-in `terraform` recorded in `file` (one JSON line each). */
export function fakeTerraformCalls(file: string): FakeTerraformCall[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FakeTerraformCall);
}
