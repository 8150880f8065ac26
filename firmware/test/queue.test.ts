import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadQueue, Queued } from "../src/core/queue";
import { fakeClock, memStorage } from "./fakes";

const press = (s: number, t: number): Queued => ({ b: "a1b2c3d4", s, y: "pressed", t });

test("bounded: when full the oldest press goes, and is counted", () => {
  const st = memStorage();
  const c = fakeClock();
  const q = loadQueue(st, 3, c.now);
  for (let i = 0; i < 5; i++) q.add(press(i, c.now()));
  assert.equal(q.items.map((e) => e.s), [2, 3, 4]);
  assert.is(q.dropped, 2);
});

test("persisted: a reboot finds the same presses (identity and press time) and the drop count", () => {
  const st = memStorage();
  const c = fakeClock();
  const q = loadQueue(st, 2, c.now);
  q.add(press(0, c.now() - 5000));
  q.add(press(1, c.now() - 1000));
  q.add(press(2, c.now()));
  c.advance(60_000);
  const again = loadQueue(st, 2, c.now);
  assert.equal(again.items, [press(1, 1_000_000 - 1000), press(2, 1_000_000)]);
  assert.is(again.dropped, 1);
});

test("a removed press is gone from Storage too; an empty queue leaves no file", () => {
  const st = memStorage();
  const c = fakeClock();
  const q = loadQueue(st, 5, c.now);
  const a = press(0, c.now());
  const b = press(1, c.now());
  q.add(a);
  q.add(b);
  q.remove(a);
  assert.equal(loadQueue(st, 5, c.now).items.map((e) => e.s), [1]);
  q.remove(b);
  assert.is(st.files.has("bttn.q"), false);
  q.remove(b); // twice is harmless
});

test("a clock that restarted (power loss, no RTC) keeps the ages the presses had when saved", () => {
  const st = memStorage();
  const before = fakeClock(5_000_000);
  const q = loadQueue(st, 5, before.now);
  q.add(press(0, before.now() - 7000)); // 7 s old when saved
  const after = fakeClock(2000); // rebooted: the clock starts near zero
  const again = loadQueue(st, 5, after.now);
  assert.is(after.now() - again.items[0].t, 7000);
});

test("a damaged queue file does not stop the boot", () => {
  const st = memStorage();
  st.write("bttn.q", '{"at":1,"q":[{"b":');
  const q = loadQueue(st, 5, fakeClock().now);
  assert.equal(q.items, []);
  q.add(press(0, 1));
  assert.is(q.items.length, 1);
});

test.run();
