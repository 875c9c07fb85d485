// Hostile artifacts: declared sizes are capped and checked against the bytes present before
// anything is allocated; the model member is matched by its exact path in the tar.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_LIMITS, ModelError, decodeModelArtifact, encodeModelArtifact, loadLinearLearnerModel as loadModel } from "@fraud/trainer/model";
import { encodeNDArrayList } from "@fraud/trainer/model";
import { symbolJson } from "../../src/models/linear-learner/symbol.js";
import { modelFiles, tarOf } from "../helpers/archives.js";

const enc = new TextEncoder();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "trainer-limits-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error("expected a ModelError");
}

/** NDArray bytes, little-endian, written field by field. */
function le(...fields: [("u32" | "i32" | "u64" | "f32"), number][]): Uint8Array {
  const size = fields.reduce((s, [t]) => s + (t === "u64" ? 8 : 4), 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let o = 0;
  for (const [t, x] of fields) {
    if (t === "u64") v.setBigUint64(o, BigInt(x), true);
    else if (t === "f32") v.setFloat32(o, x, true);
    else if (t === "u32") v.setUint32(o, x, true);
    else v.setInt32(o, x, true);
    o += t === "u64" ? 8 : 4;
  }
  return out;
}

/** A `model.tar.gz` whose params hold a row_sparse `fc0_weight` of `rows` rows, one of them stored. */
async function sparseArtifact(rows: number): Promise<Uint8Array> {
  const name = (s: string): Uint8Array => Buffer.concat([le(["u64", s.length]), enc.encode(s)]);
  const params = Buffer.concat([
    le(["u64", 0x112], ["u64", 0], ["u64", 2]),
    // arg:fc0_weight: V2, row_sparse, storage shape (1, 1), shape (rows, 1), cpu(0) float32, aux int64 (1)
    le(["u32", 0xf993fac9], ["i32", 1], ["i32", 2], ["u64", 1], ["u64", 1], ["i32", 2], ["u64", rows], ["u64", 1], ["i32", 1], ["i32", 0], ["i32", 0], ["i32", 6], ["i32", 1], ["u64", 1]),
    le(["f32", 0.5], ["u64", rows - 1]),
    // arg:fc0_bias: V2 dense (1, 1)
    le(["u32", 0xf993fac9], ["i32", 0], ["i32", 2], ["u64", 1], ["u64", 1], ["i32", 1], ["i32", 0], ["i32", 0], ["f32", 0.25]),
    le(["u64", 2]),
    name("arg:fc0_weight"),
    name("arg:fc0_bias"),
  ]);
  const zip = zipSync({
    "mx-mod-symbol.json": [enc.encode(symbolJson(rows, [1, 1], "binary_classifier", 0)), { level: 9 }],
    "mx-mod-0000.params": [params, { level: 9 }],
  });
  return gzipSync(await tarOf([{ name: "model_algo-1", data: zip }]), { level: 9 });
}

function runLoad(path: string, limits?: object): Promise<{ code: string; maxRssMiB: number }> {
  const script = fileURLToPath(new URL("../helpers/load-model.ts", import.meta.url));
  const args = ["--conditions=@fraud/source", "--import", "tsx", script, path, ...(limits ? [JSON.stringify(limits)] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { code: string; maxRssMiB: number })));
  });
}

describe("declared sizes are capped (maxFeatures)", () => {
  it("refuses a sub-kilobyte artifact declaring a 100-million-row sparse array, with bounded memory", async () => {
    // Prepare
    const bytes = await sparseArtifact(100_000_000);
    expect(bytes.length).toBeLessThan(1024);
    const path = join(dir, "sparse.tar.gz");
    await writeFile(path, bytes);
    // Act
    const err = await errorOf(loadModel(path));
    const child = await runLoad(path);
    const baseline = await runLoad(join(dir, "absent.tar.gz"));
    // Assess
    expect(err.code).toBe("MODEL_TOO_LARGE");
    expect(err.message).toBe(`${path}: mx-mod-0000.params: array of shape (100000000, 1) declares 100000000 elements, above the limit of 1000000 (byte 100)`);
    expect(child.code).toBe("MODEL_TOO_LARGE");
    expect(baseline.code).toBe("MODEL_NOT_FOUND");
    // Densifying would take 800 MB; the refusal costs what loading nothing costs, give or take.
    expect(child.maxRssMiB - baseline.maxRssMiB).toBeLessThan(64);
  });

  it("loads a sparse model within the limit, densified", async () => {
    const model = await loadModel(await sparseArtifact(1000));
    expect(model.featureDim).toBe(1000);
    expect(model.weights[999]).toBe(0.5);
    expect(model.bias).toBe(0.25);
  });

  it("refuses a dense array declaring more than the bytes present, before allocating, when the limit is raised", async () => {
    const files = await modelFiles(await encodeModelArtifact({ predictorType: "binary_classifier", weights: [1, 2], bias: 0 }));
    const params = encodeNDArrayList([{ name: "arg:fc0_weight", shape: [2, 1], values: [1, 2] }, { name: "arg:fc0_bias", shape: [1, 1], values: [0] }]);
    new DataView(params.buffer).setBigUint64(36, 50_000_000n, true); // fc0_weight rows: 2 → 50 million
    const zip = zipSync({ ...files, "mx-mod-0000.params": params, "mx-mod-symbol.json": enc.encode(symbolJson(50_000_000, [1, 1], "binary_classifier", 0)) });
    const bytes = gzipSync(await tarOf([{ name: "model_algo-1", data: zip }]));
    expect((await errorOf(loadModel(bytes))).code).toBe("MODEL_TOO_LARGE");
    const err = await errorOf(loadModel(bytes, { maxFeatures: 100_000_000 }));
    expect(err.code).toBe("MODEL_CORRUPT");
    expect(err.message).toBe("model.tar.gz: mx-mod-0000.params: truncated NDArray data (50000000 float32 values need 200000000 bytes, 102 present) at byte 64");
  });
});

describe("compressed and uncompressed sizes are capped", () => {
  it("refuses an artifact above maxArtifactBytes, from bytes and from a file (before reading it)", async () => {
    const bytes = await encodeModelArtifact({ predictorType: "regressor", weights: [1, 2, 3], bias: 0 });
    const path = join(dir, "small.tar.gz");
    await writeFile(path, bytes);
    for (const source of [bytes, path]) {
      const err = await errorOf(loadModel(source, { maxArtifactBytes: 100 }));
      expect(err.code).toBe("MODEL_TOO_LARGE");
      expect(err.message).toMatch(/: \d+ bytes \(limit maxArtifactBytes = 100\)$/);
    }
    expect((await loadModel(path, { maxArtifactBytes: bytes.length })).featureDim).toBe(3);
  });

  it("refuses a gzip that inflates beyond maxUncompressedBytes without inflating it all", async () => {
    const bomb = gzipSync(new Uint8Array(8 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(16 * 1024);
    const err = await errorOf(loadModel(bomb, { maxUncompressedBytes: 1024 * 1024 }));
    expect(err).toMatchObject({ code: "MODEL_TOO_LARGE", message: "model.tar.gz: decompresses to more than 1048576 bytes (limit maxUncompressedBytes = 1048576)" });
  });

  it("refuses zip entries whose declared sizes exceed maxUncompressedBytes, before inflating them", async () => {
    const files = await modelFiles(await encodeModelArtifact({ predictorType: "regressor", weights: [1], bias: 0 }));
    const zip = zipSync(files, { level: 0 });
    // Declare 3.9 GB for the first entry in the central directory.
    const view = new DataView(zip.buffer);
    const cd = view.getUint32(zip.length - 6, true);
    view.setUint32(cd + 24, 0xf0000000, true);
    const err = await errorOf(decodeModelArtifact(zip, { name: "m" }));
    expect(err).toMatchObject({ code: "MODEL_TOO_LARGE", message: `m: model_algo-1 entries declare 4026531840 bytes or more (limit maxUncompressedBytes = ${MODEL_LIMITS.maxUncompressedBytes})` });
  });

  it.each([
    [{ maxFeatures: 0 }, "maxFeatures must be a positive integer, got 0"],
    [{ maxArtifactBytes: 1.5 }, "maxArtifactBytes must be a positive integer, got 1.5"],
    [{ maxUncompressedBytes: Number.NaN }, "maxUncompressedBytes must be a positive integer, got NaN"],
  ])("refuses the limits %j", async (limits, message) => {
    expect(await errorOf(loadModel(new Uint8Array(1), limits))).toMatchObject({ code: "INVALID_ARGUMENT", message });
  });

  it("documents defaults that admit a million features", () => {
    expect(MODEL_LIMITS).toEqual({ maxArtifactBytes: 32 * 1024 * 1024, maxUncompressedBytes: 64 * 1024 * 1024, maxFeatures: 1_000_000 });
  });
});

describe("the model member is matched by its exact path", () => {
  let zip: Uint8Array;
  beforeAll(async () => {
    const files = await modelFiles(await encodeModelArtifact({ predictorType: "binary_classifier", weights: [1, 2], bias: 0 }));
    zip = zipSync(files, { level: 0 });
  });

  it.each(["model_algo-1", "./model_algo-1"])("accepts %s at the archive root", async (name) => {
    const bytes = gzipSync(await tarOf([{ name: "state_0a1b", data: enc.encode("other algorithm state") }, { name, data: zip }]));
    expect((await loadModel(bytes)).featureDim).toBe(2);
  });

  it.each(["../../tmp/model_algo-1", "/etc/model_algo-1", "output/model_algo-1", "model_algo-1.bak", "MODEL_ALGO-1"])("refuses %s", async (name) => {
    const bytes = gzipSync(await tarOf([{ name, data: zip }]));
    const err = await errorOf(loadModel(bytes, { name: "m" }));
    expect(err.code).toBe("MODEL_UNSUPPORTED");
    expect(err.message).toBe(`m: no model_algo-1 member at the archive root (members: ${JSON.stringify(name)})`);
  });

  it("refuses a model_algo-1 that is a link or a folder, and two of them", async () => {
    const link = gzipSync(await tarOf([{ name: "model_algo-1", data: new Uint8Array(0), type: "symlink", linkname: "/etc/passwd" }]));
    expect(await errorOf(loadModel(link, { name: "m" }))).toMatchObject({ code: "MODEL_CORRUPT", message: 'm: "model_algo-1" is a symlink entry, not a file' });
    const folder = gzipSync(await tarOf([{ name: "model_algo-1", data: new Uint8Array(0), type: "directory" }]));
    expect((await errorOf(loadModel(folder, { name: "m" }))).code).toBe("MODEL_CORRUPT");
    const twice = gzipSync(await tarOf([{ name: "model_algo-1", data: zip }, { name: "./model_algo-1", data: zip }]));
    expect(await errorOf(loadModel(twice, { name: "m" }))).toMatchObject({ code: "MODEL_CORRUPT", message: "m: more than one model_algo-1 member in the archive" });
  });

  it("lists at most five members, each quoted to 80 characters", async () => {
    const members = Array.from({ length: 7 }, (_, i) => ({ name: `${"x".repeat(90)}${i}`, data: new Uint8Array(1) }));
    const err = await errorOf(loadModel(gzipSync(await tarOf(members)), { name: "m" }));
    expect(err.message).toBe(`m: no model_algo-1 member at the archive root (members: ${Array(5).fill(`"${"x".repeat(77)}..."`).join(", ")}, … (7 members))`);
  });
});
