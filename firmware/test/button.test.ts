import { test } from "uvu";
import * as assert from "uvu/assert";
import { createButton, ButtonTiming } from "../src/core/button";
import { fakeBindings } from "./fakes";

function rig(t: Partial<ButtonTiming> = {}) {
  const b = fakeBindings();
  const timing: ButtonTiming = { longMs: 1500, double: true, doubleMs: 400, debounceMs: 30, ...t };
  const presses: { type: string; t: number; at: number }[] = [];
  let armed = 0;
  const btn = createButton(b, timing, (type, at) => presses.push({ type, t: at, at: b.now() }), () => armed++);
  const edge = (down: boolean) => btn.edge(down, b.now());
  /** A clean press held for `ms`. */
  const tap = (ms: number) => {
    edge(true);
    b.clock.advance(ms);
    edge(false);
  };
  return { b, btn, timing, presses, edge, tap, armed: () => armed, t0: b.now() };
}

test("double press off: a short press is reported at release, without waiting", () => {
  const r = rig({ double: false });
  r.tap(120);
  r.b.clock.advance(31); // the release settles
  assert.equal(r.presses.length, 1);
  assert.is(r.presses[0].type, "pressed");
  assert.is(r.presses[0].t, r.t0, "the press time is when it went down");
  assert.is(r.presses[0].at - r.t0, 120 + 30, "reported as soon as the release settled");
  assert.ok(r.btn.idle());
});

test("double press on: a short press waits for the double window, then is a short press", () => {
  const r = rig();
  r.tap(120);
  r.b.clock.advance(30 + 399);
  assert.equal(r.presses, [], "not yet: a second press could still come");
  assert.not.ok(r.btn.idle(), "a press in progress keeps the board awake");
  r.b.clock.advance(1);
  assert.equal(r.presses.map((p) => p.type), ["pressed"]);
  assert.ok(r.btn.idle());
});

test("a second press within the window is one double press, reported at the second press", () => {
  const r = rig();
  r.tap(100);
  r.b.clock.advance(200); // gap after release
  r.edge(true);
  r.b.clock.advance(31);
  assert.equal(r.presses.map((p) => p.type), ["pressed-double"]);
  assert.is(r.presses[0].t, r.t0, "dated by the first press");
  r.b.clock.advance(2000); // the second press held long: still nothing more
  r.edge(false);
  r.b.clock.advance(1000);
  assert.is(r.presses.length, 1);
  assert.is(r.armed(), 0, "the second press of a double never arms a long press");
});

test("a second press after the window is two short presses", () => {
  const r = rig();
  r.tap(100);
  r.b.clock.advance(30 + 450);
  r.tap(100);
  r.b.clock.advance(30 + 400);
  assert.equal(r.presses.map((p) => p.type), ["pressed", "pressed"]);
});

test("a long press arms at the threshold (so the LED can say let go) and is reported at release", () => {
  const r = rig();
  r.edge(true);
  r.b.clock.advance(30 + 1469);
  assert.is(r.armed(), 0);
  r.b.clock.advance(2);
  assert.is(r.armed(), 1, "armed once the threshold is crossed, counted from the first edge");
  r.b.clock.advance(3000);
  assert.equal(r.presses, [], "not reported while held");
  r.edge(false);
  r.b.clock.advance(31);
  assert.equal(r.presses.map((p) => p.type), ["pressed-long"]);
  r.b.clock.advance(1000);
  assert.is(r.presses.length, 1, "no double-press window after a long press");
});

test("just under the threshold is a short press", () => {
  const r = rig({ double: false });
  r.tap(1450);
  r.b.clock.advance(31);
  assert.is(r.armed(), 0);
  assert.equal(r.presses.map((p) => p.type), ["pressed"]);
});

test("bounce: a burst of edges on press and on release is one press, not a double", () => {
  const r = rig();
  for (const d of [true, false, true, false, true]) {
    r.edge(d);
    r.b.clock.advance(3);
  }
  r.b.clock.advance(150);
  for (const d of [false, true, false, true, false]) {
    r.edge(d);
    r.b.clock.advance(4);
  }
  r.b.clock.advance(1000);
  assert.equal(r.presses.map((p) => p.type), ["pressed"]);
});

test("bounce: a glitch shorter than the debounce time is no press at all", () => {
  const r = rig({ double: false });
  r.edge(true);
  r.b.clock.advance(10);
  r.edge(false);
  r.b.clock.advance(1000);
  assert.equal(r.presses, []);
  assert.ok(r.btn.idle());
});

test("timings are read at each press: a new long threshold from the relay applies to the next press", () => {
  const r = rig({ double: false });
  r.timing.longMs = 600;
  r.edge(true);
  r.b.clock.advance(30 + 600);
  assert.is(r.armed(), 1);
  r.edge(false);
  r.b.clock.advance(31);
  assert.equal(r.presses.map((p) => p.type), ["pressed-long"]);
});

test.run();
