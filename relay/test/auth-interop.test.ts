// The auth layer against real servers on loopback: Debian's Apache httpd (mod_auth_basic,
// mod_auth_digest with MD5, a CGI that echoes what arrived) and lighttpd (mod_auth with SHA-256 and
// SHA-512-256 digests). A tap under the auth layer records every request that really went out, so
// a test sees the 401 round trips, the nonce and the nc we sent.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ActionError, compose, headerValue, headerValues, HttpRequest, Layer } from "../src/engine/http";
import { Transport } from "../src/engine/transport";
import { authLayer, AuthConfig } from "../src/engine/auth/layer";
import { basicAuthorization } from "../src/engine/auth/basic";
import { parseChallenges, parseParams } from "../src/engine/auth/challenge";
import { digestAuthorization, newCnonce, pickDigestChallenge } from "../src/engine/auth/digest";
import { ECHO_CGI, startApache } from "../../test/support/apache";
import { startLighttpd } from "../../test/support/lighttpd";
import type { RunningServer } from "../../test/support/daemon";
import { htdigestLine, htpasswdLine } from "../../test/support/htfiles";

const USER = "bttn";
// Not ASCII, and with a colon: both must survive the trip as UTF-8.
const PASS = "Circle of Life: Kahvi ☕";
const WRONG = "circle of life";

const transport = new Transport();

const digestLocation = (path: string, realm: string, root: string, extra: string[] = []) =>
  [
    "ScriptAlias " + path + "echo " + root + "/cgi/echo.cgi",
    "<Location " + path + ">",
    "  AuthType Digest",
    '  AuthName "' + realm + '"',
    "  AuthDigestProvider file",
    "  AuthUserFile " + root + "/digest.pw",
    "  AuthDigestDomain " + path,
    ...extra.map((l) => "  " + l),
    "</Location>",
  ].join("\n");

const apacheSite = {
  files: {
    "cgi/echo.cgi": ECHO_CGI,
    "basic.pw": htpasswdLine(USER, PASS),
    "digest.pw": ["bttn digest", "bttn strict", "bttn stale", "bttn forbidden"].map((r) => htdigestLine(USER, r, PASS)).join(""),
  },
  config: (root: string) =>
    [
      "ScriptAlias /basic/echo " + root + "/cgi/echo.cgi",
      "<Location /basic/>",
      "  AuthType Basic",
      '  AuthName "bttn basic"',
      "  AuthBasicProvider file",
      "  AuthUserFile " + root + "/basic.pw",
      "  Require valid-user",
      "</Location>",
      digestLocation("/digest/", "bttn digest", root, ["Require valid-user"]),
      // Here Apache refuses a request whose nc is not above the last one seen for its nonce.
      digestLocation("/strict/", "bttn strict", root, ["AuthDigestNcCheck On", "Require valid-user"]),
      digestLocation("/stale/", "bttn stale", root, ["AuthDigestNonceLifetime 1", "Require valid-user"]),
      digestLocation("/forbidden/", "bttn forbidden", root, ["Require user somebody-else", "AuthzSendForbiddenOnFailure On"]),
      "",
    ].join("\n"),
};

const lighttpdSite = {
  files: {
    "htdocs/sha256/index.txt": "sha256 ok\n",
    "htdocs/multi/index.txt": "multi ok\n",
    "htdocs/sha512/index.txt": "sha512 ok\n",
    // "bttn multi" has only a SHA-256 digest: answering its MD5 offer could not succeed.
    "digest.pw":
      htdigestLine(USER, "bttn sha256", PASS, "sha256") +
      htdigestLine(USER, "bttn multi", PASS, "sha256") +
      htdigestLine(USER, "bttn sha512", PASS, "sha512-256"),
  },
  config: (root: string) =>
    [
      'auth.backend = "htdigest"',
      'auth.backend.htdigest.userfile = "' + root + '/digest.pw"',
      "auth.require = (",
      '  "/sha256/" => ("method" => "digest", "realm" => "bttn sha256", "require" => "valid-user", "algorithm" => "SHA-256"),',
      '  "/multi/" => ("method" => "digest", "realm" => "bttn multi", "require" => "valid-user", "algorithm" => "MD5|SHA-256"),',
      '  "/sha512/" => ("method" => "digest", "realm" => "bttn sha512", "require" => "valid-user", "algorithm" => "SHA-512-256"),',
      ")",
      "",
    ].join("\n"),
};

interface Servers {
  apache: RunningServer;
  lighttpd: RunningServer;
}
const started: RunningServer[] = [];
let servers: Promise<Servers> | undefined;

// Started by the first test rather than in a before hook: uvu swallows a before hook's error, and
// a missing server must fail loudly with the package to install.
function up(): Promise<Servers> {
  if (!servers) {
    const track = (p: Promise<RunningServer>) => p.then((s) => (started.push(s), s));
    servers = Promise.all([track(startApache(apacheSite)), track(startLighttpd(lighttpdSite))]).then(([apache, lighttpd]) => ({ apache, lighttpd }));
  }
  return servers;
}

test.after(async () => {
  await Promise.allSettled(servers ? [servers] : []);
  await Promise.all(started.map((s) => s.stop()));
  await transport.close();
});

interface Hop {
  authorization?: string;
  status: number;
  challenges: string[];
  info?: string;
}

/** An auth layer over the real transport, with a tap under it that records what went out. */
function client(auth: AuthConfig) {
  const hops: Hop[] = [];
  const tap: Layer = (next) => async (req) => {
    const res = await next(req);
    hops.push({
      authorization: req.headers.authorization,
      status: res.status,
      challenges: headerValues(res, "www-authenticate"),
      info: headerValue(res, "authentication-info"),
    });
    return res;
  };
  return { send: compose(transport.send, [authLayer(auth), tap]), hops };
}

const digest = (password = PASS): AuthConfig => ({ type: "digest", username: USER, password });
const basic = (password = PASS): AuthConfig => ({ type: "basic", username: USER, password });

function request(url: string, method: HttpRequest["method"] = "GET", body?: string): HttpRequest {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "text/plain; charset=utf-8" };
  return { method, url, headers, body, timeoutMs: 5000, maxResponseBytes: 65536 };
}

/** The parameters of a Digest Authorization header we sent. */
function sent(h: Hop): Record<string, string> {
  assert.ok(h.authorization, "the request was signed");
  const [c] = parseChallenges([h.authorization!]);
  assert.is(c.scheme, "digest");
  return c.params;
}

async function authFailure(p: Promise<unknown>): Promise<ActionError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, ActionError);
    const err = e as ActionError;
    assert.is(err.reason, "auth", err.message);
    assert.not.ok(err.message.includes(PASS) || err.message.includes(WRONG), "no password in the message");
    for (const pw of [PASS, WRONG]) {
      assert.not.ok(err.message.includes(basicAuthorization(USER, pw).slice(6)), "no Basic header in the message");
    }
    assert.not.match(err.message, /response=|username=|nonce=/, "no Digest header in the message");
    return err;
  }
  throw new Error("expected an auth failure");
}

test("Basic (Apache): the right password gets through, as UTF-8", async () => {
  const { apache } = await up();
  const c = client(basic());
  const res = await c.send(request(apache.url + "/basic/echo"));
  assert.is(res.status, 200, apache.logs());
  assert.is(res.body, "GET " + USER + "\n");
  assert.is(c.hops.length, 1, "Basic goes with the first request");
  assert.match(c.hops[0].authorization!, /^Basic /);
});

test("Basic (Apache): a wrong password is an auth failure", async () => {
  const { apache } = await up();
  const err = await authFailure(client(basic(WRONG)).send(request(apache.url + "/basic/echo")));
  assert.is(err.code, 401);
  assert.match(err.message, /Basic/);
});

test("Digest MD5 (Apache): GET answers the challenge once", async () => {
  const { apache } = await up();
  const c = client(digest());
  const res = await c.send(request(apache.url + "/digest/echo?x=1&y=%C3%A4"));
  assert.is(res.status, 200, apache.logs());
  assert.is(res.body, "GET " + USER + "\n");
  assert.equal(c.hops.map((h) => h.status), [401, 200]);
  assert.is(c.hops[0].authorization, undefined, "no nonce yet: the first request goes unsigned");
  const p = sent(c.hops[1]);
  assert.is(p.algorithm, "MD5");
  assert.is(p.nc, "00000001");
  assert.is(p.uri, "/digest/echo?x=1&y=%C3%A4");
});

test("Digest MD5 (Apache): a POST body is sent again intact", async () => {
  const { apache } = await up();
  const c = client(digest());
  const body = "temp=21.5&room=K\u00fcche&note=" + "x".repeat(3000);
  const res = await c.send(request(apache.url + "/digest/echo", "POST", body));
  assert.is(res.status, 200, apache.logs());
  assert.is(res.body, "POST " + USER + "\n" + body);
  assert.equal(c.hops.map((h) => h.status), [401, 200]);
});

test("Digest (Apache, nc checked): later requests reuse the nonce with nc 2, 3 and echo opaque", async () => {
  const { apache } = await up();
  const c = client(digest());
  const url = apache.url + "/strict/echo";
  for (let i = 0; i < 3; i++) assert.is((await c.send(request(url, i === 1 ? "PUT" : "GET", i === 1 ? "put body" : undefined))).status, 200, apache.logs());
  assert.equal(c.hops.map((h) => h.status), [401, 200, 200, 200], "one 401 in all");
  const challenge = pickDigestChallenge(parseChallenges(c.hops[0].challenges))!;
  assert.ok(challenge.opaque, "Apache sends opaque when it checks nc");
  const [a, b, d] = [sent(c.hops[1]), sent(c.hops[2]), sent(c.hops[3])];
  assert.equal([a.nc, b.nc, d.nc], ["00000001", "00000002", "00000003"]);
  assert.ok(a.nonce === b.nonce && b.nonce === d.nonce, "the cached nonce");
  assert.is(a.opaque, challenge.opaque);
  assert.is(d.opaque, challenge.opaque);
  assert.is.not(a.cnonce, b.cnonce, "a fresh cnonce for every request");

  // The check is real: a correct response with an nc already used is refused.
  const replay = digestAuthorization({ challenge, username: USER, password: PASS, method: "GET", uri: "/strict/echo", nc: 2, cnonce: newCnonce() });
  const res = await transport.send({ ...request(url), headers: { authorization: replay } });
  assert.is(res.status, 401);
});

test("Digest (Apache): a wrong password fails after exactly one retry", async () => {
  const { apache } = await up();
  const c = client(digest(WRONG));
  const err = await authFailure(c.send(request(apache.url + "/digest/echo")));
  assert.is(err.code, 401);
  assert.match(err.message, /Digest/);
  assert.equal(c.hops.map((h) => h.status), [401, 401]);
});

test("Digest (Apache): an expired nonce gets stale=true, one retry, success", async () => {
  const { apache } = await up();
  const c = client(digest());
  const url = apache.url + "/stale/echo";
  assert.is((await c.send(request(url))).status, 200, apache.logs());
  await new Promise((r) => setTimeout(r, 1500)); // AuthDigestNonceLifetime 1
  const res = await c.send(request(url, "POST", "after a nap"));
  assert.is(res.status, 200, apache.logs());
  assert.is(res.body, "POST " + USER + "\nafter a nap");
  assert.equal(c.hops.map((h) => h.status), [401, 200, 401, 200]);
  // Near expiry Apache names the next nonce; the late request went signed with it.
  const named = parseParams(c.hops[1].info || "").nextnonce;
  assert.ok(named, "Apache sent nextnonce");
  assert.is(sent(c.hops[2]).nonce, named);
  assert.is(sent(c.hops[2]).nc, "00000001");
  const again = pickDigestChallenge(parseChallenges(c.hops[2].challenges))!;
  assert.ok(again.stale, "Apache said stale=true");
  assert.is(sent(c.hops[3]).nonce, again.nonce);
  assert.is(sent(c.hops[3]).nc, "00000001");
});

test("Digest (Apache): authenticated but forbidden (403) is an auth failure", async () => {
  const { apache } = await up();
  const c = client(digest());
  const err = await authFailure(c.send(request(apache.url + "/forbidden/echo")));
  assert.is(err.code, 403);
  assert.equal(c.hops.map((h) => h.status), [401, 403]);
});

test("scheme mismatch: a Basic action meets a Digest server", async () => {
  const { apache } = await up();
  const err = await authFailure(client(basic()).send(request(apache.url + "/digest/echo")));
  assert.match(err.message, /asks for Digest authentication, but the action is set to Basic/);
});

test("scheme mismatch: a Digest action meets a Basic server, without a retry", async () => {
  const { apache } = await up();
  const c = client(digest());
  const err = await authFailure(c.send(request(apache.url + "/basic/echo")));
  assert.match(err.message, /asks for Basic authentication, but the action is set to Digest/);
  assert.is(c.hops.length, 1);
});

test("Digest SHA-256 (lighttpd)", async () => {
  const { lighttpd } = await up();
  const c = client(digest());
  const res = await c.send(request(lighttpd.url + "/sha256/index.txt"));
  assert.is(res.status, 200, lighttpd.logs());
  assert.is(res.body, "sha256 ok\n");
  assert.is(sent(c.hops[1]).algorithm, "SHA-256");
});

test("Digest (lighttpd): of MD5 and SHA-256 in two headers, SHA-256 is answered", async () => {
  const { lighttpd } = await up();
  const c = client(digest());
  const res = await c.send(request(lighttpd.url + "/multi/index.txt"));
  assert.is(res.status, 200, lighttpd.logs());
  assert.is(c.hops[0].challenges.length, 2, "lighttpd sent one header per algorithm");
  assert.match(c.hops[0].challenges.join("\n"), /algorithm=MD5/);
  assert.is(sent(c.hops[1]).algorithm, "SHA-256");
});

test("Digest SHA-512-256 (lighttpd)", async () => {
  const { lighttpd } = await up();
  const c = client(digest());
  const res = await c.send(request(lighttpd.url + "/sha512/index.txt"));
  assert.is(res.status, 200, lighttpd.logs());
  assert.is(sent(c.hops[1]).algorithm, "SHA-512-256");
});

test("Digest (lighttpd): the second request reuses the nonce with nc 00000002", async () => {
  const { lighttpd } = await up();
  const c = client(digest());
  const url = lighttpd.url + "/sha256/index.txt";
  assert.is((await c.send(request(url))).status, 200);
  assert.is((await c.send(request(url))).status, 200);
  assert.equal(c.hops.map((h) => h.status), [401, 200, 200]);
  assert.is(sent(c.hops[2]).nc, "00000002");
  assert.is(sent(c.hops[2]).nonce, sent(c.hops[1]).nonce);
});

test("Digest (lighttpd): a wrong password is an auth failure", async () => {
  const { lighttpd } = await up();
  const c = client(digest(WRONG));
  await authFailure(c.send(request(lighttpd.url + "/sha256/index.txt")));
  assert.equal(c.hops.map((h) => h.status), [401, 401]);
});

/** A loopback server that answers every request with 401 and the given challenge headers. */
async function refuser(challenges: string[]) {
  let requests = 0;
  const srv = http.createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(401, challenges.length ? { "www-authenticate": challenges } : {});
    res.end("no");
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return {
    url: "http://127.0.0.1:" + (srv.address() as AddressInfo).port + "/hook",
    requests: () => requests,
    close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))),
  };
}

test("Digest: a challenge we cannot answer says what it asked for, without a retry", async () => {
  const srv = await refuser(['Digest realm="r", nonce="n", algorithm=SHA-512, qop="auth"', 'Digest realm="r", nonce="m", qop="auth-conf"']);
  try {
    const err = await authFailure(client(digest()).send(request(srv.url)));
    assert.match(err.message, /algorithm SHA-512, qop auth; algorithm MD5, qop auth-conf\) asks for something the relay does not support/);
    assert.is(srv.requests(), 1);
  } finally {
    await srv.close();
  }
});

test("Digest and Basic: a 401 without any challenge is an auth failure", async () => {
  const srv = await refuser([]);
  try {
    assert.match((await authFailure(client(digest()).send(request(srv.url)))).message, /rejected the Digest credentials/);
    assert.match((await authFailure(client(basic()).send(request(srv.url)))).message, /rejected the Basic credentials/);
    assert.is(srv.requests(), 2);
  } finally {
    await srv.close();
  }
});

test("Digest: concurrent presses through one layer never repeat an nc for a nonce", async () => {
  const { apache, lighttpd } = await up();
  for (const url of [lighttpd.url + "/sha256/index.txt", apache.url + "/digest/echo"]) {
    const c = client(digest());
    // Cold: every press meets a 401; then warm: every press uses the cached nonce.
    for (const round of ["cold", "warm"]) {
      const results = await Promise.all(Array.from({ length: 16 }, () => c.send(request(url))));
      assert.equal(results.map((r) => r.status), new Array(16).fill(200), round + " round at " + url);
    }
    const seen = new Set<string>();
    for (const h of c.hops) {
      if (!h.authorization) continue;
      const p = sent(h);
      const key = p.nonce + " " + p.nc;
      assert.not.ok(seen.has(key), "nc " + p.nc + " used twice with one nonce");
      seen.add(key);
    }
    assert.ok(seen.size >= 32, "every press was signed once it had a nonce");
  }
});

test.run();
