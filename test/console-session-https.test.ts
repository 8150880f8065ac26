// The console's session over HTTPS (the relay's own certificate): the cookie is marked Secure, so
// the browser never sends it in clear, and a write signed in by it needs the https:// Origin.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Agent, fetch } from "undici";
import { firstStartToken } from "./support/api-client";
import { makePki } from "./support/certs";
import { startRig } from "./support/relay-rig";

test("over HTTPS: a Secure cookie; the http:// Origin of the same host and port is another origin", async () => {
  const pki = makePki();
  const agent = new Agent({ connect: { ca: pki.ca.cert } });
  const rig = await startRig("embedded", () => ({ bttns: {} }), {}, { tls: { cert: pki.leaf.certPath, key: pki.leaf.certPath.replace(/\.pem$/, ".key") }, mqttsPort: 0 });
  try {
    const base = "https://localhost:" + rig.relay.httpPort;
    const admin = firstStartToken(rig.logs);
    const signIn = await fetch(base + "/api/v1/session", { method: "POST", dispatcher: agent, headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ token: admin }) });
    assert.is(signIn.status, 204);
    const set = signIn.headers.get("set-cookie")!;
    for (const attr of ["Secure", "HttpOnly", "SameSite=Strict"]) assert.ok(set.includes(attr), attr + " in " + set);
    const cookie = set.split(";")[0];
    const make = (origin: string) =>
      fetch(base + "/api/v1/bins", { method: "POST", dispatcher: agent, headers: { "content-type": "application/json", cookie, origin }, body: "{}" }).then((r) => r.status);
    assert.is(await make("http://localhost:" + rig.relay.httpPort), 403);
    assert.is(await make(base), 201);
  } finally {
    await rig.close();
    await agent.close();
    pki.remove();
  }
});

test.run();
