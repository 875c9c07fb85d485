export { clip, quote } from "@fraud/contracts";
