import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { InfraError } from "../errors.js";

/**
 * The stack's phases, in order (env `FRAUD_INFRA_PHASE`): `foundation` (buckets, roles, stream,
 * logs, alarms, queue, notebook), `serving` (adds the SageMaker model and endpoint), `all` (adds
 * the scorer, its trigger and schedule). Each contains the ones before it.
 * @public
 */
export const PHASES = ["foundation", "serving", "all"] as const;

/** One of {@link PHASES}. @public */
export type Phase = (typeof PHASES)[number];

/** The later of two phases (`undefined` counts as before `foundation`). @public */
export function laterPhase(a: Phase | null | undefined, b: Phase): Phase {
  return a !== null && a !== undefined && PHASES.indexOf(a) > PHASES.indexOf(b) ? a : b;
}

const SHA256 = /^[0-9a-f]{64}$/;
const isoTime = z.iso.datetime();

const modelSchema = z
  .object({
    /** How the model got to S3: uploaded from a local file, trained on SageMaker, or given as a URL. */
    source: z.enum(["upload", "train", "url"]),
    /** `s3://…/model.tar.gz` the stack serves. */
    modelDataUrl: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/),
    /** SHA-256 (hex) of the `model.tar.gz` bytes. */
    sha256: z.string().regex(SHA256),
    /** The S3 object's ETag when it was recorded (detects a replaced object). */
    etag: z.string().optional(),
    /** Local file uploaded (`upload`). */
    file: z.string().optional(),
    /** Training job (`train`). */
    jobName: z.string().optional(),
    /** Training data file (`train`), reused by `--retrain`. */
    data: z.string().optional(),
    /** When the model was recorded. */
    at: isoTime,
  })
  .strict();

const appliedSchema = z.object({ at: isoTime, config: z.string().regex(SHA256), changed: z.boolean() }).strict();

const stateSchema = z
  .object({
    version: z.literal(1),
    environment: z.string().min(1),
    phase: z.enum(PHASES).nullable(),
    applied: z.partialRecord(z.enum(PHASES), appliedSchema),
    model: modelSchema.nullable(),
    training: z.object({ jobName: z.string().min(1), data: z.string().min(1), startedAt: isoTime }).strict().nullable(),
    updatedAt: isoTime,
  })
  .strict();

/**
 * What `fraud-infra deploy` has done in one environment, so a second run skips what is done and a
 * run after a failure continues where it stopped. Stored as JSON in `.fraud/deploy-<env>.json`.
 *
 * - `phase`: the furthest phase a plan was applied for (set before the apply, so after a failure
 *   the next run never plans a smaller stack that would remove what the failed apply created).
 * - `applied`: per phase, when it last applied and the SHA-256 of the `cdk.tf.json` it applied.
 * - `model`: the model the stack serves, with its content hash.
 * - `training`: a SageMaker training job started but not yet recorded as `model`.
 * @public
 */
export type DeployState = z.infer<typeof stateSchema>;

/** The model record of a {@link DeployState}. @public */
export type DeployedModel = z.infer<typeof modelSchema>;

/** The default state file of an environment: `<cwd>/.fraud/deploy-<env>.json`. @public */
export function defaultStateFile(cwd: string, environment: string): string {
  return join(cwd, ".fraud", `deploy-${environment}.json`);
}

/** A fresh state: nothing applied. @public */
export function emptyState(environment: string, now: Date = new Date()): DeployState {
  return { version: 1, environment, phase: null, applied: {}, model: null, training: null, updatedAt: now.toISOString() };
}

/**
 * Reads a state file; a missing file is a fresh state.
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

/** Writes a state file atomically (never half-written), creating its folder. @public */
export async function saveState(file: string, state: DeployState, now: Date = new Date()): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const next = stateSchema.parse({ ...state, updatedAt: now.toISOString() });
  await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
}

/** Deletes a state file (after `destroy`). @public */
export async function removeState(file: string): Promise<void> {
  await rm(file, { force: true });
}
