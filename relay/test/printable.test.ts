// Server-supplied text in reasons (error messages, realms) is made printable and short by one helper.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { printable } from "../src/engine/printable";
import { refusal } from "../src/engine/auth/refusal";

test("printable: non-ASCII and control characters become ?, long text is cut", () => {
  assert.is(printable("ok text"), "ok text");
  assert.is(printable("a\r\nb\x1b[31mé"), "a??b?[31m?");
  assert.is(printable("x".repeat(200)), "x".repeat(160) + "...");
  assert.is(printable("abcdef", 3), "abc...");
});

test("a 401's realm is quoted, printable and cut at 80", () => {
  const res = { status: 401, headers: { "www-authenticate": 'Basic realm="' + "r\n".repeat(60) + '"' }, body: "" };
  const e = refusal(res as never, "basic");
  const realm = /for realm (".*?")/.exec(e.message)?.[1];
  assert.ok(realm, e.message);
  assert.is(JSON.parse(realm!), "r?".repeat(40) + "...");
});

test.run();
