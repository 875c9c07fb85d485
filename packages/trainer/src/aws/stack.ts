import { parseStackOutputs as contractParseStackOutputs } from "@fraud/contracts";
import type { StackOutputs } from "@fraud/contracts";
import { asSageMakerErrors } from "./errors.js";
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the TSDoc @throws links
import type { SageMakerError } from "./errors.js";

export type { StackOutputs };
export { STACK_OUTPUT_NAMES, stackDocumentFromTerraform, stackOutputsSchema } from "@fraud/contracts";

/**
 * Validates stack outputs given either as `fraud-stack.json` or as the raw `terraform output
 * -json` of the stack (`@fraud/contracts`' `parseStackOutputs`).
 * @example
 * ```ts
 * const stack = parseStackOutputs(JSON.parse(text), "fraud-stack.json");
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` naming each bad field and its problem.
 * @public
 */
export const parseStackOutputs: (json: unknown, source?: string) => StackOutputs = asSageMakerErrors(contractParseStackOutputs);
