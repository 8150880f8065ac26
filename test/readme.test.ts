// The README's protocol reference and commands, checked against the code so they cannot drift.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeDeviceConfig, decodeEvent, decodeResult, decodeStatus, EVENT_TYPES, REASONS, TOPIC_KINDS } from "@bttn/shared";
import { HELP } from "../relay/src/cli/help";

const README = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
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

test.run();
