/**
 * Stage 4: the local SageMaker endpoints serving the chosen classifier and the anomaly detector, the local Firehose, and the
 * bundled Lambda in its own process with the real SDK clients pointed at them.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startEndpoint, startFirehose } from "@fraud/local-aws";
import type { EndpointServer, FirehoseServer } from "@fraud/local-aws";
import { localLambdaEnv, startLambda } from "../lambda-host.js";
import type { LambdaHost } from "../lambda-host.js";
import { jsonLinesDestination } from "../on-failure.js";
import type { OnFailureDestination } from "../on-failure.js";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";
import { modelTitle } from "./train.js";
import type { TrainedModels } from "./train.js";

/** The delivery stream the Lambda writes to. @internal */
export const STREAM_NAME = "fraud-detection-stream";
/** The endpoint the Lambda invokes. @internal */
export const ENDPOINT_NAME = "fraud-detection-endpoint";
/** The model version the Lambda writes with every score. @internal */
export const MODEL_VERSION = "local-1";
/** The anomaly detector's endpoint, served beside the classifier's. @internal */
export const ANOMALY_ENDPOINT_NAME = "fraud-detection-anomaly-endpoint";
/** The anomaly detector's version the Lambda writes with every score. @internal */
export const ANOMALY_MODEL_VERSION = "local-rcf-1";
/** Where Firehose lands objects, as the original stack configures it. @internal */
export const FIREHOSE_PREFIX = "fraud-detection/firehose/";

/** The running services of a run. @internal */
export interface Services {
  /** The local SageMaker endpoint. */
  endpoint?: EndpointServer;
  /** The local Firehose. */
  firehose?: FirehoseServer;
  /** The bundled Lambda. */
  lambda?: LambdaHost;
  /** Where failed asynchronous invocations go. */
  onFailure: OnFailureDestination;
  /** The folder playing the output bucket. */
  firehoseDir: string;
  /** The on-failure destination's file. */
  onFailureFile: string;
  /** The Lambda's log. */
  lambdaLog: string;
}

/** Stops whatever is running; never throws. @internal */
export async function stopServices(s: Services): Promise<void> {
  await s.lambda?.close().catch(() => undefined);
  await s.endpoint?.close().catch(() => undefined);
  await s.firehose?.close().catch(() => undefined);
}

/** Stage `serve`: fills `services` as each one starts, so a failure still stops the others. @internal */
export function startServices(o: ResolvedOptions, models: TrainedModels, services: Services, reporter: Reporter, times: StageTimes): Promise<void> {
  const { served, detector } = models;
  return runStage("serve", reporter, times, `starting the local SageMaker endpoints (${modelTitle(served.algorithm)} and Random Cut Forest), Firehose and the bundled Lambda`, async () => {
    if (!existsSync(o.lambdaZip)) throw new Error(`${o.lambdaZip} is missing: run "npx nx run lambda-scorer:bundle"`);
    const endpoint = (services.endpoint = await startEndpoint({
      model: join(served.dir, "model.tar.gz"),
      name: ENDPOINT_NAME,
      endpoints: { [ANOMALY_ENDPOINT_NAME]: join(detector.dir, "model.tar.gz") },
    }));
    const firehose = (services.firehose = await startFirehose({ dir: services.firehoseDir, failRate: o.failRate, seed: o.seed, bufferSeconds: 60, streamName: STREAM_NAME, prefix: FIREHOSE_PREFIX }));
    const env = localLambdaEnv(
      { sagemakerRuntime: endpoint.url, firehose: firehose.url },
      {
        scoringMode: "endpoint",
        endpointName: ENDPOINT_NAME,
        // the endpoint answers the classifier's formats; the threshold recorded at training is applied
        modelAlgorithm: served.algorithm as "linear-learner" | "xgboost",
        modelThreshold: served.metrics.threshold,
        deliveryStreamName: STREAM_NAME,
        batchSize: o.batchSize,
        modelVersion: MODEL_VERSION,
        anomalyScoringMode: "endpoint",
        anomalyEndpointName: ANOMALY_ENDPOINT_NAME,
        anomalyThreshold: detector.metrics.threshold,
        anomalyModelVersion: ANOMALY_MODEL_VERSION,
      },
    );
    const lambda = (services.lambda = await startLambda(o.lambdaZip, env, services.lambdaLog));
    return [undefined, `endpoint ${endpoint.url}, firehose ${firehose.url}, Lambda cold start ${lambda.importMs.toFixed(0)} ms`];
  });
}

/** The services' files under the run's folder, nothing started yet. @internal */
export function plannedServices(o: ResolvedOptions): Services {
  const onFailureFile = join(o.out, "on-failure.jsonl");
  return { onFailure: jsonLinesDestination(onFailureFile), firehoseDir: join(o.out, "s3"), onFailureFile, lambdaLog: join(o.out, "lambda.log") };
}
