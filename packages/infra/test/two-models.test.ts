// A classifier of either algorithm and an optional anomaly detector, each in endpoint or embedded
// mode: the synthesized resources, the serving images, the scorer's IAM and environment, and the
// combinations the configuration refuses.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANOMALY_DETECTOR_ENV_NAMES, regionImage } from "@fraud/contracts";
import { isInfraError, resolveConfig } from "@fraud/infra";
import type { InfraConfigFile, InfraError } from "@fraud/infra";
import { synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import "./matchers.js";
import { assertLeastPrivilege, lambdaEnv, refWhere, statementsOf, values } from "./stack-helpers.js";

const CLASSIFIER = "s3://trained-models-bucket/fraud/xgb-job/output/model.tar.gz";
const DETECTOR = "s3://trained-models-bucket/fraud/rcf-job/output/model.tar.gz";
const CLASSIFIER_ARN = "arn:aws:s3:::trained-models-bucket/fraud/xgb-job/output/model.tar.gz";
const DETECTOR_ARN = "arn:aws:s3:::trained-models-bucket/fraud/rcf-job/output/model.tar.gz";

let tmp: ReturnType<typeof tempDir>;
let zip: string;
beforeAll(() => {
  tmp = tempDir("two-models");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
});
afterAll(() => tmp.cleanup());

function make(file: InfraConfigFile, env: NodeJS.ProcessEnv = {}, environment = "dev"): Synth {
  return synth(tmp.dir, zip, file, environment, env);
}

function rejects(file: InfraConfigFile, env: NodeJS.ProcessEnv = {}): InfraError {
  try {
    resolveConfig(file, "dev", { env, baseDir: tmp.dir });
  } catch (err) {
    if (isInfraError(err)) return err;
    throw err;
  }
  throw new Error("configuration was accepted");
}

/** The scorer role's statement with `sid`. */
function scorerStatement(s: Synth, sid: string): { Action: string[]; Resource: string[] } | undefined {
  return statementsOf(s, "scorer_").find((st) => st.Sid === sid);
}

describe("an XGBoost classifier", () => {
  it.each([
    ["us-east-1", undefined],
    ["eu-west-1", { FRAUD_INFRA_REGION: "eu-west-1" }],
  ])("in endpoint mode is served by the region's XGBoost image (%s)", (region, env) => {
    const s = make({ model: { dataUrl: CLASSIFIER, algorithm: "xgboost" } }, env ?? {});
    const image = regionImage("xgboost", region)!;
    expect(image).toMatch(/sagemaker-xgboost:1\.7-1$/);
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_model", { primary_container: { image, model_data_url: CLASSIFIER, mode: "SingleModel" }, enable_network_isolation: true });
    expect(lambdaEnv(s)).toMatchObject({ SCORING_MODE: "endpoint", MODEL_ALGORITHM: "xgboost", ENDPOINT_NAME: "fraud-detection-dev-endpoint" });
    // the built-in image needs no ECR pull rights
    expect(statementsOf(s, "serving_").flatMap((st) => st.Action)).not.toContain("ecr:BatchGetImage");
  });

  it("comes from FRAUD_INFRA_MODEL_ALGORITHM, which the deploy sets from the artifact", () => {
    const s = make({ model: { dataUrl: CLASSIFIER } }, { FRAUD_INFRA_MODEL_ALGORITHM: "xgboost" });
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_model", { primary_container: { image: regionImage("xgboost", "us-east-1") } });
  });

  it("in embedded mode makes no SageMaker resources and lets the scorer read its object only", () => {
    const s = make({ model: { dataUrl: CLASSIFIER, algorithm: "xgboost" }, lambda: { scoringMode: "embedded" } });
    expect(Object.keys(s.all("aws_sagemaker_model"))).toEqual([]);
    expect(Object.keys(s.all("aws_sagemaker_endpoint"))).toEqual([]);
    expect(lambdaEnv(s)).toMatchObject({ SCORING_MODE: "embedded", MODEL_ALGORITHM: "xgboost", MODEL_S3_URI: CLASSIFIER });
    expect(scorerStatement(s, "ReadModel")).toMatchObject({ Action: ["s3:GetObject"], Resource: [CLASSIFIER_ARN] });
    expect(scorerStatement(s, "InvokeEndpoint")).toBeUndefined();
    assertLeastPrivilege(s);
  });
});

describe("a classifier and an anomaly detector", () => {
  it("xgboost + randomcutforest, both endpoints: two models, configurations and endpoints, each on its own image", () => {
    const s = make({ model: { dataUrl: CLASSIFIER, algorithm: "xgboost" }, anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR, threshold: 3.5 } });
    expect(Object.keys(s.all("aws_sagemaker_model"))).toHaveLength(2);
    expect(Object.keys(s.all("aws_sagemaker_endpoint_configuration"))).toHaveLength(2);
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_model", { primary_container: { image: regionImage("xgboost", "us-east-1"), model_data_url: CLASSIFIER } });
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_model", { primary_container: { image: regionImage("randomcutforest", "us-east-1"), model_data_url: DETECTOR }, enable_network_isolation: true });
    expect(values(s, "aws_sagemaker_endpoint").map((e) => e["name"]).sort()).toEqual(["fraud-detection-dev-anomaly", "fraud-detection-dev-endpoint"]);
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_endpoint_configuration", { name_prefix: "fraud-detection-dev-anomaly-" });
    expect(s.json).toHaveResourceWithProperties("aws_cloudwatch_log_group", { name: "/aws/sagemaker/Endpoints/fraud-detection-dev-anomaly" });
    // the SageMaker role reads each model object under its own policy
    expect(values(s, "aws_iam_role_policy").map((p) => p["name"]).filter((n) => String(n).includes("serving")).sort()).toEqual(["anomaly-serving", "serving"]);
    expect(statementsOf(s, "anomaly-serving_").find((st) => st.Sid === "ReadModelArtifact")?.Resource).toEqual([DETECTOR_ARN]);
    // the scorer may call both endpoints and read neither object
    const classifierArn = refWhere(s, "aws_sagemaker_endpoint", "name", "fraud-detection-dev-endpoint", "arn");
    const detectorArn = refWhere(s, "aws_sagemaker_endpoint", "name", "fraud-detection-dev-anomaly", "arn");
    expect(scorerStatement(s, "InvokeEndpoint")).toMatchObject({ Action: ["sagemaker:InvokeEndpoint"], Resource: [classifierArn, detectorArn] });
    expect(scorerStatement(s, "ReadModel")).toBeUndefined();
    const env = lambdaEnv(s);
    expect(env).toMatchObject({
      SCORING_MODE: "endpoint",
      ENDPOINT_NAME: "fraud-detection-dev-endpoint",
      [ANOMALY_DETECTOR_ENV_NAMES.scoringMode]: "endpoint",
      [ANOMALY_DETECTOR_ENV_NAMES.endpointName]: "fraud-detection-dev-anomaly",
      [ANOMALY_DETECTOR_ENV_NAMES.threshold]: "3.5",
    });
    expect(env[ANOMALY_DETECTOR_ENV_NAMES.modelS3Uri]).toBeUndefined();
    // one 5xx alarm per endpoint
    const alarmed = values(s, "aws_cloudwatch_metric_alarm").filter((a) => a["metric_name"] === "Invocation5XXErrors").map((a) => (a["dimensions"] as Record<string, string>)["EndpointName"]);
    expect(alarmed).toHaveLength(2);
    // the functions wait for both endpoints
    const fn = values(s, "aws_lambda_function").find((f) => f["handler"] === "index.scheduled")!;
    expect((fn["depends_on"] as string[]).filter((d) => d.startsWith("aws_sagemaker_endpoint."))).toHaveLength(2);
    expect(s.json.output["anomaly_endpoint_name"]?.value).toBe(refWhere(s, "aws_sagemaker_endpoint", "name", "fraud-detection-dev-anomaly", "name"));
    expect(s.json.output["anomaly_scoring_mode"]?.value).toBe("endpoint");
    assertLeastPrivilege(s);
  });

  it("linear-learner embedded + randomcutforest embedded: no SageMaker resources, the scorer reads exactly the two objects", () => {
    const s = make({ model: { dataUrl: CLASSIFIER }, lambda: { scoringMode: "embedded" }, anomalyDetector: { enabled: true, dataUrl: DETECTOR }, buckets: { encryption: "kms" } });
    for (const t of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"]) expect(Object.keys(s.all(t)), t).toEqual([]);
    expect(scorerStatement(s, "ReadModel")).toMatchObject({ Action: ["s3:GetObject"], Resource: [CLASSIFIER_ARN, DETECTOR_ARN] });
    expect(scorerStatement(s, "DecryptModel")?.Action).toEqual(["kms:Decrypt"]);
    expect(scorerStatement(s, "InvokeEndpoint")).toBeUndefined();
    expect(actionsOfScorer(s)).not.toContain("sagemaker:InvokeEndpoint");
    const env = lambdaEnv(s);
    expect(env).toMatchObject({ SCORING_MODE: "embedded", MODEL_ALGORITHM: "linear-learner", MODEL_S3_URI: CLASSIFIER, [ANOMALY_DETECTOR_ENV_NAMES.scoringMode]: "embedded", [ANOMALY_DETECTOR_ENV_NAMES.modelS3Uri]: DETECTOR });
    expect(env[ANOMALY_DETECTOR_ENV_NAMES.endpointName]).toBeUndefined();
    expect(env[ANOMALY_DETECTOR_ENV_NAMES.threshold]).toBeUndefined();
    assertLeastPrivilege(s);
  });

  it("xgboost endpoint + randomcutforest embedded: one endpoint, the detector's object read by the scorer", () => {
    const s = make({ model: { dataUrl: CLASSIFIER, algorithm: "xgboost" }, anomalyDetector: { enabled: true, scoringMode: "embedded", dataUrl: DETECTOR, threshold: 2, version: "rcf-7" } });
    expect(values(s, "aws_sagemaker_endpoint").map((e) => e["name"])).toEqual(["fraud-detection-dev-endpoint"]);
    expect(scorerStatement(s, "InvokeEndpoint")?.Resource).toEqual([refWhere(s, "aws_sagemaker_endpoint", "name", "fraud-detection-dev-endpoint", "arn")]);
    expect(scorerStatement(s, "ReadModel")?.Resource).toEqual([DETECTOR_ARN]);
    expect(lambdaEnv(s)).toMatchObject({ ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: DETECTOR, ANOMALY_THRESHOLD: "2", ANOMALY_MODEL_VERSION: "rcf-7" });
    assertLeastPrivilege(s);
  });

  it("linear-learner embedded + randomcutforest endpoint (from sagemaker.json): the detector's endpoint only, on the job's image", () => {
    const record = join(tmp.dir, "rcf-sagemaker.json");
    const image = regionImage("randomcutforest", "us-east-1")!;
    writeFileSync(record, JSON.stringify({ jobName: "fraud-detection-dev-20260102030405", image, modelDataUrl: DETECTOR, region: "us-east-1" }));
    const s = make({ model: { dataUrl: CLASSIFIER }, lambda: { scoringMode: "embedded" }, anomalyDetector: { enabled: true, sagemakerJson: record, threshold: 1.25 } });
    expect(s.config.anomalyDetector).toMatchObject({ scoringMode: "endpoint", dataUrl: DETECTOR, version: "fraud-detection-dev-20260102030405" });
    expect(values(s, "aws_sagemaker_endpoint").map((e) => e["name"])).toEqual(["fraud-detection-dev-anomaly"]);
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_model", { primary_container: { image, model_data_url: DETECTOR } });
    expect(scorerStatement(s, "InvokeEndpoint")?.Resource).toHaveLength(1);
    expect(scorerStatement(s, "ReadModel")?.Resource).toEqual([CLASSIFIER_ARN]);
    expect(lambdaEnv(s)).toMatchObject({ ANOMALY_MODEL_VERSION: "fraud-detection-dev-20260102030405", ANOMALY_ENDPOINT_NAME: "fraud-detection-dev-anomaly" });
  });

  it("is switched on and pointed at a model by FRAUD_INFRA_ANOMALY_* variables", () => {
    const s = make({ model: { dataUrl: CLASSIFIER } }, { FRAUD_INFRA_ANOMALY_DETECTOR: "true", FRAUD_INFRA_ANOMALY_MODEL_DATA_URL: DETECTOR, FRAUD_INFRA_ANOMALY_THRESHOLD: "4.25" });
    expect(lambdaEnv(s)).toMatchObject({ ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: DETECTOR, ANOMALY_THRESHOLD: "4.25" });
  });

  it("stays out of the stack while disabled, before its model exists, and in the foundation and serving phases' scorer", () => {
    const off = make({ model: { dataUrl: CLASSIFIER }, anomalyDetector: { dataUrl: DETECTOR } });
    expect(Object.keys(lambdaEnv(off)).filter((k) => k.startsWith("ANOMALY_"))).toEqual([]);
    expect(off.json.output["anomaly_model_data_url"]?.value).toBeNull();
    const noModel = make({ model: { dataUrl: CLASSIFIER }, anomalyDetector: { enabled: true, modelPath: "runs/rcf/model.tar.gz" } });
    expect(Object.keys(lambdaEnv(noModel)).filter((k) => k.startsWith("ANOMALY_"))).toEqual([]);
    const foundation = make({ phase: "foundation", model: { dataUrl: CLASSIFIER }, anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR, threshold: 1 } });
    expect(Object.keys(foundation.all("aws_sagemaker_endpoint"))).toEqual([]);
    const serving = make({ phase: "serving", model: { dataUrl: CLASSIFIER }, anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR, threshold: 1 } });
    expect(Object.keys(serving.all("aws_sagemaker_endpoint"))).toHaveLength(2);
    expect(Object.keys(serving.all("aws_lambda_function"))).toEqual([]);
  });

  it("keeps the classifier's resource addresses when a detector is added (nothing replaced)", () => {
    const one = make({ model: { dataUrl: CLASSIFIER } });
    const two = make({ model: { dataUrl: CLASSIFIER }, anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR, threshold: 1 } });
    for (const t of ["aws_sagemaker_model", "aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration", "aws_lambda_function", "aws_iam_role_policy"]) {
      for (const id of Object.keys(one.all(t))) expect(Object.keys(two.all(t)), `${t}.${id}`).toContain(id);
    }
  });
});

function actionsOfScorer(s: Synth): string[] {
  return statementsOf(s, "scorer_").flatMap((st) => st.Action);
}

describe("impossible combinations are refused with one line", () => {
  it.each<[string, InfraConfigFile, NodeJS.ProcessEnv, string, RegExp]>([
    ["a randomcutforest classifier", { model: { algorithm: "randomcutforest" } }, {}, "model.algorithm", /the classifier must be linear-learner or xgboost \(a randomcutforest model goes in anomalyDetector\)/],
    ["a randomcutforest classifier from the env", {}, { FRAUD_INFRA_MODEL_ALGORITHM: "randomcutforest" }, "model.algorithm", /the classifier must be linear-learner or xgboost/],
    ["a local forest on an endpoint", { anomalyDetector: { enabled: true, modelPath: "rcf/model.tar.gz", scoringMode: "endpoint" } }, {}, "anomalyDetector.scoringMode", /trained locally \(modelPath\) is served embedded only/],
    ["a SageMaker forest embedded", { anomalyDetector: { enabled: true, sagemakerJson: "rcf.json", scoringMode: "embedded" } }, {}, "anomalyDetector.scoringMode", /trained by SageMaker \(sagemakerJson\) is served only by a SageMaker endpoint/],
    ["an endpoint detector without a threshold", { anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR } }, {}, "anomalyDetector.threshold", /required in endpoint mode: a randomcutforest model trained by SageMaker records no anomaly threshold/],
    ["two detector models", { anomalyDetector: { sagemakerJson: "rcf.json", modelPath: "rcf/model.tar.gz" } }, {}, "anomalyDetector.sagemakerJson", /give either anomalyDetector\.sagemakerJson or modelPath, not both/],
    ["a threshold that is not a number", {}, { FRAUD_INFRA_ANOMALY_THRESHOLD: "high" }, "anomalyDetector.threshold", /FRAUD_INFRA_ANOMALY_THRESHOLD must be a decimal number \(got "high"\)/],
    ["a detector URL that is not s3://", { anomalyDetector: { dataUrl: "https://b/m.tar.gz" } }, {}, "anomalyDetector.dataUrl", /is not an s3:\/\/bucket\/key URI/],
    ["an unknown detector field", { anomalyDetector: { enable: true } as never }, {}, "anomalyDetector.enable", /unknown field/],
  ])("%s", (_name, file, env, field, message) => {
    const err = rejects(file, env);
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toMatch(new RegExp(`^invalid configuration: ${field.replace(/[.[\]]/g, "\\$&")}: `));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
  });
});
