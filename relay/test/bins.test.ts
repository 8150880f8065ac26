// Request bins' bounds on a fake clock: how many bins, requests per bin, their age, the body kept
// per request and over all bins; and what is kept is masked.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Arrived, Bins, BIN_DEFAULTS } from "../src/bins/bins";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const arrived = (body = "", more: Partial<Arrived> = {}): Arrived => ({ method: "POST", path: "/bin/a", query: new URLSearchParams(), headers: { "content-type": "text/plain" }, body: Buffer.from(body), ...more });

test("at most `bins` bins; names are unique; removing frees a place", () => {
  const b = new Bins({ ...BIN_DEFAULTS, bins: 2 });
  assert.ok(typeof b.create("a") === "object");
  assert.is(b.create("a"), "exists");
  assert.ok(typeof b.create() === "object");
  assert.is(b.create("c"), "full");
  assert.ok(b.remove("a"));
  assert.not.ok(b.remove("a"));
  assert.ok(typeof b.create("c") === "object");
  assert.is(b.record("a", arrived()), undefined, "no such bin");
});

test("requests older than maxAgeMs are dropped; at most `requests` per bin, the oldest first", () => {
  const c = clock();
  const b = new Bins({ ...BIN_DEFAULTS, requests: 3, maxAgeMs: 1000 }, c.now);
  b.create("a");
  for (let i = 0; i < 4; i++) {
    b.record("a", arrived(String(i)));
    c.advance(300);
  }
  assert.equal(b.requests("a")!.map((r) => r.body), ["3", "2", "1"]);
  c.advance(500); // now 1700 ms after the first: "1" (at 300) and "2" (at 600) are older than 1 s
  assert.equal(b.requests("a")!.map((r) => r.body), ["3"]);
  assert.equal(b.list().map((x) => x.count), [1]);
});

test("a body is cut to bodyBytes; over all bins, totalBodyBytes, dropping the oldest request anywhere", () => {
  const b = new Bins({ ...BIN_DEFAULTS, bodyBytes: 10, totalBodyBytes: 25 });
  b.create("a");
  b.create("b");
  const r = b.record("a", arrived("x".repeat(50)))!;
  assert.equal([r.body, r.bodyBytes, r.truncated], ["x".repeat(10), 50, true]);
  b.record("b", arrived("y".repeat(10)));
  b.record("a", arrived("z".repeat(10)));
  assert.equal(b.requests("a")!.map((q) => q.body[0]), ["z"], "the oldest (in a) went to make room");
  assert.equal(b.requests("b")!.map((q) => q.body[0]), ["y"]);
  b.remove("a");
  b.record("b", arrived("w".repeat(10)));
  assert.equal(b.requests("b")!.map((q) => q.body[0]), ["w", "y"], "removing a bin gave its bytes back");
});

test("kept masked: secret headers, secret query values, secret fields of form and JSON bodies, callback tokens", () => {
  const b = new Bins();
  b.create("a");
  const token = "A".repeat(32);
  const r = b.record("a", {
    method: "POST",
    path: "/bin/a/callback/" + token,
    query: new URLSearchParams("password=p1&x=1&back=http%3A%2F%2Fr%2Fcallback%2F" + token),
    headers: { authorization: "Basic bWU6cHc=", "content-type": "application/json", "x-plain": "ok" },
    body: Buffer.from(JSON.stringify({ secret: "s3", n: 1 })),
  })!;
  assert.is(r.headers.authorization, "[redacted]");
  assert.is(r.headers["x-plain"], "ok");
  assert.equal(r.query, { password: "[redacted]", x: "1", back: "http://r/callback/[redacted]" });
  assert.equal(JSON.parse(r.body), { secret: "[redacted]", n: 1 });
  assert.not.ok(JSON.stringify(r).includes(token));
});

test("watchers hear each request until they stop", () => {
  const b = new Bins();
  b.create("a");
  const heard: string[] = [];
  const stop = b.watch((bin, r) => heard.push(bin + ":" + r.body));
  b.record("a", arrived("1"));
  stop();
  b.record("a", arrived("2"));
  assert.equal(heard, ["a:1"]);
});

test.run();
