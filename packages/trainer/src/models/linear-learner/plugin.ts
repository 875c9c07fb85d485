/**
 * Linear Learner as a model plug-in: recognises `model_algo-1` (SageMaker's MXNet module zip) and
 * loads it as a {@link LinearLearnerModel}.
 * @packageDocumentation
 */
import type { ModelPlugin } from "../model.js";
import { decodeOpened, isLinearLearnerArtifact, modelFromArtifact } from "./artifact.js";
import { LINEAR_LEARNER_PROTOCOL } from "./protocol.js";

/**
 * The Linear Learner model plug-in (registered by default).
 * @public
 */
export const linearLearnerPlugin: ModelPlugin = {
  algorithm: "linear-learner",
  protocol: LINEAR_LEARNER_PROTOCOL,
  recognise: isLinearLearnerArtifact,
  load: (artifact) => modelFromArtifact(decodeOpened(artifact), artifact.name, artifact.sha256),
};
