import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatS3Uri, keyPrefix, parseS3Uri, s3UriSchema } from "@fraud/contracts";


describe("parseS3Uri / formatS3Uri", () => {
  it.each([
    ["s3://fraud-artifacts/fraud-detection/models/model.tar.gz", { bucket: "fraud-artifacts", key: "fraud-detection/models/model.tar.gz" }],
    ["s3://a.b-c/k", { bucket: "a.b-c", key: "k" }],
    ["s3://bucket/with space/and?query#frag", { bucket: "bucket", key: "with space/and?query#frag" }],
    ["s3://bucket/ünïcode/ключ", { bucket: "bucket", key: "ünïcode/ключ" }],
  ])("parses %s", (uri, location) => {
    expect(parseS3Uri(uri)).toEqual(location);
    expect(formatS3Uri(location)).toBe(uri);
    expect(s3UriSchema.parse(uri)).toBe(uri);
  });

  it.each([
    ["s3://bucket", { bucket: "bucket", key: "" }],
    ["s3://bucket/", { bucket: "bucket", key: "" }],
    ["s3://bucket/prefix/", { bucket: "bucket", key: "prefix/" }],
  ])("parses prefix URI %s only with allowPrefix", (uri, location) => {
    expect(parseS3Uri(uri, { allowPrefix: true })).toEqual(location);
    if (location.key === "") expect(() => parseS3Uri(uri)).toThrow("the object key is missing");
  });

  it.each([
    ["https://bucket.s3.amazonaws.com/k", '"https://bucket.s3.amazonaws.com/k" is not an s3://bucket/key URI'],
    ["S3://bucket/k", '"S3://bucket/k" is not an s3://bucket/key URI'],
    ["s3://Bucket/k", '"s3://Bucket/k" is not an s3://bucket/key URI: invalid bucket name (use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)'],
    ["s3://ab/k", '"s3://ab/k" is not an s3://bucket/key URI: invalid bucket name (use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)'],
    ["s3://a..b/k", '"s3://a..b/k" is not an s3://bucket/key URI: invalid bucket name (no two adjacent dots)'],
    ["s3://192.168.5.4/k", '"s3://192.168.5.4/k" is not an s3://bucket/key URI: invalid bucket name (not formatted as an IP address)'],
    ["s3://xn--bucket/k", '"s3://xn--bucket/k" is not an s3://bucket/key URI: invalid bucket name (a prefix or suffix S3 reserves)'],
    ["s3://bucket-s3alias/k", '"s3://bucket-s3alias/k" is not an s3://bucket/key URI: invalid bucket name (a prefix or suffix S3 reserves)'],
    ["s3://bucket/", '"s3://bucket/" is not an s3://bucket/key URI: the object key is missing'],
    ["s3://bucket/a\nb", '"s3://bucket/a\\nb" is not an s3://bucket/key URI: keys are at most 1024 bytes without control characters'],
    [`s3://bucket/${"k".repeat(1025)}`, `"s3://bucket/${"k".repeat(65)}..." is not an s3://bucket/key URI: keys are at most 1024 bytes without control characters`],
  ])("refuses %.60j with one clear line", (uri, message) => {
    expect(() => parseS3Uri(uri)).toThrow(expect.objectContaining({ name: "ContractError", code: "INVALID_ARGUMENT", message }));
    const r = s3UriSchema.safeParse(uri);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  it("round-trips any valid location (property)", () => {
    const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
    // eslint-disable-next-line no-control-regex
    const key = fc.string({ minLength: 1, maxLength: 200 }).filter((k) => !/[\u0000-\u001f\u007f]/.test(k) && !k.startsWith("/"));
    fc.assert(
      fc.property(bucket, key, (b, k) => {
        expect(parseS3Uri(formatS3Uri({ bucket: b, key: k }))).toEqual({ bucket: b, key: k });
      }),
    );
  });
});

describe("keyPrefix", () => {
  it.each([
    [undefined, ""],
    ["", ""],
    ["/", ""],
    ["fraud-detection/data", "fraud-detection/data/"],
    ["/fraud-detection/data/", "fraud-detection/data/"],
  ])("normalises %j to %j", (given, want) => {
    expect(keyPrefix(given)).toBe(want);
  });
  it.each(["a//b", "a\tb", "x".repeat(513)])("refuses %.40j", (given) => {
    expect(() => keyPrefix(given)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
