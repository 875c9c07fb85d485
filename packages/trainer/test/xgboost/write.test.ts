import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { XGBoostPredictor } from "../../src/models/xgboost/predict.js";
import { readXGBoostModel } from "../../src/models/xgboost/read.js";
import { encodeXGBoostModel } from "../../src/models/xgboost/write.js";
import { CASES, FIXTURES, fixtureCase, realPredict, realXGBoost } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "xgb-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (c: string) => readXGBoostModel(new Uint8Array(readFileSync(`${FIXTURES}${c}/xgboost-model`))).booster;

describe("writing XGBoost models", () => {
  it.each(CASES.flatMap((c) => (["json", "ubjson"] as const).map((f) => [c, f] as const)))("%s as %s reads back with the same predictions", (c, format) => {
    const booster = fixture(c);
    const back = readXGBoostModel(encodeXGBoostModel(booster, format));
    expect(back.format).toBe(format);
    const { data, rows, cols } = fixtureCase(c);
    expect(new XGBoostPredictor(back.booster).margins({ data, rows: rows.length, cols })).toEqual(new XGBoostPredictor(booster).margins({ data, rows: rows.length, cols }));
  });

  it("writes JSON that starts with {\" and declares version 1.7.4", () => {
    const text = new TextDecoder().decode(encodeXGBoostModel(fixture("small-missing")));
    expect(text.startsWith('{"learner":')).toBe(true);
    expect(text.endsWith('"version":[1,7,4]}')).toBe(true);
  });

  it("refuses a malformed booster and an unknown format with INVALID_ARGUMENT", () => {
    const b = fixture("small-missing");
    b.trees[0]!.left[0] = 99;
    expect(() => encodeXGBoostModel(b)).toThrow(ModelError);
    expect(() => encodeXGBoostModel(fixture("small-missing"), "xml" as never)).toThrow(/unknown XGBoost model format "xml"/);
  });
});

describe.skipIf(!realXGBoost.available)(`real XGBoost 1.7.4 loads what we write${realXGBoost.available ? "" : ` — SKIPPED: ${realXGBoost.reason}`}`, () => {
  const jobs = CASES.flatMap((c) => (["json", "ubjson"] as const).map((format) => ({ c, format, path: join(dir, `${c}-${format}`, "xgboost-model"), ...fixtureCase(c) })));
  let real: { probability: number[]; margin: number[] }[] = [];
  beforeAll(() => {
    for (const j of jobs) {
      // an extension-less file, as SageMaker's container reads it
      mkdirSync(join(dir, `${j.c}-${j.format}`));
      writeFileSync(j.path, encodeXGBoostModel(fixture(j.c), j.format));
    }
    real = realPredict(jobs);
  }, 120_000);

  it.each(jobs.map((j, i) => [j.c, j.format, i] as const))("%s as %s in a file named xgboost-model: |Δ| ≤ 1e-5 on every row", (c, _, i) => {
    const { rows, data, cols } = jobs[i]!;
    const ours = new XGBoostPredictor(fixture(c)).probabilities({ data, rows: rows.length, cols });
    expect(real[i]!.probability).toHaveLength(rows.length);
    rows.forEach((_, r) => expect(Math.abs(real[i]!.probability[r]! - ours[r]!)).toBeLessThanOrEqual(1e-5));
  });
});
