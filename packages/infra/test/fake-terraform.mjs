#!/usr/bin/env node
// A stand-in for `terraform` that keeps a small state of its own, enough for the deploy's logic:
// plan compares the synthesized cdk.tf.json with what was applied (`-detailed-exitcode`: 0 = no
// changes, 2 = changes), apply applies a saved plan, `output -json` prints the applied stack's
// outputs (literal values as configured; values Terraform would compute, such as bucket names,
// from the JSON file $FAKE_TF_OUTPUTS; null ones left out, as Terraform does) and `show -json`
// lists a plan's resource changes.
// Every call is appended to $FAKE_TF_RECORD as one JSON line. $FAKE_TF_FAIL makes a command fail:
// "init", "validate", "plan", "output", or "apply:<resource type>" (the apply creates everything
// else of its plan, then fails, as a real partial apply does).
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const STATE = "fake-terraform.tfstate.json";
const [command = "", ...rest] = process.argv.slice(2);
const fail = process.env.FAKE_TF_FAIL ?? "";
const entry = { cwd: process.cwd(), args: [command, ...rest] };

function record(extra = {}) {
  if (process.env.FAKE_TF_RECORD) appendFileSync(process.env.FAKE_TF_RECORD, `${JSON.stringify({ ...entry, ...extra })}\n`);
}

function readJson(file, fallback) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : fallback;
}

function configOf() {
  const text = readFileSync("cdk.tf.json", "utf8");
  const json = JSON.parse(text);
  const resources = Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
  const outputs = Object.fromEntries(Object.entries(json.output ?? {}).map(([name, o]) => [name, o.value]));
  return { hash: createHash("sha256").update(text).digest("hex"), resources, outputs };
}

const typeOf = (address) => address.slice(0, address.indexOf("."));

function plan() {
  const destroy = rest.includes("-destroy");
  const out = rest.find((a) => a.startsWith("-out="))?.slice(5);
  const state = readJson(STATE, { config: null, resources: [], outputs: {} });
  const config = configOf();
  const desired = destroy ? [] : config.resources;
  const create = desired.filter((r) => !state.resources.includes(r));
  const remove = state.resources.filter((r) => !desired.includes(r));
  const update = !destroy && state.config !== null && state.config !== config.hash ? desired.filter((r) => state.resources.includes(r)) : [];
  const changed = create.length + remove.length > 0 || (!destroy && state.config !== config.hash);
  if (out) writeFileSync(out, JSON.stringify({ destroy, config: config.hash, desired, create, remove, update, outputs: destroy ? {} : config.outputs }));
  console.log(changed ? `Plan: ${create.length} to add, ${update.length} to change, ${remove.length} to destroy.` : "No changes. Your infrastructure matches the configuration.");
  record({ changed, create: create.map(typeOf), remove: remove.map(typeOf) });
  return rest.includes("-detailed-exitcode") && changed ? 2 : 0;
}

function apply() {
  const planned = JSON.parse(readFileSync(rest.at(-1), "utf8"));
  const state = readJson(STATE, { config: null, resources: [], outputs: {} });
  const failType = fail.startsWith("apply:") ? fail.slice(6) : undefined;
  if (failType && planned.create.some((r) => typeOf(r) === failType)) {
    const created = planned.create.filter((r) => typeOf(r) !== failType);
    writeFileSync(STATE, JSON.stringify({ ...state, resources: [...state.resources, ...created] }));
    record({ created: created.map(typeOf), failed: failType });
    console.error(`Error: creating ${failType}: failed`);
    return 1;
  }
  if (planned.destroy) rmSync(STATE, { force: true });
  else writeFileSync(STATE, JSON.stringify({ config: planned.config, resources: planned.desired, outputs: planned.outputs }));
  record({ created: planned.create.map(typeOf), removed: planned.remove.map(typeOf) });
  return 0;
}

function output() {
  const state = readJson(STATE, { outputs: {} });
  const computed = readJson(process.env.FAKE_TF_OUTPUTS ?? "", {});
  const out = {};
  for (const [name, configured] of Object.entries(state.outputs)) {
    const value = typeof configured === "string" && configured.includes("${") ? computed[name] : configured;
    if (value !== undefined && value !== null) out[name] = { sensitive: false, type: typeof value === "number" ? "number" : "string", value };
  }
  console.log(JSON.stringify(out));
  record();
  return 0;
}

function show() {
  const planned = JSON.parse(readFileSync(rest.at(-1), "utf8"));
  const change = (actions) => (address) => ({ address, type: typeOf(address), change: { actions } });
  console.log(JSON.stringify({ resource_changes: [...planned.create.map(change(["create"])), ...planned.update.map(change(["update"])), ...planned.remove.map(change(["delete"]))] }));
  record();
  return 0;
}

function main() {
  if (fail === command) {
    record({ failed: command });
    console.error(`Error: ${command} failed`);
    return 1;
  }
  switch (command) {
    case "init":
      mkdirSync(".terraform", { recursive: true });
      record();
      return 0;
    case "validate":
      configOf();
      record();
      console.log("Success! The configuration is valid.");
      return 0;
    case "plan":
      return plan();
    case "apply":
      return apply();
    case "output":
      return output();
    case "show":
      return show();
    default:
      record();
      console.error(`fake terraform: unsupported command ${command}`);
      return 1;
  }
}

process.exitCode = main();
