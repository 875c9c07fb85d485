import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { XGBoostPredictor } from "../../src/models/xgboost/predict.js";
import { readXGBoostModel } from "../../src/models/xgboost/read.js";
import { encodeUbjson } from "../../src/models/xgboost/ubjson.js";
import { CASES, FIXTURES, fixtureCase } from "./helpers.js";

const FILES = [
  ["xgboost-model", "binf"],
  ["model.json", "json"],
  ["model.ubj", "ubjson"],
] as const;

const bytes = (c: string, f: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${c}/${f}`));

/** The error a call throws (fails the test when it returns). */
function thrown(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error("expected an error");
}

describe("real XGBoost 1.7.4 models (golden fixtures)", () => {
  it.each(CASES.flatMap((c) => FILES.map(([f, format]) => [c, f, format] as const)))("%s/%s reads as %s and predicts as XGBoost does", (c, f, format) => {
    const read = readXGBoostModel(bytes(c, f), { name: f });
    expect(read.format).toBe(format);
    expect(read.booster.objective).toBe("binary:logistic");
    const { data, rows, cols, probability, margin } = fixtureCase(c);
    const p = new XGBoostPredictor(read.booster);
    const m = p.margins({ data, rows: rows.length, cols });
    const pr = p.probabilities({ data: new Float32Array(data), rows: rows.length, cols });
    rows.forEach((_, i) => {
      expect(Math.abs(m[i]! - margin[i]!)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(pr[i]! - probability[i]!)).toBeLessThanOrEqual(1e-5);
    });
  });

  it("reads the base_score in probability space from every format", () => {
    for (const [f] of FILES) expect(readXGBoostModel(bytes("base-score-depth2", f)).booster.baseScore).toBeCloseTo(0.2, 6);
  });

  it("keeps default_left from the file (missing values take it)", () => {
    const { booster } = readXGBoostModel(bytes("small-missing", "xgboost-model"));
    const dl = booster.trees.flatMap((t) => Array.from(t.defaultLeft));
    expect(dl).toContain(1);
    expect(dl).toContain(0);
  });

  it("refuses rows of the wrong width with BAD_FEATURE_COUNT", () => {
    const p = new XGBoostPredictor(readXGBoostModel(bytes("small-missing", "model.json")).booster);
    expect(thrown(() => p.margins({ data: new Float32Array(5), rows: 1, cols: 5 })).code).toBe("BAD_FEATURE_COUNT");
    expect(thrown(() => p.margins({ data: new Float32Array(5), rows: 1, cols: 6 })).code).toBe("BAD_FEATURE_COUNT");
  });
});

describe("hostile and unsupported model bytes", () => {
  // every prefix of the binary model; of the JSON and UBJSON documents, every prefix up to 512 bytes and every 7th after
  it.each(FILES)("truncations of small-missing/%s are typed errors", (f) => {
    const full = bytes("small-missing", f);
    const codes = new Set<string>();
    const t0 = performance.now();
    for (let n = 0; n < full.length; n += f === "xgboost-model" || n < 512 ? 1 : 7) {
      try {
        readXGBoostModel(full.subarray(0, n));
        codes.add(`loaded at ${n}`);
      } catch (err) {
        codes.add(err instanceof ModelError ? err.code : String(err));
      }
    }
    expect([...codes]).toEqual(["MODEL_CORRUPT"]);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it("names a pickled Booster (SageMaker's 0.90 containers) as unsupported", () => {
    const err = thrown(() => readXGBoostModel(new Uint8Array([0x80, 0x03, 0x63, 0x78, 0x67, 0x62]), { name: "xgboost-model" }));
    expect(err.code).toBe("MODEL_UNSUPPORTED");
    expect(err.message).toBe("xgboost-model: unsupported: pickled Booster (XGBoost 0.90 container); load it with that version and save it with Booster.save_model");
  });

  it.each([
    ["empty", new Uint8Array(0), "MODEL_CORRUPT", "not an XGBoost model"],
    ["garbage", new TextEncoder().encode("hello world"), "MODEL_CORRUPT", "not an XGBoost model"],
    ["base64", new TextEncoder().encode("bs64AAAA"), "MODEL_UNSUPPORTED", "base64"],
    ["deep JSON", new TextEncoder().encode(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), "MODEL_CORRUPT", "deeper than 64"],
    ["deep UBJSON", new Uint8Array([0x7b, 0x69, 1, 0x61, ...new Array<number>(100_000).fill(0x5b)]), "MODEL_CORRUPT", "deeper than 64"],
    ["UBJSON typed array of 2^50 floats", new Uint8Array([0x7b, 0x69, 1, 0x61, 0x5b, 0x24, 0x64, 0x23, 0x4c, 0, 4, 0, 0, 0, 0, 0, 0, 0x7d]), "MODEL_CORRUPT", "needs"],
    ["UBJSON string of 2^40 bytes", new Uint8Array([0x7b, 0x69, 1, 0x61, 0x53, 0x4c, 0, 0, 1, 0, 0, 0, 0, 0, 0x7d]), "MODEL_CORRUPT", "string of"],
    ["UBJSON key of 2^40 bytes", new Uint8Array([0x7b, 0x4c, 0, 0, 1, 0, 0, 0, 0, 0, 0x5a, 0x7d]), "MODEL_CORRUPT", "string of"],
    ["UBJSON untyped array of 2^40 values", new Uint8Array([0x7b, 0x69, 1, 0x61, 0x5b, 0x23, 0x4c, 0, 0, 1, 0, 0, 0, 0, 0, 0x7d]), "MODEL_CORRUPT", "container of"],
    ["UBJSON negative length", new Uint8Array([0x7b, 0x69, 1, 0x61, 0x53, 0x69, 0xff, 0x7d]), "MODEL_CORRUPT", "non-negative"],
  ])("%s → %s", (_, input, code, text) => {
    const t0 = performance.now();
    const err = thrown(() => readXGBoostModel(input));
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
    expect(err.message).not.toContain("\n");
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  /** The small binf fixture with a 32-bit field replaced. */
  const binfWith = (offset: number, value: number): Uint8Array => {
    const b = bytes("small-missing", "xgboost-model").slice();
    new DataView(b.buffer).setInt32(offset, value, true);
    return b;
  };
  // offsets: binf 0, learner param 4 (num_feature 8, num_class 12), objective at 140 (u64 length),
  // booster at 163, gbtree param 177 (num_trees), first tree param 337 (num_nodes 341)
  it.each([
    ["2^31-1 trees", binfWith(177, 0x7fffffff), "MODEL_CORRUPT", "declares 2147483647 trees"],
    ["2^31-1 nodes", binfWith(341, 0x7fffffff), "MODEL_CORRUPT", "declares 2147483647 nodes"],
    ["an objective name of 2^32 bytes", binfWith(144, 1), "MODEL_CORRUPT", "declares 4294967311"],
    ["3 classes", binfWith(12, 3), "MODEL_UNSUPPORTED", "multiclass"],
    ["2^31 features", binfWith(8, 0x7fffffff), "MODEL_TOO_LARGE", "maxFeatures"],
    ["a child out of range", binfWith(337 + 148 + 4, 99), "MODEL_CORRUPT", "child 99 out of range"],
  ])("binf with %s → %s", (_, input, code, text) => {
    const t0 = performance.now();
    const err = thrown(() => readXGBoostModel(input));
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  /** The parts of the JSON model document the cases edit. */
  interface Doc {
    learner: {
      objective: { name: string };
      gradient_booster: { name: string; model: { trees?: { split_type: number[]; split_conditions: number[]; left_children: number[] }[] } };
      learner_model_param: Record<string, string>;
    };
  }
  const jsonWith = (edit: (doc: Doc) => void): Uint8Array => {
    const doc = JSON.parse(readFileSync(`${FIXTURES}small-missing/model.json`, "utf8")) as Doc;
    edit(doc);
    return new TextEncoder().encode(JSON.stringify(doc));
  };
  it.each([
    ["objective reg:squarederror", jsonWith((d) => (d.learner.objective.name = "reg:squarederror")), "MODEL_UNSUPPORTED", 'objective "reg:squarederror"'],
    ["booster dart", jsonWith((d) => (d.learner.gradient_booster.name = "dart")), "MODEL_UNSUPPORTED", 'booster "dart"'],
    ["booster gblinear", jsonWith((d) => (d.learner.gradient_booster.name = "gblinear")), "MODEL_UNSUPPORTED", 'booster "gblinear"'],
    ["num_class 3", jsonWith((d) => (d.learner.learner_model_param.num_class = "3")), "MODEL_UNSUPPORTED", "multiclass"],
    ["a categorical split", jsonWith((d) => (d.learner.gradient_booster.model.trees![0]!.split_type[0] = 1)), "MODEL_UNSUPPORTED", "categorical"],
    ["no trees field", jsonWith((d) => delete d.learner.gradient_booster.model.trees), "MODEL_CORRUPT", "trees is missing"],
    ["a short array", jsonWith((d) => d.learner.gradient_booster.model.trees![1]!.split_conditions.pop()), "MODEL_CORRUPT", "split_conditions has"],
    ["a cycle", jsonWith((d) => (d.learner.gradient_booster.model.trees![0]!.left_children[1] = 1)), "MODEL_CORRUPT", ""],
    ["a string base_score", jsonWith((d) => (d.learner.learner_model_param.base_score = "x")), "MODEL_CORRUPT", "base_score"],
    ["base_score 1", jsonWith((d) => (d.learner.learner_model_param.base_score = "1")), "MODEL_CORRUPT", "base_score"],
  ])("JSON with %s → %s", (_, input, code, text) => {
    const err = thrown(() => readXGBoostModel(input));
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
  });

  it("refuses a JSON document of more values than a model holds before parsing it, quickly", () => {
    const big = new TextEncoder().encode(`{"learner":[${"0,".repeat(5_000_000)}0]}`);
    const t0 = performance.now();
    const err = thrown(() => readXGBoostModel(big));
    expect(err.code).toBe("MODEL_TOO_LARGE");
    expect(err.message).toContain("more than 4194304 values");
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("refuses a UBJSON document of more arrays and objects than a model holds", () => {
    const many = encodeUbjson({ a: new Array(300_000).fill([]) as never });
    expect(thrown(() => readXGBoostModel(many)).code).toBe("MODEL_TOO_LARGE");
  });

  it("any byte flip of a real model loads or gives a typed error (never another error)", () => {
    const formats = FILES.map(([f]) => bytes("small-missing", f));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (k, flips) => {
        const b = formats[k]!.slice();
        for (const [at, v] of flips) b[at % b.length] = v;
        try {
          const { booster } = readXGBoostModel(b);
          new XGBoostPredictor(booster).margins({ data: new Float32Array(booster.numFeature).fill(NaN), rows: 1, cols: booster.numFeature });
        } catch (err) {
          expect(err).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
