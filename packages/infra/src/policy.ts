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
    for (const action of st.Action) {
      if (action.includes("*")) throw new InfraError("WILDCARD_POLICY", `statement ${st.Sid}: wildcard action ${JSON.stringify(action)}`);
    }
    if (st.Resource.length === 0) throw new InfraError("WILDCARD_POLICY", `statement ${st.Sid}: no resource`);
    for (const res of st.Resource) {
      if (res === "*") {
        const bad = st.Action.filter((a) => !WILDCARD_RESOURCE_ACTIONS.includes(a));
        if (bad.length > 0) throw new InfraError("WILDCARD_POLICY", `statement ${st.Sid}: resource "*" for ${bad.join(", ")}, which accepts an ARN`);
        if (!st.wildcardReason) throw new InfraError("WILDCARD_POLICY", `statement ${st.Sid}: resource "*" without a documented reason`);
      } else if (/^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(res) || /^arn:[^:]*:\*/.test(res) || /^arn:[^:]*:s3:::\*/.test(res)) {
        throw new InfraError("WILDCARD_POLICY", `statement ${st.Sid}: resource ${JSON.stringify(res)} matches every resource of a service`);
      }
    }
  }
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map(({ wildcardReason: _reason, Effect, ...rest }) => ({ ...rest, Effect: Effect ?? "Allow" })),
  });
}

/**
 * A trust policy letting one AWS service principal assume a role.
 * @public
 */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
