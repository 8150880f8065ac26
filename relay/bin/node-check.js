// The relay's first check, before anything else is loaded: an older Node (Raspberry Pi OS packages
// Node 18 or older) would otherwise stop on the first syntax or API it lacks, with a stack trace.
// This file is CommonJS in old syntax (no const, no arrows), so that Node 10 and later read it and
// print one line instead. Requiring it checks the running Node and exits 1 when it is too old.
"use strict";

var MIN_NODE_MAJOR = 20;

/** The problem with this Node version (e.g. "18.19.0"), or null when the relay runs on it. */
function nodeVersionProblem(version) {
  var major = parseInt(String(version).replace(/^v/, "").split(".")[0], 10);
  if (major >= MIN_NODE_MAJOR) return null;
  return "needs Node " + MIN_NODE_MAJOR + " or newer, and this is Node " + version +
    " (" + process.execPath + "); install Node 20, 22 or 24 (README: Raspberry Pi)";
}

exports.MIN_NODE_MAJOR = MIN_NODE_MAJOR;
exports.nodeVersionProblem = nodeVersionProblem;

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write("bttn-relay: " + problem + "\n");
  process.exit(1);
}
