import { ALGORITHM_IMAGES, algorithmImage } from "@fraud/contracts";
import type { AlgorithmRegistry } from "@fraud/contracts";
import { asSageMakerErrors } from "./errors.js";
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the TSDoc @throws links
import type { SageMakerError } from "./errors.js";

/** One region's Linear Learner registry (`@fraud/contracts`' `AlgorithmRegistry`). @public */
export type LinearLearnerRegistry = AlgorithmRegistry;

/**
 * Every region with a published Linear Learner image, sorted by region name
 * (`ALGORITHM_IMAGES["linear-learner"].registries` of `@fraud/contracts`).
 * @example
 * ```ts
 * LINEAR_LEARNER_REGISTRIES.find((r) => r.region === "eu-west-1")?.account; // "438346466558"
 * ```
 * @public
 */
export const LINEAR_LEARNER_REGISTRIES: readonly LinearLearnerRegistry[] = ALGORITHM_IMAGES["linear-learner"].registries;

/**
 * The Linear Learner image URI of a region (the same image trains and serves).
 * @example
 * ```ts
 * linearLearnerImage("eu-west-1"); // the eu-west-1 registry's linear-learner:1
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION`, listing the known regions.
 * @public
 */
export const linearLearnerImage: (region: string) => string = asSageMakerErrors((region: string) => algorithmImage("linear-learner", region));
