// One http(s) URL check for the config file's action URLs and publicUrl and for --public-url:
// they accept and refuse the same strings, with the same words. The scheme is case-insensitive
// (RFC 3986), which publicUrl and --public-url were not.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isHttpUrl } from "../src/config/http-url";
import { httpActionSchema, relaySettingsSchema } from "../src/config/schema";
import { resolveSettings } from "../src/cli/options";

const GOOD = ["http://x", "https://relay.lan:8080/", "HTTPS://relay.lan", "http://192.168.1.10:8080/p?q=<ID>"];
const BAD = ["", "ftp://x", "http://", "https://a b", "relay.lan:8080", " http://x"];

test("isHttpUrl", () => {
  for (const u of GOOD) assert.ok(isHttpUrl(u), u);
  for (const u of BAD) assert.not.ok(isHttpUrl(u), u);
});

test("the action URL, publicUrl and --public-url agree", () => {
  for (const u of [...GOOD, ...BAD]) {
    const want = isHttpUrl(u);
    assert.is(httpActionSchema.safeParse({ url: u }).success, want, "action url " + JSON.stringify(u));
    assert.is(relaySettingsSchema.safeParse({ publicUrl: u }).success, want, "publicUrl " + JSON.stringify(u));
    let cli = true;
    try {
      resolveSettings({ publicUrl: u }, {}, "/tmp");
    } catch (e) {
      cli = false;
      assert.is((e as Error).message, "--public-url: must be an http:// or https:// URL");
    }
    assert.is(cli, want, "--public-url " + JSON.stringify(u));
  }
  const r = relaySettingsSchema.safeParse({ publicUrl: "gopher://x" });
  assert.ok(!r.success && r.error.issues[0].message === "must be an http:// or https:// URL");
});

test.run();
