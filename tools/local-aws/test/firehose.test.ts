import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { FIREHOSE_PREFIX_DEFAULTS, evaluateFirehosePrefix, firehosePrefixExpressions, firehosePrefixPattern } from "@fraud/contracts";
import { LocalAwsError, startFirehose } from "@fraud/local-aws";
import type { FirehoseServer } from "@fraud/local-aws";
import { b64, firehoseCall, readObjects, tempDir } from "./helpers.js";

const KEY = /^(?:[^/]+\/)*year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/([a-zA-Z0-9_.-]+)-1-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f-]{36}\.gz$/;

describe("startFirehose", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: FirehoseServer | undefined;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await cleanup();
  });

  it("stores PutRecord and PutRecordBatch data, concatenated without delimiters, under Firehose's key layout", async () => {
    // Prepare
    server = await startFirehose({ dir, prefix: "fraud-detection/firehose", streamName: "scores" });
    const lines = Array.from({ length: 20 }, (_, i) => `{"n":${i}}\n`);
    // Act
    const one = await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "scores", Record: { Data: b64(lines[0]!) } });
    const batch = await firehoseCall(server.url, "PutRecordBatch", {
      DeliveryStreamName: "scores",
      Records: lines.slice(1).map((l) => ({ Data: b64(l) })),
    });
    const keys = await server.flush();
    // Assess
    expect(one.status).toBe(200);
    expect(typeof one.json["RecordId"]).toBe("string");
    expect(batch.json["FailedPutCount"]).toBe(0);
    expect((batch.json["RequestResponses"] as unknown[]).length).toBe(19);
    expect(keys).toHaveLength(1);
    const objects = await readObjects(dir);
    expect(objects.map((o) => o.key)).toEqual(keys);
    expect(objects[0]!.text).toBe(lines.join(""));
    const m = KEY.exec(objects[0]!.key)!;
    expect(m).not.toBeNull();
    expect(objects[0]!.key.startsWith("fraud-detection/firehose/")).toBe(true);
    expect(m[5]).toBe("scores");
    const now = new Date();
    expect(Number(m[1])).toBe(now.getUTCFullYear());
  });

  it.each([
    { name: "501 records", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: Array.from({ length: 501 }, () => ({ Data: b64("x") })) }, type: "InvalidArgumentException", msg: /less than or equal to 500/ },
    { name: "no records", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: [] }, type: "InvalidArgumentException", msg: /at least 1/ },
    { name: "a 1,024,001-byte record", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: [{ Data: b64(Buffer.alloc(1_024_001)) }] }, type: "InvalidArgumentException", msg: /Record 0 size 1024001 exceeds/ },
    { name: "PutRecord over 1,000 KiB", op: "PutRecord", body: { DeliveryStreamName: "s", Record: { Data: b64(Buffer.alloc(1_024_001)) } }, type: "InvalidArgumentException", msg: /exceeds the limit of 1024000/ },
    { name: "a batch over 4 MiB", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: Array.from({ length: 5 }, () => ({ Data: b64(Buffer.alloc(1_000_000)) })) }, type: "InvalidArgumentException", msg: /Batch size 5000000 exceeds the limit of 4194304/ },
    { name: "bad base64", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: [{ Data: "not base64!" }] }, type: "SerializationException", msg: /not valid base64/ },
    { name: "missing Data", op: "PutRecordBatch", body: { DeliveryStreamName: "s", Records: [{}] }, type: "InvalidArgumentException", msg: /Record 0 has no Data/ },
    { name: "an invalid stream name", op: "PutRecord", body: { DeliveryStreamName: "bad name!", Record: { Data: b64("x") } }, type: "InvalidArgumentException", msg: /Invalid DeliveryStreamName/ },
    { name: "an unknown stream", op: "DescribeDeliveryStream", body: { DeliveryStreamName: "other" }, type: "ResourceNotFoundException", msg: /Firehose other under account \d{12} not found/ },
    { name: "an unknown operation", op: "DeleteEverything", body: {}, type: "UnknownOperationException", msg: /Unknown operation DeleteEverything/ },
    { name: "a body that is not JSON", op: "PutRecord", body: "{oops", type: "SerializationException", msg: /not valid JSON/ },
  ])("answers $name with HTTP 400 $type", async ({ op, body, type, msg }) => {
    // Prepare
    server = await startFirehose({ dir, streamName: "s" });
    // Act
    const res = await firehoseCall(server.url, op, body);
    // Assess
    expect(res.status).toBe(400);
    expect(res.json["__type"]).toBe(type);
    expect(res.headers.get("x-amzn-errortype")).toBe(type);
    expect(String(res.json["message"])).toMatch(msg);
    expect(await server.flush()).toEqual([]);
  });

  it("reports the configured share of records failed and stores exactly the others", async () => {
    // Prepare
    server = await startFirehose({ dir, failRate: 0.3, seed: 7 });
    const sent: string[] = [];
    let failed = 0;
    let stored: string[] = [];
    // Act
    for (let b = 0; b < 10; b++) {
      const lines = Array.from({ length: 500 }, (_, i) => `r${b * 500 + i}\n`);
      sent.push(...lines);
      const res = await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "any", Records: lines.map((l) => ({ Data: b64(l) })) });
      const responses = res.json["RequestResponses"] as { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[];
      expect(responses).toHaveLength(500);
      expect(res.json["FailedPutCount"]).toBe(responses.filter((r) => r.ErrorCode).length);
      failed += res.json["FailedPutCount"] as number;
      responses.forEach((r, i) => {
        if (r.ErrorCode) {
          expect(r.ErrorCode).toBe("ServiceUnavailableException");
          expect(r.RecordId).toBeUndefined();
        } else stored.push(lines[i]!);
      });
    }
    await server.flush();
    // Assess
    expect(failed / sent.length).toBeGreaterThan(0.27);
    expect(failed / sent.length).toBeLessThan(0.33);
    const text = (await readObjects(dir)).map((o) => o.text).join("");
    stored = stored.sort();
    expect(text.split("\n").filter(Boolean).sort()).toEqual(stored.map((s) => s.trim()));
  });

  it("delivers as soon as the buffer reaches --buffer-mb", async () => {
    // Prepare
    server = await startFirehose({ dir, bufferMb: 1, bufferSeconds: 900 });
    // Act: 1.2 MB arrives in three calls; the third crosses 1 MiB
    for (let i = 0; i < 3; i++) {
      await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "s", Records: [{ Data: b64(Buffer.alloc(400_000, 97 + i)) }] });
    }
    await expect.poll(() => server!.objects.length, { timeout: 5000 }).toBe(1);
    // Assess
    const [obj] = await readObjects(dir);
    expect(obj!.text.length).toBe(1_200_000);
  });

  it("delivers a buffer --buffer-seconds after its first record", async () => {
    // Prepare
    server = await startFirehose({ dir, bufferSeconds: 0.3, bufferMb: 128 });
    // Act
    await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "s", Record: { Data: b64("late\n") } });
    const immediately = server.objects.length;
    await expect.poll(() => server!.objects.length, { timeout: 5000, interval: 50 }).toBe(1);
    // Assess
    expect(immediately).toBe(0);
    expect((await readObjects(dir))[0]!.text).toBe("late\n");
  });

  it("flushes buffered records on close", async () => {
    // Prepare
    const s = await startFirehose({ dir, bufferSeconds: 900 });
    await firehoseCall(s.url, "PutRecord", { DeliveryStreamName: "s", Record: { Data: b64("kept\n") } });
    // Act
    await s.close();
    // Assess
    expect((await readObjects(dir)).map((o) => o.text)).toEqual(["kept\n"]);
  });

  it("describes a stream with its buffering hints", async () => {
    // Prepare
    server = await startFirehose({ dir, bufferSeconds: 30, bufferMb: 2, streamName: "scores" });
    // Act
    const res = await firehoseCall(server.url, "DescribeDeliveryStream", { DeliveryStreamName: "scores" });
    // Assess
    const d = res.json["DeliveryStreamDescription"] as Record<string, unknown>;
    expect(d["DeliveryStreamStatus"]).toBe("ACTIVE");
    expect(d["DeliveryStreamARN"]).toMatch(/^arn:aws:firehose:[a-z0-9-]+:\d{12}:deliverystream\/scores$/);
    const dest = (d["Destinations"] as Record<string, Record<string, unknown>>[])[0]!["ExtendedS3DestinationDescription"]!;
    expect(dest["BufferingHints"]).toEqual({ SizeInMBs: 2, IntervalInSeconds: 30 });
    expect(dest["CompressionFormat"]).toBe("GZIP");
  });

  it.each([
    [{ failRate: 1.5 }, /failRate must be a number from 0 to 1, got 1.5/],
    [{ bufferMb: 0 }, /bufferMb must be a number from 1 to 128, got 0/],
    [{ bufferSeconds: 901 }, /bufferSeconds must be a number from 0 to 900/],
    [{ port: 70000 }, /invalid port: 70000/],
    [{ streamName: "no spaces" }, /invalid stream name/],
    [{ seed: 1.5 }, /seed must be an integer/],
    [{ maxStreams: 0 }, /maxStreams must be an integer from 1 to 5000, got 0/],
    [{ maxBufferedMb: Number.NaN }, /maxBufferedMb must be a number from 1 to 4096, got NaN/],
    [{ prefix: 7 as unknown as string }, /prefix must be a string, got 7/],
    [{ prefix: "out/!{timestamp:yyyy}/!{partitionKeyFromQuery:id}/" }, /invalid firehose prefix .*unsupported expression "!\{partitionKeyFromQuery:id\}"/],
    [{ prefix: "out/!{timestamp:yyyy" }, /unclosed expression at character 5/],
    [{ prefix: "out/!{timestamp:QQ}/" }, /unsupported timestamp pattern "QQ"/],
  ])("rejects invalid option %o", async (opts, msg) => {
    const err = await startFirehose({ dir, ...opts }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalAwsError);
    expect((err as LocalAwsError).code).toBe("INVALID_ARGUMENT");
    expect((err as LocalAwsError).message).toMatch(msg);
  });

  it("stores any batch of records byte for byte (property)", async () => {
    server = await startFirehose({ dir, bufferSeconds: 900 });
    const url = server.url;
    const all: Buffer[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { minLength: 1, maxLength: 30 }), async (records) => {
        const res = await firehoseCall(url, "PutRecordBatch", { DeliveryStreamName: "p", Records: records.map((r) => ({ Data: Buffer.from(r).toString("base64") })) });
        expect(res.json["FailedPutCount"]).toBe(0);
        all.push(...records.map((r) => Buffer.from(r)));
      }),
      { numRuns: 40 },
    );
    await server.flush();
    const { readFile } = await import("node:fs/promises");
    const { gunzipSync } = await import("node:zlib");
    const { join } = await import("node:path");
    const bytes = Buffer.concat(await Promise.all(server.objects.map(async (k) => gunzipSync(await readFile(join(dir, k))))));
    expect(bytes.equals(Buffer.concat(all))).toBe(true);
  });

  it("writes the keys the stack's prefix expression gives for the same records (stack expression and stand-in evaluated side by side)", async () => {
    // Prepare: the stand-in configured as the stack configures its stream (the same plain prefix)
    const stack = firehosePrefixExpressions(FIREHOSE_PREFIX_DEFAULTS.prefix, FIREHOSE_PREFIX_DEFAULTS.errorPrefix);
    server = await startFirehose({ dir, prefix: FIREHOSE_PREFIX_DEFAULTS.prefix, streamName: "fraud-detection-dev-results", bufferSeconds: 900 });
    const keys: string[] = [];
    const expected: string[][] = [];
    // Act: three deliveries, each of a few records
    for (let i = 0; i < 3; i++) {
      const before = new Date();
      await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "fraud-detection-dev-results", Records: [1, 2, 3].map((n) => ({ Data: b64(`{"i":${i},"n":${n}}\n`) })) });
      const after = new Date();
      keys.push(...(await server.flush()));
      // the oldest record arrived between before and after: the stack's expression at either end
      expected.push([...new Set([before, after].map((t) => evaluateFirehosePrefix(stack.prefix, { timestamp: t })))]);
    }
    // Assess: each key is the stack's evaluated prefix + Firehose's object name, and reads back by the layout
    expect(keys).toHaveLength(3);
    keys.forEach((key, i) => {
      const prefix = expected[i]!.find((p) => key.startsWith(p));
      expect(prefix, key).toBeDefined();
      expect(key.slice(prefix!.length)).toMatch(/^fraud-detection-dev-results-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/);
      const groups = firehosePrefixPattern(stack.prefix).exec(key)?.groups;
      expect(groups).toMatchObject({ year: expect.stringMatching(/^\d{4}$/), month: expect.stringMatching(/^\d{2}$/), day: expect.stringMatching(/^\d{2}$/), hour: expect.stringMatching(/^\d{2}$/) });
    });
    const d = await firehoseCall(server.url, "DescribeDeliveryStream", { DeliveryStreamName: "fraud-detection-dev-results" });
    const description = d.json["DeliveryStreamDescription"] as { Destinations: { ExtendedS3DestinationDescription: { Prefix: string } }[] };
    expect(description.Destinations[0]!.ExtendedS3DestinationDescription.Prefix).toBe(stack.prefix);
  });

  it("evaluates a prefix given as a Firehose expression as it is", async () => {
    server = await startFirehose({ dir, prefix: "raw/!{timestamp:yyyy-MM-dd}/r=!{firehose:random-string}/", bufferSeconds: 900 });
    await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "s", Record: { Data: b64("x") } });
    const [key] = await server.flush();
    const today = evaluateFirehosePrefix("!{timestamp:yyyy-MM-dd}", { timestamp: new Date() });
    expect(key).toMatch(new RegExp(`^raw/${today}/r=[A-Za-z0-9]{11}/s-1-`));
  });
});
