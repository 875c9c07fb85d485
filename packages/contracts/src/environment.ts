/**
 * The environment-name rule: one rule for the stack's configuration, its resource names and
 * `fraud-stack.json`.
 * @packageDocumentation
 */
import { invalidArgument } from "./contract-error.js";
import { quote } from "./text.js";

/**
 * An environment name: 1–8 lowercase letters or digits, starting with a letter. Names go into
 * every resource name (`<prefix>-<environment>-…`): S3 bucket prefixes, IAM role names (64
 * characters) and Lambda function names leave room for only a short name, and a hyphen-free name
 * keeps `<prefix>-<environment>` unambiguous.
 * @example
 * ```ts
 * ENVIRONMENT_NAME_PATTERN.test("prod"); // true
 * ENVIRONMENT_NAME_PATTERN.test("my-env"); // false
 * ```
 * @public
 */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9]{0,7}$/;

/** The rule of {@link ENVIRONMENT_NAME_PATTERN} in words, for messages. @public */
export const ENVIRONMENT_NAME_RULE = "1-8 lowercase letters or digits, starting with a letter";

/**
 * Checks an environment name.
 * @example
 * ```ts
 * validateEnvironmentName("dev"); // "dev"
 * ```
 * @throws ContractError `INVALID_ARGUMENT`: `invalid environment name "Dev": use 1-8 …`.
 * @public
 */
export function validateEnvironmentName(name: string): string {
  if (typeof name !== "string" || !ENVIRONMENT_NAME_PATTERN.test(name)) {
    invalidArgument(`invalid environment name ${quote(name)}: use ${ENVIRONMENT_NAME_RULE}`, `use ${ENVIRONMENT_NAME_RULE}`);
  }
  return name;
}
