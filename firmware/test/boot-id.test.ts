import { test } from "uvu";
import * as assert from "uvu/assert";
import { newBootId } from "../src/core/boot-id";
import { memStorage } from "./fakes";

test("8 lowercase hex characters, as the protocol wants", () => {
  assert.match(newBootId(memStorage(), Math.random(), Date.now()), /^[0-9a-f]{8}$/);
});

test("never repeats in 65536 boots, even when the random generator and the clock repeat at every power-up", () => {
  const st = memStorage();
  const seen = new Set<string>();
  for (let i = 0; i < 65536; i++) seen.add(newBootId(st, 0.25, 1234)); // same "random" and time each boot
  assert.is(seen.size, 65536);
});

test("looks random: consecutive boots differ in both halves", () => {
  const st = memStorage();
  const a = newBootId(st, 0.25, 1234);
  const b = newBootId(st, 0.75, 99999);
  assert.is.not(a.slice(0, 4), b.slice(0, 4));
  assert.is.not(a.slice(4), b.slice(4));
});

test("the counter survives in Storage", () => {
  const st = memStorage();
  newBootId(st, 0, 0);
  newBootId(st, 0, 0);
  assert.is(st.read("bttn.n"), "2");
});

test.run();
