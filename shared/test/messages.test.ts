import { test } from "uvu";
import * as assert from "uvu/assert";
import {
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
  MAX_PAYLOAD,
  REASONS,
  isReason,
  asciiJson,
} from "../src/index";

const ev = { v: 1 as const, boot: "9f2c41aa", seq: 3, type: "pressed" as const, age: 0, bat: 3.02, rssi: -61 };

function err(d: { ok: boolean; error?: string }): string {
  assert.not.ok(d.ok, "expected a rejection");
  return d.error!;
}

test("event: round trip, with and without health fields", () => {
  const s = encodeEvent(ev);
  assert.is(s, '{"v":1,"boot":"9f2c41aa","seq":3,"type":"pressed","age":0,"bat":3.02,"rssi":-61}');
  const d = decodeEvent(s);
  assert.ok(d.ok);
  if (d.ok) assert.equal(d.value, ev);
  const bare = decodeEvent(encodeEvent({ v: 1, boot: "abcd", seq: 0, type: "heartbeat", age: 12 }));
  assert.ok(bare.ok);
  for (const t of ["pressed", "pressed-long", "pressed-double", "heartbeat"] as const) assert.ok(decodeEvent(encodeEvent({ ...ev, type: t })).ok, t);
});

test("event: every rejection names the field", () => {
  const bad = (o: Record<string, unknown>) => err(decodeEvent(JSON.stringify({ ...ev, ...o })));
  assert.match(err(decodeEvent("not json")), /^payload: not valid JSON/);
  assert.match(err(decodeEvent("[1,2]")), /^payload: must be a JSON object/);
  assert.match(err(decodeEvent("null")), /^payload: must be a JSON object/);
  assert.match(err(decodeEvent("x".repeat(MAX_PAYLOAD + 1))), /^payload: larger than 1024/);
  assert.match(bad({ v: 2 }), /^v: unsupported protocol version 2/);
  assert.match(err(decodeEvent('{"boot":"abcd","seq":1}')), /^v: unsupported protocol version null/);
  assert.match(bad({ boot: "XYZ!" }), /^boot: must be 4 to 16 lowercase hex/);
  assert.match(bad({ boot: "abc" }), /^boot:/);
  assert.match(bad({ boot: "a".repeat(17) }), /^boot:/);
  assert.match(bad({ boot: 1234 }), /^boot:/);
  assert.match(bad({ seq: -1 }), /^seq: must be between 0/);
  assert.match(bad({ seq: 1.5 }), /^seq: must be a non-negative integer/);
  assert.match(bad({ seq: "3" }), /^seq: must be a non-negative integer/);
  assert.match(bad({ type: "exploded" }), /^type: must be one of pressed, pressed-long, pressed-double, heartbeat/);
  assert.match(bad({ type: "not-pressed" }), /^type:/); // the relay makes those, devices do not send them
  assert.match(bad({ age: -5 }), /^age: must be between 0/);
  assert.match(bad({ age: null }), /^age: must be an integer/);
  assert.match(bad({ bat: "3V" }), /^bat: must be a number/);
  assert.match(bad({ bat: 99 }), /^bat: must be between 0 and 20/);
  assert.match(bad({ rssi: 10 }), /^rssi: must be between -150 and 0/);
  assert.match(bad({ rssi: -60.5 }), /^rssi: must be an integer/);
  assert.match(bad({ online: true }), /^online: unknown field/);
  assert.match(bad({ __proto__x: 1 }), /unknown field/);
});

test("result: pending, ok, fail round trip", () => {
  const p = pendingResult(ev, 10000);
  assert.is(encodeResult(p), '{"v":1,"boot":"9f2c41aa","seq":3,"state":"pending","wait":10000}');
  const o = okResult(ev, 200);
  assert.is(encodeResult(o), '{"v":1,"boot":"9f2c41aa","seq":3,"state":"ok","code":200}');
  const f = failResult(ev, "http", 500);
  assert.is(encodeResult(f), '{"v":1,"boot":"9f2c41aa","seq":3,"state":"fail","code":500,"reason":"http"}');
  for (const r of [p, o, f, okResult(ev), failResult(ev, "timeout")]) {
    const d = decodeResult(encodeResult(r));
    assert.ok(d.ok);
    if (d.ok) assert.equal(d.value, r);
  }
  for (const reason of REASONS) assert.ok(decodeResult(encodeResult(failResult(ev, reason))).ok, reason);
});

test("result: rejections", () => {
  const base = { v: 1, boot: "9f2c41aa", seq: 3 };
  const bad = (o: Record<string, unknown>) => err(decodeResult(JSON.stringify({ ...base, ...o })));
  assert.match(bad({ state: "maybe" }), /^state: must be one of pending, ok, fail/);
  assert.match(bad({ state: "pending" }), /^wait: must be an integer \(required with pending\)/);
  assert.match(bad({ state: "ok", wait: 5 }), /^wait: only allowed with pending/);
  assert.match(bad({ state: "fail" }), /^reason: must be a word of lowercase letters/);
  assert.match(bad({ state: "fail", reason: "Bad Luck!" }), /^reason:/);
  assert.match(bad({ state: "fail", reason: "x".repeat(33) }), /^reason:/);
  // A reason this side does not know yet (a newer relay): the device must still take the fail.
  assert.ok(decodeResult(JSON.stringify({ v: 1, boot: "9f2c41aa", seq: 3, state: "fail", reason: "rate-limited" })).ok);
  assert.match(bad({ state: "ok", reason: "http" }), /^reason: only allowed with fail/);
  assert.match(bad({ state: "ok", code: 42 }), /^code: must be between 100 and 599/);
  assert.match(bad({ state: "ok", extra: 1 }), /^extra: unknown field/);
  assert.match(bad({ state: "ok", seq: -1 }), /^seq:/);
});

test("status: round trip and rejections", () => {
  const s = { v: 1 as const, online: true, fw: "0.1.0", bat: 3.7, rssi: -50 };
  assert.is(encodeStatus({ v: 1, online: false }), '{"v":1,"online":false}');
  const d = decodeStatus(encodeStatus(s));
  assert.ok(d.ok);
  if (d.ok) assert.equal(d.value, s);
  const bad = (o: Record<string, unknown>) => err(decodeStatus(JSON.stringify({ v: 1, online: true, ...o })));
  assert.match(bad({ online: "yes" }), /^online: must be true or false/);
  assert.match(bad({ fw: "x".repeat(33) }), /^fw: must be printable ASCII/);
  assert.match(bad({ fw: "1.0\n" }), /^fw:/);
  assert.match(bad({ bat: -1 }), /^bat:/);
  assert.match(bad({ type: "pressed" }), /^type: unknown field/);
});

test("device config: round trip and rejections", () => {
  const c = { v: 1 as const, longMs: 1500, double: true, doubleMs: 400, sleep: false, heartbeatS: 3600 };
  const d = decodeDeviceConfig(encodeDeviceConfig(c));
  assert.ok(d.ok);
  if (d.ok) assert.equal(d.value, c);
  assert.is(encodeDeviceConfig({ v: 1 }), '{"v":1}');
  // The order of the fields given does not matter: v first, then the protocol's order.
  const reversed = { heartbeatS: 3600, sleep: false, doubleMs: 400, double: true, longMs: 1500, v: 1 as const };
  assert.is(encodeDeviceConfig(reversed), '{"v":1,"longMs":1500,"double":true,"doubleMs":400,"sleep":false,"heartbeatS":3600}');
  const bad = (o: Record<string, unknown>) => err(decodeDeviceConfig(JSON.stringify({ v: 1, ...o })));
  assert.match(bad({ longMs: 50 }), /^longMs: must be between 300 and 10000/);
  assert.match(bad({ doubleMs: 5000 }), /^doubleMs:/);
  assert.match(bad({ heartbeatS: -1 }), /^heartbeatS:/);
  assert.match(bad({ double: "on" }), /^double: must be true or false/);
  assert.match(bad({ sleep: 1 }), /^sleep: must be true or false/);
  assert.match(bad({ colour: "red" }), /^colour: unknown field/);
});

test("reasons and ASCII-only JSON", () => {
  assert.ok(isReason("no-webhook"));
  assert.not.ok(isReason("nope"));
  assert.not.ok(isReason(3));
  assert.is(asciiJson({ n: "Küche ☕" }), '{"n":"K\\u00fcche \\u2615"}');
  assert.equal(JSON.parse(asciiJson({ n: "Küche ☕" })), { n: "Küche ☕" });
});

test.run();
