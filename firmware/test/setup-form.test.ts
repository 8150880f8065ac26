// Setup mode's form: the urlencoded body a browser POSTs, decoded by hand (bytes, not Unicode), and
// the new bttn.json made from it, checked by the protocol package before anything is saved.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkDeviceFile, DeviceFile } from "@bttn/shared";
import { applyForm, escapeHtml, formDecode, formField, formPage, savedPage } from "../src/core/setup-form";

const FILE: DeviceFile = { id: "kitchen", secret: "kitchen-secret", relay: { host: "relay.local", port: 1883 }, pins: { button: 4 } };

/** What a browser sends for these fields (URLSearchParams encodes as HTML forms do: UTF-8, '+' for space). */
const form = (f: Record<string, string>) => new URLSearchParams(f).toString();

function apply(file: DeviceFile, body: string): { file?: DeviceFile; err: string } {
  const out: { file?: DeviceFile } = {};
  const err = applyForm(file, body, out);
  return { file: out.file, err };
}

test("decodes '+' and %XX to bytes, the way a browser encoded them", () => {
  assert.is(formDecode("my+home%21"), "my home!");
  assert.is(formDecode("a%2Bb%26c%3Dd%25"), "a+b&c=d%");
  // UTF-8 stays bytes: "Café" is five byte-characters, as Wi-Fi names are on the air.
  assert.is(formDecode(form({ x: "Café" }).slice(2)), Buffer.from("Café", "utf8").toString("latin1"));
  assert.is(formDecode("%e9%C3"), "\xe9\xc3", "both hex cases, and bytes above 127 (Espruino's decodeURIComponent throws on them)");
  assert.is(formDecode("100%"), undefined);
  assert.is(formDecode("%4"), undefined);
  assert.is(formDecode("%zz"), undefined);
});

test("finds a field by name; absent is empty, the first one wins, names are decoded too", () => {
  const body = "password=p%26ss&ssid=home&ssid=second&empty=&flag&host%5F=x";
  assert.is(formField(body, "ssid"), "home");
  assert.is(formField(body, "password"), "p&ss");
  assert.is(formField(body, "empty"), "");
  assert.is(formField(body, "flag"), "");
  assert.is(formField(body, "host_"), "x");
  assert.is(formField(body, "missing"), "");
  assert.is(formField("", "ssid"), "");
  assert.is(formField("ssid=%G1", "ssid"), undefined);
});

test("a valid form: Wi-Fi set, relay changed, id, secret and pins kept; the result passes the check", () => {
  const r = apply(FILE, form({ ssid: "home net", password: "correct horse", host: "192.168.1.20", port: "1884" }));
  assert.is(r.err, "");
  assert.equal(r.file, { id: "kitchen", secret: "kitchen-secret", relay: { host: "192.168.1.20", port: 1884 }, pins: { button: 4 }, wifi: { ssid: "home net", password: "correct horse" } });
  assert.is(checkDeviceFile(r.file), "");
  assert.equal(FILE.wifi, undefined, "the file given is not changed");
});

test("empty password means an open network; empty relay fields keep the relay", () => {
  const withWifi: DeviceFile = { ...FILE, wifi: { ssid: "old", password: "old-pass" } };
  const r = apply(withWifi, form({ ssid: "cafe", password: "", host: "", port: "" }));
  assert.equal(r.file?.wifi, { ssid: "cafe" });
  assert.equal(r.file?.relay, FILE.relay);
});

test("static IP settings stay for the same Wi-Fi name and go for another", () => {
  const fixed: DeviceFile = { ...FILE, wifi: { ssid: "home", password: "a", ip: "192.168.1.9", gateway: "192.168.1.1", netmask: "255.255.255.0" } };
  assert.equal(apply(fixed, form({ ssid: "home", password: "b" })).file?.wifi, { ssid: "home", password: "b", ip: "192.168.1.9", gateway: "192.168.1.1", netmask: "255.255.255.0" });
  assert.equal(apply(fixed, form({ ssid: "other", password: "b" })).file?.wifi, { ssid: "other", password: "b" });
});

test("bad input: a clear message in the page's words, and no file", () => {
  const cases: Array<[Record<string, string> | string, RegExp]> = [
    [{ ssid: "", password: "x" }, /^Wi-Fi name: required$/],
    [{ password: "x" }, /^Wi-Fi name: required$/],
    [{ ssid: "x".repeat(33) }, /^Wi-Fi name: must be at most 32 characters$/],
    // 17 characters of two bytes each: 34 bytes, too long for a Wi-Fi name although 17 characters.
    [{ ssid: "é".repeat(17) }, /^Wi-Fi name: must be at most 32 characters$/],
    [{ ssid: "home", password: "p".repeat(65) }, /^Wi-Fi password: must be at most 64 characters$/],
    [{ ssid: "home", host: "relay.local/x" }, /^Relay address: must be a host name or IP address$/],
    [{ ssid: "home", host: "a b" }, /^Relay address: /],
    [{ ssid: "home", host: "h".repeat(254) }, /^Relay address: must be at most 253 characters$/],
    [{ ssid: "home", port: "70000" }, /^Relay port: must be between 1 and 65535$/],
    [{ ssid: "home", port: "18a3" }, /^Relay port: must be an integer$/],
    [{ ssid: "home", port: "1.5" }, /^Relay port: must be an integer$/],
    ["ssid=home%2&password=x", /badly encoded/],
  ];
  for (const [f, why] of cases) {
    const r = apply(FILE, typeof f === "string" ? f : form(f));
    assert.match(r.err, why, JSON.stringify(f));
    assert.is(r.file, undefined);
  }
});

test("the page escapes what it shows and never shows the password or the secret", () => {
  const file: DeviceFile = { ...FILE, id: "k", wifi: { ssid: 'a"<b>&', password: "hunter2-pass" } };
  const html = formPage(file, "Wi-Fi name: <bad>");
  assert.match(html, /value="a&quot;&lt;b&gt;&amp;"/);
  assert.match(html, /&lt;bad&gt;\. Nothing was saved/);
  assert.not.match(html, /hunter2-pass|kitchen-secret/);
  assert.is(escapeHtml("plain"), "plain");
  assert.not.match(savedPage(file), /hunter2-pass|kitchen-secret/);
  assert.match(savedPage(file), /joins a&quot;&lt;b&gt;&amp;/);
});

test.run();
