import { dnsSuffix as contractDnsSuffix, partitionOf as contractPartitionOf } from "@fraud/contracts";
import type { Partition } from "@fraud/contracts";
import { asSageMakerErrors } from "./errors.js";
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the TSDoc @throws links
import type { SageMakerError } from "./errors.js";

export type { Partition };

/**
 * The partition of a region (`@fraud/contracts`' `partitionOf`).
 * @example
 * ```ts
 * partitionOf("us-isob-east-1"); // "aws-iso-b"
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export const partitionOf: (region: string) => Partition = asSageMakerErrors(contractPartitionOf);

/**
 * The DNS suffix of a region's partition (`@fraud/contracts`' `dnsSuffix`).
 * @example
 * ```ts
 * dnsSuffix("cn-north-1"); // the China partition's suffix
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export const dnsSuffix: (region: string) => string = asSageMakerErrors(contractDnsSuffix);
