#!/usr/bin/env node
// Entry point of the fraud-infra command (see command.ts).
import { runCli } from "./command.js";

process.exitCode = await runCli(process.argv.slice(2));
