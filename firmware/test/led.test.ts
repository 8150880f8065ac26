import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLed } from "../src/core/led";
import { pattern, PATTERNS } from "../src/core/led-patterns";
import { fakeBindings } from "./fakes";

const PINS = [21, 22, 23];

function rig(inverted = false) {
  const b = fakeBindings();
  const seen: { name: string; rgb: number; first: boolean; t: number }[] = [];
  const led = createLed(b, PINS, inverted, (name, rgb, first) => seen.push({ name, rgb, first, t: b.now() }));
  const duty = () => PINS.map((p) => {
    const last = [...b.pwmLog].reverse().find((x) => x[0] === p);
    return last ? Math.round(last[1] * 255) : -1;
  });
  return { b, led, seen, duty };
}

test("a looping pattern plays its steps with their timing, over and over", () => {
  const r = rig();
  r.led.show("connecting"); // blue 100 ms, off 900 ms
  r.b.clock.advance(2500);
  const colours = r.seen.map((s) => [s.rgb, s.t - r.seen[0].t]);
  assert.equal(colours.slice(0, 5), [[0x0000ff, 0], [0, 100], [0x0000ff, 1000], [0, 1100], [0x0000ff, 2000]]);
  assert.equal(r.seen.filter((s) => s.first).length, 1, "one start, however many loops");
});

test("news (a counted pattern) plays n times, then the state comes back", () => {
  const r = rig();
  r.led.show("pending");
  r.led.show("fail"); // red 250/250 x3
  assert.is(r.led.now(), "fail");
  r.b.clock.advance(1499);
  assert.is(r.led.now(), "fail");
  assert.is(r.seen.filter((s) => s.name === "fail" && s.rgb === 0xff0000).length, 3, "three red blinks");
  r.b.clock.advance(1);
  assert.is(r.led.now(), "pending", "back to the state");
});

test("a state shown during news waits for the news to finish", () => {
  const r = rig();
  r.led.show("ok");
  r.led.show("connecting");
  assert.is(r.led.now(), "ok", "the ok is not cut short");
  r.b.clock.advance(2000);
  assert.is(r.led.now(), "connecting");
});

test("showing the state already playing does not restart it", () => {
  const r = rig();
  r.led.show("connecting");
  r.b.clock.advance(50);
  r.led.show("connecting");
  assert.is(r.seen.filter((s) => s.first).length, 1);
});

test("news with a follow-up plays both, then the state", () => {
  const r = rig();
  r.led.show("off");
  r.led.show("ok", "lowbat");
  r.b.clock.advance(2000);
  assert.is(r.led.now(), "lowbat");
  r.b.clock.advance(600);
  assert.is(r.led.now(), "off");
  assert.equal(r.seen.filter((s) => s.first).map((s) => s.name), ["off", "ok", "lowbat", "off"]);
});

test("newer news replaces older news at once", () => {
  const r = rig();
  r.led.show("ok");
  r.b.clock.advance(100);
  r.led.show("fail");
  assert.is(r.led.now(), "fail");
});

test("colours go to the three pins; common anode inverts them", () => {
  const c = rig(false);
  c.led.show("pending");
  assert.equal(c.duty(), [255, 160, 0]);
  const a = rig(true);
  a.led.show("pending");
  assert.equal(a.duty(), [0, 95, 255]);
  a.led.show("off");
  assert.equal(a.duty(), [255, 255, 255], "off is high on every pin of a common-anode LED");
});

test("a held colour (0 ms step) sets no timer: an idle LED does not keep waking the CPU", () => {
  const r = rig();
  r.led.show("off");
  assert.is(r.b.clock.pending(), 0);
});

test("every pattern is distinct and documented in the README table", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const seen = new Set<string>();
  for (const name of Object.keys(PATTERNS)) {
    assert.ok(readme.includes("`" + name + "`"), "README documents " + name);
    const p = pattern(name)!;
    assert.ok(p.s.every((x) => x === x && x >= 0 && x <= 0xffffff), name + ": every colour and time is a number");
    const key = JSON.stringify(p);
    assert.not.ok(seen.has(key), name + " looks like another pattern");
    seen.add(key);
    assert.ok(p.s.length % 2 === 0 && p.s.length > 0, name + ": steps come in colour/ms pairs");
  }
  const needed = ["connecting", "pending", "ok", "fail", "queued", "armed", "denied", "lowbat"];
  for (const n of needed) assert.ok((PATTERNS as Record<string, unknown>)[n], "pattern " + n);
});

test.run();
