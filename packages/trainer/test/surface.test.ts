// The public surface: what each entry point exports at run time, and what the light entry points
// pull in when bundled (the Lambda bundles `@fraud/trainer/model`).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown>; dependencies: Record<string, string> };

const ENTRIES: Record<string, () => Promise<Record<string, unknown>>> = {
  ".": () => import("@fraud/trainer"),
  "./model": () => import("@fraud/trainer/model"),
  "./aws": () => import("@fraud/trainer/aws"),
  "./sagemaker": () => import("@fraud/trainer/sagemaker"),
};

describe("runtime exports", () => {
  it("covers every entry point of package.json", () => {
    expect(Object.keys(pkg.exports).filter((k) => k !== "./package.json")).toEqual(Object.keys(ENTRIES));
  });

  it("is at most 50 values across all entry points, each one a documented name", async () => {
    const values = new Set<unknown>();
    const names: Record<string, string[]> = {};
    for (const [entry, load] of Object.entries(ENTRIES)) {
      const mod = await load();
      names[entry] = Object.keys(mod).sort();
      for (const v of Object.values(mod)) values.add(v);
    }
    const { ".": rootNames, ...light } = names;
    expect(light).toEqual({
      "./model": [
        "MODEL_LIMITS",
        "ModelError",
        "ProtocolError",
        "TrainerError",
        "createModel",
        "decodeModelArtifact",
        "decodeNDArrayList",
        "encodeModelArtifact",
        "encodeNDArrayList",
        "inferenceProtocol",
        "isModelError",
        "isTrainerError",
        "loadLinearLearnerModel",
        "loadModel",
        "modelPlugin",
        "registerModelPlugin",
        "writeModelArtifact",
      ],
      "./aws": ["LINEAR_LEARNER_REGISTRIES", "SAGEMAKER_NAME_RULES", "SageMakerError", "TRAINING_LAYOUT", "dnsSuffix", "formatS3Uri", "isSageMakerError", "linearLearnerImage", "parseS3Uri", "parseStackOutputs", "partitionOf", "s3UriSchema", "sagemakerJobRecordSchema", "stackDocumentFromTerraform", "stackOutputsSchema", "trainingJobName", "validateSageMakerName"],
      "./sagemaker": [
        "SageMakerError",
        "TRAINING_JOB_DEFAULTS",
        "createTrainingJob",
        "describeTrainingJob",
        "downloadObject",
        "dryRunOutput",
        "evaluateJobArtifact",
        "isSageMakerError",
        "planTrainingJob",
        "registerSagemakerCommands",
        "runSageMakerTraining",
        "stopTrainingJob",
        "waitForTrainingJob",
      ],
    });
    // The root belongs to training: what users call, plus the model until every caller imports it from ./model.
    expect(rootNames).toEqual(
      expect.arrayContaining([
        "DEFAULT_SPLIT",
        "ModelError",
        "TrainError",
        "TrainerError",
        "createModel",
        "evaluateBinary",
        "isModelError",
        "isTrainError",
        "isTrainerError",
        "loadModel",
        "parseHyperparameters",
        "runEvaluation",
        "runLocalTraining",
        "stratifiedSplit",
        "trainLinearLearner",
        "writeModelArtifact",
      ]),
    );
    // 50, plus the model registry's five (loadLinearLearnerModel, modelPlugin, registerModelPlugin, inferenceProtocol, ProtocolError),
    // plus the comparison's two (compareModels, combinedEvaluation)
    expect(values.size).toBeLessThanOrEqual(57);
    console.info(`@fraud/trainer exports ${values.size} distinct runtime values across ${Object.keys(ENTRIES).length} entry points`);
  });
});

/** Package name of a bundled input path, or `undefined` for the package's own files. */
function packageOf(input: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

/** The folder of an installed package, looked up the way Node does from `base`. */
function packageDir(name: string, base: string): string | undefined {
  for (let dir = base; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A package and everything it depends on, transitively. */
function closure(names: readonly string[], from = root): Set<string> {
  const out = new Set<string>();
  const visit = (name: string, base: string): void => {
    if (out.has(name)) return;
    out.add(name);
    const dir = packageDir(name, base);
    if (dir === undefined) return;
    const deps = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {};
    for (const d of Object.keys(deps)) visit(d, dir);
  };
  for (const n of names) visit(n, from);
  return out;
}

async function bundleInputs(entry: string): Promise<{ files: string[]; packages: Set<string>; bytes: number }> {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    minify: true,
    conditions: ["@fraud/source"],
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  return {
    files: inputs.filter((i) => packageOf(i) === undefined).map((i) => relative(root, join(process.cwd(), i))),
    packages: new Set(inputs.map(packageOf).filter((p): p is string => p !== undefined)),
    bytes: result.outputFiles[0]!.contents.length,
  };
}

describe("light entry points", () => {
  it("@fraud/trainer/model bundles only the model: no AWS SDK, training, reports, simulator or CLI", async () => {
    const { files, packages } = await bundleInputs("src/model.ts");
    for (const f of files) expect(f, f).toMatch(/^(src\/(model\.ts|model\/[\w-]+\.ts|models\/([\w-]+\/)?[\w-]+\.ts|errors\.ts|text\.ts)|\.\.\/(contracts|recordio)\/src\/[\w/-]+\.ts)$/);
    const allowed = closure(["fflate", "tar-stream", "write-file-atomic", "zod"]);
    for (const p of packages) expect(allowed.has(p), `${p} is reachable from @fraud/trainer/model`).toBe(true);
    expect([...packages].filter((p) => p.startsWith("@aws-sdk") || p.startsWith("@smithy") || p.startsWith("@fraud/"))).toEqual([]);
  });

  it("@fraud/trainer/aws bundles only zod besides its own files and @fraud/contracts", async () => {
    const { files, packages } = await bundleInputs("src/aws.ts");
    for (const f of files) expect(f, f).toMatch(/^(src\/(aws\.ts|aws\/[\w-]+\.ts|errors\.ts|text\.ts)|\.\.\/contracts\/src\/[\w-]+\.ts)$/);
    expect([...packages]).toEqual(["zod"]);
  });
});
