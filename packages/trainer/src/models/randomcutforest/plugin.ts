/**
 * Random Cut Forest as a model plug-in: reads our `rcf-model.json` artifact (FORMAT.md), and refuses
 * a SageMaker-trained RCF `model_algo-1` with one clear line.
 * @packageDocumentation
 */
import type { ModelPlugin } from "../model.js";
import { classifyArtifact, loadRcfArtifact } from "./artifact.js";
import { RCF_PROTOCOL } from "./protocol.js";

/**
 * The Random Cut Forest model plug-in: recognises `rcf-model.json` (FORMAT.md), and a
 * `model_algo-1` that no other local reader takes, which it refuses (`MODEL_UNSUPPORTED`:
 * randomcutforest models trained by SageMaker are served only by SageMaker).
 * @public
 */
export const randomCutForestPlugin: ModelPlugin = {
  algorithm: "randomcutforest",
  protocol: RCF_PROTOCOL,
  recognise: (artifact) => classifyArtifact(artifact) !== "other",
  load: (artifact) => loadRcfArtifact(artifact),
};
