import { Annotations } from "cdktf";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import { InfraError } from "./errors.js";

/**
 * Actions whose APIs accept no resource narrower than `*` (IAM "resource types: none").
 * Only these may appear in a statement with `Resource: "*"`, and each such statement must
 * carry a `wildcardReason`.
 *
 * - `cloudwatch:PutMetricData` — metrics have no ARN; narrowed with a `cloudwatch:namespace` condition.
 * - `ecr:GetAuthorizationToken` — the registry login token is account-wide.
 *
 * @public
 */
export const WILDCARD_RESOURCE_ACTIONS: readonly string[] = Object.freeze(["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"]);

/** One IAM policy statement as this package writes it. @public */
export interface PolicyStatement {
  /** Statement id (letters and digits). */
  Sid: string;
  /** Defaults to `Allow`. */
  Effect?: "Allow" | "Deny";
  /** Exact actions; wildcards such as `s3:*` are rejected. */
  Action: string[];
  /** Exact ARNs (tokens allowed); `*` only with {@link WILDCARD_RESOURCE_ACTIONS} and a `wildcardReason`. */
  Resource: string[];
  /** IAM condition block. */
  Condition?: Record<string, Record<string, string | string[]>>;
  /** Why `Resource: "*"` is unavoidable; kept out of the rendered JSON. */
  wildcardReason?: string;
}

const SERVICE_WIDE = [/^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/, /^arn:[^:]*:\*/, /^arn:[^:]*:s3:::\*/];

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * What is wrong with one `Allow` statement under the least-privilege rules, or `undefined`:
 * wildcard actions, no resource, a service-wide ARN, or `*` for an action that accepts an ARN (or
 * without a documented reason, when `requireReason`).
 * @example
 * ```ts
 * statementViolation({ Sid: "A", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"] }); // 'statement A: wildcard action "s3:*"'
 * ```
 * @public
 */
export function statementViolation(st: { Sid?: string; Action?: unknown; Resource?: unknown; wildcardReason?: string }, requireReason = true): string | undefined {
  const sid = st.Sid ?? "(no Sid)";
  const actions = list(st.Action);
  const wild = actions.find((a) => a.includes("*"));
  if (wild !== undefined) return `statement ${sid}: wildcard action ${JSON.stringify(wild)}`;
  const resources = list(st.Resource);
  if (resources.length === 0) return `statement ${sid}: no resource`;
  for (const res of resources) {
    if (res === "*") {
      const bad = actions.filter((a) => !WILDCARD_RESOURCE_ACTIONS.includes(a));
      if (bad.length > 0) return `statement ${sid}: resource "*" for ${bad.join(", ")}, which accepts an ARN`;
      if (requireReason && !st.wildcardReason) return `statement ${sid}: resource "*" without a documented reason`;
    } else if (SERVICE_WIDE.some((re) => re.test(res))) {
      return `statement ${sid}: resource ${JSON.stringify(res)} matches every resource of a service`;
    }
  }
  return undefined;
}

/**
 * Checks the statements against the least-privilege rules and renders an IAM policy document.
 *
 * @example
 * ```ts
 * policyDocument([{ Sid: "Invoke", Action: ["sagemaker:InvokeEndpoint"], Resource: [endpoint.arn] }]);
 * ```
 * @throws {@link InfraError} `WILDCARD_POLICY` on a wildcard action or an unjustified `*` resource.
 * @public
 */
export function policyDocument(statements: PolicyStatement[]): string {
  for (const st of statements) {
    const problem = st.Effect === "Deny" ? undefined : statementViolation(st);
    if (problem !== undefined) throw new InfraError("WILDCARD_POLICY", problem);
  }
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map(({ wildcardReason: _reason, Effect, ...rest }) => ({ ...rest, Effect: Effect ?? "Allow" })),
  });
}

/**
 * A trust policy letting one AWS service principal assume a role.
 * @example
 * ```ts
 * new IamRole(this, "role", { assumeRolePolicy: assumeRolePolicy(servicePrincipal("lambda")) });
 * ```
 * @public
 */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

function policyOf(node: IConstruct): string | undefined {
  if (node instanceof IamRolePolicy || node instanceof IamPolicy || node instanceof S3BucketPolicy || node instanceof SqsQueuePolicy || node instanceof SnsTopicPolicy) {
    return node.policyInput;
  }
  return undefined;
}

/**
 * The synth-time guard: visits every IAM, bucket, queue and topic policy in the stack, however it
 * was written, and fails synthesis (an error annotation, collected in {@link violations}) on any
 * `Allow` statement with a wildcard action, a service-wide ARN or a `*` resource outside
 * {@link WILDCARD_RESOURCE_ACTIONS}.
 *
 * @example
 * ```ts
 * Aspects.of(stack).add(new LeastPrivilegeAspect());
 * ```
 * @public
 */
export class LeastPrivilegeAspect implements IAspect {
  /** `<construct path>: <problem>` for every violation found. */
  readonly violations: string[] = [];

  visit(node: IConstruct): void {
    const policy = policyOf(node);
    if (policy === undefined) return;
    let doc: { Statement?: unknown };
    try {
      doc = JSON.parse(policy) as { Statement?: unknown };
    } catch {
      this.report(node, "policy is not JSON");
      return;
    }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    for (const st of statements as Record<string, unknown>[]) {
      if (st["Effect"] === "Deny") continue;
      const problem = statementViolation(st as { Sid?: string; Action?: unknown; Resource?: unknown }, false);
      if (problem !== undefined) this.report(node, problem);
    }
  }

  private report(node: IConstruct, problem: string): void {
    this.violations.push(`${node.node.path}: ${problem}`);
    Annotations.of(node).addError(`least privilege: ${problem}`);
  }
}
