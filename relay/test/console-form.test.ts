// The console's Set action form against the README and the engine, so the page offers every option
// and every tag, and nothing made up: each field of README's `http` table (and of the config schema)
// has its control; each tag of the engine is in the picker and in README's tag table. And the form's
// conversions: an action as the API shows it comes back unchanged (secrets as "[redacted]", which
// the API reads as "keep"), rows become objects, bad JSON and nameless rows are caught, and the API's
// error paths find their controls.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { httpActionSchema } from "../src/config/schema";
import { TAG_NAMES } from "../src/engine/tags";
import { controlFor, HTTP_FIELD_CONTROLS } from "../ui/action/fields";
import { TAGS } from "../ui/action/tags";
import { buildHttp, draftOf, newDraft } from "../ui/action/draft";
import { EVENT_LABELS } from "../ui/format";
import { ACTION_EVENT_TYPES } from "@bttn/shared";

const README = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

/** The first column of the markdown table whose header row starts with `| header`. */
function tableColumn(header: string): string[] {
  const start = README.indexOf("| " + header);
  assert.ok(start >= 0, "README has the table " + header);
  const rows = README.slice(start).split("\n");
  const out: string[] = [];
  for (const row of rows.slice(2)) {
    if (!row.startsWith("|")) break;
    out.push(row.split("|")[1].trim());
  }
  return out;
}

test("every field of README's http table and of the config schema has its control, and no other", () => {
  const readme = tableColumn("`http` field").map((c) => c.replace(/`/g, ""));
  const schema = Object.keys(httpActionSchema.shape);
  const controls = Object.keys(HTTP_FIELD_CONTROLS);
  assert.equal([...controls].sort(), [...readme].sort(), "README");
  assert.equal([...controls].sort(), [...schema].sort(), "config schema");
});

test("the tag picker has every tag of the engine, each in README's tag table, each explained", () => {
  const picker = TAGS.map((t) => t.tag);
  assert.equal([...picker].sort(), [...TAG_NAMES].sort());
  const readmeTags = tableColumn("tag | value").join(" ");
  for (const t of TAGS) {
    assert.ok(readmeTags.includes("`<" + t.tag + ">`"), t.tag + " in README");
    assert.ok(t.means.length > 5, t.tag + " explained");
  }
});

test("the page offers an action for every event type the engine has", () => {
  assert.equal(Object.keys(EVENT_LABELS).sort(), [...ACTION_EVENT_TYPES].sort());
});

test("the API's error paths find their controls", () => {
  assert.is(controlFor("http.url"), "act-url");
  assert.is(controlFor("http.timeout"), "act-timeout");
  assert.is(controlFor("http.headers.X-New"), "act-headers");
  assert.is(controlFor("http.args.who"), "act-args");
  assert.is(controlFor("http.auth.password"), "act-auth-password");
  assert.is(controlFor("http.auth.username"), "act-auth-username");
  assert.is(controlFor("http.auth"), "act-auth-type");
  assert.is(controlFor("http.dynamicOrigins.0"), "act-dynamicOrigins");
  assert.is(controlFor("http.nonsense"), undefined);
  assert.is(controlFor(""), undefined);
});

test("an action as the API shows it goes back as it came (secrets as [redacted]: kept by the API)", () => {
  const shown = {
    method: "POST" as const,
    url: "https://ha.lan:8123/api/webhook/x?api_key=%5Bredacted%5D&n=<COUNTER>",
    format: "json" as const,
    args: { who: "<NAME>", count: 3, nested: { a: [1, 2] }, password: "[redacted]" },
    headers: { "X-Token": "[redacted]", "X-Plain": "visible" },
    timeout: 5000,
    maxResponseBytes: 1024,
    followRedirects: true,
    auth: { type: "digest" as const, username: "relay", password: "[redacted]" },
    ca: "/etc/ssl/my-ca.pem",
    insecure: false,
    async: true,
    callbackTimeout: 120000,
    idempotencyKey: false,
  };
  const built = buildHttp(draftOf(shown));
  assert.equal(built.errors, {});
  assert.equal(built.http, shown);
});

test("a new GET action with form args test=test, and the defaults left to the API", () => {
  const d = { ...newDraft(), url: " http://relay.lan:8080/bin/try ", args: [{ key: "test", value: "test", json: false }] };
  const built = buildHttp(d);
  assert.equal(built.http, {
    method: "GET",
    url: "http://relay.lan:8080/bin/try",
    format: "form",
    args: { test: "test" },
    headers: {},
    timeout: 10000,
    maxResponseBytes: 65536,
    followRedirects: false,
    insecure: false,
    async: false,
    idempotencyKey: true,
  });
});

test("dynamic URLs, raw bodies, empty rows, a new password, and what the page catches itself", () => {
  const dyn = buildHttp({ ...newDraft(), urlMode: "dynamic", url: "ignored", dynamicOrigins: "https://a.lan:8443\n https://b.lan ", argsMode: "raw", rawArgs: '{"n": <COUNTER>}', headers: [{ key: "", value: "", json: false }] });
  assert.is(dyn.http!.url, "dynamic");
  assert.equal(dyn.http!.dynamicOrigins, ["https://a.lan:8443", "https://b.lan"]);
  assert.is(dyn.http!.args, '{"n": <COUNTER>}');
  assert.equal(dyn.http!.headers, {});
  const auth = buildHttp({ ...newDraft(), url: "http://x", authType: "basic", username: " me ", password: "pw" });
  assert.equal(auth.http!.auth, { type: "basic", username: "me", password: "pw" });
  // Typed wrong: sent as typed, so the API names the field; the page does not guess.
  assert.is(buildHttp({ ...newDraft(), url: "http://x", timeout: "soon" }).http!.timeout, "soon");
  const bad = buildHttp({ ...newDraft(), url: "http://x", format: "json", args: [{ key: "n", value: "{oops", json: true }], headers: [{ key: "", value: "orphan", json: false }] });
  assert.is(bad.http, undefined);
  assert.match(bad.errors["act-args"], /not valid JSON/);
  assert.match(bad.errors["act-headers"], /no name/);
});
test.run();
