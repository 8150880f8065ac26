// The transport against real servers on loopback that misbehave on purpose: huge and endless
// answers (the size cap), keep-alive connections the server closes (the one retry, and when it must
// not happen), servers that never answer or stall mid-body (the total timeout), IPv6 loopback, and
// answers that are not HTTP.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { LookupFunction, Socket } from "node:net";
import type { HttpRequest } from "../src/engine/http";
import { ActionError } from "../src/engine/http";
import { Transport } from "../src/engine/transport";
import { makePki } from "../../test/support/certs";
import { answer, closedPort, delayProxy, httpServer, rawServer, silentServer, TestServer } from "../../test/support/servers";

function req(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: "GET", url, headers: {}, timeoutMs: 2000, maxResponseBytes: 65_536, ...extra };
}

/** The ActionError a send fails with; fails the test if it succeeds. */
async function failure(p: Promise<unknown>): Promise<ActionError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, ActionError, "an ActionError: " + String(e));
    return e as ActionError;
  }
  throw new assert.Assertion({ message: "the send succeeded but should have failed", generated: false, operator: "throws", expects: "failure", actual: "success" });
}

// Undici checks an idle keep-alive connection for a close from the server (one event-loop turn)
// before reusing it; a request sent back to back meanwhile gets a new connection. A short pause
// lets the next request go out on the connection the previous one used.
const settle = () => new Promise((res) => setTimeout(res, 20));

async function withServer<T extends TestServer>(start: Promise<T>, body: (s: T, t: Transport) => Promise<void>): Promise<void> {
  const s = await start;
  const t = new Transport();
  try {
    await body(s, t);
  } finally {
    await t.close();
    await s.close();
  }
}

// --- response-size cap -------------------------------------------------------------------------

test("a 5 MB answer is cut at maxResponseBytes, still ok, and the pool serves the next request", () =>
  withServer(
    httpServer((q, res) => {
      if (q.url === "/big") return void res.end(Buffer.alloc(5 * 1024 * 1024, "x"));
      res.end("small");
    }),
    async (s, t) => {
      const started = Date.now();
      const big = await t.send(req(s.url("/big"), { maxResponseBytes: 1000 }));
      assert.is(big.status, 200);
      assert.is(big.body.length, 1000);
      assert.is(big.body, "x".repeat(1000));
      const next = await t.send(req(s.url("/small")));
      assert.equal([next.status, next.body], [200, "small"]);
      assert.ok(Date.now() - started < 1500, "no waiting on the rest of the big answer");
    },
  ));

test("an endless answer is cut too: ok at once instead of a timeout", () =>
  withServer(
    httpServer((q, res) => {
      if (q.url !== "/endless") return void res.end("after");
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "y");
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    }),
    async (s, t) => {
      const started = Date.now();
      const r = await t.send(req(s.url("/endless"), { maxResponseBytes: 100_000, timeoutMs: 3000 }));
      assert.equal([r.status, r.body.length], [200, 100_000]);
      assert.ok(Date.now() - started < 1000, "took " + (Date.now() - started) + " ms");
      const next = await t.send(req(s.url("/after")));
      assert.equal([next.status, next.body], [200, "after"]);
    },
  ));

test("an answer exactly as long as the cap is read whole and its connection kept", () =>
  withServer(
    httpServer((_q, res) => res.end("0123456789")),
    async (s, t) => {
      const a = await t.send(req(s.url("/a"), { maxResponseBytes: 10 }));
      await settle();
      const b = await t.send(req(s.url("/b"), { maxResponseBytes: 10 }));
      assert.equal([a.body, b.body], ["0123456789", "0123456789"]);
      assert.is(s.connections, 1, "both requests on one keep-alive connection");
      const c = await t.send(req(s.url("/c"), { maxResponseBytes: 0 }));
      assert.equal([c.status, c.body], [200, ""]);
    },
  ));

// --- the one retry on a reused connection --------------------------------------------------------

// A server that closes a keep-alive connection as the next request arrives on it: its idle timer
// fired just as we sent. `how` is a FIN (end) or a reset.
function idleCloser(how: "end" | "reset") {
  return rawServer((r, socket: Socket) => {
    if (r.onConnection === 1) return void socket.write(answer(200, "served " + r.body));
    if (how === "end") socket.end();
    else socket.resetAndDestroy();
  });
}

for (const how of ["end", "reset"] as const) {
  for (const method of ["GET", "PUT", "DELETE"] as const) {
    test(`${method}: a reused connection closed by the server (${how}) before any answer: one retry on a new connection, body intact`, () =>
      withServer(idleCloser(how), async (s, t) => {
        // Undici does not reuse a connection after a GET or DELETE with a body: those go without.
        const body = (text: string) => (method === "PUT" ? text : undefined);
        const first = await t.send(req(s.url("/a"), { method, body: body("one") }));
        assert.equal([first.status, first.body], [200, "served " + (body("one") ?? "")]);
        await settle();
        const second = await t.send(req(s.url("/b"), { method, body: body("two") }));
        assert.equal([second.status, second.body], [200, "served " + (body("two") ?? "")]);
        assert.is(t.stats.retries, 1);
        assert.is(s.connections, 2);
        assert.equal(
          s.requests.map((r) => [r.onConnection, r.head.split(" ")[1], r.body]),
          [[1, "/a", body("one") ?? ""], [2, "/b", body("two") ?? ""], [1, "/b", body("two") ?? ""]],
          "the dropped request went out once more, on a fresh connection",
        );
      }));
  }

  // The server read the whole request before it closed: it may have acted on it. A POST or PATCH
  // is a press that must fire once, so it fails instead of going out again.
  for (const method of ["POST", "PATCH"] as const) {
    test(`${method}: a reused connection closed by the server (${how}) after it read the request: no resend, the press fails`, () =>
      withServer(idleCloser(how), async (s, t) => {
        const first = await t.send(req(s.url("/a"), { method, body: "one" }));
        assert.equal([first.status, first.body], [200, "served one"]);
        await settle();
        const e = await failure(t.send(req(s.url("/b"), { method, body: "two" })));
        assert.is(e.reason, "refused");
        assert.is(t.stats.retries, 0);
        await settle();
        assert.equal(
          s.requests.map((r) => [r.onConnection, r.body]),
          [[1, "one"], [2, "two"]],
          "the server got the request once",
        );
        assert.is(s.connections, 1);
      }));
  }
}

test("no retry when a fresh connection is closed without an answer: the server may have acted", () =>
  withServer(
    rawServer((_r, socket) => socket.end()),
    async (s, t) => {
      const e = await failure(t.send(req(s.url("/x"), { method: "POST", body: "once" })));
      assert.is(e.reason, "refused");
      assert.match(e.message, /closed the connection/);
      assert.is(s.requests.length, 1);
      assert.is(t.stats.retries, 0);
    },
  ));

test("no retry when part of the answer arrived on a reused connection", () =>
  withServer(
    rawServer((r, socket) => {
      if (r.onConnection === 1) return void socket.write(answer(200));
      socket.write("HTTP/1.1 200 OK\r\nContent-Le");
      setTimeout(() => socket.end(), 20);
    }),
    async (s, t) => {
      assert.is((await t.send(req(s.url("/a")))).status, 200);
      await settle();
      const e = await failure(t.send(req(s.url("/b"))));
      assert.is(e.reason, "refused");
      assert.is(s.requests.length, 2);
      assert.is(t.stats.retries, 0);
    },
  ));

test("no retry when the server closes after the answer's headers (mid-body)", () =>
  withServer(
    rawServer((r, socket) => {
      if (r.onConnection === 1) return void socket.write(answer(200));
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    }),
    async (s, t) => {
      await t.send(req(s.url("/a")));
      await settle();
      const e = await failure(t.send(req(s.url("/b"))));
      assert.is(e.reason, "refused");
      assert.is(s.requests.length, 2);
      assert.is(t.stats.retries, 0);
    },
  ));

test("a Node server that closes idle keep-alive connections right away: every request succeeds", () =>
  // keepAliveTimeout 1: Node's server closes each connection 1 ms after its answer.
  withServer(
    httpServer((_q, res) => res.end("fine"), { keepAliveTimeout: 1 }),
    async (s, t) => {
      for (let i = 0; i < 8; i++) {
        const r = await t.send(req(s.url("/" + i), { method: "PUT", body: "n" + i }));
        assert.equal([r.status, r.body], [200, "fine"]);
        await new Promise((res) => setTimeout(res, i % 2 ? 0 : 5));
      }
      assert.is(s.requests, 8, "each request served once");
    },
  ));

// --- idle keep-alive connections ---------------------------------------------------------------

/** How long after its answer (with `headers`) a server waits for the relay to hang up an idle connection. */
async function idleFor(headers: Record<string, string>, waitMs: number): Promise<number> {
  const hungUp: number[] = [];
  const s = await rawServer((_r, socket) => {
    socket.write(answer(200, "ok", headers));
    const answeredAt = Date.now();
    socket.once("end", () => hungUp.push(Date.now() - answeredAt));
  });
  const t = new Transport();
  try {
    assert.is((await t.send(req(s.url("/"), { method: "POST", body: "x" }))).status, 200);
    await waitUntil(() => hungUp.length > 0, waitMs);
    return hungUp[0];
  } finally {
    await t.close();
    await s.close();
  }
}

test("no Keep-Alive hint: the relay closes an idle connection before the usual 5 s server timeout", async () => {
  const ms = await idleFor({}, 6000);
  assert.ok(ms >= 3000 && ms < 5000, "closed after " + ms + " ms");
});

test("Keep-Alive: timeout=3 from the server: the relay closes the connection a second before that", async () => {
  const ms = await idleFor({ "Keep-Alive": "timeout=3" }, 4000);
  assert.ok(ms >= 1500 && ms < 3000, "closed after " + ms + " ms");
});

async function waitUntil(ok: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error("still waiting after " + ms + " ms");
    await new Promise((res) => setTimeout(res, 25));
  }
}

// --- total timeout -------------------------------------------------------------------------------

test("a server that accepts and never answers: timeout after timeoutMs", () =>
  withServer(
    httpServer(() => {}),
    async (s, t) => {
      const started = Date.now();
      const e = await failure(t.send(req(s.url("/"), { timeoutMs: 300 })));
      const took = Date.now() - started;
      assert.is(e.reason, "timeout");
      assert.ok(took >= 280 && took < 1500, "took " + took + " ms");
    },
  ));

test("headers, then a body that stalls: the same total timeout", () =>
  withServer(
    httpServer((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("the start, and then nothing");
    }),
    async (s, t) => {
      const started = Date.now();
      const e = await failure(t.send(req(s.url("/"), { timeoutMs: 400 })));
      const took = Date.now() - started;
      assert.is(e.reason, "timeout");
      assert.ok(took >= 380 && took < 1500, "took " + took + " ms");
    },
  ));

test("an https URL on a server that never starts TLS: the deadline covers the handshake", () =>
  withServer(silentServer(), async (s, t) => {
    const started = Date.now();
    const e = await failure(t.send(req(s.url("/").replace("http:", "https:"), { timeoutMs: 300 })));
    assert.is(e.reason, "timeout");
    assert.ok(Date.now() - started < 1500);
  }));

test("a TLS handshake that completes after the deadline never carries the request", async () => {
  // Over plain TCP a connect on loopback is instant; a TLS handshake held up by a proxy is the slow
  // connection undici keeps a request waiting for.
  const pki = makePki();
  const s = await httpServer((_q, res) => res.end("too late"), { tls: pki.selfSigned });
  const slow = await delayProxy(s.port, 400);
  const t = new Transport();
  try {
    const started = Date.now();
    const url = slow.url("/late").replace("http:", "https:");
    const e = await failure(t.send(req(url, { method: "POST", body: "press", timeoutMs: 150, tls: { insecure: true } })));
    assert.is(e.reason, "timeout");
    assert.ok(Date.now() - started < 350, "failed on time, not when the handshake finished");
    await new Promise((res) => setTimeout(res, 600));
    assert.ok(s.connections >= 1, "the connection did come up");
    assert.is(s.requests, 0, "but the request was not sent on it");
  } finally {
    await t.close();
    await slow.close();
    await s.close();
    pki.remove();
  }
});

test("the chain's deadline wins over a longer timeoutMs, and a passed one fails at once", () =>
  withServer(
    httpServer(() => {}),
    async (s, t) => {
      const started = Date.now();
      const e = await failure(t.send(req(s.url("/"), { timeoutMs: 5000, deadline: Date.now() + 250 })));
      assert.is(e.reason, "timeout");
      assert.ok(Date.now() - started < 1500);
      const before = s.requests;
      const late = await failure(t.send(req(s.url("/"), { deadline: Date.now() - 1 })));
      assert.is(late.reason, "timeout");
      assert.is(s.requests, before, "nothing was sent");
    },
  ));

// --- addresses and odd answers -------------------------------------------------------------------

test("IPv6 loopback: http://[::1]:port/ works, and a closed port there is refused", async () => {
  await withServer(httpServer((q, res) => res.end("v6 " + q.socket.remoteAddress), { host: "::1" }), async (s, t) => {
    assert.match(s.url(), /^http:\/\/\[::1\]:\d+\/$/);
    const r = await t.send(req(s.url("/")));
    assert.equal([r.status, r.body], [200, "v6 ::1"]);
  });
  const t = new Transport();
  try {
    const e = await failure(t.send(req("http://[::1]:" + (await closedPort("::1")) + "/")));
    assert.is(e.reason, "refused");
    assert.match(e.message, /ECONNREFUSED/);
  } finally {
    await t.close();
  }
});

test("a name with two addresses (::1 and 127.0.0.1), both refused: Node's AggregateError is refused too", async () => {
  const port = await closedPort();
  let asked = "";
  // Like a Pi's /etc/hosts, where localhost is both ::1 and 127.0.0.1.
  const lookup: LookupFunction = (hostname, options, cb) => {
    asked = hostname;
    const all = [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }];
    if (options.all) cb(null, all);
    else cb(null, all[0].address, all[0].family);
  };
  const t = new Transport({ lookup });
  try {
    const e = await failure(t.send(req("http://dual-stack.test:" + port + "/")));
    assert.is(asked, "dual-stack.test");
    assert.is(e.reason, "refused");
    assert.match(e.message, /ECONNREFUSED/);
  } finally {
    await t.close();
  }
});

test("an answer that is not HTTP fails with reason http, not internal", () =>
  withServer(
    rawServer((_r, socket) => socket.end("SSH-2.0-OpenSSH_9.2\r\n\r\n")),
    async (s, t) => {
      const e = await failure(t.send(req(s.url("/"))));
      assert.is(e.reason, "http");
      assert.is(e.code, undefined);
      assert.match(e.message, /not valid HTTP/);
    },
  ));

test.run();
