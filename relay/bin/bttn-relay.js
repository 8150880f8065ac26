#!/usr/bin/env node
// The bttn-relay command: checks the Node version, then runs the TypeScript CLI through tsx, so
// the relay needs no build step on a Pi. (npm start and the systemd service run the bundle,
// start.js.)
"use strict";
require("./node-check.js");
import("tsx/esm/api")
  .then(function (tsx) {
    tsx.register();
    return import("../src/cli/main.ts");
  })
  .catch(function (err) {
    process.stderr.write("bttn-relay: " + (err && err.stack ? err.stack : String(err)) + "\n");
    process.exit(1);
  });
