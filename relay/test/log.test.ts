// What reaches the log from the network: values cut and escaped, repeats summarised.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createLogger, MAX_VALUE_CHARS } from "../src/log";
import { sleep } from "../../test/support/temp";

function capture(windowMs?: number) {
  const lines: string[] = [];
  return { lines, log: createLogger("debug", (l) => lines.push(l), windowMs) };
}

test("a 64 KB value is cut to a few hundred characters, with how much was left out", () => {
  const { lines, log } = capture();
  log.warn("mqtt login refused", { bttn: "x".repeat(65536), client: "y".repeat(65536) });
  assert.is(lines.length, 1);
  assert.ok(lines[0].length < 1000, "line of " + lines[0].length + " chars");
  assert.ok(lines[0].includes("x".repeat(MAX_VALUE_CHARS) + "…[65236 more chars]"));
  assert.not.ok(lines[0].includes("x".repeat(MAX_VALUE_CHARS + 1)));
});

test("control characters are escaped, never written raw", () => {
  const { lines, log } = capture();
  log.warn("mqtt login refused", { bttn: "a\x1b[2Jb\x00c\x07d\x08e\nf\u2028g\x9bh", path: 'q"uo\\te' });
  const l = lines[0];
  assert.not.match(l, /[\x00-\x1f\x7f-\x9f\u2028\u2029]/);
  assert.ok(l.includes('bttn="a\\x1b[2Jb\\x00c\\x07d\\x08e\\nf\\u2028g\\x9bh"'), l);
  assert.ok(l.includes('path="q\\"uo\\\\te"'), l);
});

test("plain values stay unquoted; spaces, '=' and empty ones are quoted", () => {
  const { lines, log } = capture();
  log.info("x", { a: "kitchen", b: "two words", c: "k=v", d: "", e: 5, f: { n: 1 } });
  assert.ok(lines[0].endsWith(' a=kitchen b="two words" c="k=v" d="" e=5 f="{\\"n\\":1}"'), lines[0]);
});

test("secrets stay redacted", () => {
  const { lines, log } = capture();
  log.warn("x", { password: "hunter2-hunter2", url: "http://u:pw-pw-pw@example.test/a?token=abc" });
  assert.not.ok(lines[0].includes("hunter2") || lines[0].includes("pw-pw-pw") || lines[0].includes("abc"), lines[0]);
});

test("repeats of one kind: the first is logged, the rest counted in one summary per window", async () => {
  const { lines, log } = capture(200);
  for (let i = 0; i < 312; i++) log.repeated("login|10.0.0.7", "refused logins from 10.0.0.7", "warn", "mqtt login refused", { from: "10.0.0.7", n: i });
  log.repeated("login|10.0.0.8", "refused logins from 10.0.0.8", "warn", "mqtt login refused", { from: "10.0.0.8" });
  assert.is(lines.length, 2, "one line per key so far");
  await sleep(300);
  assert.is(lines.length, 3);
  assert.match(lines[2], /warn  311 more refused logins from 10\.0\.0\.7 in the last 200 ms$/);
  // The flood goes on: one summary per window.
  for (let i = 0; i < 50; i++) log.repeated("login|10.0.0.7", "refused logins from 10.0.0.7", "warn", "mqtt login refused", {});
  await sleep(300);
  assert.match(lines[3], /50 more refused logins from 10\.0\.0\.7/);
  // A quiet window forgets the key: the next one is logged in full again.
  await sleep(300);
  log.repeated("login|10.0.0.7", "refused logins from 10.0.0.7", "warn", "mqtt login refused", { from: "10.0.0.7" });
  assert.match(lines[lines.length - 1], /mqtt login refused from=10\.0\.0\.7$/);
  log.flush();
});

test("the default window says 10 s; flush writes what is pending", () => {
  const { lines, log } = capture();
  for (let i = 0; i < 3; i++) log.repeated("k", "things", "info", "a thing", {});
  log.flush();
  assert.match(lines[1], /2 more things in the last 10 s$/);
});

test("repeats below the level are not even counted", () => {
  const lines: string[] = [];
  const log = createLogger("warn", (l) => lines.push(l));
  for (let i = 0; i < 3; i++) log.repeated("k", "things", "info", "a thing", {});
  log.flush();
  assert.is(lines.length, 0);
});

test.run();
