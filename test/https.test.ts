// HTTPS actions through the whole relay (device press → result → stored run), against real HTTPS
// servers on loopback with certificates made by openssl for this run: validation on by default,
// a per-action `ca` (PEM text or a file path) for a self-signed certificate or a private CA,
// `insecure` for one action only (with one warning, not one per press), and the failures a
// certificate can cause: self-signed, unknown CA, wrong host name, expired.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { HttpActionInput } from "../relay/src/config/schema";
import { makePki, TestPki } from "./support/certs";
import { startRig, Rig } from "./support/relay-rig";
import { httpServer, TestServer } from "./support/servers";

type Ctx = { rig: Rig; pki: TestPki; servers: TestServer[] };

const t = suite<Ctx>("https actions");

// One bttn per case, each with one `pressed` action.
const SECRET = "https-secret-1";
type Case = (s: Record<string, TestServer>, pki: TestPki) => HttpActionInput;
const CASES: Record<string, Case> = {
  "self-default": (s) => ({ url: s.self.url("/x") }),
  "self-ca-text": (s, pki) => ({ url: s.self.url("/x"), ca: pki.selfSigned.cert }),
  "self-ca-file": (s, pki) => ({ url: s.self.url("/x"), ca: pki.selfSigned.certPath }),
  "self-insecure": (s) => ({ url: s.self.url("/x"), insecure: true }),
  "ca-by-name": (s, pki) => ({ method: "POST", url: s.leaf.url("/x").replace("127.0.0.1", "localhost"), ca: pki.ca.certPath, format: "json", args: { n: "<COUNTER>" } }),
  "ca-by-ip": (s, pki) => ({ url: s.leaf.url("/x"), ca: pki.ca.cert }),
  "ca-ipv6": (s, pki) => ({ url: s.leaf6.url("/x"), ca: pki.ca.cert }),
  "ca-missing": (s) => ({ url: s.leaf.url("/x") }),
  "wrong-host": (s, pki) => ({ url: s.wrongHost.url("/x").replace("127.0.0.1", "localhost"), ca: pki.ca.cert }),
  expired: (s, pki) => ({ url: s.expired.url("/x").replace("127.0.0.1", "localhost"), ca: pki.ca.cert }),
  "ca-file-gone": (s, pki) => ({ url: s.leaf.url("/x"), ca: pki.ca.certPath + ".gone" }),
};

t.before(async (ctx) => {
  try {
    ctx.pki = makePki();
    const ok = (_q: unknown, res: { end(s: string): void }) => res.end("secure ok");
    const servers: Record<string, TestServer> = {
      self: await httpServer(ok, { tls: ctx.pki.selfSigned }),
      leaf: await httpServer(ok, { tls: ctx.pki.leaf }),
      leaf6: await httpServer(ok, { tls: ctx.pki.leaf, host: "::1" }),
      wrongHost: await httpServer(ok, { tls: ctx.pki.wrongHost }),
      expired: await httpServer(ok, { tls: ctx.pki.expired }),
    };
    ctx.servers = Object.values(servers);
    const bttns: Record<string, unknown> = {};
    for (const [id, make] of Object.entries(CASES)) bttns[id] = { secret: SECRET, actions: { pressed: { http: make(servers, ctx.pki) } } };
    ctx.rig = await startRig("embedded", () => ({ bttns } as never));
  } catch (e) {
    console.error("https set-up failed:", e);
    throw e;
  }
});

t.after(async (ctx) => {
  await ctx.rig?.close();
  for (const s of ctx.servers ?? []) await s.close();
  ctx.pki?.remove();
});

async function press(rig: Rig, id: string) {
  const d = await rig.device(id);
  const r = await d.result(await d.press("pressed"));
  const feed = await rig.relay.events.feed(id, {});
  return { r, run: feed[0].runs[0], event: feed[0] };
}

async function expectTls(rig: Rig, id: string, why: RegExp) {
  const { r, run, event } = await press(rig, id);
  assert.equal([r.state, r.reason, r.code], ["fail", "tls", undefined], id);
  assert.equal([event.state, event.reason], ["fail", "tls"]);
  assert.is(run.reason, "tls");
  assert.match(run.error ?? "", why);
}

t("a self-signed certificate fails with tls under the default validation", async ({ rig }) => {
  await expectTls(rig, "self-default", /DEPTH_ZERO_SELF_SIGNED_CERT/);
});

t("trusting that certificate with ca, as PEM text and as a file path: ok", async ({ rig }) => {
  for (const id of ["self-ca-text", "self-ca-file"]) {
    const { r, run } = await press(rig, id);
    assert.equal([r.state, r.code], ["ok", 200], id);
    assert.equal([run.status, run.reason], [200, null]);
  }
});

t("insecure: ok, still over TLS, and the warning is logged once, not per press", async ({ rig }) => {
  for (let i = 0; i < 3; i++) assert.is((await press(rig, "self-insecure")).r.state, "ok");
  const warnings = rig.logs.filter((l) => /certificate validation is OFF/.test(l));
  assert.is(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /\bwarn\b/);
  assert.match(warnings[0], /self-insecure/);
  // The other actions on the same servers are untouched by it.
  await expectTls(rig, "self-default", /SELF_SIGNED/);
});

t("a private CA that signed the server's certificate: ok by name, by IPv4 and by IPv6 address", async ({ rig }) => {
  for (const id of ["ca-by-name", "ca-by-ip", "ca-ipv6"]) {
    const { r } = await press(rig, id);
    assert.equal([r.state, r.code], ["ok", 200], id);
  }
});

t("the same server without the CA: tls (the issuer is unknown)", async ({ rig }) => {
  await expectTls(rig, "ca-missing", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/);
});

t("a certificate for another host name, even from the trusted CA: tls", async ({ rig }) => {
  await expectTls(rig, "wrong-host", /ERR_TLS_CERT_ALTNAME_INVALID/);
});

t("an expired certificate from the trusted CA: tls", async ({ rig }) => {
  await expectTls(rig, "expired", /CERT_HAS_EXPIRED/);
});

t("a ca file that does not exist: tls, naming the file", async ({ rig, pki }) => {
  await expectTls(rig, "ca-file-gone", /cannot read CA file .*\.gone: ENOENT/);
  assert.ok(pki.ca.certPath.length > 0);
});

t.run();
