import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Construct } from "constructs";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object/index.js";
import { SagemakerNotebookInstance } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance/index.js";
import { SagemakerNotebookInstanceLifecycleConfiguration } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance-lifecycle-configuration/index.js";
import { join } from "node:path";
import { notebookPackageSchema } from "@fraud/contracts";
import type { NotebookPackage } from "@fraud/contracts";
import type { NotebookSettings } from "../config.js";
import { InfraError } from "../errors.js";
import { policyDocument } from "../policy.js";
import { LAYOUT } from "./names.js";
import type { StackNames } from "./names.js";
import type { Storage } from "./storage.js";
import type { TrainingAccess } from "./training.js";

/**
 * The notebook the stack uploads: the original system's steps on the stack's own bucket and role.
 * @example
 * ```ts
 * JSON.parse(readFileSync(NOTEBOOK_FILE, "utf8")).nbformat; // 4
 * ```
 * @public
 */
export const NOTEBOOK_FILE: string = fileURLToPath(new URL("../../notebook/fraud-detection.ipynb", import.meta.url));

/**
 * Where `scripts/pack-notebook-packages.mjs` (`nx run infra:notebook-packages`) leaves the `npm
 * pack` tarballs of the project's packages the notebook runs, with `manifest.json`.
 * @example
 * ```ts
 * join(NOTEBOOK_PACKAGES_DIR, "manifest.json");
 * ```
 * @public
 */
export const NOTEBOOK_PACKAGES_DIR: string = fileURLToPath(new URL("../../dist/notebook-packages", import.meta.url));

/** One packed tarball, as `manifest.json` lists it. @public */
export interface PackedPackage {
  /** Package name. */
  name: string;
  /** Version. */
  version: string;
  /** Tarball file name in the folder. */
  file: string;
  /** npm's integrity (`sha512-<base64>`). */
  integrity: string;
  /** Commands its `bin` declares. */
  bin: string[];
}

/**
 * Reads the packed tarballs' manifest and checks each tarball's bytes against its integrity.
 * @throws {@link InfraError} `ASSET_MISSING` when the tarballs were not packed or one does not
 * match its recorded integrity.
 * @example
 * ```ts
 * readPackedPackages().map((p) => p.name); // ["@fraud/contracts", "@fraud/recordio", "@fraud/simulator", "@fraud/trainer"]
 * ```
 * @public
 */
export function readPackedPackages(dir: string = NOTEBOOK_PACKAGES_DIR): PackedPackage[] {
  const manifest = join(dir, "manifest.json");
  const hint = 'run "nx run infra:notebook-packages" (npm pack of the packages the notebook runs)';
  if (!existsSync(manifest)) throw new InfraError("ASSET_MISSING", `the notebook's packages are not packed: ${manifest} is missing; ${hint}`, { field: "notebook.enabled" });
  const list = JSON.parse(readFileSync(manifest, "utf8")) as PackedPackage[];
  for (const p of list) {
    const file = join(dir, p.file);
    if (!existsSync(file)) throw new InfraError("ASSET_MISSING", `the notebook's package ${p.name} is missing: ${file}; ${hint}`, { field: "notebook.enabled" });
    const integrity = `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
    if (integrity !== p.integrity) throw new InfraError("ASSET_MISSING", `${file} does not match its recorded integrity ${p.integrity}; ${hint}`, { field: "notebook.enabled" });
  }
  return list;
}

/** Hex SHA-512 of an npm integrity string, for `sha512sum -c`. */
function integrityHex(integrity: string): string {
  return Buffer.from(integrity.slice("sha512-".length), "base64").toString("hex");
}

/**
 * Where the notebook lands on the instance (the Jupyter root).
 * @example
 * ```ts
 * `${NOTEBOOK_HOME}/fraud-stack.json`;
 * ```
 * @public
 */
export const NOTEBOOK_HOME = "/home/ec2-user/SageMaker";

/** Properties of {@link Notebook}. @public */
export interface NotebookProps {
  /** The environment's resource names. */
  names: StackNames;
  /** The stack's region. */
  region: string;
  /** The region's partition. */
  partition: string;
  /** Notebook settings (instance, volume, network). */
  notebook: NotebookSettings;
  /** The buckets. */
  storage: Storage;
  /** The SageMaker role the instance runs as, and the trainer policy it gets. */
  training: TrainingAccess;
  /** The stack outputs as `fraud-stack.json` holds them (Terraform references allowed); uploaded for the instance. */
  stackFile: Record<string, unknown>;
  /** Folder of the packed tarballs and their `manifest.json`. @defaultValue {@link NOTEBOOK_PACKAGES_DIR} */
  packagesDir?: string;
}

/**
 * The lifecycle script: fetches `fraud-stack.json` (the stack's outputs) and the stack's notebook
 * into the Jupyter root, keeping a copy the user has edited (the latest then lands beside it as
 * `fraud-detection.latest.ipynb`). Runs as root at every start; fails the start when S3 stays
 * unreachable after three attempts. Written without double quotes or `$` + `{`, so it passes
 * through Terraform's `base64encode` as is.
 * @example
 * ```ts
 * onStartScript("my-artifacts", "fraud-detection/notebook/fraud-stack.json", "fraud-detection/notebook/fraud-detection.ipynb");
 * ```
 * @public
 */
export function onStartScript(bucket: string, stackFileKey: string, notebookKey: string, packages: readonly NotebookPackage[] = []): string {
  const file = (p: NotebookPackage): string => p.key.split("/").pop()!;
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `cd ${NOTEBOOK_HOME}`,
    "fetch() { for attempt in 1 2 3; do aws s3 cp $1 $2 --only-show-errors && return 0; sleep 5; done; return 1; }",
    `fetch s3://${bucket}/${stackFileKey} fraud-stack.json`,
    `fetch s3://${bucket}/${notebookKey} fraud-detection.latest.ipynb`,
    "[ -e fraud-detection.ipynb ] || cp fraud-detection.latest.ipynb fraud-detection.ipynb",
    "chown ec2-user:ec2-user fraud-stack.json fraud-detection.ipynb fraud-detection.latest.ipynb",
    ...(packages.length === 0
      ? []
      : [
          // The project's packages, from this stack's bucket only, each checked against its SHA-512
          // (fraud-stack.json holds the same values as npm integrity); a mismatch fails the start.
          "rm -rf .fraud/packages && mkdir -p .fraud/packages",
          ...packages.map((p) => `fetch s3://${bucket}/${p.key} .fraud/packages/${file(p)}`),
          ...packages.map((p) => `echo '${integrityHex(p.integrity)}  ${file(p)}' >> .fraud/packages/SHA512SUMS`),
          "(cd .fraud/packages && sha512sum --check --strict --quiet SHA512SUMS)",
          "chown -R ec2-user:ec2-user .fraud",
          // Installed now when Node.js is on the instance (in the background: starts must end within 5 minutes);
          // else the notebook installs the same checked tarballs once Node.js is there.
          "NPM=$(sudo -u ec2-user -i command -v npm || echo none)",
          `if [ $NPM != none ]; then nohup sudo -u ec2-user $NPM install --prefix ${NOTEBOOK_HOME}/.fraud --no-audit --no-fund --omit=dev ${packages.map((p) => `.fraud/packages/${file(p)}`).join(" ")} > .fraud/install.log 2>&1 & fi`,
        ]),
    "",
  ].join("\n");
}

/**
 * The notebook instance, as in the original system, booting with a real notebook: the stack
 * uploads `notebook/fraud-detection.ipynb` and `fraud-stack.json` (its outputs) to the artifact
 * bucket under `fraud-detection/notebook/`, and the lifecycle configuration fetches both. The instance runs as the SageMaker role plus the trainer
 * policy, so the notebook can upload data, train and read the job's logs, and nothing else.
 *
 * Direct internet access is off unless `notebook.directInternetAccess` is set: the instance then
 * lives in `notebook.subnetId` with `notebook.securityGroupIds`, and reaches S3, SageMaker, STS
 * and CloudWatch Logs through that subnet (VPC endpoints or a NAT gateway), as the README says.
 * @example
 * ```ts
 * new Notebook(stack, "notebook", { names, region, partition, notebook: config.notebook, storage, training, stackFile });
 * ```
 * @public
 */
export class Notebook extends Construct {
  /** The instance. */
  readonly instance: SagemakerNotebookInstance;
  /** The uploaded notebook object. */
  readonly object: S3Object;
  /** The uploaded `fraud-stack.json` object. */
  readonly stackFile: S3Object;
  /** The project's packages uploaded beside the notebook (as `fraud-stack.json` lists them). */
  readonly packages: NotebookPackage[];

  constructor(scope: Construct, id: string, props: NotebookProps) {
    super(scope, id);
    const { names, region, partition, notebook, storage, training } = props;
    if (!existsSync(NOTEBOOK_FILE)) throw new InfraError("ASSET_MISSING", `notebook not found: ${NOTEBOOK_FILE}`, { field: "notebook.enabled" });
    const asset = new TerraformAsset(this, "asset", { path: NOTEBOOK_FILE, type: AssetType.FILE });
    const key = `${LAYOUT.notebookPrefix}fraud-detection.ipynb`;
    const stackFileKey = `${LAYOUT.notebookPrefix}fraud-stack.json`;
    const bucket = storage.artifacts.bucket;
    this.object = new S3Object(this, "object", {
      bucket: bucket.bucket,
      key,
      source: asset.path,
      sourceHash: createHash("md5").update(readFileSync(NOTEBOOK_FILE)).digest("hex"),
      contentType: "application/x-ipynb+json",
    });
    // The project's packages the notebook runs, uploaded beside it: the instance installs them from
    // this bucket (checked against their integrity), never from a public registry.
    const packed = readPackedPackages(props.packagesDir);
    this.packages = packed.map((p) => ({ name: p.name, version: p.version, key: `${LAYOUT.notebookPrefix}packages/${p.file}`, integrity: p.integrity, bin: p.bin }));
    for (const p of this.packages) notebookPackageSchema.parse(p);
    const packageObjects = packed.map(
      (p, i) =>
        new S3Object(this, `package-${i}`, {
          bucket: bucket.bucket,
          key: this.packages[i]!.key,
          source: new TerraformAsset(this, `package-asset-${i}`, { path: join(props.packagesDir ?? NOTEBOOK_PACKAGES_DIR, p.file), type: AssetType.FILE }).path,
          sourceHash: createHash("md5").update(readFileSync(join(props.packagesDir ?? NOTEBOOK_PACKAGES_DIR, p.file))).digest("hex"),
          contentType: "application/gzip",
        }),
    );
    this.stackFile = new S3Object(this, "stack-file", {
      bucket: bucket.bucket,
      key: stackFileKey,
      content: `${JSON.stringify({ ...props.stackFile, notebookPackages: this.packages }, null, 2)}\n`,
      contentType: "application/json",
    });

    const logs = `arn:${partition}:logs:${region}:${training.accountId}:log-group:/aws/sagemaker/NotebookInstances`;
    const policy = new IamRolePolicy(this, "role-policy", {
      name: "notebook",
      role: training.role.id,
      policy: policyDocument([
        { Sid: "ReadNotebook", Action: ["s3:GetObject"], Resource: [`${bucket.arn}/${LAYOUT.notebookPrefix}*`] },
        { Sid: "NotebookLogs", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [logs, `${logs}:*`] },
      ]),
    });
    const attachment = new IamRolePolicyAttachment(this, "trainer-policy", { role: training.role.name, policyArn: training.trainerPolicy.arn });

    const lifecycle = new SagemakerNotebookInstanceLifecycleConfiguration(this, "lifecycle", {
      name: names.notebookLifecycle,
      onStart: Fn.base64encode(onStartScript(bucket.bucket, stackFileKey, key, this.packages)),
    });
    this.instance = new SagemakerNotebookInstance(this, "instance", {
      name: names.notebook,
      roleArn: training.role.arn,
      instanceType: notebook.instanceType,
      volumeSize: notebook.volumeSizeGb,
      directInternetAccess: notebook.directInternetAccess ? "Enabled" : "Disabled",
      ...(notebook.subnetId !== undefined ? { subnetId: notebook.subnetId, securityGroups: notebook.securityGroupIds } : {}),
      lifecycleConfigName: lifecycle.name,
      rootAccess: "Disabled",
      ...(storage.kmsKey ? { kmsKeyId: storage.kmsKey.keyId } : {}),
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      dependsOn: [this.object, this.stackFile, ...packageObjects, policy, attachment, training.rolePolicy],
    });
  }
}
