// A small IAM policy evaluator for tests: does a set of statements allow one request (action,
// resource ARN, request context)? Enough of IAM's rules for the policies this stack writes —
// case-insensitive actions with `*`/`?` wildcards, ARN patterns with `*`/`?`, explicit Deny,
// and the String/Arn/Bool condition operators (a key missing from the context fails the test).

/** One statement, as IAM JSON holds it. */
export interface IamStatement {
  Sid?: string;
  Effect?: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One request to authorize. */
export interface IamRequest {
  action: string;
  resource: string;
  /** Request context keys, e.g. `{ "s3:prefix": "data/x/" }`. */
  context?: Record<string, string>;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, caseInsensitive ? "i" : "").test(value);
}

function conditionHolds(operator: string, key: string, expected: string[], context: Record<string, string>): boolean {
  const actual = context[key];
  if (actual === undefined) return false;
  switch (operator) {
    case "StringEquals":
    case "ArnEquals":
      return expected.includes(actual);
    case "StringLike":
    case "ArnLike":
      return expected.some((e) => glob(e, actual, false));
    case "StringNotEquals":
      return !expected.includes(actual);
    case "Bool":
      return expected.includes(actual);
    default:
      throw new Error(`condition operator ${operator} is not modelled`);
  }
}

function matches(st: IamStatement, request: IamRequest): boolean {
  if (!list(st.Action).some((a) => glob(a, request.action, true))) return false;
  if (!list(st.Resource).some((r) => glob(r, request.resource, false))) return false;
  for (const [operator, keys] of Object.entries(st.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(expected), request.context ?? {})) return false;
    }
  }
  return true;
}

/**
 * Whether the statements allow the request: some Allow matches and no Deny does.
 * @returns the Sid of the allowing statement, or `undefined` when denied.
 */
export function allowedBy(statements: readonly IamStatement[], request: IamRequest): string | undefined {
  if (statements.some((st) => st.Effect === "Deny" && matches(st, request))) return undefined;
  const allow = statements.find((st) => (st.Effect ?? "Allow") === "Allow" && matches(st, request));
  return allow === undefined ? undefined : (allow.Sid ?? "(no Sid)");
}

/** Replaces Terraform references (`${aws_s3_bucket.x.arn}`) with the values they take once applied. */
export function resolveRefs<T>(value: T, applied: Readonly<Record<string, string>>): T {
  const text = JSON.stringify(value).replace(/\$\{[^}]+\}/g, (ref) => {
    const v = applied[ref];
    if (v === undefined) throw new Error(`no applied value for ${ref}`);
    return v;
  });
  return JSON.parse(text) as T;
}
