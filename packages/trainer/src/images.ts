/**
 * `@fraud/trainer/images`: the SageMaker Linear Learner image of every region, without loading the
 * AWS SDK (the infrastructure package uses it at synth time).
 * @packageDocumentation
 */
export {
  LINEAR_LEARNER_IMAGE_TAG,
  LINEAR_LEARNER_REGIONS,
  LINEAR_LEARNER_REGISTRIES,
  linearLearnerImage,
  linearLearnerRegistry,
} from "./sagemaker/images.js";
export type { LinearLearnerRegistry, Partition } from "./sagemaker/images.js";
