import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import type { S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { servicePrincipal } from "@fraud/contracts";
import type { BucketSettings } from "../config.js";
import type { StackNames } from "./names.js";

/** Properties of {@link Storage}. @public */
export interface StorageProps {
  /** The environment's resource names. */
  names: StackNames;
  /** The bucket settings. */
  buckets: BucketSettings;
}

/**
 * The customer-managed key and the policy that lets CloudWatch Logs and CloudWatch alarms use it,
 * for the constructs that encrypt with it (log groups, the alarm topic).
 * @public
 */
export interface DataKey {
  /** The key. */
  key: KmsKey;
  /** Its key policy: resources encrypted with the key depend on it. */
  policy: KmsKeyPolicy;
}

/** Properties of a {@link SecureBucket}. @public */
export interface SecureBucketProps {
  /** `bucket_prefix` (AWS appends a unique suffix). */
  namePrefix: string;
  /** KMS key for SSE-KMS; SSE-S3 (AES256) when absent. */
  kmsKey?: KmsKey;
  /** Delete objects on destroy. */
  forceDestroy: boolean;
  /** Keep object versions. */
  versioned?: boolean;
  /** Lifecycle rules. */
  lifecycle?: S3BucketLifecycleConfigurationRule[];
}

/**
 * An S3 bucket that is encrypted, blocked from public access, owner-enforced (no ACLs) and
 * reachable only over TLS.
 * @example
 * ```ts
 * const b = new SecureBucket(scope, "output", { namePrefix: "fraud-detection-dev-output-", forceDestroy: false });
 * b.bucket.arn;
 * ```
 * @public
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  readonly bucket: S3Bucket;
  /** The TLS-only bucket policy. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucketPrefix: props.namePrefix, forceDestroy: props.forceDestroy });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        props.kmsKey
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKey.arn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    const pab = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    this.policy = new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      dependsOn: [pab],
    });
    if (props.versioned) {
      new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    }
    if (props.lifecycle && props.lifecycle.length > 0) {
      new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket: this.bucket.id, rule: props.lifecycle });
    }
  }
}

/**
 * The two buckets — artifacts (training data under `fraud-detection/data/`, models under
 * `fraud-detection/models/`, the notebook) and Firehose output — and the optional KMS key.
 * @example
 * ```ts
 * const storage = new Storage(stack, "storage", { names: stackNames(config), buckets: config.buckets });
 * storage.artifacts.bucket.arn;
 * ```
 * @public
 */
export class Storage extends Construct {
  /** Training data, models and the notebook (versioned). */
  readonly artifacts: SecureBucket;
  /** Firehose output (lifecycle rules). */
  readonly output: SecureBucket;
  /** Customer-managed key when `buckets.encryption` is `kms`. */
  readonly kmsKey: KmsKey | undefined;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const name = props.names.base;
    const b = props.buckets;
    if (b.encryption === "kms") {
      this.kmsKey = new KmsKey(this, "key", { description: `${name} data at rest`, enableKeyRotation: true, deletionWindowInDays: 30 });
      new KmsAlias(this, "key-alias", { name: props.names.keyAlias, targetKeyId: this.kmsKey.keyId });
    }
    const common = { forceDestroy: b.forceDestroy, ...(this.kmsKey ? { kmsKey: this.kmsKey } : {}) };
    const abort = { abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] };
    this.artifacts = new SecureBucket(this, "artifacts", {
      ...common,
      namePrefix: `${name}-artifacts-`,
      versioned: true,
      lifecycle: [
        { id: "expire-noncurrent", status: "Enabled", filter: [{ prefix: "" }], noncurrentVersionExpiration: [{ noncurrentDays: b.artifactNoncurrentDays }], ...abort },
      ],
    });
    const outputRule: S3BucketLifecycleConfigurationRule = { id: "firehose-output", status: "Enabled", filter: [{ prefix: "" }], ...abort };
    this.output = new SecureBucket(this, "output", {
      ...common,
      namePrefix: `${name}-output-`,
      lifecycle: [
        {
          ...outputRule,
          ...(b.outputTransitionDays > 0 ? { transition: [{ days: b.outputTransitionDays, storageClass: b.outputTransitionStorageClass }] } : {}),
          ...(b.outputExpirationDays > 0 ? { expiration: [{ days: b.outputExpirationDays }] } : {}),
        },
      ],
    });
  }

  /**
   * The key policy when the buckets use KMS: the account administers the key (the default
   * policy), CloudWatch Logs encrypts this stack's log groups with it, and CloudWatch alarms
   * publish to the encrypted alarm topic. `undefined` with SSE-S3.
   */
  dataKey(account: { accountId: string; region: string; partition: string }): DataKey | undefined {
    if (!this.kmsKey) return undefined;
    const { accountId, region, partition } = account;
    const policy = new KmsKeyPolicy(this, "key-policy", {
      keyId: this.kmsKey.keyId,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
          {
            Sid: "LogGroupsEncrypt",
            Effect: "Allow",
            Principal: { Service: servicePrincipal("logs", region) },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
          },
          {
            Sid: "AlarmsPublishToTopic",
            Effect: "Allow",
            Principal: { Service: servicePrincipal("cloudwatch") },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
      }),
    });
    return { key: this.kmsKey, policy };
  }
}
