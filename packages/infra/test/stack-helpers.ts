// Assertions shared by the stack tests: least privilege over every inline and managed policy, and
// lookups of resources by what they point at.
import { expect } from "vitest";
import { WILDCARD_RESOURCE_ACTIONS } from "@fraud/infra";
import type { Synth } from "./helpers.js";

export interface Statement {
  policy: string;
  Sid: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Every statement of every inline role policy and managed policy, with the policy's logical id. */
export function allStatements(s: Synth): Statement[] {
  const docs = [...Object.entries(s.all("aws_iam_role_policy")), ...Object.entries(s.all("aws_iam_policy"))];
  return docs.flatMap(([id, p]) => {
    const doc = JSON.parse(p["policy"] as string) as { Statement: Omit<Statement, "policy">[] };
    return doc.Statement.map((st) => ({ ...st, policy: id }));
  });
}

/** Statements of the policies whose logical id starts with `prefix` (e.g. `scorer_`, `training_trainer-policy`). */
export function statementsOf(s: Synth, prefix: string): Statement[] {
  return allStatements(s).filter((st) => st.policy.startsWith(prefix));
}

/** The actions granted by policies whose id starts with `prefix`, sorted. */
export function actionsOf(s: Synth, prefix: string): string[] {
  return [...new Set(statementsOf(s, prefix).flatMap((st) => st.Action))].sort();
}

/** Every resource value of a type. */
export function values(s: Synth, type: string): Record<string, unknown>[] {
  return Object.values(s.all(type));
}

/** `${type.id.attr}` for the resource of `type` whose property `key` equals `value`. */
export function refWhere(s: Synth, type: string, key: string, value: unknown, attr: string): string {
  const hit = Object.entries(s.all(type)).find(([, r]) => r[key] === value);
  if (!hit) throw new Error(`no ${type} with ${key} = ${JSON.stringify(value)}`);
  return `\${${type}.${hit[0]}.${attr}}`;
}

/** No wildcard actions; `*` resources only for the documented exceptions, with a condition. */
export function assertLeastPrivilege(s: Synth): void {
  const all = allStatements(s);
  expect(all.length).toBeGreaterThan(0);
  for (const st of all) {
    const where = `${st.policy}/${st.Sid}`;
    for (const action of st.Action) expect(action, where).not.toContain("*");
    for (const res of st.Resource) {
      if (res === "*") {
        for (const action of st.Action) expect(WILDCARD_RESOURCE_ACTIONS, where).toContain(action);
      } else {
        expect(res, where).not.toMatch(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$|^arn:[^:]*:s3:::\*/);
      }
    }
    if (st.Action.includes("cloudwatch:PutMetricData")) expect(st.Condition).toBeDefined();
  }
}

/** The Lambda environment of the function with `handler`. */
export function lambdaEnv(s: Synth, handler = "index.scheduled"): Record<string, string> {
  const fn = values(s, "aws_lambda_function").find((f) => f["handler"] === handler);
  if (!fn) throw new Error(`no function with handler ${handler}`);
  return (fn["environment"] as { variables: Record<string, string> }).variables;
}
