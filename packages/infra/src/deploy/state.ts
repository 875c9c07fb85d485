import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { ensureParentFolder } from "./fs.js";
import { ALGORITHMS, s3UriSchema } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { z } from "zod";
import { PHASES } from "../config.js";
import type { Phase } from "../config.js";
import { InfraError } from "../errors.js";

/**
 * The later of two phases (`null` or `undefined` counts as before `foundation`).
 * @example
 * ```ts
 * laterPhase("all", "serving"); // "all"
 * laterPhase(null, "foundation"); // "foundation"
 * ```
 * @public
 */
export function laterPhase(a: Phase | null | undefined, b: Phase): Phase {
  return a !== null && a !== undefined && PHASES.indexOf(a) > PHASES.indexOf(b) ? a : b;
}

const SHA256 = /^[0-9a-f]{64}$/;
const isoTime = z.iso.datetime();

/** The model a deploy serves, as its state file records it. @public */
export interface DeployedModel {
  /** How the model got to S3: uploaded from a local file, trained on SageMaker, or given as a URL. */
  source: "upload" | "train" | "url";
  /** `s3://…/model.tar.gz` the stack serves. */
  modelDataUrl: string;
  /** SHA-256 (hex) of the `model.tar.gz` bytes. */
  sha256: string;
  /** The S3 object's ETag when it was recorded (detects a replaced object). */
  etag?: string | undefined;
  /** Local file uploaded (`upload`). */
  file?: string | undefined;
  /** Training job (`train`). */
  jobName?: string | undefined;
  /** Training data file (`train`), reused by `--retrain`. */
  data?: string | undefined;
  /** The algorithm recognised in the artifact (the serving image follows it); absent in state files written before it was recorded. */
  algorithm?: Algorithm | undefined;
  /** When the model was recorded (ISO 8601). */
  at: string;
}

/** One phase's last apply. @public */
export interface AppliedPhase {
  /** When (ISO 8601). */
  at: string;
  /** SHA-256 (hex) of the `cdk.tf.json` applied. */
  config: string;
  /** Whether the plan had changes (`false`: checked, nothing to apply). */
  changed: boolean;
}

/** A SageMaker training job a deploy started and has not yet recorded as its model. @public */
export interface TrainingInFlight {
  /** Training job name. */
  jobName: string;
  /** Training data file. */
  data: string;
  /** The algorithm trained. @defaultValue `"linear-learner"` */
  algorithm?: Algorithm | undefined;
  /** When the deploy started it (ISO 8601). */
  startedAt: string;
}

/**
 * What `fraud-infra deploy` has done in one environment, so a second run skips what is done and a
 * run after a failure continues where it stopped. Stored as JSON in `.fraud/deploy-<env>.json`.
 *
 * @example
 * ```json
 * { "version": 1, "environment": "dev", "phase": "all",
 *   "applied": { "foundation": { "at": "2026-01-02T03:04:05.000Z", "config": "9f…", "changed": true } },
 *   "model": { "source": "upload", "modelDataUrl": "s3://…/model.tar.gz", "sha256": "3a…", "at": "2026-01-02T03:05:00.000Z" },
 *   "training": null, "updatedAt": "2026-01-02T03:09:00.000Z" }
 * ```
 * @public
 */
export interface DeployState {
  /** Format version: 1. */
  version: 1;
  /** Environment name. */
  environment: string;
  /**
   * The furthest phase a plan was applied for, set before the apply: after a failure the next run
   * never plans a smaller stack that would remove what the failed apply created.
   */
  phase: Phase | null;
  /** Per phase, its last apply. */
  applied: Partial<Record<Phase, AppliedPhase>>;
  /** The model the stack serves, with its content hash. */
  model: DeployedModel | null;
  /** The anomaly detector the stack serves beside the classifier (absent or `null`: none). */
  anomalyDetector?: DeployedModel | null | undefined;
  /** A training job started but not yet recorded as `model`. */
  training: TrainingInFlight | null;
  /** When the file was last written (ISO 8601). */
  updatedAt: string;
}

const modelSchema = z
  .object({
    source: z.enum(["upload", "train", "url"]),
    modelDataUrl: s3UriSchema,
    sha256: z.string().regex(SHA256),
    etag: z.string().optional(),
    file: z.string().optional(),
    jobName: z.string().optional(),
    data: z.string().optional(),
    algorithm: z.enum(ALGORITHMS).optional(),
    at: isoTime,
  })
  .strict();

const appliedSchema = z.object({ at: isoTime, config: z.string().regex(SHA256), changed: z.boolean() }).strict();

const stateSchema: z.ZodType<DeployState> = z
  .object({
    version: z.literal(1),
    environment: z.string().min(1),
    phase: z.enum(PHASES).nullable(),
    applied: z.partialRecord(z.enum(PHASES), appliedSchema),
    model: modelSchema.nullable(),
    anomalyDetector: modelSchema.nullable().optional(),
    training: z.object({ jobName: z.string().min(1), data: z.string().min(1), algorithm: z.enum(ALGORITHMS).optional(), startedAt: isoTime }).strict().nullable(),
    updatedAt: isoTime,
  })
  .strict();

/**
 * The default state file of an environment: `<cwd>/.fraud/deploy-<env>.json`.
 * @example
 * ```ts
 * defaultStateFile("/repo/packages/infra", "dev"); // "/repo/packages/infra/.fraud/deploy-dev.json"
 * ```
 * @public
 */
export function defaultStateFile(cwd: string, environment: string): string {
  return join(cwd, ".fraud", `deploy-${environment}.json`);
}

/**
 * A fresh state: nothing applied.
 * @example
 * ```ts
 * emptyState("dev").phase; // null
 * ```
 * @public
 */
export function emptyState(environment: string, now: Date = new Date()): DeployState {
  return { version: 1, environment, phase: null, applied: {}, model: null, anomalyDetector: null, training: null, updatedAt: now.toISOString() };
}

/**
 * Reads a state file; a missing file is a fresh state.
 * @example
 * ```ts
 * const state = await loadState(".fraud/deploy-dev.json", "dev");
 * ```
 * @throws {@link InfraError} `STATE_INVALID` when the file is not a state of `environment`.
 * @public
 */
export async function loadState(file: string, environment: string): Promise<DeployState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState(environment);
    throw new InfraError("STATE_INVALID", `${file}: cannot read (${(err as Error).message.slice(0, 80)})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InfraError("STATE_INVALID", `${file}: not valid JSON; delete it to start over (terraform state is kept apart)`, { cause: err });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InfraError("STATE_INVALID", `${file}: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`, { cause: parsed.error });
  }
  if (parsed.data.environment !== environment) {
    throw new InfraError("STATE_INVALID", `${file}: records environment "${parsed.data.environment.slice(0, 40)}", not "${environment}"`);
  }
  return parsed.data;
}

/**
 * Writes a state file atomically (never half-written), creating its folder.
 * @example
 * ```ts
 * await saveState(".fraud/deploy-dev.json", { ...state, phase: "serving" });
 * ```
 * @public
 */
export async function saveState(file: string, state: DeployState, now: Date = new Date()): Promise<void> {
  await ensureParentFolder(dirname(file));
  const next = stateSchema.parse({ ...state, updatedAt: now.toISOString() });
  await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
}

/**
 * Deletes a state file (after `destroy`); a missing file is fine.
 * @example
 * ```ts
 * await removeState(".fraud/deploy-dev.json");
 * ```
 * @public
 */
export async function removeState(file: string): Promise<void> {
  await rm(file, { force: true });
}
