// A small IAM policy evaluator for tests: actions with wildcards, ARN patterns with `*` and `?`
// (matched segment by segment, as IAM does), and the condition operators the stack uses
// (StringEquals, StringNotEquals, StringLike, ArnLike, ArnEquals, Bool, each optionally
// …IfExists). Explicit Deny wins over Allow; no matching Allow is an implicit deny. Anything it
// does not understand (NotAction, NotResource, another operator, ForAnyValue:…) throws instead
// of being ignored, so a test can never pass by skipping part of a policy. `resolveRefs` turns a
// synthesized policy's Terraform references into the values they take once applied.

/** One statement of an identity policy. */
export interface IamStatement {
  Sid?: string;
  /** @defaultValue "Allow" */
  Effect?: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An identity policy document. */
export interface IamPolicy {
  Version?: string;
  Statement: IamStatement | IamStatement[];
}

/** One API call as IAM authorizes it. */
export interface IamRequest {
  /** `service:Action`, e.g. `s3:PutObject`. */
  action: string;
  /** The resource ARN. */
  resource: string;
  /** Request context keys, e.g. `{ "iam:PassedToService": "sagemaker.amazonaws.com" }`. */
  context?: Record<string, string | string[]>;
}

/** The outcome, with the deciding statement or the reason nothing allowed the call. */
export type IamDecision = { decision: "allow"; sid: string } | { decision: "explicit-deny"; sid: string } | { decision: "implicit-deny"; reason: string };

const SUPPORTED_KEYS = new Set(["Sid", "Effect", "Action", "Resource", "Condition"]);

function list<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

function escape(c: string): string {
  return c.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
}

/** `*` = any run of characters, `?` = one character; nothing else is special. */
export function globToRegExp(pattern: string, flags = ""): RegExp {
  let src = "";
  for (const c of pattern) src += c === "*" ? ".*" : c === "?" ? "." : escape(c);
  return new RegExp(`^${src}$`, flags);
}

/** Whether an `Action` pattern (`s3:Get*`, `*`) covers an action; case-insensitive, as IAM is. */
export function matchAction(pattern: string, action: string): boolean {
  if (!/^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/i.test(pattern)) throw new Error(`not an IAM action pattern: ${pattern}`);
  return globToRegExp(pattern, "i").test(action);
}

/** The six parts of an ARN: arn, partition, service, region, account, resource (which may hold colons). */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * Whether an ARN pattern covers an ARN, as `Resource` and `ArnLike` match: `*` alone covers
 * everything; otherwise each of the first five colon-separated parts is matched on its own (a
 * wildcard does not reach into the next part) and the resource part as a whole.
 */
export function matchArn(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (!p || !a) return false;
  return p.every((part, i) => globToRegExp(part).test(a[i]!));
}

function contextValues(context: Record<string, string | string[]>, key: string): string[] | undefined {
  const hit = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  return hit === undefined ? undefined : list(context[hit]!);
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => globToRegExp(p).test(v),
  ArnLike: (p, v) => matchArn(p, v),
  ArnEquals: (p, v) => matchArn(p, v),
};

/** Whether every operator and key of a `Condition` block holds for the request context. */
export function matchCondition(condition: Record<string, Record<string, string | string[]>>, context: Record<string, string | string[]>): boolean {
  return Object.entries(condition).every(([rawOp, keys]) => {
    const ifExists = rawOp.endsWith("IfExists");
    const op = ifExists ? rawOp.slice(0, -"IfExists".length) : rawOp;
    const negate = op === "StringNotEquals";
    const test = OPERATORS[negate ? "StringEquals" : op];
    if (!test) throw new Error(`condition operator ${rawOp} is not supported by this matcher`);
    return Object.entries(keys).every(([key, patterns]) => {
      const values = contextValues(context, key);
      if (values === undefined) return ifExists || negate;
      const any = values.some((v) => list(patterns).some((p) => test(p, v)));
      return negate ? !any : any;
    });
  });
}

function statements(policies: readonly IamPolicy[]): IamStatement[] {
  return policies.flatMap((p) => list(p.Statement)).map((st) => {
    // IAM's own keys are capitalised; lowercase keys are the caller's annotations (e.g. `policy`).
    const unknown = Object.keys(st).filter((k) => /^[A-Z]/.test(k) && !SUPPORTED_KEYS.has(k));
    if (unknown.length > 0) throw new Error(`statement ${st.Sid ?? "?"}: ${unknown.join(", ")} is not supported by this matcher`);
    if (st.Effect !== undefined && st.Effect !== "Allow" && st.Effect !== "Deny") throw new Error(`statement ${st.Sid ?? "?"}: Effect ${String(st.Effect)}`);
    return st;
  });
}

/**
 * Evaluates identity policies for one request: an explicit Deny wins, else a matching Allow
 * allows, else the call is implicitly denied — with the nearest miss as the reason.
 */
export function evaluate(policies: readonly IamPolicy[], request: IamRequest): IamDecision {
  const context = request.context ?? {};
  let nearest = `no statement allows ${request.action}`;
  let allow: string | undefined;
  for (const st of statements(policies)) {
    const sid = st.Sid ?? "(no Sid)";
    if (!list(st.Action).some((a) => matchAction(a, request.action))) continue;
    if (!list(st.Resource).some((r) => matchArn(r, request.resource))) {
      if (st.Effect !== "Deny") nearest = `${sid} allows ${request.action} but not on ${request.resource} (only ${list(st.Resource).join(", ")})`;
      continue;
    }
    if (st.Condition && !matchCondition(st.Condition, context)) {
      if (st.Effect !== "Deny") nearest = `${sid} allows ${request.action} on ${request.resource} only when ${JSON.stringify(st.Condition)}`;
      continue;
    }
    if (st.Effect === "Deny") return { decision: "explicit-deny", sid };
    allow ??= sid;
  }
  return allow !== undefined ? { decision: "allow", sid: allow } : { decision: "implicit-deny", reason: nearest };
}

/**
 * Whether the statements allow the request: the Sid of the allowing statement, or `undefined`
 * when denied (explicitly or for want of an Allow).
 */
export function allowedBy(statements: readonly IamStatement[], request: IamRequest): string | undefined {
  const result = evaluate([{ Statement: [...statements] }], request);
  return result.decision === "allow" ? result.sid : undefined;
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
