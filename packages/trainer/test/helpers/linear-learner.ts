// Where the real SageMaker Linear Learner models are: `LL_FIXTURES_DIR`, else
// `<repository>/../shared/fixtures/linear-learner`. They may not be copied into the repository, so
// the tests that read them are skipped, with the reason in their name, when the folder is absent.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repository = fileURLToPath(new URL("../../../../", import.meta.url));

/** Folder of the real models. */
export const REAL_DIR = resolve(process.env["LL_FIXTURES_DIR"] || join(repository, "../shared/fixtures/linear-learner"));

/** Whether the real models are present. */
export const HAVE_REAL = existsSync(join(REAL_DIR, "attrition-binary", "model.tar.gz"));

/** Suffix for the name of a suite that needs the real models: empty, or why it is skipped. */
export const REAL_SKIP_NOTE = HAVE_REAL ? "" : ` (skipped: no real SageMaker models in ${REAL_DIR}; set LL_FIXTURES_DIR)`;

if (!HAVE_REAL) console.warn(`real Linear Learner model tests skipped: ${REAL_DIR} is absent (set LL_FIXTURES_DIR)`);

/** The real Linear Learner artifacts. */
export const REAL_MODELS = ["attrition-binary", "covid-regressor", "salary-regressor"] as const;

/** Path of a file of a real fixture. */
export const realFile = (model: string, file = "model.tar.gz"): string => join(REAL_DIR, model, file);

/** Bytes of a real `model.tar.gz`. */
export const realBytes = (model: string): Uint8Array => new Uint8Array(readFileSync(realFile(model)));

/** The `expected.json` of a real fixture. */
export function realExpected<T>(model: string): T {
  return JSON.parse(readFileSync(realFile(model, "expected.json"), "utf8")) as T;
}

/** The inputs `inspect_ll_model.py` scores: `x[i][j] = ((i*31 + j*17) % 13 - 6) / 3 * scale`. */
export function ruleRows(width: number, scale: number): number[][] {
  return Array.from({ length: 5 }, (_, i) => Array.from({ length: width }, (_, j) => ((((i * 31 + j * 17) % 13) - 6) / 3.0) * scale));
}
