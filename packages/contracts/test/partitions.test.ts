import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContractError, dnsSuffix, partitionOf } from "@fraud/contracts";

describe("partitionOf / dnsSuffix", () => {
  // The AWS SDK's partitions.json: region patterns and DNS suffixes.
  it.each([
    ["us-east-1", "aws", "amazonaws.com"],
    ["eu-west-1", "aws", "amazonaws.com"],
    ["il-central-1", "aws", "amazonaws.com"],
    ["mx-central-1", "aws", "amazonaws.com"],
    ["ca-west-1", "aws", "amazonaws.com"],
    ["ap-southeast-7", "aws", "amazonaws.com"],
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
    ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
    ["us-gov-east-1", "aws-us-gov", "amazonaws.com"],
    ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
    ["us-iso-west-1", "aws-iso", "c2s.ic.gov"],
    ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
    ["us-isob-west-1", "aws-iso-b", "sc2s.sgov.gov"],
    ["eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"],
    ["us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"],
    ["us-isof-east-1", "aws-iso-f", "csp.hci.ic.gov"],
    ["eusc-de-east-1", "aws-eusc", "amazonaws.eu"],
  ])("%s is in %s (%s)", (region, partition, suffix) => {
    expect(partitionOf(region)).toBe(partition);
    expect(dnsSuffix(region)).toBe(suffix);
  });

  it.each(["", "mars-1", "xx-nowhere-1", "US-EAST-1", "us-east-1 ", "us-east", "eusc-fr-east-1", "a".repeat(200)])("refuses %.40j as not a region name", (region) => {
    let err: unknown;
    try {
      partitionOf(region);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContractError);
    expect(err).toMatchObject({ code: "UNKNOWN_REGION" });
    expect((err as Error).message.length).toBeLessThan(180);
  });

  it("puts every us-iso*/us-gov region outside the commercial partition (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("gov", "iso", "isob", "isof"), fc.constantFrom("east", "west", "south"), fc.integer({ min: 1, max: 9 }), (kind, dir, n) => {
        expect(partitionOf(`us-${kind}-${dir}-${n}`)).not.toBe("aws");
      }),
    );
  });
});
