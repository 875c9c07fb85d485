/**
 * XGBoost as a model plug-in: recognises a `model.tar.gz` with an `xgboost-model` member (what
 * SageMaker's XGBoost containers write), or the bare model bytes (legacy binary, JSON, UBJSON, or a
 * pickled Booster, which is then refused by name), and loads it as an {@link XGBoostModel}.
 * @packageDocumentation
 */
import { ModelError } from "../../errors.js";
import { memberList } from "../../model/archive.js";
import type { ArtifactMembers, ModelPlugin } from "../model.js";
import { XGBOOST_MEMBER, XGBoostModel } from "./model.js";
import { XGBOOST_PROTOCOL } from "./protocol.js";
import { readXGBoostModel, sniffXGBoost } from "./read.js";

const LEARNER_JSON = new TextEncoder().encode('{"learner"');

function isBareXGBoost(bytes: Uint8Array): boolean {
  const f = sniffXGBoost(bytes);
  if (f === "json") return LEARNER_JSON.every((b, i) => bytes[i] === b);
  // a pickle is recognised only when it names xgboost (other pickles are not ours to judge)
  if (f === "pickle") return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).includes("xgboost");
  return f !== null;
}

/** Whether an opened artifact is an XGBoost model. @internal */
export function isXGBoostArtifact(a: ArtifactMembers): boolean {
  if (a.bare !== undefined) return isBareXGBoost(a.bare);
  return a.members.has(XGBOOST_MEMBER);
}

/** Loads a recognised artifact. @internal */
export function loadXGBoostArtifact(a: ArtifactMembers): XGBoostModel {
  const bytes = a.bare ?? a.members.get(XGBOOST_MEMBER);
  if (bytes === undefined) throw new ModelError("MODEL_UNSUPPORTED", `${a.name}: no ${XGBOOST_MEMBER} member (members: ${memberList(a.members.keys())})`);
  const name = a.bare !== undefined ? a.name : `${a.name}: ${XGBOOST_MEMBER}`;
  const { booster, format } = readXGBoostModel(bytes, { name, maxFeatures: a.limits.maxFeatures });
  return new XGBoostModel(booster, undefined, { format, source: a.name, sha256: a.sha256 });
}

/**
 * The XGBoost model plug-in (registered by default).
 * @public
 */
export const xgboostPlugin: ModelPlugin = {
  algorithm: "xgboost",
  protocol: XGBOOST_PROTOCOL,
  recognise: isXGBoostArtifact,
  load: loadXGBoostArtifact,
};
