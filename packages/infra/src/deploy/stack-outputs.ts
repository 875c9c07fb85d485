import { z } from "zod";

/**
 * The stack outputs file `fraud-stack.json`, as `fraud-train sagemaker --stack FILE` reads it.
 * @public
 */
export const stackOutputsSchema = z
  .object({
    version: z.literal(1),
    environment: z.string().min(1),
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/),
    partition: z.enum(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]),
    accountId: z.string().regex(/^\d{12}$/),
    artifactBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    dataPrefix: z.string().regex(/^([^/].*\/)?$/),
    modelPrefix: z.string().regex(/^([^/].*\/)?$/),
    outputBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    sagemakerRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/),
    trainingJobPrefix: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*-?$/),
    endpointName: z.string().min(1).nullable(),
    scoringMode: z.enum(["endpoint", "embedded"]),
  })
  .strict();

/** `fraud-stack.json`. @public */
export type StackOutputs = z.infer<typeof stackOutputsSchema>;
