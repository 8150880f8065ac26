// Async callbacks in a group: the server may call back any relay (a load balancer in front of
// them, or the relay that fired the press gone), and each press still ends once. The callback URL
// names the relay that fired the press; these tests send it to the other one as well.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Relay } from "../relay/src/relay";
import { ORPHAN_GRACE_MS, SWEEP_MS } from "../relay/src/callbacks/manager";
import { Rig, startRig } from "./support/relay-rig";
import type { TestDevice } from "./support/device";
import { sleep, waitFor } from "./support/temp";

const TIMEOUT_MS = 2000;
const t = suite<{ rig: Rig }>("async callbacks across a group");

t.before(async (ctx) => {
  ctx.rig = await startRig("group", (sink) => ({
    bttns: {
      desk: {
        secret: "desk-secret-1",
        actions: { pressed: { http: { method: "POST", url: sink.url("/async"), format: "json", args: { cb: "<CALLBACKURL>" }, async: true, callbackTimeout: TIMEOUT_MS } } },
      },
    },
  }));
});
t.after(async (ctx) => ctx.rig?.close());

const json = (result: string): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ result }) });
const call = async (url: string, init: RequestInit) => (await fetch(url, init)).status;

/** A press waiting for its callback: the URL as the relay that fired it gave it, and the same on the other relay. */
async function waitingPress(rig: Rig): Promise<{ d: TestDevice; seq: number; owner: Relay; other: Relay; ownerUrl: string; otherUrl: string }> {
  const d = await rig.device("desk");
  const before = rig.sink.received.length;
  const seq = await d.press("pressed");
  await waitFor(() => rig.sink.received.length > before, 3000, "the first request");
  const ownerUrl = JSON.parse(rig.sink.received[before].body).cb as string;
  const port = Number(/:(\d+)\/callback\//.exec(ownerUrl)![1]);
  const owner = rig.relays.find((r) => r.httpPort === port)!;
  const other = rig.relays.find((r) => r !== owner)!;
  await d.result(seq, ["pending"]);
  return { d, seq, owner, other, ownerUrl, otherUrl: ownerUrl.replace(":" + port + "/", ":" + other.httpPort + "/") };
}

const ends = (d: TestDevice, seq: number) => d.results.filter((r) => r.seq === seq && (r.state === "ok" || r.state === "fail"));

t("a verdict sent to the other relay ends the press, once; the token is then dead on both", async ({ rig }) => {
  const p = await waitingPress(rig);
  assert.is(await call(p.otherUrl, json("Positive")), 200);
  assert.is((await p.d.result(p.seq)).state, "ok");
  await sleep(TIMEOUT_MS + 500); // past the deadline the firing relay still had a timer for
  assert.is(ends(p.d, p.seq).length, 1, "one end");
  assert.is(await call(p.ownerUrl, json("Positive")), 404);
  assert.is(await call(p.otherUrl, json("Negative")), 404);
});

t("Wait through the other relay moves the deadline for the firing relay too", async ({ rig }) => {
  const p = await waitingPress(rig);
  await sleep(TIMEOUT_MS / 2);
  assert.is(await call(p.otherUrl, json("Wait")), 200);
  await waitFor(() => p.d.results.filter((r) => r.seq === p.seq && r.state === "pending").length >= 2, 2000, "a second pending, from the other relay");
  await sleep(TIMEOUT_MS / 2 + 500); // past the first deadline
  assert.is(ends(p.d, p.seq).length, 0, "the deadline moved");
  assert.is(await call(p.ownerUrl, json("Negative")), 200);
  const r = await p.d.result(p.seq);
  assert.equal([r.state, r.reason], ["fail", "negative"]);
  await sleep(300);
  assert.is(ends(p.d, p.seq).length, 1);
});

t("no verdict: the deadline fires once across the group", async ({ rig }) => {
  const p = await waitingPress(rig);
  const r = await p.d.result(p.seq, ["ok", "fail"], TIMEOUT_MS + 2000);
  assert.equal([r.state, r.reason], ["fail", "callback-timeout"]);
  await sleep(ORPHAN_GRACE_MS + SWEEP_MS + 500); // the other relay's sweep comes by too
  assert.is(ends(p.d, p.seq).length, 1);
});

t("the firing relay gone: the other ends its press at the deadline, once", async ({ rig }) => {
  const p = await waitingPress(rig);
  await p.owner.close();
  const r = await p.d.result(p.seq, ["ok", "fail"], TIMEOUT_MS + ORPHAN_GRACE_MS + SWEEP_MS + 2000);
  assert.equal([r.state, r.reason], ["fail", "callback-timeout"]);
  await sleep(SWEEP_MS + 500);
  assert.is(ends(p.d, p.seq).length, 1);
  assert.is(await call(p.otherUrl, json("Positive")), 404);
});

t.run();
