// The command table: every command refuses every flag it does not take, takes every flag it
// declares, and --help lists each command's flags and each setting's environment variable.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { COMMANDS } from "../src/cli/commands";
import { flag, FlagName, FLAGS, flagUsage } from "../src/cli/flags";
import { commandHelp, HELP } from "../src/cli/help";
import { ENV } from "../src/cli/options";
import { parseCommandLine } from "../src/cli/parse";

const ALL = Object.keys(FLAGS) as FlagName[];
/** A value the parser accepts for any flag: it is only parsed here, never used. */
const argsFor = (words: string, a: string[]) => [...words.split(" "), ...a.filter((x) => x.startsWith("<")).map(() => "x")];
const given = (name: FlagName) => (flag(name).value ? ["--" + name, "1"] : ["--" + name]);

test("every command refuses each flag it does not take, naming the flag, and takes each it declares", () => {
  let refused = 0;
  for (const c of COMMANDS) {
    for (const name of ALL) {
      const argv = [...argsFor(c.words, c.args), ...given(name)];
      if (c.flags.includes(name)) {
        const line = parseCommandLine(argv, {}, "/tmp");
        assert.is(line.kind === "command" && line.command, c, c.words + " --" + name);
      } else {
        assert.throws(() => parseCommandLine(argv, {}, "/tmp"), (e: Error) => e.message.startsWith(c.words + " does not take --" + name + " ("), c.words + " --" + name);
        refused++;
      }
    }
  }
  assert.ok(refused > 100, "most pairs are refusals: " + refused);
});

test("bttn list --url is refused (it was silently accepted); arguments are counted", () => {
  assert.throws(() => parseCommandLine(["bttn", "list", "--url", "http://x/"], {}, "/tmp"), /^bttn list does not take --url \(it takes --data, --store\)$/);
  assert.throws(() => parseCommandLine(["bttn", "remove"], {}, "/tmp"), /^missing <id> \(see --help\)$/);
  assert.throws(() => parseCommandLine(["bttn", "list", "extra"], {}, "/tmp"), /unexpected argument "extra"/);
  assert.throws(() => parseCommandLine(["bttn", "frob"], {}, "/tmp"), /^unknown command: bttn frob/);
  assert.throws(() => parseCommandLine(["--frobnicate"], {}, "/tmp"), /Unknown option '--frobnicate'/);
  const line = parseCommandLine(["action", "set", "a", "pressed", "--url", "http://x/", "--arg", "a=1", "--arg", "b=2"], {}, "/tmp");
  assert.ok(line.kind === "command");
  if (line.kind === "command") {
    assert.equal(line.invocation.args, ["a", "pressed"]);
    assert.equal(line.invocation.list("arg"), ["a=1", "b=2"]);
    assert.is(line.invocation.str("url"), "http://x/");
  }
  assert.is(parseCommandLine([], {}, "/tmp").kind === "command" && (parseCommandLine([], {}, "/tmp") as { command: { words: string } }).command.words, "run");
  assert.is(parseCommandLine(["bttn", "list", "--url", "x", "--help"], {}, "/tmp").kind, "help");
});

test("a flag's value reaches the relay's settings; the environment fills in the rest", () => {
  const line = parseCommandLine(["bttn", "add", "a", "--data", "d", "--mqtt-port", "1999"], { BTTN_MQTTS_PORT: "9999" }, "/srv");
  assert.ok(line.kind === "command");
  if (line.kind !== "command") return;
  const s = line.invocation.settings();
  assert.equal([s.dataDir, s.mqttPort, s.mqttsPort], ["/srv/d", 1999, 9999]);
});

test("--help lists each command with the flags of the table, and each setting of run with its variable", () => {
  const blocks = HELP.slice(HELP.indexOf("Usage:"), HELP.indexOf("  bttn-relay --help")).split(/\n(?=  bttn-relay )/);
  for (const c of COMMANDS) {
    const block = blocks.find((b) => b.startsWith(c.words === "run" ? "  bttn-relay [run]" : "  bttn-relay " + c.words + " "));
    assert.ok(block, "usage of " + c.words);
    for (const l of c.summary) assert.ok(block!.includes(l), c.words + ": " + l);
    if (c.words === "run") continue;
    for (const a of c.args) assert.ok(block!.includes(" " + a), c.words + " " + a);
    for (const name of c.flags) assert.ok(block!.includes(flagUsage(name)), c.words + " " + flagUsage(name));
    for (const name of ALL.filter((f) => !c.flags.includes(f))) assert.not.ok(new RegExp("--" + name + "\\b(?!-)").test(block!), c.words + " lists --" + name + ", which it does not take");
  }
  const options = HELP.slice(HELP.indexOf("Options of run"));
  const run = COMMANDS.find((c) => c.words === "run")!;
  for (const name of run.flags) {
    const f = flag(name);
    const at = options.indexOf("\n  " + flagUsage(name) + " ");
    assert.ok(at >= 0, "options of run: " + name);
    const entry = options.slice(at + 1, options.indexOf("\n  --", at + 1) === -1 ? undefined : options.indexOf("\n  --", at + 1));
    assert.ok(f.setting && entry.includes(ENV[f.setting]), name + " names " + (f.setting && ENV[f.setting]));
  }
});

test("each command's own --help lists every flag it takes with words for it, and only those", () => {
  for (const c of COMMANDS.filter((x) => x.words !== "run")) {
    const h = commandHelp(c);
    assert.ok(h.startsWith("Usage:\n  bttn-relay " + c.words + " ") || h.startsWith("Usage:\n  bttn-relay " + c.words + "\n"), c.words);
    for (const l of c.summary) assert.ok(h.includes(l), c.words + ": " + l);
    const flags = h.slice(h.indexOf("Flags:"));
    for (const name of c.flags) assert.match(flags, new RegExp("\n  " + flagUsage(name).replace(/[|.*+?()[\]]/g, "\\$&") + "\\s+\\S"), c.words + " --" + name + " has words for it");
    for (const name of ALL.filter((f) => !c.flags.includes(f))) assert.not.ok(new RegExp("--" + name + "\\b(?!-)").test(h), c.words + " --help names --" + name);
  }
  const line = parseCommandLine(["action", "set", "--help"], {}, "/tmp");
  assert.ok(line.kind === "help" && line.command?.words === "action set");
  const unknown = parseCommandLine(["frob", "--help"], {}, "/tmp");
  assert.ok(unknown.kind === "help" && unknown.command === undefined, "an unknown command gets the whole help");
});

test("--password is refused by every command, saying why and what to use instead; its value is not repeated", () => {
  for (const c of COMMANDS) {
    assert.throws(
      () => parseCommandLine([...argsFor(c.words, c.args), "--password", "argv-secret"], {}, "/tmp"),
      (e: Error) => e.message.startsWith(c.words + " does not take --password (a password on the command line is visible to every user") && e.message.includes("--password-file FILE") && !e.message.includes("argv-secret"),
    );
  }
});

test.run();
