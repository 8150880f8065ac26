#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the relay needs no build step on a Pi.
import { register } from "tsx/esm/api";
register();
await import("../src/cli/main.ts");
