// Runs the relay bundled by `npm run build -w relay` (relay/dist/): what `npm start` and the
// systemd service run. Checks the Node version first, like bttn-relay.js.
"use strict";
require("./node-check.js");
var join = require("node:path").join;
var pathToFileURL = require("node:url").pathToFileURL;

var bundle = join(__dirname, "..", "dist", "bttn-relay.mjs");
import(pathToFileURL(bundle).href).catch(function (err) {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).indexOf(bundle) !== -1) {
    process.stderr.write("bttn-relay: " + bundle + " is missing: build it with `npm run build -w relay` (npm start does)\n");
  } else {
    process.stderr.write("bttn-relay: " + (err && err.stack ? err.stack : String(err)) + "\n");
  }
  process.exit(1);
});
