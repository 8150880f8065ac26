import { test } from "uvu";
import * as assert from "uvu/assert";
import { backoff } from "../src/core/backoff";

test("doubles from the base up to the cap", () => {
  const mid = (n: number) => backoff(n, 1000, 60000, 0.5); // rnd 0.5 = no spread
  assert.equal([0, 1, 2, 3, 4, 5, 6, 7, 30].map(mid), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test("spread by ±25 % so devices do not retry in step", () => {
  assert.is(backoff(2, 1000, 60000, 0), 3000);
  assert.is(backoff(2, 1000, 60000, 0.999999), 5000);
  assert.is(backoff(40, 1000, 60000, 0), 45000, "the cap is spread too");
});

test.run();
