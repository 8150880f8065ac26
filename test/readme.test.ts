// The README's protocol reference, commands and layout, checked against the code and the tree so they cannot drift.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeDeviceConfig, decodeEvent, decodeResult, decodeStatus, EVENT_TYPES, REASONS, TOPIC_KINDS } from "@bttn/shared";
import { HELP } from "../relay/src/cli/help";
import { COMMANDS } from "../relay/src/cli/commands";

const ROOT = join(import.meta.dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const protocol = README.slice(README.indexOf("## Protocol reference"), README.indexOf("## Flashing"));

test("every reason code, event type and topic is documented", () => {
  for (const r of REASONS) assert.ok(protocol.includes("`" + r + "`"), "reason " + r);
  for (const t of EVENT_TYPES) assert.ok(protocol.includes("`" + t + "`"), "event type " + t);
  for (const k of TOPIC_KINDS) assert.ok(protocol.includes("`bttn/<id>/" + k + "`"), "topic " + k);
});

test("the example payloads decode with the protocol package", () => {
  const row = (kind: string) => {
    const line = protocol.split("\n").find((l) => l.startsWith("| `bttn/<id>/" + kind + "`"))!;
    return /`(\{.*?\})`/.exec(line.split("|")[4])![1];
  };
  assert.ok(decodeEvent(row("event")).ok, "event example");
  assert.ok(decodeResult(row("result")).ok, "result example");
  assert.ok(decodeStatus(row("status")).ok, "status example");
  assert.ok(decodeDeviceConfig(row("config")).ok, "config example");
  assert.ok(decodeStatus('{"v":1,"online":false}').ok, "will");
});

test("the two fresh-machine commands are there, and --help names the flags the README names", () => {
  assert.ok(README.includes("```sh\nnpm ci && npm start\n```"));
  assert.ok(README.includes("```sh\n./scripts/install-test-deps.sh && npm ci && npm test\n```"));
  for (const flag of ["--broker", "--mqtt-port", "--http-port", "--host", "--data", "--config", "--log-level", "--public-url", "--mqtts-port", "--tls-cert", "--tls-key", "--broker-ca"]) {
    assert.ok(README.includes(flag), "README " + flag);
    assert.ok(HELP.includes(flag), "--help " + flag);
  }
});

test("the command line section names every command, and every flag of action set and update", () => {
  const section = README.slice(README.indexOf("### The command line"), README.indexOf("## Config reference"));
  for (const c of COMMANDS.filter((x) => x.words !== "run")) assert.ok(section.includes("`" + c.words), "README's command table: " + c.words);
  for (const c of COMMANDS.filter((x) => x.words.startsWith("action "))) for (const f of c.flags) assert.ok(section.includes("--" + f), c.words + " --" + f);
});

/** Folders that exist on a working machine but are not the project's (see .gitignore). */
const NOT_OURS = new Set([".git", "node_modules", "data", "dist", ".bench"]);

function folders(rel: string, deep: boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
    if (!e.isDirectory() || NOT_OURS.has(e.name)) continue;
    const p = rel ? rel + "/" + e.name : e.name;
    out.push(p + "/");
    if (deep) out.push(...folders(p, true));
  }
  return out;
}

test("the layout section lists every top-level folder and every folder of relay/src and firmware/src, and no other", () => {
  const section = README.slice(README.indexOf("## Layout"));
  const block = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
  // An entry is a path at the start of a line of the block, e.g. "relay/src/api/   the REST API".
  const listed = block.split("\n").map((l) => /^(\S+\/)\s/.exec(l)?.[1]).filter((p): p is string => p !== undefined);
  assert.ok(listed.length > 10, "the layout block was found");
  const wanted = [...folders("", false), "relay/src/", ...folders("relay/src", true), "firmware/src/", ...folders("firmware/src", true)];
  for (const f of wanted) assert.ok(listed.includes(f), "the layout section lists " + f);
  const exists = new Set(wanted);
  for (const f of listed) {
    let here = true;
    try {
      readdirSync(join(ROOT, f));
    } catch {
      here = false;
    }
    assert.ok(here || exists.has(f), "the layout section lists " + f + ", which does not exist");
  }
});

test.run();
