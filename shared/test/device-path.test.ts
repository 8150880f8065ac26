// What the device runs of the protocol package: every encoder, on values holding every digit and
// letter, gives JSON that parses back to the same value; and no RegExp literal is left on the device
// path (Espruino's RegExp engine reads \u escapes as plain characters: /[\u007f-\uffff]/ once
// escaped "0", "7" and "f".."u" on the device and made most messages invalid JSON).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "acorn";
import { build } from "esbuild";
import { join } from "node:path";
import {
  asciiJson,
  checkDeviceFile,
  decodeDeviceConfig,
  decodeEvent,
  decodeResult,
  decodeStatus,
  encodeDeviceConfig,
  encodeEvent,
  encodeResult,
  encodeStatus,
  failResult,
  okResult,
  pendingResult,
} from "../src/index";
import { onlyChars } from "../src/check";

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

/** Numbers whose text holds every digit (and a minus, a point, an exponent). */
const NUMBERS = [0, 7, 10, 17, 20, 70, 77, 1234567890, -61, -107, 3.02, 0.5, 4294967295, 2592000000];

test("every encoder's output parses as JSON and decodes back, for values with every digit and letter", () => {
  for (const n of NUMBERS) {
    const seq = Math.abs(Math.round(n)) % 4294967296;
    for (const boot of ["0123", "456789ab", "cdef0123456789ab", "0000", "7777"]) {
      const ev = { v: 1 as const, boot, seq, type: "pressed-long" as const, age: Math.abs(Math.round(n)) % 2592000001, rssi: -(Math.abs(Math.round(n)) % 151), bat: Math.abs(n) % 20 };
      const text = encodeEvent(ev);
      assert.equal(JSON.parse(text), ev, text);
      assert.ok(decodeEvent(text).ok, text);
      for (const r of [okResult(ev, 200), failResult(ev, "callback-timeout", 404), pendingResult(ev, seq % 3600000)]) {
        const t = encodeResult(r);
        assert.equal(JSON.parse(t), r, t);
        assert.ok(decodeResult(t).ok, t);
      }
    }
  }
  for (const fw of [DIGITS, LOWER.slice(0, 26), UPPER, "0.1.0", "7.70-rc0+f"]) {
    for (const online of [true, false]) {
      const st = { v: 1 as const, online, fw: fw.slice(0, 32), bat: 3.07, rssi: -70 };
      const t = encodeStatus(st);
      assert.equal(JSON.parse(t), st, t);
      assert.ok(decodeStatus(t).ok, t);
    }
  }
  const c = { v: 1 as const, longMs: 1070, double: false, doubleMs: 700, sleep: true, heartbeatS: 604800 };
  const t = encodeDeviceConfig(c);
  assert.equal(JSON.parse(t), c);
  assert.ok(decodeDeviceConfig(t).ok);
  // asciiJson itself: printable ASCII passes through as is, anything else is escaped.
  for (const s of [DIGITS, LOWER, UPPER, PRINTABLE]) assert.is(asciiJson({ s }), JSON.stringify({ s }));
  assert.is(asciiJson({ s: "\x7f\xe9\u2615" }), '{"s":"\\u007f\\u00e9\\u2615"}');
});

test("onlyChars is the character classes the protocol used to write as RegExps", () => {
  assert.ok(onlyChars(LOWER + UPPER + DIGITS + "-_", "AZaz09--__"));
  for (const bad of [" ", "/", "+", "#", ".", "\u00e9", ""]) assert.not.ok(onlyChars("a" + bad, "AZaz09--__") && bad !== "", JSON.stringify(bad));
  assert.not.ok(onlyChars("", "AZ"), "empty is not a match (the RegExps had +)");
  assert.ok(onlyChars("0123456789abcdef", "09af"));
  assert.not.ok(onlyChars("0123g", "09af"));
  assert.ok(onlyChars(PRINTABLE, " ~"));
  assert.not.ok(onlyChars("a\x7f", " ~"));
  assert.equal(checkDeviceFile({ id: "k", secret: "s", relay: { host: "relay.lan", port: 1883 }, wifi: { ssid: "x", ip: "192.168.1.70", gateway: "192.168.1.1", netmask: "255.255.255.0" } }), "");
  assert.match(checkDeviceFile({ id: "k", secret: "s", relay: { host: "r", port: 1 }, wifi: { ssid: "x", ip: "192.168.1.70" } }), /^wifi: ip, gateway and netmask go together/);
  assert.match(checkDeviceFile({ id: "k", secret: "s", relay: { host: "r", port: 1 }, wifi: { ssid: "x", ip: "192.168.1", gateway: "1.1.1.1", netmask: "255.0.0.0" } }), /^wifi.ip: must be an IPv4 address/);
  assert.match(checkDeviceFile({ id: "k", secret: "s", relay: { host: "bad host", port: 1 } }), /^relay.host:/);
});

test("no RegExp literal on the device path (the protocol package and the firmware core)", async () => {
  const root = join(import.meta.dirname, "..", "..");
  const r = await build({
    entryPoints: [join(root, "firmware", "src", "espruino", "main.ts")],
    bundle: true,
    format: "cjs",
    platform: "node",
    external: ["Storage", "Wifi", "net"],
    target: "es2015",
    write: false,
    define: { FW_VERSION: '"0.0.0"' },
    logLevel: "silent",
  });
  const found: string[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    const node = n as Record<string, unknown>;
    if (node.regex) found.push(String(node.raw));
    for (const k of Object.keys(node)) if (k !== "loc") visit(node[k]);
  };
  visit(parse(r.outputFiles[0].text, { ecmaVersion: "latest" }));
  assert.equal(found, [], "a loop over charCodeAt (onlyChars) instead");
});

test.run();
