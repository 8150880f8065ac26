// Digest and Basic as pure logic: RFC test vectors, reading WWW-Authenticate, building the header,
// the nonce counter. What neither Apache nor lighttpd offers (the -sess variants, RFC 2069 without
// qop, auth-int) is checked against curl, an independent implementation, on a loopback server.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ActionError } from "../src/engine/http";
import { basicAuthorization } from "../src/engine/auth/basic";
import { parseChallenges, parseParams } from "../src/engine/auth/challenge";
import {
  DigestChallenge, digestAuthorization, digestResponse, formatNc, newCnonce, pickDigestChallenge, toDigestChallenge,
} from "../src/engine/auth/digest";
import { NonceCache } from "../src/engine/auth/nonce-cache";

// RFC 7616 section 3.9.1
const RFC7616 = {
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  nc: 1,
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
};
const rfc7616Challenge = (algorithm: "MD5" | "SHA-256"): DigestChallenge => ({
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  algorithm,
  qop: "auth",
  stale: false,
});
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

test("RFC 7616 3.9.1: MD5 response and the whole Authorization header", () => {
  const x = { ...RFC7616, challenge: rfc7616Challenge("MD5") };
  assert.is(digestResponse(x), "8ca523f5e9506fed4657c9700eebdbec");
  assert.is(
    digestAuthorization(x),
    oneLine(`Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5,
      nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001,
      cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth,
      response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`),
  );
});

test("RFC 7616 3.9.1: SHA-256 response", () => {
  const x = { ...RFC7616, challenge: rfc7616Challenge("SHA-256") };
  assert.is(digestResponse(x), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  assert.match(digestAuthorization(x), /, algorithm=SHA-256, /);
});

test("RFC 7616 3.9.1 from the server's own challenge text", () => {
  const header = oneLine(`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256,
    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5,
    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`);
  const c = pickDigestChallenge(parseChallenges([header]));
  assert.ok(c);
  assert.is(c!.algorithm, "SHA-256");
  assert.is(c!.qop, "auth");
  assert.is(digestResponse({ ...RFC7616, challenge: c! }), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
});

test("RFC 2617 3.5: MD5 with qop auth", () => {
  const c = pickDigestChallenge(
    parseChallenges(['Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"']),
  );
  assert.equal(c, {
    realm: "testrealm@host.com",
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    opaque: "5ccc069c403ebaf9f0171e9517f40e41",
    algorithm: "MD5",
    qop: "auth",
    stale: false,
  });
  const r = digestResponse({ challenge: c!, username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nc: 1, cnonce: "0a4f113b" });
  assert.is(r, "6629fae49393a05397450978507c4ef1");
});

test("challenges: quoted strings keep commas, escapes are undone", () => {
  const [c] = parseChallenges(['Digest realm="a, \\"b\\" \\\\ c", nonce="n,1", qop="auth", opaque="x\\y"']);
  assert.is(c.scheme, "digest");
  assert.is(c.params.realm, 'a, "b" \\ c');
  assert.is(c.params.nonce, "n,1");
  assert.is(c.params.opaque, "xy");
});

test("challenges: several in one header, of several schemes", () => {
  const all = parseChallenges([
    'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple", Digest realm="d", nonce="1", algorithm=MD5, Digest realm="d", nonce="2", algorithm=SHA-256',
  ]);
  assert.equal(all.map((c) => c.scheme), ["newauth", "basic", "digest", "digest"]);
  assert.equal(all[0].params, { realm: "apps", type: "1", title: 'Login to "apps"' });
  assert.is(all[1].params.realm, "simple");
  assert.is(pickDigestChallenge(all)!.nonce, "2");
});

test("challenges: several headers, the strongest algorithm wins whatever the order", () => {
  const headers = [
    'Digest realm="r", nonce="a", algorithm=MD5, qop="auth"',
    'Digest realm="r", nonce="b", algorithm=SHA-256-sess, qop="auth"',
    'Digest realm="r", nonce="c", algorithm=MD5-sess, qop="auth"',
  ];
  assert.is(pickDigestChallenge(parseChallenges(headers))!.algorithm, "SHA-256-sess");
  assert.is(pickDigestChallenge(parseChallenges(headers.slice().reverse()))!.algorithm, "SHA-256-sess");
  const withBest = headers.concat(['Digest realm="r", nonce="d", algorithm=SHA-512-256, qop="auth"']);
  assert.is(pickDigestChallenge(parseChallenges(withBest))!.algorithm, "SHA-512-256");
});

test("challenges: on equal strength the server's first offer wins", () => {
  const c = pickDigestChallenge(
    parseChallenges(['Digest realm="r", nonce="x", algorithm=SHA-256-sess, qop="auth", Digest realm="r", nonce="y", algorithm=SHA-256, qop="auth"']),
  );
  assert.is(c!.nonce, "x");
});

test("challenges: scheme, names and tokens are case-insensitive", () => {
  const c = pickDigestChallenge(parseChallenges(['DIGEST REALM="R", NONCE="n", ALGORITHM=sha-256-SESS, QOP="AUTH", STALE=TRUE']));
  assert.equal(c, { realm: "R", nonce: "n", algorithm: "SHA-256-sess", qop: "auth", stale: true });
});

test("challenges: spaces around '=' and stray commas", () => {
  const [c] = parseChallenges([' ,Digest  realm = "r" ,, nonce= n1 , qop =auth,']);
  assert.equal(c.params, { realm: "r", nonce: "n1", qop: "auth" });
});

test("challenges: token68 and a scheme with no parameters", () => {
  const all = parseChallenges(["Negotiate abc+/d==, Bearer, Basic realm=x"]);
  assert.equal(all, [
    { scheme: "negotiate", params: {}, token68: "abc+/d==" },
    { scheme: "bearer", params: {} },
    { scheme: "basic", params: { realm: "x" } },
  ]);
});

test("challenges: broken input neither throws nor loops", () => {
  assert.equal(parseChallenges([]), []);
  assert.equal(parseChallenges([""]), []);
  assert.is(parseChallenges(['Digest realm="unterminated'])[0].params.realm, "unterminated");
  assert.ok(Array.isArray(parseChallenges(['";;; =, ="x" \\', "Digest =", "==="])));
});

test("digest: defaults and what we refuse to answer", () => {
  const one = (h: string) => toDigestChallenge(parseChallenges([h])[0]);
  assert.is(one('Digest realm="r", nonce="n", qop="auth"')!.algorithm, "MD5"); // RFC 7616 3.3
  assert.is(one('Digest realm="r", nonce="n"')!.qop, undefined); // RFC 2069
  assert.is(one('Digest realm="r", nonce="n", qop="auth-int"')!.qop, "auth-int");
  assert.is(one('Digest realm="r", nonce="n", qop="auth-int, auth"')!.qop, "auth");
  assert.is(one('Digest realm="r", nonce="n", algorithm=SHA-512, qop="auth"'), undefined);
  assert.is(one('Digest realm="r", nonce="n", qop="auth-conf"'), undefined);
  assert.is(one('Digest realm="r", algorithm=MD5, qop="auth"'), undefined); // no nonce
  assert.is(one('Digest realm="r", nonce="n", algorithm=MD5-sess'), undefined); // -sess needs qop
  assert.is(one('Basic realm="r"'), undefined);
  assert.is(pickDigestChallenge(parseChallenges(['Basic realm="r"'])), undefined);
});

test("digest header: quotes, escapes and round trip through the parser", () => {
  const challenge: DigestChallenge = { realm: 'we "quote" \\ you', nonce: "n", algorithm: "MD5", qop: "auth", stale: false };
  const header = digestAuthorization({ challenge, username: 'a"b', password: "p", method: "GET", uri: "/x?a=1&b=2", nc: 26, cnonce: "c" });
  const [back] = parseChallenges([header]);
  assert.is(back.scheme, "digest");
  assert.is(back.params.realm, 'we "quote" \\ you');
  assert.is(back.params.username, 'a"b');
  assert.is(back.params.uri, "/x?a=1&b=2");
  assert.is(back.params.nc, "0000001a");
  assert.is(back.params.qop, "auth");
  assert.is(back.params.opaque, undefined);
  assert.not.match(header, /opaque/);
});

test("digest header: RFC 2069 mode sends no qop, nc or cnonce", () => {
  const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "MD5", stale: false };
  const header = digestAuthorization({ challenge, username: "u", password: "p", method: "GET", uri: "/", nc: 1, cnonce: "c" });
  const { params } = parseChallenges([header])[0];
  assert.equal(Object.keys(params).sort(), ["algorithm", "nonce", "realm", "response", "uri", "username"]);
  const H = (s: string) => createHash("md5").update(s).digest("hex");
  assert.is(params.response, H(H("u:r:p") + ":n:" + H("GET:/")));
});

test("digest header: a non-ASCII user name goes as username* (RFC 7616 3.4.4)", () => {
  const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "SHA-256", qop: "auth", stale: false };
  const header = digestAuthorization({ challenge, username: "Jäsøn Doe's", password: "p", method: "GET", uri: "/", nc: 1, cnonce: "c" });
  assert.match(header, /^Digest username\*=UTF-8''J%C3%A4s%C3%B8n%20Doe%27s, realm="r"/);
  assert.not.match(header, /username="/);
  assert.ok(/^[\x20-\x7e]+$/.test(header), "the header stays ASCII");
});

test("digest: auth-int hashes the body, auth does not", () => {
  const base = { username: "u", password: "p", method: "POST", uri: "/hook", nc: 1, cnonce: "c" };
  const int: DigestChallenge = { realm: "r", nonce: "n", algorithm: "SHA-256", qop: "auth-int", stale: false };
  const auth: DigestChallenge = { ...int, qop: "auth" };
  const H = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
  const body = '{"press":"ä"}';
  const expected = H(H("u:r:p") + ":n:00000001:c:auth-int:" + H("POST:/hook:" + H(body)));
  assert.is(digestResponse({ ...base, challenge: int, body }), expected);
  assert.is.not(digestResponse({ ...base, challenge: int, body: body + " " }), expected);
  assert.is(digestResponse({ ...base, challenge: auth, body }), digestResponse({ ...base, challenge: auth, body: "other" }));
});

test("nc and cnonce formats", () => {
  assert.is(formatNc(1), "00000001");
  assert.is(formatNc(0x1a), "0000001a");
  assert.is(formatNc(0xffffffff), "ffffffff");
  const a = newCnonce();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.is.not(newCnonce(), a);
  // Across several refills of the random pool: always 32 hex digits, never one twice.
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const c = newCnonce();
    assert.match(c, /^[0-9a-f]{32}$/);
    assert.not.ok(seen.has(c), "cnonce repeated: " + c);
    seen.add(c);
  }
});

test("Authentication-Info parameters (nextnonce)", () => {
  const p = parseParams('rspauth="d12d", nextnonce="r1jh=71", cnonce="YzhhY2U=", nc=00000001, qop=auth');
  assert.is(p.nextnonce, "r1jh=71");
  assert.is(p.qop, "auth");
  assert.equal(parseParams(""), {});
});

test("Basic header: RFC 7617 examples, UTF-8, and the colon rule", () => {
  assert.is(basicAuthorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  assert.is(basicAuthorization("test", "123\u00a3"), "Basic dGVzdDoxMjPCow=="); // RFC 7617 2.1
  assert.is(basicAuthorization("u", ""), "Basic dTo=");
  try {
    basicAuthorization("a:b", "p");
    assert.unreachable("a colon in the user name must be refused");
  } catch (e) {
    assert.instance(e, ActionError);
    assert.is((e as ActionError).reason, "bad-request");
  }
});

const challengeFor = (nonce: string, realm = "r"): DigestChallenge => ({ realm, nonce, algorithm: "MD5", qop: "auth", stale: false });

test("nonce cache: a nonce keeps its counter, even after another replaced it", () => {
  const cache = new NonceCache();
  const o = "http://127.0.0.1:1";
  assert.is(cache.latest(o), undefined);
  const a = cache.remember(o, challengeFor("A"));
  assert.is(cache.take(a), 1);
  assert.is(cache.take(a), 2);
  assert.is(cache.latest(o), a);
  const b = cache.remember(o, challengeFor("B"));
  assert.is(cache.latest(o), b);
  assert.is(cache.take(b), 1);
  const a2 = cache.remember(o, challengeFor("A"));
  assert.is(a2, a);
  assert.is(cache.take(a2), 3, "nc goes on where it was: never twice the same nc for one nonce");
  assert.is(cache.latest("http://127.0.0.1:2"), undefined, "another origin has no nonce yet");
});

test("nonce cache: origin and realm, nextnonce, exhausted counters", () => {
  const cache = new NonceCache();
  const o = "http://h";
  const x = cache.remember(o, challengeFor("1", "x"));
  cache.remember(o, challengeFor("2", "y"));
  assert.is(cache.latest(o)!.challenge.realm, "y", "the realm that answered last");
  cache.rotate(o, x, "3");
  const next = cache.latest(o)!;
  assert.is(next.challenge.nonce, "3");
  assert.is(next.challenge.realm, "x");
  assert.is(cache.take(next), 1, "a new nonce starts at nc 1");
  next.used = 0xffffffff;
  assert.is(cache.take(next), undefined, "nc is 8 hex digits; past that the nonce is spent");
});

// ---- cross-check with curl -------------------------------------------------------------------

/** Asks curl to answer `challenge` and returns the Authorization header it sent. */
async function curlAnswer(challenge: string, args: string[] = []): Promise<{ header: string; method: string; url: string }> {
  let seen: { header: string; method: string; url: string } | undefined;
  const srv = http.createServer((req, res) => {
    req.resume();
    if (req.headers.authorization) {
      seen = { header: req.headers.authorization, method: req.method!, url: req.url! };
      res.end("ok");
    } else {
      res.writeHead(401, { "www-authenticate": challenge, "content-length": "0" });
      res.end();
    }
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  try {
    await new Promise<void>((resolve, reject) => {
      execFile("curl", ["-s", "-o", "/dev/null", "--max-time", "5", "--digest", "-u", "Mufasa:Circle of Life", ...args, "http://127.0.0.1:" + port + "/dir/index.html?x=1"], (err) => {
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") reject(new Error("curl is not installed: install the Debian package curl"));
        else if (err) reject(err);
        else resolve();
      });
    });
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
  assert.ok(seen, "curl answered the challenge");
  return seen!;
}

// Not SHA-512-256: curl 7.88 (Debian 12) hashes it with SHA-256. lighttpd checks that one instead.
const CURL_CASES = [
  'Digest realm="r@h", nonce="n1", algorithm=MD5-sess, qop="auth"',
  'Digest realm="r@h", nonce="n2", algorithm=SHA-256-sess, qop="auth", opaque="o\\"q"',
  'Digest realm="r@h", nonce="n3"',
  'Digest realm="r@h", nonce="n4", qop="auth-int"',
];

for (const challenge of CURL_CASES) {
  test("same response as curl for: " + challenge, async () => {
    const ours = pickDigestChallenge(parseChallenges([challenge]));
    assert.ok(ours);
    const seen = await curlAnswer(challenge);
    const [theirs] = parseChallenges([seen.header]);
    assert.is(theirs.scheme, "digest");
    const p = theirs.params;
    assert.is(p.uri, seen.url);
    const mine = digestResponse({
      challenge: ours!,
      username: "Mufasa",
      password: "Circle of Life",
      method: seen.method,
      uri: p.uri,
      nc: p.nc ? parseInt(p.nc, 16) : 0,
      cnonce: p.cnonce || "",
    });
    assert.is(mine, p.response);
    if (ours!.opaque !== undefined) assert.is(p.opaque, ours!.opaque);
  });
}

test.run();
