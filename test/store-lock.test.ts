// The relay while another process holds its database's write lock: it keeps running, a press is
// answered `fail internal` at once and not fired, /healthz says the store is degraded, and once the
// lock goes everything works again; a redelivery of the refused press is not fired late.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { encodeStatus, topicFor } from "@bttn/shared";
import { startRig } from "./support/relay-rig";
import { holdWriteLock } from "./support/sqlite-lock";
import { waitFor, sleep } from "./support/temp";

const SECRET = "kitchen-secret-1";

interface Health {
  ok: boolean;
  store: { ok: boolean; problem?: string; degradedSince?: string; pendingWrites: number };
}

test("a held write lock: presses fail internal and are not fired, /healthz is 503, all is well after", async () => {
  let thrown: unknown;
  const onUncaught = (e: unknown) => (thrown = e);
  process.on("uncaughtException", onUncaught);
  const rig = await startRig("embedded", (sink) => ({
    bttns: { kitchen: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/press"), args: { n: "<COUNTER>" } } } } } },
  }));
  const health = async (): Promise<[number, Health]> => {
    const r = await fetch(`http://127.0.0.1:${rig.relay.httpPort}/healthz`);
    return [r.status, (await r.json()) as Health];
  };
  let holder: Awaited<ReturnType<typeof holdWriteLock>> | undefined;
  try {
    const d = await rig.device("kitchen");
    assert.is((await d.result(await d.press())).state, "ok");
    assert.is(rig.sink.received.length, 1);
    assert.equal((await health())[0], 200);

    holder = await holdWriteLock(join(rig.dataDir, "bttn.db"));
    // A background write (the device's status) and a press, both while the lock is held.
    await d.raw(topicFor("bttn", "kitchen", "status"), encodeStatus({ v: 1, online: true, fw: "0.1.0" }));
    const t0 = Date.now();
    const refused = await d.press();
    const r = await d.result(refused, ["ok", "fail"], 3000);
    assert.equal([r.state, r.reason], ["fail", "internal"]);
    assert.ok(Date.now() - t0 < 3000);
    const [code, h] = await health();
    assert.is(code, 503);
    assert.is(h.ok, false);
    assert.is(h.store.ok, false);
    assert.match(h.store.problem ?? "", /SQLITE_BUSY/);
    assert.ok(h.store.degradedSince);
    assert.ok(rig.logs.some((l) => /the database refused a write/.test(l)), "the log says why");
    await sleep(1000);
    assert.is(rig.sink.received.length, 1, "the refused press was not fired");
    assert.is(thrown, undefined, "the relay did not throw");

    await holder.release();
    for (let i = 0; i < 50 && (await health())[0] !== 200; i++) await sleep(100);
    assert.is((await health())[0], 200, "healthy again");
    // The device sends the refused press again (it did not see its answer, say): same answer, not fired.
    await d.press("pressed", { seq: refused });
    await waitFor(() => d.results.filter((x) => x.seq === refused).length >= 2, 3000, "the second answer");
    assert.equal(
      d.results.filter((x) => x.seq === refused).map((x) => [x.state, x.reason]),
      [
        ["fail", "internal"],
        ["fail", "internal"],
      ],
    );
    // A new press works and is counted after the refused one, which is on record.
    const next = await d.press();
    assert.is((await d.result(next)).state, "ok");
    assert.is(rig.sink.received.length, 2);
    assert.is(rig.sink.received[1].url, "/press?n=3");
    const feed = await rig.relay.events.feed("kitchen", {});
    const rec = feed.find((e) => e.seq === refused)!;
    assert.equal([rec.state, rec.reason], ["fail", "internal"]);
    assert.is(thrown, undefined);
  } finally {
    process.off("uncaughtException", onUncaught);
    await holder?.release();
    await rig.close();
  }
});

test.run();
