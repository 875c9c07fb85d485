export { sagemakerJobRecordSchema } from "@fraud/contracts";
export type { SageMakerJobRecord } from "@fraud/contracts";
