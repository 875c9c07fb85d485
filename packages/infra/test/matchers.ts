// Intent matchers on synthesized Terraform JSON, backed by cdktf's own Testing matchers:
// expect(json).toHaveResourceWithProperties("aws_sqs_queue", { sqs_managed_sse_enabled: true }).
import { Testing } from "cdktf";
import { expect } from "vitest";

interface CustomMatchers<R = unknown> {
  /** Some resource of `type` has (at least) these properties (camelCase or snake_case keys). */
  toHaveResourceWithProperties(type: string, properties: Record<string, unknown>): R;
  /** The stack has at least one resource of `type`. */
  toHaveResource(type: string): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any -- the shape vitest documents for custom matchers
  interface Matchers<T = any> extends CustomMatchers<T> {}
}

function text(received: unknown): string {
  return typeof received === "string" ? received : JSON.stringify(received);
}

function found(received: unknown, type: string): string {
  const json = JSON.parse(text(received)) as { resource?: Record<string, Record<string, unknown>> };
  const items = Object.values(json.resource?.[type] ?? {});
  return items.length === 0 ? `no ${type}` : `${items.length} ${type}:\n${JSON.stringify(items, null, 2).slice(0, 4000)}`;
}

expect.extend({
  toHaveResourceWithProperties(received: unknown, type: string, properties: Record<string, unknown>) {
    const pass = Testing.toHaveResourceWithProperties(text(received), type, properties);
    return {
      pass,
      message: () => `expected ${pass ? "no " : ""}${type} with ${JSON.stringify(properties)}; found ${found(received, type)}`,
    };
  },
  toHaveResource(received: unknown, type: string) {
    const pass = Testing.toHaveResource(text(received), type);
    return { pass, message: () => `expected ${pass ? "no " : ""}${type}; found ${found(received, type)}` };
  },
});
