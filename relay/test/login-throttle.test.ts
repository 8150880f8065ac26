// The login lockout on a fake clock: five failures lock an address for 2 s, doubling to 60 s,
// forgotten after 10 quiet minutes; other addresses are not affected.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle } from "../src/bus/login-throttle";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test("five failures lock an address out for 2 s; the others are untouched", () => {
  const c = clock();
  const th = new LoginThrottle({ ...DEFAULT_LOGIN_THROTTLE, now: c.now });
  for (let i = 0; i < 4; i++) assert.is(th.failed("10.0.0.7"), 0);
  assert.is(th.lockedFor("10.0.0.7"), 0);
  assert.is(th.failed("10.0.0.7"), 2000);
  assert.is(th.lockedFor("10.0.0.7"), 2000);
  assert.is(th.lockedFor("10.0.0.8"), 0);
  c.advance(1999);
  assert.is(th.lockedFor("10.0.0.7"), 1);
  c.advance(1);
  assert.is(th.lockedFor("10.0.0.7"), 0);
});

test("each failure after a lockout doubles the next, up to 60 s", () => {
  const c = clock();
  const th = new LoginThrottle({ ...DEFAULT_LOGIN_THROTTLE, now: c.now });
  for (let i = 0; i < 4; i++) th.failed("a");
  const lockouts: number[] = [];
  for (let i = 0; i < 8; i++) {
    const ms = th.failed("a");
    lockouts.push(ms);
    assert.is(th.failed("a"), 0, "a failure while locked out does not start another");
    c.advance(ms);
  }
  assert.equal(lockouts, [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test("a success starts afresh; ten quiet minutes forget an address", () => {
  const c = clock();
  const th = new LoginThrottle({ ...DEFAULT_LOGIN_THROTTLE, now: c.now });
  for (let i = 0; i < 4; i++) th.failed("a");
  th.succeeded("a");
  assert.is(th.failed("a"), 0, "counting starts again");
  for (let i = 0; i < 4; i++) th.failed("b");
  assert.is(th.failed("b"), 2000);
  c.advance(10 * 60_000);
  assert.is(th.lockedFor("b"), 0);
  for (let i = 0; i < 4; i++) assert.is(th.failed("b"), 0, "forgotten: five more failures before a lockout");
  assert.is(th.failed("b"), 2000, "and the first lockout is 2 s again");
});

test("the number of addresses tracked is bounded", () => {
  const th = new LoginThrottle({ ...DEFAULT_LOGIN_THROTTLE, maxAddresses: 100 });
  for (let i = 0; i < 1000; i++) th.failed("10.1." + (i >> 8) + "." + (i & 255));
  assert.is(th.size, 100);
});

test.run();
