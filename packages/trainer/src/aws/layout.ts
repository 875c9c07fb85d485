export { TRAINING_LAYOUT } from "@fraud/contracts";
