// The writer against every real SageMaker Linear Learner artifact, field by field: our artifact is
// written with the real one's learned values (weights, bias, threshold) and per-job counters (op
// name suffix, timestamps), and everything else must be the same.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeModelArtifact, decodeNDArrayList, encodeModelArtifact } from "@fraud/trainer/model";
import type { ModelArtifactInput } from "@fraud/trainer/model";
import { writeTar } from "../../src/model/archive.js";
import { HAVE_REAL, REAL_MODELS, REAL_SKIP_NOTE, realBytes } from "../helpers/linear-learner.js";
import { layers, numberLiterals } from "../helpers/layout.js";
import type { ZipEntryLayout } from "../helpers/layout.js";
import { text } from "../helpers/archives.js";

// `covid-regressor` (2020) orders the JSON keys and the arrays differently from the two later
// artifacts, and the zip entries differ in order between all three (readers look them up by
// name); `attrition-binary`'s outer tar was re-packed with bsdtar (pax headers) after SageMaker
// wrote it, so its gzip and tar layers are not SageMaker's.
const SAME_ORDER: ReadonlySet<string> = new Set(["attrition-binary", "salary-regressor"]);
const SAME_ZIP_ORDER: ReadonlySet<string> = new Set(["attrition-binary"]);
const ORIGINAL_TAR: ReadonlySet<string> = new Set(["covid-regressor", "salary-regressor"]);

/** The learned values and per-job counters of a real artifact: the inputs that may differ. */
async function inputsOf(real: Uint8Array): Promise<ModelArtifactInput> {
  const art = await decodeModelArtifact(real);
  const { zip } = layers(real);
  const symbol = JSON.parse(text(zip.entries.find((e) => e.name === "mx-mod-symbol.json")!.data)) as { nodes: { op: string; name: string }[] };
  const dot = symbol.nodes.find((n) => n.op === "dot")!.name;
  const { date, time } = zip.entries[0]!;
  const mtime = new Date(Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2));
  return {
    predictorType: art.predictorType,
    weights: art.arrays.find((a) => a.name === "arg:fc0_weight")!.values,
    bias: art.arrays.find((a) => a.name === "arg:fc0_bias")!.values[0]!,
    threshold: art.additionalParams["threshold"] as number,
    lossType: art.additionalParams["loss_type"] as string,
    nodeSuffix: Number(dot.slice("dot".length)),
    mtime,
  };
}

const byName = (entries: ZipEntryLayout[]): Record<string, ZipEntryLayout> => Object.fromEntries(entries.map((e) => [e.name, e]));
const structure = (e: ZipEntryLayout): unknown => ({ local: e.local, central: e.central });

describe.skipIf(!HAVE_REAL)(`our artifacts match the real SageMaker artifacts in every structural field${REAL_SKIP_NOTE}`, () => {
  describe.each(REAL_MODELS)("%s", (name) => {
    const load = async () => {
      const real = realBytes(name);
      const input = await inputsOf(real);
      const ours = await encodeModelArtifact(input);
      return { real: layers(real), ours: layers(ours), input, oursBytes: ours, realBytes: real };
    };

    it("gzip and tar: SageMaker's header, one member model_algo-1, 10240-byte records", async () => {
      const { real, ours, oursBytes } = await load();
      expect(ours.tar.headers).toHaveLength(1);
      expect(ours.tar.headers[0]!.fields["name"]!.replace(/\0+$/, "")).toBe("model_algo-1");
      expect(ours.tar.length % 10240).toBe(0);
      expect(ours.tar.endsWithZeros).toBe(true);
      if (!ORIGINAL_TAR.has(name)) return;
      expect(ours.gzip).toEqual(real.gzip);
      expect(ours.tar.headers.length).toBe(real.tar.headers.length);
      const volatile = new Set(["size", "mtime", "chksum"]);
      const fixed = (f: Record<string, string>) => Object.fromEntries(Object.entries(f).filter(([k]) => !volatile.has(k)));
      expect(fixed(ours.tar.headers[0]!.fields)).toEqual(fixed(real.tar.headers[0]!.fields));
      expect(ours.tar.length).toBe(real.tar.length);
      // With the real member and modification time, the tar is the real one, byte for byte.
      const realTar = gunzipSync(realBytes(name));
      const mtime = parseInt(real.tar.headers[0]!.fields["mtime"]!, 8);
      expect(Buffer.from(writeTar("model_algo-1", real.tar.headers[0]!.data, new Date(mtime * 1000))).equals(Buffer.from(realTar))).toBe(true);
      expect(Buffer.from(oursBytes.subarray(0, 10)).toString("hex")).toBe(Buffer.from(realBytes(name).subarray(0, 10)).toString("hex"));
    });

    it("zip: the same entries, stored, with the same record fields; the same order as the later artifacts", async () => {
      const { real, ours } = await load();
      expect(ours.zip.entries.map((e) => e.name).sort()).toEqual(real.zip.entries.map((e) => e.name).sort());
      expect(ours.zip.entries.map((e) => e.name)).toEqual(["additional-params.json", "mx-mod-0000.params", "manifest.json", "mx-mod-symbol.json"]);
      if (SAME_ZIP_ORDER.has(name)) expect(ours.zip.entries.map((e) => e.name)).toEqual(real.zip.entries.map((e) => e.name));
      const r = byName(real.zip.entries);
      for (const e of ours.zip.entries) {
        expect(structure(e), e.name).toEqual(structure(r[e.name]!));
        expect([e.time, e.date], e.name).toEqual([r[e.name]!.time, r[e.name]!.date]);
      }
      expect(ours.zip.eocd).toEqual(real.zip.eocd);
      expect(ours.zip.trailing).toBe(real.zip.trailing);
    });

    it("mx-mod-symbol.json: the same text, byte for byte", async () => {
      const { real, ours } = await load();
      expect(text(byName(ours.zip.entries)["mx-mod-symbol.json"]!.data)).toBe(text(byName(real.zip.entries)["mx-mod-symbol.json"]!.data));
    });

    it('manifest.json and additional-params.json: the same keys, values and number formatting ("f_beta": 1.0)', async () => {
      const { real, ours } = await load();
      for (const file of ["manifest.json", "additional-params.json"]) {
        const o = text(byName(ours.zip.entries)[file]!.data);
        const t = text(byName(real.zip.entries)[file]!.data);
        expect(JSON.parse(o), file).toEqual(JSON.parse(t));
        expect(numberLiterals(o), file).toEqual(numberLiterals(t));
        if (SAME_ORDER.has(name)) expect(o, file).toBe(t);
      }
    });

    it("mx-mod-0000.params: the same arrays (names, V2 records, storage, dtype, shapes with bias (1, 1), context)", async () => {
      const { real, ours } = await load();
      const params = (l: typeof real) => byName(l.zip.entries)["mx-mod-0000.params"]!.data;
      const meta = (bytes: Uint8Array) =>
        decodeNDArrayList(bytes)
          .map(({ name: n, version, storage, dtype, shape, context }) => ({ n, version, storage, dtype, shape, context }))
          .sort((a, b) => a.n.localeCompare(b.n));
      expect(meta(params(ours))).toEqual(meta(params(real)));
      expect(meta(params(ours)).find((a) => a.n === "arg:fc0_bias")!.shape).toEqual([1, 1]);
      if (SAME_ORDER.has(name)) expect(Buffer.from(params(ours)).equals(Buffer.from(params(real)))).toBe(true);
    });
  });

  it("attrition-binary: our model_algo-1 is byte for byte the zip SageMaker wrote", async () => {
    const real = realBytes("attrition-binary");
    const ours = await encodeModelArtifact(await inputsOf(real));
    const member = (bytes: Uint8Array) => layers(bytes).tar.headers.find((h) => h.fields["typeflag"] === "0")!.data;
    expect(Buffer.from(member(ours)).equals(Buffer.from(member(real)))).toBe(true);
  });
});
