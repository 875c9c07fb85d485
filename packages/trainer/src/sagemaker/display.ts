// What the SageMaker subcommands print: upload progress, job transitions, job summaries.
import cliProgress from "cli-progress";
import type { DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import type { JobUpdate } from "./monitor.js";
import type { UploadProgress } from "./upload.js";

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** A progress display of the uploads: a bar on a terminal, a line per 10 % otherwise. */
export function uploadProgress(write: (s: string) => void, interactive: boolean): { update(p: UploadProgress): void; stop(): void } {
  const start = Date.now();
  const speed = (bytes: number): string => (bytes / 1048576 / Math.max((Date.now() - start) / 1000, 1e-3)).toFixed(1);
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      { format: "upload |{bar}| {percentage}% {done}/{all} MB {speed} MB/s {key}", hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.allTotalBytes, 0, { done: "0.0", all: mb(p.allTotalBytes), speed: "0.0", key: p.key });
          started = true;
        }
        bar.update(p.allBytes, { done: mb(p.allBytes), all: mb(p.allTotalBytes), speed: speed(p.allBytes), key: p.key });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  let lastKey = "";
  return {
    update(p) {
      const decile = p.allTotalBytes === 0 ? 10 : Math.floor((10 * p.allBytes) / p.allTotalBytes);
      if (decile === lastDecile && p.key === lastKey) return;
      lastDecile = decile;
      lastKey = p.key;
      write(`upload ${p.key}: ${mb(p.allBytes)}/${mb(p.allTotalBytes)} MB (${Math.round((100 * p.allBytes) / Math.max(p.allTotalBytes, 1))}%), ${speed(p.allBytes)} MB/s\n`);
    },
    stop() {},
  };
}

export function formatUpdate(u: JobUpdate): string {
  const t = `${Math.round(u.elapsedMs / 1000)}s`.padStart(6);
  if (u.kind === "retry") return `${t}  retrying: ${u.message}\n`;
  return `${t}  ${u.status} / ${u.secondaryStatus}${u.message ? `: ${u.message}` : ""}\n`;
}

/** A human-readable summary of a training job (`sagemaker-status`). */
export function formatJob(d: DescribeTrainingJobResponse): string {
  const lines = [
    `job:       ${d.TrainingJobName ?? "?"}`,
    `status:    ${d.TrainingJobStatus ?? "?"} (${d.SecondaryStatus ?? "?"})`,
    `created:   ${d.CreationTime?.toISOString() ?? "?"}`,
    `instances: ${d.ResourceConfig?.InstanceCount ?? "?"} x ${d.ResourceConfig?.InstanceType ?? "?"}${d.EnableManagedSpotTraining ? " (spot)" : ""}`,
    `image:     ${d.AlgorithmSpecification?.TrainingImage ?? "?"}`,
  ];
  if (d.TrainingTimeInSeconds !== undefined) lines.push(`trained:   ${d.TrainingTimeInSeconds} s (billable ${d.BillableTimeInSeconds ?? "?"} s)`);
  if (d.ModelArtifacts?.S3ModelArtifacts) lines.push(`model:     ${d.ModelArtifacts.S3ModelArtifacts}`);
  if (d.FailureReason) lines.push(`failure:   ${d.FailureReason}`);
  const t = d.SecondaryStatusTransitions;
  if (t && t.length > 0) lines.push(`latest:    ${t[t.length - 1]!.Status ?? ""}: ${t[t.length - 1]!.StatusMessage ?? ""}`);
  for (const m of d.FinalMetricDataList ?? []) lines.push(`metric:    ${m.MetricName ?? "?"} = ${m.Value ?? "?"}`);
  return `${lines.join("\n")}\n`;
}

