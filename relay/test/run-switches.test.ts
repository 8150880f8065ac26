// The switches of `bttn-relay run` (--metrics-open, --ha-discovery): on when given, or when their
// environment variable says so; a variable that says neither yes nor no is refused, not guessed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseCommandLine } from "../src/cli/parse";
import type { RunSettings } from "../src/cli/options";

function settings(argv: string[], env: NodeJS.ProcessEnv = {}): RunSettings {
  const line = parseCommandLine(argv, env, "/tmp");
  if (line.kind !== "command") throw new Error("not a command");
  return line.invocation.settings();
}

test("off by default; on when the flag is given", () => {
  const none = settings([]);
  assert.is(none.metricsOpen, false);
  assert.is(none.haDiscovery, false);
  const both = settings(["run", "--metrics-open", "--ha-discovery", "--broker", "mqtt://127.0.0.1:1883"]);
  assert.is(both.metricsOpen, true);
  assert.is(both.haDiscovery, true);
});

test("the environment: 1/true/yes/on and 0/false/no/off in any case, empty is off, anything else refused", () => {
  for (const v of ["1", "true", "YES", "on"]) assert.is(settings([], { BTTN_METRICS_OPEN: v }).metricsOpen, true, v);
  for (const v of ["0", "false", "No", "off", ""]) assert.is(settings([], { BTTN_HA_DISCOVERY: v }).haDiscovery, false, v);
  assert.throws(() => settings([], { BTTN_METRICS_OPEN: "maybe" }), /^BTTN_METRICS_OPEN: must be 1, true, yes or on \(or 0, false, no, off\), got "maybe"$/);
  assert.is(settings(["--metrics-open"], { BTTN_METRICS_OPEN: "0" }).metricsOpen, true, "the flag wins");
});

test("a switch takes no value, and other commands refuse it", () => {
  assert.throws(() => parseCommandLine(["--metrics-open=yes"], {}, "/tmp"), /--metrics-open/);
  assert.throws(() => parseCommandLine(["bttn", "list", "--ha-discovery"], {}, "/tmp"), /^bttn list does not take --ha-discovery/);
});

test.run();
